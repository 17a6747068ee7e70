"""HFrEF drugs are titrated toward their target doses at visits 15-21 days apart after the diagnosis (2022 AHA/ACC/HFSA
guideline table 14), not only at yearly renewals (s17rx chart review: carvedilol reached 25 mg in the third year)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.engine.harness import simulate

MODULE = Path(__file__).resolve().parents[2] / "modules" / "heart_failure.json"
DAY = 86400.0


def _hfref_at_once(tmp_path: Path, stop_share: float) -> Path:
    """The module with heart failure with reduced EF beginning at 60, and titration stopping at ``stop_share``."""
    module = json.loads(MODULE.read_text())
    states = module["states"]
    states["HF_Onset_Guard"]["allow"]["quantity"] = 60
    states["HF_Onset_Guard"]["direct_transition"] = "HF_Begins"
    states["HF_Phenotype"] = {"type": "Simple", "direct_transition": "Reduced_EF"}
    states["Presentation"] = {"type": "Simple", "direct_transition": "Presentation_Office"}
    stop = states["Titration_Next"]["complex_transition"][1]["distributions"]
    stop[0]["distribution"], stop[1]["distribution"] = stop_share, 1.0 - stop_share
    (tmp_path / "heart_failure.json").write_text(json.dumps(module))
    return tmp_path


def _doses(record: dict, ingredient: str) -> list[tuple[float, str]]:
    return [
        (m["start"], m["codes"][0]["display"])
        for m in record["medications"]
        if ingredient in m["codes"][0]["display"].lower() and not m.get("administered")
    ]


def test_carvedilol_and_sacubitril_valsartan_reach_their_target_doses_within_weeks(tmp_path: Path) -> None:
    folder = _hfref_at_once(tmp_path, 0.0)
    _sim, record = simulate("heart_failure", born=dt.date(1950, 1, 1), end=dt.date(2011, 1, 1), folder=folder)
    carvedilol = _doses(record, "carvedilol")
    onset = carvedilol[0][0]
    assert [d for _, d in carvedilol[:4]] == [
        "carvedilol 3.125 MG Oral Tablet",
        "carvedilol 6.25 MG Oral Tablet",
        "carvedilol 12.5 MG Oral Tablet",
        "carvedilol 25 MG Oral Tablet",
    ]
    assert carvedilol[3][0] - onset < 70 * DAY  # three visits 15-21 days apart
    visits = [e for e in record["encounters"] if e["codes"][0]["code"] == "390906007" and e["start"] < onset + 70 * DAY]
    assert len(visits) == 3
    # before 2015 the ARNI is the ACE inhibitor of its era, titrated at the same visits
    ras = [d for t, d in _doses(record, "enalapril") if t < onset + 70 * DAY]
    assert len(set(ras)) >= 2, ras


def test_the_titration_visits_stop_for_about_half_after_each_of_the_first_two() -> None:
    states = json.loads(MODULE.read_text())["states"]
    limit, share = states["Titration_Next"]["complex_transition"]
    assert limit["condition"]["value"] == 3 and limit["transition"] == "Titration_Done"
    stop = {d["transition"]: d["distribution"] for d in share["distributions"]}["Titration_Done"]
    assert abs((1 - stop) ** 2 - 0.275) < 0.01  # CHAMP-HF: 27.5 % on a target-dose beta-blocker


def test_sacubitril_valsartan_reaches_its_target_dose_at_the_first_titration_visit(tmp_path: Path) -> None:
    folder = _hfref_at_once(tmp_path, 1.0)  # one titration visit only
    _sim, record = simulate("heart_failure", born=dt.date(1960, 1, 1), end=dt.date(2020, 12, 1), folder=folder)
    arni = _doses(record, "sacubitril")
    assert "49 MG" in arni[0][1] and "97 MG" in arni[1][1] and arni[1][0] - arni[0][0] < 22 * DAY
