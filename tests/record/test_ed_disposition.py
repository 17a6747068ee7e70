"""An emergency visit a module ended without a disposition is a treat-and-release visit (discharged home) unless an
admission follows or the patient died there (record/build.py)."""

from __future__ import annotations

from ehrsim.record.build import _ed_dispositions

HOUR = 3600


def _enc(cls: str, start: int, hours: float, discharge: dict | None = None, module: str = "m") -> dict:
    return {"class": cls, "start": start, "stop": start + int(hours * HOUR), "discharge": discharge, "module": module}


def test_a_released_ed_visit_is_discharged_home_and_an_admitted_one_is_left_to_its_stay() -> None:
    released = _enc("emergency", 0, 2.5)
    admitted = _enc("emergency", 100 * HOUR, 3)
    stay = _enc("inpatient", admitted["stop"], 72)
    own = _enc("emergency", 300 * HOUR, 1, discharge={"system": "NUBC", "code": "50", "display": "x"})
    office = _enc("ambulatory", 400 * HOUR, 0.25)
    _ed_dispositions([released, admitted, stay, own, office], None)
    assert released["discharge"] == {
        "system": "NUBC",
        "code": "01",
        "display": "Discharged to home or self care (routine discharge)",
    }
    assert admitted["discharge"] is None and office["discharge"] is None
    assert own["discharge"]["code"] == "50"  # a module's own disposition is kept


def test_the_visit_the_patient_died_in_and_the_death_certification_keep_none() -> None:
    fatal = _enc("emergency", 0, 2)
    pronounced = _enc("emergency", 2 * HOUR, 0, module="death")
    _ed_dispositions([fatal, pronounced], death_time=2 * HOUR)
    assert fatal["discharge"] is None and pronounced["discharge"] is None


def test_a_routine_discharge_written_before_an_admission_is_dropped() -> None:
    """s19review: the sepsis, appendicitis and pneumonia modules end the ED visit "discharged home" and admit the
    patient minutes later; the stay carries the disposition, the ED visit none."""
    home = {"system": "NUBC", "code": "01", "display": "Discharged to home or self care (routine discharge)"}
    admitted = _enc("emergency", 0, 2, discharge=dict(home))
    icu = _enc("inpatient", admitted["stop"] + 600, 96, discharge=dict(home))
    transferred = _enc("emergency", 200 * HOUR, 2, discharge={"system": "NUBC", "code": "50", "display": "x"})
    ward = _enc("inpatient", transferred["stop"], 48)
    released = _enc("emergency", 400 * HOUR, 2, discharge=dict(home))  # no admission follows: kept
    _ed_dispositions([admitted, icu, transferred, ward, released], None)
    assert admitted["discharge"] is None
    assert icu["discharge"] == home  # the stay's own disposition is untouched
    assert transferred["discharge"]["code"] == "50"
    assert released["discharge"] == home
