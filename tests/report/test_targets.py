from __future__ import annotations

import math
from pathlib import Path

import pytest

from ehrsim.errors import ConfigError
from ehrsim.report.targets import load_targets, parse_rows

HEADER = "condition,code,measure,sex,age_low,age_high,target,tolerance,unit,source\n"


def row(**over: str) -> dict[str, str]:
    base = {
        "condition": "Hypertension",
        "code": "59621000",
        "measure": "prevalence_ever",
        "sex": "all",
        "age_low": "18",
        "age_high": "44",
        "target": "22.4",
        "tolerance": "0.25",
        "unit": "percent",
        "source": "test",
    }
    return {**base, **over}


def test_parse_a_good_row() -> None:
    (t,), problems = parse_rows([row(code="59621000|38341003", age_high="")], "x.csv")
    assert problems == []
    assert t.codes == ("59621000", "38341003") and math.isinf(t.age_high) and t.band == "18+"
    assert t.allowed == pytest.approx((22.15, 22.65)) and t.scale == 100


def test_tolerance_is_absolute_unless_marked_relative() -> None:
    (t,), _ = parse_rows([row(target="10", tolerance="4", unit="percent")], "x.csv")
    assert t.absolute_tolerance and t.allowed == pytest.approx((6, 14))
    (t,), _ = parse_rows([row(target="10", tolerance="25%", unit="percent")], "x.csv")
    assert not t.absolute_tolerance and t.allowed == pytest.approx((7.5, 12.5))
    (t,), _ = parse_rows([row(target="0.1", tolerance="0.5", unit="fraction_relative")], "x.csv")
    assert t.allowed == pytest.approx((0.05, 0.15)) and t.scale == 1


def test_the_bundled_targets_parse() -> None:
    from ehrsim.paths import terminology_dir

    assert (terminology_dir() / "targets").is_dir(), "terminology/targets is missing"
    targets = load_targets()
    assert targets and all(t.source for t in targets)


def test_incidence_unit_defaults() -> None:
    (t,), _ = parse_rows([row(measure="incidence_per_1000py", unit="")], "x.csv")
    assert t.unit == "per_1000py" and t.scale == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("measure", "prevalence", "measure"),
        ("sex", "X", "sex"),
        ("target", "high", "not a number"),
        ("age_high", "10", "empty"),
        ("code", "", "no code"),
    ],
)
def test_bad_rows_are_reported_with_their_line(field: str, value: str, message: str) -> None:
    targets, problems = parse_rows([row(), row(**{field: value})], "area.csv")
    assert len(targets) == 1 and len(problems) == 1
    assert problems[0].startswith("area.csv:3:") and message in problems[0]


def test_load_targets_fails_on_any_bad_row(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(HEADER + "Hypertension,59621000,prevalence_ever,all,18,44,22,0.25,percent,x\n")
    assert len(load_targets(tmp_path)) == 1
    (tmp_path / "b.csv").write_text(HEADER + "Bad,1,nonsense,all,18,44,22,0.25,percent,x\n")
    with pytest.raises(ConfigError, match=r"b\.csv:2"):
        load_targets(tmp_path)


def test_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_targets(tmp_path / "none")
