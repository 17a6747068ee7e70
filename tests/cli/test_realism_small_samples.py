"""`report realism` says when life expectancy cannot be estimated, and warns when few deaths lie behind it."""

from __future__ import annotations

import json
from pathlib import Path

from ehrsim.cli.main import main
from tests.runs.conftest import generate_args, write_module


def _realism(out: Path, capsys) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["report", "realism", str(out)]) == 0
    printed = capsys.readouterr()
    return printed.out, printed.err


def test_no_deaths_means_no_estimate_not_a_zero_width_interval(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    no_deaths = ("--years-of-history", "0", "--natural-deaths", "off")  # a tiny library: nobody dies
    assert main(generate_args(out, write_module(tmp_path / "m"), *no_deaths, population=10)) == 0
    text, _ = _realism(out, capsys)
    assert "life expectancy at birth M: cannot be estimated" in text
    assert "life expectancy at birth F: cannot be estimated" in text
    md = (out / "report" / "realism.md").read_text()
    assert "cannot be estimated (no deaths observed)" in md and "95 % CI" not in md.split("## Conditions")[0]


def test_few_deaths_give_a_small_sample_warning(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    mods = tmp_path / "m"
    mods.mkdir()
    states = {
        "Initial": {"type": "Initial", "direct_transition": "Wait"},
        "Wait": {"type": "Delay", "range": {"low": 45, "high": 55, "unit": "years"}, "direct_transition": "Death"},
        "Death": {"type": "Death", "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    }
    (mods / "dies_at_45_to_55.json").write_text(json.dumps({"name": "dies_at_45_to_55", "states": states}))
    out = tmp_path / "out"
    args = generate_args(out, mods, "--years-of-history", "0", "--age", "60-80", "--gender", "F", population=8)
    assert main(args) == 0
    text, err = _realism(out, capsys)
    assert "life expectancy at birth F: 5" in text or "life expectancy at birth F: 4" in text
    assert "warning: only 8 deaths behind it (fewer than 20)" in err
