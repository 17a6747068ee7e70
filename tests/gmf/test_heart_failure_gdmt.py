"""HFrEF's fourth pillar and the ejection fraction on therapy (s18hf): an SGLT2 inhibitor (dapagliflozin, FDA-approved
for HFrEF on 5 May 2020; 2022 AHA/ACC/HFSA guideline 7.3.4) at the diagnosis or, for patients diagnosed before, at
the next review; a repeat echocardiogram 4 months after titration ends, whose EF has improved to above 40 % in a
quarter of patients (HFimpEF: Zhang 2021, 24.5 %)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.engine.harness import simulate

MODULE = Path(__file__).resolve().parents[2] / "modules" / "heart_failure.json"
DAY = 86400.0
DAPAGLIFLOZIN = "1488569"
APPROVAL = dt.datetime(2020, 5, 5, tzinfo=dt.UTC).timestamp()


def _hfref_at(tmp_path: Path, age: int, improved_share: float | None = None) -> Path:
    """The module with heart failure with reduced EF beginning at ``age``, presenting at the office."""
    module = json.loads(MODULE.read_text())
    states = module["states"]
    states["HF_Onset_Guard"]["allow"]["quantity"] = age
    states["HF_Onset_Guard"]["direct_transition"] = "HF_Begins"
    states["HF_Phenotype"] = {"type": "Simple", "direct_transition": "Reduced_EF"}
    states["Presentation"] = {"type": "Simple", "direct_transition": "Presentation_Office"}
    states["Monthly_Course"] = {"type": "Simple", "direct_transition": "Count_Month"}  # no death, no admission
    if improved_share is not None:
        split = states["EF_Response"]["distributed_transition"]
        split[0]["distribution"], split[1]["distribution"] = improved_share, 1.0 - improved_share
    (tmp_path / "heart_failure.json").write_text(json.dumps(module))
    return tmp_path


def _dapagliflozin(record: dict) -> list[dict]:
    return [m for m in record["medications"] if m["codes"][0]["code"] == DAPAGLIFLOZIN]


def _ef(record: dict) -> list[tuple[float, float]]:
    return sorted((o["time"], o["value"]) for o in record["observations"] if o["codes"][0]["code"] == "10230-1")


def test_hfref_diagnosed_since_may_2020_starts_dapagliflozin_with_the_other_pillars(tmp_path: Path) -> None:
    folder = _hfref_at(tmp_path, 66)
    _sim, record = simulate("heart_failure", born=dt.date(1955, 1, 1), end=dt.date(2022, 6, 1), folder=folder)
    dapa = _dapagliflozin(record)
    assert dapa, "no SGLT2 inhibitor in HFrEF diagnosed in 2021"
    first = dapa[0]
    assert first["codes"][0]["display"] == "dapagliflozin 10 MG Oral Tablet"
    carvedilol = min(m["start"] for m in record["medications"] if "carvedilol" in m["codes"][0]["display"])
    assert abs(first["start"] - carvedilol) < DAY  # ordered at the diagnosis, with the beta-blocker
    assert [r["display"] for r in first["reason"]] == ["Chronic congestive heart failure (disorder)"]


def test_hfref_diagnosed_before_may_2020_starts_it_at_a_review_after_the_approval(tmp_path: Path) -> None:
    folder = _hfref_at(tmp_path, 62)
    _sim, record = simulate("heart_failure", born=dt.date(1955, 1, 1), end=dt.date(2021, 6, 1), folder=folder)
    dapa = _dapagliflozin(record)
    assert dapa, "no SGLT2 inhibitor at the reviews after May 2020"
    assert min(m["start"] for m in dapa) >= APPROVAL
    assert min(m["start"] for m in dapa) < APPROVAL + 200 * DAY  # the next six-monthly review


def test_no_sglt2_inhibitor_before_its_approval_for_heart_failure(tmp_path: Path) -> None:
    folder = _hfref_at(tmp_path, 55)
    _sim, record = simulate("heart_failure", born=dt.date(1950, 1, 1), end=dt.date(2020, 1, 1), folder=folder)
    assert not _dapagliflozin(record)


def test_the_sglt2_inhibitor_is_not_started_at_egfr_below_25_nor_in_type_1_diabetes() -> None:
    states = json.loads(MODULE.read_text())["states"]
    for name, start in (("HFrEF_SGLT2", "Start_Dapagliflozin"), ("Review_SGLT2", "Review_Start_Dapagliflozin")):
        branches = states[name]["conditional_transition"]
        assert branches[-1] == {"transition": start}
        skips = [b["condition"] for b in branches[:-1]]
        assert {k: v for k, v in skips[4].items() if k != "codes"} == {
            "condition_type": "Observation",
            "operator": "<",
            "value": 25,
        }
        assert {c["code"] for c in skips[4]["codes"]} == {"98979-8", "62238-1"}
        assert skips[3] == {
            "condition_type": "Active Condition",
            "codes": [{"system": "SNOMED-CT", "code": "46635009", "display": "Diabetes mellitus type 1 (disorder)"}],
        }


def _follow_up(record: dict) -> tuple[list[float], list[tuple[float, float]]]:
    echoes = sorted(p["start"] for p in record["procedures"] if p["codes"][0]["code"] == "40701008")
    return echoes, _ef(record)


def test_a_repeat_echo_follows_titration_by_3_to_6_months_and_the_ef_improves_when_drawn(tmp_path: Path) -> None:
    folder = _hfref_at(tmp_path, 60, improved_share=1.0)
    _sim, record = simulate("heart_failure", born=dt.date(1950, 1, 1), end=dt.date(2011, 6, 1), folder=folder)
    echoes, ef = _follow_up(record)
    titration = sorted(e["start"] for e in record["encounters"] if e["codes"][0]["code"] == "390906007")
    assert len(echoes) >= 2
    last_titration = max(t for t in titration if t < echoes[1])
    assert echoes[1] - echoes[0] >= 90 * DAY and 80 * DAY <= echoes[1] - last_titration <= 190 * DAY
    assert ef[0][1] <= 40 < ef[1][1] and ef[1][1] - ef[0][1] >= 10  # heart failure with improved EF (HFimpEF)


def test_without_improvement_the_repeat_ef_stays_reduced(tmp_path: Path) -> None:
    folder = _hfref_at(tmp_path, 60, improved_share=0.0)
    _sim, record = simulate("heart_failure", born=dt.date(1950, 1, 1), end=dt.date(2011, 6, 1), folder=folder)
    _echoes, ef = _follow_up(record)
    assert len(ef) >= 2 and all(v <= 40 for _, v in ef)
