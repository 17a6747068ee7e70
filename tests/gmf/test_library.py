"""Loading modules: strict errors list every problem at once; lenient loads what Synthea tolerates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ehrsim.errors import ModuleError
from ehrsim.gmf.graph import lint, to_dot
from ehrsim.gmf.library import load_library
from ehrsim.paths import modules_dir
from tests.conftest import SHARED, needs_shared


def _write(folder: Path, name: str, states: dict) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"name": name, "states": states}))
    return path


def test_strict_lists_every_problem_with_file_and_state(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "broken",
        {
            "Initial": {"type": "Initial", "direct_transition": "Nowhere"},
            "Typo": {"type": "Delay", "exact": {"quantity": 1, "unit": "days"}, "direct_transitoin": "Initial"},
            "Odd": {"type": "Simple", "distributed_transition": [{"transition": "Initial", "distribution": 0.5}]},
            "Bad_Dist": {
                "type": "Delay",
                "distribution": {"kind": "GAUSSIAN", "parameters": {"mean": 1}},
                "unit": "days",
                "direct_transition": "Initial",
            },
            "Call": {"type": "CallSubmodule", "submodule": "no/such", "direct_transition": "Initial"},
            "Mystery": {"type": "Teleport", "direct_transition": "Initial"},
        },
    )
    with pytest.raises(ModuleError) as err:
        load_library([tmp_path])
    text = "\n".join(err.value.problems)
    assert "broken.json: Typo: unknown key 'direct_transitoin'" in text
    assert "broken.json: Initial: transition to unknown state 'Nowhere' (direct_transition)" in text
    assert "broken.json: Odd: distributed_transition weights sum to 0.5, not 1" in text
    assert "Bad_Dist" in text and "standardDeviation" in text
    assert "broken.json: Call: submodule: unknown submodule 'no/such'" in text
    assert "broken.json: Mystery: unknown state type 'Teleport'" in text
    assert len(err.value.problems) >= 6


def test_lenient_turns_tolerable_problems_into_warnings(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "tolerable",
        {
            "Initial": {"type": "Initial", "direct_transition": "Odd", "number_of_observations": 0},
            "Odd": {"type": "Simple", "distributed_transition": [{"transition": "Terminal", "distribution": 0.5}]},
            "Terminal": {"type": "Terminal"},
        },
    )
    with pytest.raises(ModuleError):
        load_library([tmp_path])
    library = load_library([tmp_path], lenient=True)
    assert len(library.warnings) == 2 and "tolerable" in library.modules


def test_later_folders_override_by_module_path(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    _write(a, "m", {"Initial": {"type": "Initial", "direct_transition": "Terminal"}, "Terminal": {"type": "Terminal"}})
    _write(
        b,
        "m",
        {
            "Initial": {"type": "Initial", "direct_transition": "X"},
            "X": {"type": "Simple", "direct_transition": "Terminal"},
            "Terminal": {"type": "Terminal"},
        },
    )
    library = load_library([a, b])
    assert set(library.modules["m"].states) == {"Initial", "X", "Terminal"}


def test_lint_finds_instant_loops_and_unreachable_states(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "loopy",
        {
            "Initial": {"type": "Initial", "direct_transition": "A"},
            "A": {"type": "Simple", "direct_transition": "B"},
            "B": {"type": "Simple", "direct_transition": "A"},
            "Orphan": {"type": "Simple", "direct_transition": "Terminal"},
            "Terminal": {"type": "Terminal"},
        },
    )
    module = load_library([tmp_path]).modules["loopy"]
    messages = [str(f) for f in lint(module)]
    assert any("loop with no way out" in m for m in messages)
    assert any("Orphan: unreachable" in m for m in messages)
    assert '"A" -> "B"' in to_dot(module)


def test_bundled_library_loads_strictly_and_lints_clean() -> None:
    assert any(modules_dir().glob("*.json")), f"the bundled module library {modules_dir()} is missing or empty"
    library = load_library([modules_dir()])
    problems = [str(f) for m in library.modules.values() for f in lint(m) if f.severity == "error"]
    assert problems == []


@needs_shared
def test_every_synthea_module_loads_leniently() -> None:
    library = load_library([SHARED / "synthea" / "modules"], lenient=True)
    files = list((SHARED / "synthea" / "modules").rglob("*.json"))
    files = [
        f
        for f in files
        if f.relative_to(SHARED / "synthea" / "modules").parts[0] not in ("lookup_tables", "physiology")
        or len(f.relative_to(SHARED / "synthea" / "modules").parts) == 1
    ]
    assert len(library.modules) == len(files) >= 240
    assert len(library.top_level()) >= 80
    assert library.lookup_tables  # lookup-table transitions resolved
    errors = [str(f) for m in library.modules.values() for f in lint(m) if f.severity == "error"]
    assert errors == []
