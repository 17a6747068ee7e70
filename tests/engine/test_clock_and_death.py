"""Encounters in local office hours; deaths during a stay are 'Expired' with a certified cause."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.engine.harness import simulate

NY = ZoneInfo("America/New_York")  # the harness patient has no state: the default zone


def test_module_visits_wait_for_office_hours() -> None:
    _sim, record = simulate("office_visit", end=dt.date(2001, 1, 1))
    visits = [e for e in record["encounters"] if e["class"] in ("ambulatory", "wellness") and e["module"] != "death"]
    assert len(visits) > 10 and any(e["class"] == "wellness" for e in visits)
    for enc in visits:
        local = dt.datetime.fromtimestamp(enc["start"], NY)
        assert local.weekday() < 5 and 8 <= local.hour < 17, local


def test_a_death_during_an_admission_is_expired_with_a_known_cause() -> None:
    _sim, record = simulate("hospital_death", born=dt.date(1990, 1, 1))
    assert record["alive"] is False
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] not in ("death", "birth")]
    assert stay["discharge"] == {"system": "NUBC", "code": "20", "display": "Expired"}
    assert stay["stop"] == record["death"]["time"] and stay["stop"] - stay["start"] >= 2 * 86400
    assert record["death"]["codes"][0]["code"] != "9855000"  # 30 years old: an injury, overdose, suicide...
    cert = [o for o in record["observations"] if o["codes"][0]["code"] == "69453-9"]
    assert cert[0]["value"] == record["death"]["codes"][0]
    admitted = {o["codes"][0]["code"] for o in record["observations"] if o["encounter"] == stay["id"]}
    assert {"8310-5", "8867-4", "9279-1", "59408-5", "85354-9"} <= admitted  # no module ended it: still triaged


def test_a_death_in_a_modules_hospice_stay_has_a_hospice_status() -> None:
    # NUBC 40-42 are the hospice claim's death statuses; 20 ("Expired") is a hospital's. The module does not say
    # where its hospice patient died: 42, place unknown (the core's own terminal course picks 40 or 41)
    _sim, record = simulate("hospice_death", born=dt.date(1930, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "hospice" and e["module"] != "death"]
    assert stay["stop"] == record["death"]["time"]
    assert stay["discharge"] == {"system": "NUBC", "code": "42", "display": "Expired - place unknown"}


def test_a_death_in_the_instant_of_admission_comes_after_a_real_stay() -> None:
    _sim, record = simulate("admission_death", born=dt.date(1940, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] not in ("death", "birth")]
    assert 12 * 3600 <= stay["stop"] - stay["start"] <= 168 * 3600
    assert stay["stop"] == record["death"]["time"]
    assert stay["discharge"]["code"] == "20"
    assert record["death"]["codes"][0]["code"] == "401314000"  # a module's own cause is kept


def test_hepatitis_b_dose_1_at_birth_in_hospital_or_at_the_first_well_visit() -> None:
    at_birth = 0
    for seed in range(12):
        _sim, record = simulate("office_visit", born=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1), seed=seed)
        encounters = {e["id"]: e for e in record["encounters"]}
        hepb = sorted((i for i in record["immunizations"] if i["codes"][0]["code"] == "08"), key=lambda i: i["time"])
        assert len(hepb) == 3  # birth (or first visit), 1-2 months, 6 months: dose 1 is not repeated
        first = hepb[0]
        age_hours = (first["time"] - record["patient"]["birth_time"]) / 3600
        if age_hours <= 24:
            at_birth += 1
            assert encounters[first["encounter"]]["class"] == "inpatient" and age_hours >= 1
        else:
            assert encounters[first["encounter"]]["class"] == "wellness"
    assert 6 <= at_birth <= 12  # about 80 % of 2020 newborns (NIS-Child)


def test_cardiac_arrest_is_certified_as_the_recorded_heart_disease() -> None:
    _sim, record = simulate("cardiac_arrest_death", born=dt.date(1950, 1, 1))
    assert record["alive"] is False
    assert record["death"]["codes"][0]["code"] == "53741008"  # the mechanism gives way to the underlying cause
    cert = [o for o in record["observations"] if o["codes"][0]["code"] == "69453-9"]
    assert cert[0]["value"]["code"] == "53741008"


def _certification(record: dict) -> dict:
    (cert,) = [e for e in record["encounters"] if e["codes"][0]["code"] == "308646001"]
    return cert


def test_death_in_hospital_is_certified_in_that_stay_at_the_instant_of_death() -> None:
    _sim, record = simulate("hospital_death", born=dt.date(1990, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] not in ("death", "birth")]
    cert = _certification(record)
    # pronounced by the ward at the death: same class, hospital and clinician; ETL-Synthea reads the death from it
    assert cert["start"] == cert["stop"] == record["death"]["time"]
    assert (cert["class"], cert["organization"], cert["practitioner"]) == (
        "inpatient",
        stay["organization"],
        stay["practitioner"],
    )
    assert cert["reason"] == [record["death"]["codes"][0]]


def test_death_outside_any_stay_is_pronounced_at_home_not_in_an_office() -> None:
    _sim, record = simulate("death", born=dt.date(1950, 1, 1))
    assert record["alive"] is False
    cert = _certification(record)
    assert cert["class"] == "home" and cert["start"] == cert["stop"] == record["death"]["time"]
    for key in ("encounters", "observations", "conditions", "procedures"):
        for entry in record[key]:  # nothing clinical after the death
            assert entry.get("time", entry.get("start")) <= record["death"]["time"]


def test_a_hospice_stay_under_way_at_the_reference_date_is_in_progress_not_a_day_long() -> None:
    born = dt.date(1990, 1, 1)
    _sim, ended = simulate("hospice_stay", born=born, end=dt.date(2021, 1, 1))  # admitted 2020, 60 days
    (stay,) = [e for e in ended["encounters"] if e["class"] == "hospice"]
    assert round((stay["stop"] - stay["start"]) / 86400) == 60 and "in_progress" not in stay
    end = dt.date(2020, 1, 31)  # 30 days into the stay
    _sim, record = simulate("hospice_stay", born=born, end=end)
    (stay,) = [e for e in record["encounters"] if e["class"] == "hospice"]
    reference = dt.datetime(end.year, end.month, end.day, tzinfo=dt.UTC).timestamp()
    assert stay["in_progress"] is True and stay["stop"] == reference and stay["stop"] - stay["start"] > 20 * 86400
    assert not any(e.get("in_progress") for e in ended["encounters"] + record["encounters"] if e is not stay)


def test_a_residual_coronary_death_without_history_records_the_disease_at_death() -> None:
    """Cardiac arrest, no heart disease recorded: a drawn cause that can first show at death is recorded then."""
    # terminology/deaths/cause_in_record.csv: sudden causes recorded at death (coronary disease, cardiomyopathy, an
    # injury, an overdose); chronic ones (cirrhosis, cancer, pneumonia) need a recorded history, absent here
    at_death = {"53741008", "85898001", "1149222004", "407153006"}
    causes = []
    for seed in range(40):
        _sim, record = simulate("sudden_death", gender="M", born=dt.date(1950, 1, 1), seed=seed)
        death = record["death"]
        cause = death["codes"][0]["code"]
        causes.append(cause)
        found = [c for c in record["conditions"] if c["codes"][0]["code"] == cause]
        if cause in at_death:
            (cond,) = found
            assert cond["start"] == death["time"] and cond["encounter"] == death["encounter"]
        else:
            assert not found  # a suicide, homicide, fall...: an event certified, no condition
    assert "53741008" in causes and set(causes) - at_death  # both kinds drawn (CAD weight 0.13 at 45-64)
    assert not {"19943007", "363346000", "233604007"} & set(causes)  # never certified without the history


def test_an_antibiotic_given_at_admission_runs_with_the_ward_stay() -> None:
    """An administration is cut at the encounter's provisional end; a stay that goes on carries it along."""
    _sim, record = simulate("ward_antibiotic", born=dt.date(1960, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    (iv,) = [m for m in record["medications"] if m["codes"][0]["code"] == "1665060"]
    assert round((stay["stop"] - stay["start"]) / 86400) == 4
    assert iv["start"] == stay["start"] and iv["stop"] == stay["stop"]


def test_an_antibiotic_given_in_a_stay_under_way_at_the_reference_date_runs_to_it() -> None:
    """The lead's session-12 chart read: an infant in intensive care with pneumonia at the reference date had one day
    of ceftriaxone and then none (the administration cut at the stay's provisional end was never carried along)."""
    _sim, ended = simulate("ward_antibiotic", born=dt.date(1960, 1, 1))
    (admitted,) = [e for e in ended["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    day = dt.datetime.fromtimestamp(admitted["start"] + 3 * 86400, tz=dt.UTC).date()  # the stay's third day
    _sim, record = simulate("ward_antibiotic", born=dt.date(1960, 1, 1), end=day)
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    (iv,) = [m for m in record["medications"] if m["codes"][0]["code"] == "1665060"]
    assert stay["in_progress"] is True and stay["stop"] - stay["start"] > 2 * 86400
    assert iv["start"] == stay["start"] and iv["stop"] == stay["stop"]


def test_a_hospital_stay_records_admission_vital_signs() -> None:
    """The core records the vital signs a module did not: at the start of the stay, from the physiological state."""
    _sim, record = simulate("ward_antibiotic", born=dt.date(1960, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    at_start = {o["codes"][0]["code"]: o for o in record["observations"] if o["encounter"] == stay["id"]}
    assert set(at_start) == {"8310-5", "8867-4", "9279-1", "59408-5", "85354-9"}
    assert all(o["time"] == stay["start"] for o in at_start.values())
    assert 35.8 <= at_start["8310-5"]["value"] <= 37.7  # no fever recorded: an afebrile temperature
    bp = at_start["85354-9"]
    assert [c["codes"][0]["code"] for c in bp["components"]] == ["8480-6", "8462-4"]


def test_a_module_triage_value_stands_and_the_rest_is_added() -> None:
    _sim, record = simulate("ed_triage", born=dt.date(1960, 1, 1))
    (ed,) = [e for e in record["encounters"] if e["class"] == "emergency"]
    mine = [o for o in record["observations"] if o["encounter"] == ed["id"]]
    rates = [o["value"] for o in mine if o["codes"][0]["code"] == "8867-4"]
    assert rates == [130.0]  # the module's heart rate, not a second one from the core
    assert {o["codes"][0]["code"] for o in mine} == {"8310-5", "8867-4", "9279-1", "59408-5", "85354-9"}


def test_an_egfr_comes_with_its_creatinine() -> None:
    """A module asking for an eGFR alone gets the creatinine of the same sample recorded too."""
    _sim, record = simulate("egfr_alone", born=dt.date(1960, 1, 1))
    (egfr,) = [o for o in record["observations"] if o["codes"][0]["code"] == "62238-1"]
    (creatinine,) = [o for o in record["observations"] if o["codes"][0]["code"] == "2160-0"]
    assert creatinine["time"] == egfr["time"] and creatinine["encounter"] == egfr["encounter"]
    assert 0.3 < creatinine["value"] < 2.0 and creatinine["unit"] == "mg/dL"


def test_a_radical_cystectomy_stays_on_the_ward() -> None:
    """A module ending the admission at once: the core keeps the patient the operation's usual stay."""
    _sim, record = simulate("cystectomy", born=dt.date(1950, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    assert (stay["stop"] - stay["start"]) / 86400 >= 7


def test_a_lung_lobectomy_stays_on_the_ward() -> None:
    """The chart review's lobectomy discharged after 24 hours: the core keeps the median 4 days."""
    _sim, record = simulate("lobectomy", born=dt.date(1950, 1, 1))
    (stay,) = [e for e in record["encounters"] if e["class"] == "inpatient" and e["module"] != "birth"]
    assert (stay["stop"] - stay["start"]) / 86400 >= 4


def test_a_drug_resumed_after_an_era_insulin_takes_the_module_dose() -> None:
    """Human insulin stands in for liraglutide before 2010; once renewed as liraglutide the dose is the module's
    0.2 mL (1.2 mg), not the insulin's units by weight read as mL."""
    _sim, record = simulate("era_liraglutide", born=dt.date(1950, 1, 1), end=dt.date(2016, 1, 1))
    drugs = [(m["codes"][0]["display"], m.get("dosage") or {}) for m in record["medications"]]
    assert any("insulin" in name for name, _ in drugs)  # the era's substitute first
    later = [d for name, d in drugs if "liraglutide" in name]
    assert later and all(d["amount"] == 0.2 and d.get("dose_unit") == "mL" for d in later)


def test_an_infant_death_from_a_malformation_or_prematurity_has_it_recorded_from_birth() -> None:
    """The certified malformation or prematurity is a condition with its onset at birth, in the birth stay; prematurity
    only for a newborn born before 37 weeks (the birth stay records the finding)."""
    seen = set()
    for seed in range(30):
        _sim, record = simulate("infant_death", born=dt.date(1986, 1, 1), seed=seed)
        cause = record["death"]["codes"][0]["code"]
        if cause not in {"276654001", "367494004"}:
            continue
        seen.add(cause)
        (cond,) = [c for c in record["conditions"] if c["codes"][0]["code"] == cause]
        first = min(record["encounters"], key=lambda e: e["start"])
        assert cond["start"] == cond["onset"] == record["patient"]["birth_time"]
        assert cond["encounter"] == first["id"] and first["start"] < record["death"]["time"]
        weeks = [o["value"] for o in record["observations"] if o["codes"][0]["code"] == "18185-9"]
        assert cause != "367494004" or weeks[0] < 37
    assert "276654001" in seen


def test_a_death_naming_no_cause_is_certified_as_the_first_active_condition_of_its_module() -> None:
    """Synthea's sepsis module dies with a Death state naming no cause: the certificate names the sepsis its
    module recorded (the underlying cause), not the respiratory distress after it, nor nothing."""
    _, record = simulate("death_without_cause", born=dt.date(1970, 1, 1), end=dt.date(2030, 1, 1))
    assert record["death"] is not None
    assert [c["code"] for c in record["death"]["codes"]] == ["91302008"]


def test_an_acute_office_visit_records_a_set_of_vital_signs() -> None:
    """An office visit diagnosing pneumonia gets the vital signs the module did not record, its fever raising the
    rates; a follow-up visit for a chronic problem gets none."""
    _sim, record = simulate("acute_office_visit", born=dt.date(2000, 1, 1))
    sick, follow_up = [e for e in record["encounters"] if e["module"] == "acute_office_visit"]
    codes = {o["codes"][0]["code"]: o for o in record["observations"] if o["encounter"] == sick["id"]}
    assert set(codes) == {"8310-5", "8867-4", "9279-1", "59408-5", "85354-9", "29463-7"}
    assert codes["8310-5"]["value"] == 39.5  # the module's temperature stands, no second one
    assert codes["8867-4"]["value"] > 100  # a 6-year-old at 39.5 °C: about 95 at rest, +10/min per °C
    assert codes["9279-1"]["value"] >= 30  # pneumonia at 5-11 years: the floor of condition_floors_by_age.csv
    assert 15 < codes["29463-7"]["value"] < 35
    assert not [o for o in record["observations"] if o["encounter"] == follow_up["id"]]
