"""Our coronary heart disease module's acute MI care (s19dm): an invasive strategy for nearly every NSTEMI under 75
since 2002 (audit rule care.nstemi_angiography), the cardiac marker measured again 3-6 hours after the first
(care.mi_serial_marker), and the ejection fraction measured before discharge (care.mi_lvef_assessed)."""

from __future__ import annotations

import json
from pathlib import Path

MODULE = Path(__file__).resolve().parents[2] / "modules" / "coronary_heart_disease.json"
STATES = json.loads(MODULE.read_text())["states"]


def _targets(state: dict) -> list[str]:
    out = [state["direct_transition"]] if "direct_transition" in state else []
    for key in ("conditional_transition", "complex_transition", "distributed_transition"):
        for branch in state.get(key, ()):
            out += [branch["transition"]] if "transition" in branch else []
            out += [d["transition"] for d in branch.get("distributions", ())]
    return out


def test_nstemi_under_75_since_2002_goes_to_angiography_nine_times_in_ten() -> None:
    branches = STATES["Invasive_Strategy"]["complex_transition"]
    young = branches[1]
    parts = young["condition"]["conditions"]
    assert {"condition_type": "Age", "operator": "<", "quantity": 75, "unit": "years"} in parts
    assert any(p["condition_type"] == "Date" and p["date"]["year"] == 2002 for p in parts)
    share = {d["transition"]: d["distribution"] for d in young["distributions"]}
    assert share["Acute_Angiography"] >= 0.9


def test_every_survivor_has_a_second_cardiac_marker_3_to_6_hours_later() -> None:
    after = [t for t in _targets(STATES["Inpatient_Course"]) if t != "In_Hospital_Death"]
    assert after and set(after) == {"Marker_Recheck_Wait"}
    wait = STATES["Marker_Recheck_Wait"]
    assert (
        wait["type"] == "Delay"
        and wait["unit"] == "hours"
        and wait["distribution"]["parameters"]
        == {
            "low": 3,
            "high": 6,
        }
    )
    seen, todo, markers = set(), [wait["direct_transition"]], set()
    while todo:  # every path from the wait reaches the hospital stay through one marker observation
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        state = STATES[name]
        if state["type"] == "Observation":
            markers.add(state["codes"][0]["code"])
            assert state["direct_transition"] == "MI_Echo"
            continue
        assert state["type"] == "Simple", name
        todo += _targets(state)
    assert markers == {"89579-7", "10839-9", "13969-1"}  # hs-troponin, troponin, CK-MB by era


def test_every_survivor_has_an_echocardiogram_with_its_ejection_fraction_before_discharge() -> None:
    echo, lvef = STATES["MI_Echo"], STATES["MI_LVEF"]
    assert echo["type"] == "Procedure" and echo["codes"][0]["code"] == "40701008"
    assert echo["direct_transition"] == "MI_LVEF" and lvef["codes"][0]["code"] == "10230-1"
    assert lvef["vital_sign"] == "Left ventricular Ejection fraction"  # the physiology's value
    assert (
        lvef["direct_transition"] == "Hospital_Stay"
        and STATES["Hospital_Stay"]["direct_transition"] == "Discharge_DAPT"
    )
