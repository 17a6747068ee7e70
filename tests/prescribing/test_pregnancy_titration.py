"""Blood-pressure drugs are titrated at prenatal visits when a reading is at or above 140/90 (pregnancy.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine.simulation import Simulation
from ehrsim.prescribing import pregnancy
from tests.prescribing.helpers import at, code_of, order, patient

LISINOPRIL_10 = "314076"
LABETALOL = {"896758": 100, "896762": 200, "896766": 300}


def _vital(sim: Simulation, value: float) -> None:
    sim.pinned_vitals["Systolic Blood Pressure"] = value
    sim.invalidate_vitals()


def _reading(sim: Simulation, systolic: float, diastolic: float) -> dict[str, Any]:
    """A prenatal blood-pressure panel, as our pregnancy module writes it."""
    comps = [
        {"codes": [{"system": "LOINC", "code": "8480-6", "display": "Systolic blood pressure"}], "value": systolic},
        {"codes": [{"system": "LOINC", "code": "8462-4", "display": "Diastolic blood pressure"}], "value": diastolic},
    ]
    fields = {
        "time": sim.now,
        "category": "vital-signs",
        "codes": [{"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}],
        "value": None,
        "value_type": "none",
        "unit": "",
        "components": comps,
        "report": None,
    }
    return sim.write("observations", fields, None)


def _labetalol_mg(sim: Simulation) -> int:
    active = [m for m in sim.active["medications"].values() if code_of(m) in LABETALOL]
    assert len({id(m) for m in active}) == 1
    return LABETALOL[code_of(active[0])]


def _visits(sim: Simulation, systolic: float, diastolic: float, n: int, start: dt.date) -> None:
    for i in range(n):
        at(sim, start + dt.timedelta(weeks=2 * i))
        _reading(sim, systolic, diastolic)


def test_raised_readings_in_pregnancy_step_labetalol_up() -> None:
    sim = patient(dt.date(1990, 1, 1), pregnant=True)
    at(sim, dt.date(2020, 3, 1))
    _vital(sim, 156.0)
    assert code_of(order(sim, LISINOPRIL_10, chronic=True)) == "896758"  # labetalol 100 mg in place of lisinopril
    _visits(sim, 156, 98, 10, dt.date(2020, 3, 15))
    assert _labetalol_mg(sim) == 300  # stepped to the highest strength within 10 prenatal visits
    steps = [e for e in sim.rx.events if e["action"] == "renewal_changed" or e["rule"] == "dose_selection"]
    assert steps, "titration is written in the prescribing log"


def test_diastolic_alone_counts_and_the_threshold_is_inclusive() -> None:
    assert pregnancy.raised({"codes": [{"code": "8462-4"}], "value": 90})
    assert pregnancy.raised({"codes": [{"code": "8480-6"}], "value": 140.0})
    assert not pregnancy.raised({"codes": [{"code": "8480-6"}], "value": 139.0})
    assert not pregnancy.raised({"codes": [{"code": "85354-9"}], "value": None, "components": []})


def test_no_titration_when_controlled_or_not_pregnant() -> None:
    controlled = patient(dt.date(1990, 1, 1), pregnant=True)
    at(controlled, dt.date(2020, 3, 1))
    _vital(controlled, 132.0)
    order(controlled, LISINOPRIL_10, chronic=True)
    n = len(controlled.rec.lists["medications"])
    _visits(controlled, 132, 84, 10, dt.date(2020, 3, 15))
    assert _labetalol_mg(controlled) == 100 and len(controlled.rec.lists["medications"]) == n

    not_pregnant = patient(dt.date(1990, 1, 1))
    at(not_pregnant, dt.date(2020, 3, 1))
    _vital(not_pregnant, 156.0)
    entry = order(not_pregnant, LISINOPRIL_10, chronic=True)
    _visits(not_pregnant, 156, 98, 10, dt.date(2020, 3, 15))
    assert entry["stop"] is None and len(not_pregnant.rec.lists["medications"]) == 1  # reviewed at wellness renewals


def test_labetalol_lowers_blood_pressure_by_dose() -> None:
    from ehrsim.core import physio_drugs

    assert physio_drugs.drug_classes("labetalol hydrochloride 100 MG Oral Tablet") == ("beta_blocker",)
    twice = {"amount": 1, "frequency": 2, "period": 1, "unit": "days"}
    factors = [
        physio_drugs.bp_dose_factors(f"labetalol hydrochloride {mg} MG Oral Tablet", twice)["beta_blocker"]
        for mg in (100, 200, 300)
    ]
    assert factors[0] < factors[1] == 1.0 < factors[2]  # 200 mg twice daily is the standard dose


def test_methyldopa_in_pregnancy_before_labetalol() -> None:
    """Before labetalol (US 1984) the pregnancy antihypertensive for a drug avoided in pregnancy is methyldopa
    (NHBPEP 1990/2000; ACOG PB 203), not nothing; from 1984 labetalol stays first."""
    spironolactone = "313096"
    early = patient(dt.date(1950, 1, 1), pregnant=True)
    at(early, dt.date(1975, 3, 1))
    entry = order(early, spironolactone, chronic=True)
    assert code_of(entry) == "197956" and entry["dosage"]["frequency"] == 2  # methyldopa 250 mg twice a day
    late = patient(dt.date(1990, 1, 1), pregnant=True)
    at(late, dt.date(2020, 3, 1))
    assert code_of(order(late, spironolactone, chronic=True)) == "896758"


def test_nifedipine_is_added_when_labetalol_is_at_its_maximum() -> None:
    """ACOG PB 203 / CHAP: a raised reading in pregnancy on labetalol at its maximum adds nifedipine extended
    release (RxNorm 198034), once; not before the extended-release tablet existed (1989)."""
    nifedipine = "198034"
    for year, expected in ((2020, 1), (1987, 0)):
        sim = patient(dt.date(year - 30, 1, 1), pregnant=True)
        at(sim, dt.date(year, 3, 1))
        _vital(sim, 156.0)
        order(sim, "313096", chronic=True)  # spironolactone: labetalol in pregnancy (from 1984)
        _visits(sim, 156, 98, 14, dt.date(year, 3, 15))
        assert _labetalol_mg(sim) == 300
        added = [m for m in sim.rec.lists["medications"] if code_of(m) == nifedipine]
        assert len(added) == expected, year
        if expected:
            assert added[0]["prescribing"]["rule"] == "pregnancy_second_line" and not added[0]["chronic"]
            assert added[0]["stop"] is not None  # for the pregnancy and 6 weeks after, not renewed for life


def _started(sim: Simulation) -> list[dict[str, Any]]:
    return [
        m for m in sim.rec.lists["medications"] if (m.get("prescribing") or {}).get("rule") == "pregnancy_first_line"
    ]


def test_known_hypertension_untreated_in_pregnancy_starts_labetalol_at_140_90() -> None:
    """CHAP 2022 / ACOG 2022: chronic hypertension in pregnancy is treated at >= 140/90; below it, or with no
    hypertension diagnosed and a reading under the severe range, nothing is started."""
    from tests.prescribing.helpers import onset

    sim = patient(dt.date(1990, 1, 1), pregnant=True)
    at(sim, dt.date(2020, 3, 1))
    onset(sim, "conditions", "59621000", display="Essential hypertension (disorder)")
    _reading(sim, 138, 86)
    assert not _started(sim)
    at(sim, dt.date(2020, 3, 15))
    _reading(sim, 146, 88)
    (started,) = _started(sim)
    assert code_of(started) == "896758" and started["chronic"] and started["stop"] is None
    assert started["reason"][0]["code"] == "59621000" and started["dosage"]["frequency"] == 2
    at(sim, dt.date(2020, 3, 29))
    _reading(sim, 150, 92)
    assert len(_started(sim)) == 1  # then titrated, not started again

    no_diagnosis = patient(dt.date(1990, 1, 1), pregnant=True)
    at(no_diagnosis, dt.date(2020, 3, 1))
    _reading(no_diagnosis, 152, 94)
    assert not _started(no_diagnosis)


def test_severe_range_in_pregnancy_is_treated_whatever_the_diagnosis() -> None:
    """ACOG Committee Opinion 767: >= 160/110 in pregnancy is treated; the drug is for the pregnancy (it ends 6 weeks
    after term), methyldopa before labetalol existed (1984); not outside pregnancy."""
    sim = patient(dt.date(1990, 1, 1), pregnant=True)
    at(sim, dt.date(2020, 3, 1))
    _reading(sim, 150, 112)
    (started,) = _started(sim)
    assert code_of(started) == "896758" and not started["chronic"] and started["stop"] is not None
    early = patient(dt.date(1950, 1, 1), pregnant=True)
    at(early, dt.date(1975, 3, 1))
    _reading(early, 166, 96)
    assert [code_of(m) for m in _started(early)] == ["197956"]
    not_pregnant = patient(dt.date(1990, 1, 1))
    at(not_pregnant, dt.date(2020, 3, 1))
    _reading(not_pregnant, 170, 112)
    assert not _started(not_pregnant)


def test_a_severe_admission_reading_recorded_at_discharge_starts_treatment_from_admission() -> None:
    """The core writes a stay's admission vital signs when the module ends the stay (engine.stay_vitals): a delivery
    admitted at 160/100 was left untreated (s15preg, 3 of 12 severe readings on a 300-life run)."""
    from ehrsim.engine import stay_vitals

    sim = patient(dt.date(1990, 1, 1), pregnant=True)
    admitted = at(sim, dt.date(2020, 3, 1))
    enc = sim.desk.new_encounter(admitted, "inpatient", [{"system": "SNOMED-CT", "code": "32485007"}], [], "t", None)
    at(sim, dt.date(2020, 3, 2))  # discharge
    panel = {
        "codes": [{"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}],
        "value": None,
        "value_type": "none",
        "unit": "",
        "components": [
            {"codes": [{"system": "LOINC", "code": "8480-6"}], "value": 160.0, "value_type": "numeric"},
            {"codes": [{"system": "LOINC", "code": "8462-4"}], "value": 100.0, "value_type": "numeric"},
        ],
    }
    stay_vitals._write(sim, enc, panel, {})
    (started,) = _started(sim)
    assert started["start"] == admitted and code_of(started) == "896758"


def test_a_severe_reading_with_preeclampsia_is_treated_for_the_preeclampsia() -> None:
    """The drug a severe reading starts names the hypertensive disorder on the chart as its reason, not the pregnancy
    (s16young: labetalol for 165/102 with pre-eclampsia active had 'Normal pregnancy' as its reason)."""
    from tests.prescribing.helpers import onset

    sim = patient(dt.date(1990, 1, 1), pregnant=True)
    at(sim, dt.date(2020, 3, 1))
    onset(sim, "conditions", "72892002", display="Normal pregnancy (finding)")
    onset(sim, "conditions", "398254007", display="Pre-eclampsia (disorder)")
    _reading(sim, 165, 102)
    (started,) = _started(sim)
    assert started["reason"][0]["code"] == "398254007" and not started["chronic"]
    plain = patient(dt.date(1990, 1, 1), pregnant=True)
    at(plain, dt.date(2020, 3, 1))
    onset(plain, "conditions", "72892002", display="Normal pregnancy (finding)")
    _reading(plain, 165, 102)
    (started,) = _started(plain)
    assert started["reason"][0]["code"] == "72892002"  # no disorder recorded: the pregnancy
