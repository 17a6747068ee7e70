"""`ehrsim modules lint` on files and folders, with capped listings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ehrsim.cli import modules_cmd
from ehrsim.cli.main import main
from tests.conftest import SHARED, needs_shared

VALIDATION = Path(__file__).resolve().parents[1] / "fixtures" / "validation"


def test_lint_a_file_reports_its_reference_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modules", "lint", str(VALIDATION / "reference_problems.json"), "--warnings"]) == 1
    out = capsys.readouterr().out
    assert "error: " in out and "target_encounter: no Encounter state named 'No_Such_State'" in out
    assert "warning: " in out and "unknown code system 'made-up'" in out
    assert "field_problems.json" not in out  # only the file asked about
    assert out.strip().endswith("2 errors, 2 warnings")


def test_lint_a_bundled_file_finds_its_library_root(capsys: pytest.CaptureFixture[str]) -> None:
    from ehrsim.paths import modules_dir

    assert main(["modules", "lint", str(modules_dir() / "asthma.json")]) == 0
    assert "1 modules, 0 errors" in capsys.readouterr().out


@needs_shared
def test_lint_a_synthea_submodule_file_with_root(capsys: pytest.CaptureFixture[str]) -> None:
    root = SHARED / "synthea" / "modules"
    file = root / "heart" / "cabg" / "operation.json"
    assert main(["modules", "lint", "--lenient", "--root", str(root), str(file)]) == 0
    assert "1 modules, 0 errors" in capsys.readouterr().out


def test_lint_a_file_outside_the_given_root_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(VALIDATION / "reference_problems.json", tmp_path / "m.json")
    (tmp_path / "other").mkdir()
    assert main(["modules", "lint", "--root", str(tmp_path / "other"), str(tmp_path / "m.json")]) == 1
    assert "not inside the module library" in capsys.readouterr().out


def test_lint_caps_long_listings(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setattr(modules_cmd, "MAX_LISTED", 5)
    states = {"Initial": {"type": "Initial", "direct_transition": "T"}, "T": {"type": "Terminal"}}
    states.update({f"Bad{i}": {"type": "Delay", "exact": {"quantity": "x", "unit": "days"}} for i in range(12)})
    (tmp_path / "many.json").write_text(json.dumps({"name": "many", "states": states}))
    assert main(["modules", "lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.count("error: ") == 5
    assert "... and 7 more errors (--all lists every one)" in out
    assert main(["modules", "lint", "--all", str(tmp_path)]) == 1
    assert capsys.readouterr().out.count("error: ") == 12


def test_lint_missing_path_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modules", "lint", "no/such/module.json"]) == 2
    assert "no such module file or folder" in capsys.readouterr().err


def test_lint_a_good_file_beside_a_broken_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = {"Initial": {"type": "Initial", "direct_transition": "T"}, "T": {"type": "Terminal"}}
    (tmp_path / "good.json").write_text(json.dumps({"name": "good", "states": good}))
    shutil.copy(VALIDATION / "field_problems.json", tmp_path / "bad.json")
    assert main(["modules", "lint", str(tmp_path / "good.json")]) == 0
    assert capsys.readouterr().out.strip() == "1 modules, 0 errors, 0 warnings (--warnings lists them)"
    assert main(["modules", "lint", str(tmp_path / "bad.json")]) == 1
    assert "modules not loaded, 11 errors" in capsys.readouterr().out
