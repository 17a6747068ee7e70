"""A death from a slow disease outside any stay gets a terminal course (core.terminal, engine.end_of_life)."""

from __future__ import annotations

import collections
import datetime as dt
import itertools

import numpy as np

from ehrsim.engine import end_of_life
from ehrsim.record.times import from_date
from tests.engine.harness import simulate

DAY = 86_400
EXPIRED = {"20", "40", "41"}
ACP = {"system": "SNOMED-CT", "code": "713603004", "display": "Advance care planning (procedure)"}


def test_a_slow_death_at_home_gets_hospice_a_last_admission_or_a_nursing_facility() -> None:
    places: collections.Counter[str] = collections.Counter()
    for seed in range(40):
        _sim, record = simulate("slow_death", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        death = record["death"]
        t = death["time"]
        (hf,) = [c for c in record["conditions"] if c["codes"][0]["code"] == "88805009"]
        (cert,) = [e for e in record["encounters"] if e["codes"][0]["code"] == "308646001"]
        courses = [e for e in record["encounters"] if e["module"] == "death" and e is not cert]
        for key in ("encounters", "observations", "conditions", "procedures", "careplans", "medications"):
            for entry in record[key]:  # nothing after the death, nothing running past it
                assert entry.get("time", entry.get("start")) <= t
                assert key not in ("careplans", "medications") or (entry["stop"] is not None and entry["stop"] <= t)
        if not courses:
            places["home"] += 1
            assert cert["class"] == "home"
            continue
        *residence, course = sorted(courses, key=lambda e: e["start"])  # a nursing-facility resident's stretches
        assert all(r["class"] == "snf" == course["class"] and r["stop"] - r["start"] >= 2 * DAY for r in residence)
        places[course["class"]] += 1
        assert hf["start"] <= course["start"] < course["stop"] == t  # after the diagnosis, until the death
        assert course["discharge"]["system"] == "NUBC" and course["discharge"]["code"] in EXPIRED
        assert course["reason"][0]["code"] == "88805009"
        assert cert["class"] == course["class"] and cert["organization"] == course["organization"]  # died there
        others = [e for e in record["encounters"] if e["module"] != "death" and e["start"] < t]
        assert all(e["stop"] <= course["start"] for e in others)  # begins after the care already in the chart
        plans = [p for p in record["careplans"] if p["encounter"] == course["id"]]
        if course["class"] == "hospice":
            assert course["discharge"]["code"] in ("40", "41")
            assert [p["codes"][0]["code"] for p in plans] == ["385763009"] and plans[0]["stop"] == t
            assert course["stop"] - course["start"] <= 180 * DAY
        else:
            assert course["discharge"]["code"] == "20" and not plans
    # died 2013: hospice 48 %, hospital 20 %, nursing facility 14 %, home 18 % (deaths/terminal_course.csv)
    assert places["hospice"] >= 10 and places["inpatient"] >= 2 and places["snf"] >= 1 and places["home"] >= 1, places


def test_before_the_hospice_benefit_there_is_no_hospice() -> None:
    classes = set()
    for seed in range(15):
        _sim, record = simulate("slow_death", gender="F", born=dt.date(1900, 1, 1), seed=seed)  # dies 1978
        classes |= {e["class"] for e in record["encounters"] if e["module"] == "death"}
    assert "hospice" not in classes and "inpatient" in classes


def test_a_sudden_death_gets_no_terminal_course() -> None:
    _sim, record = simulate("death", born=dt.date(1950, 1, 1))
    assert [e["class"] for e in record["encounters"] if e["module"] == "death"] == ["home"]


def test_a_terminal_course_records_a_do_not_resuscitate_order_at_its_start_in_most_deaths() -> None:
    """Comfort care (s14eol): the code status at the admission (deaths/terminal_code_status.csv: 62-85 %)."""
    with_order, courses = 0, 0
    for seed in range(40):
        _sim, record = simulate("slow_death", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        status = [o for o in record["observations"] if o["codes"][0]["code"] == "304251008"]
        course = next((e for e in record["encounters"] if e["module"] == "death" and e["class"] != "home"), None)
        if course is None:
            assert not status  # a death at home without a course: no order recorded by the core
            continue
        courses += 1
        (obs,) = [o for o in status if o["encounter"] == course["id"]]  # every course from 1976 records it
        assert all(o["time"] >= obs["time"] for o in status)  # then carried to the residence's later stretches
        assert obs["value"]["code"] in ("304253006", "304252001") and obs["time"] == course["start"]
        assert obs["encounter"] == course["id"]
        with_order += obs["value"]["code"] == "304253006"  # Not for resuscitation
    assert 0.5 * courses <= with_order < courses, (with_order, courses)


def test_a_nursing_facility_residence_lasts_months_around_the_charts_other_encounters() -> None:
    """Kelly 2010 (terminal_stay.csv): median 5 months from admission to death. The residence starts then; the
    visits already in the chart (every 2 months here) stand between its stretches (one encounter at a time). Before
    s14eol the stay began after the last visit: at most 2 months."""
    lengths = []
    for seed in range(120):
        _sim, record = simulate("slow_death_visits", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        t = record["death"]["time"]
        snf = sorted(
            (e for e in record["encounters"] if e["module"] == "death" and e["class"] == "snf"),
            key=lambda e: e["start"],
        )
        if not snf or snf[-1]["stop"] != t:
            continue
        lengths.append((t - snf[0]["start"]) / DAY)
        ordered = sorted(record["encounters"], key=lambda e: (e["start"], e["stop"]))
        for a, b in itertools.pairwise(ordered):  # no encounter overlaps another
            assert b["start"] >= a["stop"] or b["codes"][0]["code"] == "308646001", (a, b)
    lengths.sort()
    assert len(lengths) >= 5, lengths
    assert lengths[len(lengths) // 2] > 70, lengths  # months, not the days left after the last visit


def test_a_hospice_course_orders_morphine_as_needed_at_its_admission() -> None:
    """Comfort care (s14eol, deaths/comfort_medication.csv): morphine 2.5 mg every 4 hours as needed, through the
    prescribing layer; it ends with the death. Other settings order none."""
    hospice = 0
    for seed in range(30):
        _sim, record = simulate("slow_death", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        t = record["death"]["time"]
        course = next((e for e in record["encounters"] if e["module"] == "death" and e["class"] != "home"), None)
        morphine = [m for m in record["medications"] if m["codes"][0]["code"] == "1732136"]
        if course is None or course["class"] != "hospice":
            assert not morphine
            continue
        hospice += 1
        (order,) = morphine
        assert order["start"] == course["start"] and order["stop"] == t and order["encounter"] == course["id"]
        assert order["as_needed"] and order["dosage"]["amount"] == 0.5 and order["dosage"]["dose_unit"] == "mL"
        assert order["dosage"]["period"] == 4 and order["dosage"]["unit"] == "hours"
    assert hospice >= 5


def test_a_modules_own_hospice_admission_stops_the_statin_and_records_the_code_status() -> None:
    """Any library's hospice encounter (no care plan): the layer reviews the running orders at its start and the
    core records the resuscitation status (Synthea's hospice module, s14eol)."""
    for seed in range(3):
        _sim, record = simulate("module_hospice", born=dt.date(1930, 1, 1), seed=seed)
        (hospice,) = [e for e in record["encounters"] if e["class"] == "hospice" and e["module"] != "death"]
        statins = [m for m in record["medications"] if m["codes"][0]["code"] == "259255"]
        assert statins and max(m["stop"] for m in statins) == hospice["start"]
        assert statins[-1]["prescribing"]["stop_rule"] == "deprescribe_comfort_statin"
        (status,) = [o for o in record["observations"] if o["codes"][0]["code"] == "304251008"]
        assert status["time"] == hospice["start"] and status["encounter"] == hospice["id"]


def test_an_expected_death_has_advance_care_planning_at_a_visit_or_the_admission_in_most_charts() -> None:
    """s16old: no death from a slow disease had a goals-of-care discussion. Dying in 2013 (72 % from 2010,
    deaths/advance_care_planning.csv), it is recorded before the death at a visit in the last year or the admission
    of the stay died in, with the disease as its reason."""
    planned = 0
    for seed in range(40):
        _sim, record = simulate("slow_death_visits", gender="M", born=dt.date(1935, 1, 1), seed=seed)
        t = record["death"]["time"]
        acp = [p for p in record["procedures"] if p["codes"][0]["code"] == "713603004"]
        if not acp:
            continue
        planned += 1
        (entry,) = acp
        (enc,) = [e for e in record["encounters"] if e["id"] == entry["encounter"]]
        assert enc["start"] <= entry["start"] <= entry["stop"] <= enc["stop"] and entry["start"] < t
        assert enc["class"] in ("wellness", "ambulatory", "inpatient", "snf", "hospice") and enc["module"] != "dental"
        assert enc["start"] >= t - 366 * DAY or enc["class"] in ("inpatient", "snf", "hospice")
        assert entry["reason"][0]["code"] == "88805009"
    assert 20 <= planned <= 38, planned


def test_advance_care_planning_follows_the_era_and_is_never_written_for_a_sudden_death() -> None:
    from ehrsim.core import care_planning

    year = lambda y: dt.datetime(y, 7, 1, tzinfo=dt.UTC).timestamp()  # noqa: E731
    assert care_planning.share(year(1970)) == 0.0 and care_planning.share(year(1985)) == 0.05
    assert 0.35 < care_planning.share(year(1996)) < 0.47 < care_planning.share(year(2005)) < 0.72
    assert care_planning.share(year(2024)) == 0.72
    before = 0
    for seed in range(15):  # dies 1978: 5 % before the Patient Self-Determination Act
        _sim, record = simulate("slow_death", gender="F", born=dt.date(1900, 1, 1), seed=seed)
        before += any(p["codes"][0]["code"] == "713603004" for p in record["procedures"])
    assert before <= 3
    _sim, record = simulate("death", born=dt.date(1950, 1, 1))
    assert not [p for p in record["procedures"] if p["codes"][0]["code"] == "713603004"]


def test_an_injury_death_is_pronounced_in_the_emergency_department_not_at_home() -> None:
    """s17death: injury, overdose, suicide and homicide deaths were certified at a 'home' encounter."""
    _sim, record = simulate("injury_death", born=dt.date(1990, 1, 1))
    t = record["death"]["time"]
    (ed,) = [e for e in record["encounters"] if e["module"] == "death" and e["codes"][0]["code"] == "50849002"]
    (cert,) = [e for e in record["encounters"] if e["codes"][0]["code"] == "308646001"]
    assert ed["class"] == cert["class"] == "emergency" and cert["organization"] == ed["organization"]
    assert ed["start"] < ed["stop"] == t == cert["start"]  # arrival, then the pronouncement
    assert ed["discharge"]["code"] == "20" and ed["reason"][0]["code"] == "27935005"
    assert not [o for o in record["observations"] if o["encounter"] == ed["id"]]  # no triage vitals


def test_a_natural_sudden_death_is_still_pronounced_at_home() -> None:
    _sim, record = simulate("death", born=dt.date(1950, 1, 1))
    assert not [e for e in record["encounters"] if e["class"] == "emergency"]


class _Rec:
    def __init__(self, lists: dict) -> None:
        self.lists = lists


class _Sim:
    """What carry_code_status reads and writes: the record's lists, the cause stream and ``write``."""

    def __init__(self, lists: dict) -> None:
        self.rec = _Rec(lists)
        self.cause_rng = np.random.default_rng(0)

    def write(self, kind: str, fields: dict, encounter: str) -> None:
        self.rec.lists[kind].append({**fields, "encounter": encounter})


def _status(time: float, encounter: str, code: str) -> dict:
    return {"time": time, "encounter": encounter, "codes": [{"code": "304251008"}], "value": {"code": code}}


def test_admissions_after_a_dnr_order_or_advance_care_planning_record_the_code_status() -> None:
    """s17death: a module's admissions after a hospice DNR order or a goals-of-care discussion had no code status."""
    t0 = from_date(dt.date(2015, 1, 1))
    stays = [{"id": f"e{i}", "class": c, "start": t0 + i * 30 * DAY} for i, c in enumerate(["inpatient"] * 4)]
    lists = {"encounters": stays, "procedures": [], "observations": [_status(t0 + 30 * DAY, "e1", "304253006")]}
    sim = _Sim(lists)
    end_of_life.carry_code_status(sim, t0 + 100 * DAY)  # type: ignore[arg-type]
    by_stay = {o["encounter"]: o["value"]["code"] for o in lists["observations"]}
    assert by_stay == {"e1": "304253006", "e2": "304253006", "e3": "304253006"}  # not e0, before the order
    lists = {"encounters": stays, "observations": [], "procedures": [{"start": t0 + 60 * DAY, "codes": [ACP]}]}
    end_of_life.carry_code_status(_Sim(lists), t0 + 100 * DAY)  # type: ignore[arg-type]
    assert sorted(o["encounter"] for o in lists["observations"]) == ["e2", "e3"]  # the discussion's era share
    assert all(o["time"] == stays[int(o["encounter"][1])]["start"] for o in lists["observations"])
    lists = {"encounters": stays, "observations": [_status(t0, "e0", "304252001")], "procedures": []}
    end_of_life.carry_code_status(_Sim(lists), t0 + 100 * DAY)  # type: ignore[arg-type]
    assert len(lists["observations"]) == 1  # full resuscitation and no directive: nothing to carry


def test_a_severe_dementia_nursing_admission_is_long_term_care_until_the_death() -> None:
    """s17death: the dementia module's 2-6 week nursing admission was the only facility care in the last 0.5-6 years
    of life; a resident with severe dementia stays (the residence fills the time between the other encounters)."""
    places: collections.Counter[str] = collections.Counter()
    for seed in range(12):
        _sim, record = simulate("dementia_resident", born=dt.date(1930, 1, 1), seed=seed)
        t = record["death"]["time"]
        (admission,) = [e for e in record["encounters"] if e["module"] == "dementia_resident" and e["class"] == "snf"]
        (cert,) = [e for e in record["encounters"] if e["codes"][0]["code"] == "308646001"]
        facility = sorted(
            (e for e in record["encounters"] if e["class"] == "snf" and e is not cert), key=lambda e: e["start"]
        )
        assert facility[0] is admission and facility[1]["start"] - admission["stop"] < 7 * DAY  # stays on
        others = [e for e in record["encounters"] if e["class"] not in ("snf",) and e is not cert]
        covered = sum(e["stop"] - e["start"] for e in facility[1:])
        busy = sum(e["stop"] - e["start"] for e in others if e["start"] >= admission["stop"])
        assert covered + busy >= 0.95 * (t - admission["stop"])  # resident until the death, but for other care
        for stretch in facility:  # one encounter at a time: no stretch overlaps another encounter
            assert not [e for e in others if e["start"] < stretch["stop"] and stretch["start"] < e["stop"]]
        places[cert["class"]] += 1
        if cert["class"] == "snf":  # died in the facility: its last stretch ends expired at the death
            assert facility[-1]["stop"] == t and facility[-1]["discharge"]["code"] == "20"
        assert cert["class"] != "home"  # a resident does not die "at home"
    assert places["snf"] >= 1, places


def test_an_overdose_dying_hours_later_is_no_terminal_diagnosis() -> None:
    """s17death: Synthea's hospice module, guarded on days_until_death, admitted overdose and gunshot victims to
    hospice in the hours before their death; a disease death with a delay still sets it (the fixture 'death')."""
    sim, _record = simulate("overdose_death", born=dt.date(1990, 1, 1))
    assert "days_until_death" not in sim.attributes
    sim, _record = simulate("death", born=dt.date(1950, 1, 1))
    assert sim.attributes.get("days_until_death") == 2


def test_a_living_patients_admission_after_a_hospice_dnr_order_records_the_code_status() -> None:
    """s17death (Synthea's library): hospice stays discharged alive, then admissions with no code status."""
    for seed in range(6):
        _sim, record = simulate("hospice_then_admission", born=dt.date(1935, 1, 1), end=dt.date(2020, 1, 1), seed=seed)
        mine = [e for e in record["encounters"] if e["module"] == "hospice_then_admission"]
        (hospice,) = [e for e in mine if e["class"] == "hospice"]
        (stay,) = [e for e in mine if e["class"] == "inpatient"]
        status = {
            o["encounter"]: o["value"]["code"] for o in record["observations"] if o["codes"][0]["code"] == "304251008"
        }
        if status.get(hospice["id"]) == "304253006":  # a DNR order at the hospice admission: carried to the stay
            assert status.get(stay["id"]) == "304253006" and (record.get("death") or {}).get("time") is None
            return
    raise AssertionError("no hospice DNR order in 6 seeds (85 %)")


def test_a_residents_hospital_stay_ends_back_in_the_nursing_facility_not_home() -> None:
    """s19death: nursing-home residents were discharged from hospital "home" (NUBC 01) between their facility stays;
    a resident returns to the facility (NUBC 03: discharged/transferred to a skilled nursing facility)."""
    for seed in range(3):
        _sim, record = simulate("dementia_resident_admitted", born=dt.date(1930, 1, 1), seed=seed)
        (stay,) = [
            e for e in record["encounters"] if e["module"] == "dementia_resident_admitted" and e["class"] == "inpatient"
        ]
        assert stay["discharge"]["system"] == "NUBC" and stay["discharge"]["code"] == "03", stay["discharge"]
        later = [e for e in record["encounters"] if e["class"] == "snf" and e["start"] >= stay["stop"]]
        assert later  # the residence goes on after it
