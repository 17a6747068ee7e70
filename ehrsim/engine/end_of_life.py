"""The terminal course written before a death from a slow disease outside any stay (``core.terminal``).

A module's Death state comes in the instant of death: its hospice or last admission, when it models none, is
written then, back from the death. The course begins after the disease was recorded and after the last encounter
ended (no overlap with the care already in the chart), lasts until the death and ends with an expired discharge
(a hospice patient's at home or in a facility: the place of death); its resuscitation status (a do-not-resuscitate
order or full resuscitation) is recorded at its start (deaths/terminal_code_status.csv);
the death is then pronounced in it (``care.death_certificate``). Nothing comes after the death.

A module's nursing-facility admission for dementia (our dementia module's severe stage) begins long-term care: the
patient stays a resident until the death (``long_term_residence``; advanced dementia in nursing homes: median
survival 1.3 years, Mitchell 2009), not a few weeks.

An injury death (an injury, overdose, suicide or homicide: ``deaths.injury``) outside any stay is pronounced in the
emergency department it was brought to (``injury_pronouncement``), not at home.

Any such death, in a course or in a module's own stay, may have its advance care planning documented before it
(``care_planning``: by era, ``core.care_planning``), at the last visit for the disease or the admission. Once a
do-not-resuscitate order or advance care planning is in the chart, every later admission records the code status
(``carry_code_status``): the latest one recorded, else the era's share for a hospital stay.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ehrsim.core import care_planning as acp
from ehrsim.core import clock, codes, deaths, terminal
from ehrsim.engine import stay_vitals
from ehrsim.prescribing import running

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

YEAR = 365.25 * 86_400.0
#: the shortest stretch of a nursing-facility residence written between two other encounters (clinical audit rule
#: rec.facility_stay_length: skilled-nursing stays last at least 2 days)
RESIDENCE_GAP_DAYS = 2.0
OPIOID = "opioid"  # the drug class (prescribing/ingredients.csv) of a comfort order already taken
#: visits where a goals-of-care discussion is held: a wellness visit or a visit for the disease (a dental or acute
#: visit is not one)
PLANNING_VISITS = frozenset({"wellness", "ambulatory", "virtual", "home"})
#: stays whose admission asks about advance directives (Patient Self-Determination Act)
PLANNING_STAYS = frozenset({"inpatient", "snf", "hospice"})
PLANNING_WINDOW = YEAR  # a visit in the last year of life, else the admission
PLANNING_MINUTES = 30.0  # CPT 99497: the first 30 minutes of advance care planning
LONG_TERM_GROUP = "dementia"  # the slow-disease group (deaths/slow_causes.csv) whose nursing admission is for good
#: admissions that record the code status once a directive exists (hospital, nursing facility, hospice)
CODE_STATUS_STAYS = frozenset({"inpatient", "snf", "hospice"})
EMERGENCY_VISIT = ("SNOMED-CT", "50849002")  # Emergency room admission (procedure), terminology/codes/core.csv
EXPIRED = ("NUBC", "20")
#: a resident's hospital stay ends back in the nursing facility (NUBC 03), not "home"
ROUTINE, TO_FACILITY = "01", ("NUBC", "03")


def terminal_course(
    sim: Simulation, t: float, cause: list[dict[str, str]], history: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The hospice, terminal admission or nursing-facility stay ending in the death at ``t``, or None.

    ``history`` holds the recorded conditions (codes with ``onset``); the course needs one of the cause's group.
    """
    found = _slow_disease_onsets(cause, history, t)
    if found is None:
        return None
    pattern, onsets = found
    if not onsets:  # the disease is not in the chart: no course for it
        return None
    diagnosed = min(onsets)
    same = [c for c in history if c.get("code") == cause[0].get("code") and c.get("onset") is not None]
    reason = (
        same[0]
        if same
        else next(c for c in history if c.get("onset") == diagnosed and pattern.search(c.get("display") or ""))
    )
    rng = sim.cause_rng
    name = terminal.choose(rng, t, (t - sim.birth_time) / YEAR)
    if name == "home":
        return None
    setting = terminal.settings()[name]
    earlier = [e for e in sim.rec.lists["encounters"] if e["start"] < t]
    admitted = max(t - terminal.length_seconds(rng, setting), diagnosed)
    start = max(admitted, max((e["stop"] for e in earlier), default=diagnosed))
    if t - start < setting.min_days * terminal.DAY:
        return None  # care just before the death (or a diagnosis that recent): no room for a course
    placed = clock.place(start, setting.encounter_class, sim.zone, sim.clock_rng)  # hospice admissions by day
    start = placed if t - placed >= setting.min_days * terminal.DAY else start
    why = [{k: reason[k] for k in ("system", "code", "display")}]
    first = None  # a nursing-facility resident since ``admitted``: the stay fills the time between other encounters
    if name == "snf":
        first = _residence(sim, setting, admitted, start, earlier, why)
    enc = sim.desk.new_encounter(start, setting.encounter_class, [dict(setting.code)], why, "death", None)
    enc["stop"], enc["discharge"] = t, terminal.disposition(rng, name)
    if setting.care_plan is not None:  # ended with the other active care plans at the death
        plan = {"start": start, "stop": None, "codes": [dict(setting.care_plan)], "activities": [], "goals": []}
        sim.activate("careplans", sim.rec.add("careplans", {**plan, "reason": why}, enc["id"]))
    stay_vitals.record(sim, enc)  # admission vital signs, as any stay
    admission = first if first is not None else enc
    _code_status(sim, terminal.code_status(rng, name, admission["start"]), admission)  # DNR or full resuscitation
    _comfort_orders(sim, name, admission, why)
    return enc


def long_term_residence(sim: Simulation, t: float, place: dict[str, Any] | None) -> dict[str, Any] | None:
    """The nursing-facility residence after a module's last admission there for dementia, until the death at ``t``
    or the stay it ended in (``place``): stretches between the other encounters (``_residence``). Returns the last
    stretch when the patient died in it (no other place of death: discharged expired), else None. No draws."""
    pattern = terminal.slow_pattern(LONG_TERM_GROUP)
    encounters = sim.rec.lists["encounters"]
    admissions = [
        e
        for e in encounters
        if e["class"] == "snf"
        and e.get("module") != "death"
        and e["stop"] < t
        and any(pattern.search(r.get("display") or "") for r in e.get("reason") or ())
    ]
    if not admissions:
        return None
    admission = max(admissions, key=lambda e: e["start"])
    until = float(place["start"]) if place is not None else t
    if until <= admission["stop"]:
        return None
    why = [{k: r[k] for k in ("system", "code", "display")} for r in admission["reason"][:1]]
    before = len(encounters)
    earlier = [e for e in encounters if e["start"] < until]
    _residence(sim, terminal.settings()["snf"], float(admission["stop"]), until, earlier, why)
    stretches = encounters[before:]
    last = stretches[-1] if stretches else None
    if place is None and last is not None and last["stop"] == t:
        last["discharge"] = codes.code(*EXPIRED)
        return last
    return None


def injury_pronouncement(sim: Simulation, t: float, cause: list[dict[str, str]]) -> dict[str, Any] | None:
    """The emergency visit an injury death at ``t`` outside any stay is pronounced in (deaths/injury_deaths.csv), or
    None for other causes. It begins with the arrival, hours of resuscitation or treatment before (the length of a
    death in the emergency department, deaths/hospital_stay.csv; drawn only for such deaths) but after the care
    already in the chart, and ends in an expired discharge (NUBC 20). No triage vital signs: none a chart would
    hold for a patient brought in dead or in arrest."""
    if not cause or not deaths.injury(cause[0].get("code")):
        return None
    hours = deaths.after_stay(sim.cause_rng, "emergency", t) - t
    busy = [e["stop"] for e in sim.rec.lists["encounters"] if e["start"] < t]
    start = max([t - hours, *busy])
    if start >= t:  # care under way until the death (a visit stretched to it): no room for an emergency visit
        return None
    enc = sim.desk.new_encounter(start, "emergency", [codes.code(*EMERGENCY_VISIT)], [dict(cause[0])], "death", None)
    enc["stop"], enc["discharge"] = t, codes.code(*EXPIRED)
    return enc


def care_planning(
    sim: Simulation,
    t: float,
    cause: list[dict[str, str]],
    history: list[dict[str, Any]],
    place: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """The advance care planning (goals-of-care discussion) documented before an expected death at ``t``, or None.

    An expected death is one from a slow disease (``deaths/slow_causes.csv``) already in the chart. With the era's
    share (``core.care_planning``; one draw, only for such deaths) the procedure is recorded at the last visit for
    the disease (or wellness visit) in the last year of life, else at the admission of the stay the patient died in
    (``place``, begun after the diagnosis), else at the last such visit since the diagnosis.
    """
    found = _slow_disease_onsets(cause, history, t)
    if found is None:
        return None
    pattern, onsets = found
    share = acp.share(t)
    if not onsets or share <= 0.0 or float(sim.cause_rng.random()) >= share:
        return None
    diagnosed = min(onsets)
    visits = [
        e
        for e in sim.rec.lists["encounters"]
        if e["class"] in PLANNING_VISITS
        and diagnosed <= e["start"] < t
        and (e["class"] == "wellness" or any(pattern.search(r.get("display") or "") for r in e.get("reason") or ()))
    ]
    last = max(visits, key=lambda e: e["start"], default=None)
    if last is not None and last["start"] >= t - PLANNING_WINDOW:
        enc = last
    elif place is not None and place["class"] in PLANNING_STAYS and diagnosed <= place["start"] < t:
        enc = place
    elif last is not None:
        enc = last
    else:
        return None
    start = float(enc["start"])
    stop = min(float(enc["stop"] if enc.get("stop") is not None else start), start + PLANNING_MINUTES * 60.0)
    why = next(c for c in history if c.get("onset") == diagnosed and pattern.search(c.get("display") or ""))
    fields = {
        "start": start,
        "stop": stop,
        "codes": [codes.code(*acp.ADVANCE_CARE_PLANNING)],
        "reason": [{k: why[k] for k in ("system", "code", "display")}],
    }
    return sim.write("procedures", fields, enc["id"])


def carry_code_status(sim: Simulation, t: float) -> None:
    """At the death ``t``: every admission (CODE_STATUS_STAYS) begun from the first do-not-resuscitate order or
    advance care planning (procedure) until the death, without a recorded code status, records it at its start: the
    latest status recorded before it (an order stands until revisited), else (advance care planning alone) the
    era's share of a hospital stay (deaths/terminal_code_status.csv; one draw per such admission, only then).
    Admissions ask for and document advance directives and code status (Patient Self-Determination Act 1990)."""
    status_code = terminal.RESUSCITATION_STATUS["code"]
    recorded = [o for o in sim.rec.lists["observations"] if o["codes"] and o["codes"][0]["code"] == status_code]
    statuses = sorted(((float(o["time"]), o["value"]) for o in recorded), key=lambda s: s[0])
    charted = {o["encounter"] for o in recorded}
    planning = acp.ADVANCE_CARE_PLANNING[1]
    directives = [
        float(p["start"]) for p in sim.rec.lists["procedures"] if p["codes"] and p["codes"][0]["code"] == planning
    ]
    directives += [time for time, value in statuses if value.get("code") == terminal.NOT_FOR_RESUSCITATION["code"]]
    if not directives:
        return
    first = min(directives)
    stays = [e for e in sim.rec.lists["encounters"] if e["class"] in CODE_STATUS_STAYS and first <= e["start"] <= t]
    for enc in sorted(stays, key=lambda e: e["start"]):
        if enc["id"] in charted:
            continue
        known = [value for time, value in statuses if time <= enc["start"]]
        status = dict(known[-1]) if known else terminal.code_status(sim.cause_rng, "inpatient", float(enc["start"]))
        if status is not None:
            _code_status(sim, status, enc)
            statuses = sorted([*statuses, (float(enc["start"]), status)], key=lambda s: s[0])


def hospice_admitted(sim: Simulation, enc: dict[str, Any]) -> None:
    """A module's hospice admission (any library): its resuscitation status is recorded and the running orders are
    reviewed (preventive drugs stop: prescribing/rules.csv ``comfort_care``); drawn from the prescriber's stream."""
    _code_status(sim, terminal.code_status(sim.rx.rng(), "hospice", float(enc["start"])), enc)
    sim.rx.comfort_started(enc)


def _code_status(sim: Simulation, status: dict[str, str] | None, admission: dict[str, Any]) -> None:
    if status is None:
        return
    observation = {
        "time": admission["start"],
        "category": "survey",
        "codes": [dict(terminal.RESUSCITATION_STATUS)],
        "value": status,
        "value_type": "code",
        "unit": "",
        "components": [],
        "report": None,
    }
    sim.write("observations", observation, admission["id"])


def _residence(
    sim: Simulation,
    setting: terminal.Setting,
    admitted: float,
    last: float,
    earlier: list[dict[str, Any]],
    why: list[dict[str, str]],
) -> dict[str, Any] | None:
    """The nursing-facility residence before the last stretch (``last``, the stay the death ends): from the admission
    (median 5 months before death, Kelly 2010) it fills every gap of at least ``RESIDENCE_GAP_DAYS`` between the other
    encounters already in the chart (a patient is in one encounter at a time: the resident's office visits and
    hospital stays stand between its stretches; a hospital stay then ends with a discharge back to the facility,
    NUBC 03, not home). Returns the first stretch (the admission), if any."""
    busy = sorted((e["start"], e["stop"]) for e in earlier if e["stop"] > admitted and e["start"] < last)
    for e in earlier:  # a resident admitted to hospital from the facility is discharged back to it
        if (
            e["class"] == "inpatient"
            and admitted <= e["stop"] <= last
            and (e.get("discharge") or {}).get("code") == ROUTINE
        ):
            e["discharge"] = codes.code(*TO_FACILITY)
    cursor, first = admitted, None
    for begin, end in [*busy, (last, last)]:
        if begin - cursor >= RESIDENCE_GAP_DAYS * terminal.DAY:
            stretch = sim.desk.new_encounter(cursor, setting.encounter_class, [dict(setting.code)], why, "death", None)
            stretch["stop"] = begin
            if first is None:
                stay_vitals.record(sim, stretch)  # admission vital signs, once
                first = stretch
        cursor = max(cursor, end)
    return first


class _CourseRun:
    """What the prescribing layer reads from a module run, for the orders of a terminal course (its encounter)."""

    def __init__(self, encounter: dict[str, Any]) -> None:
        self.encounter = encounter
        self.created: dict[str, dict[str, Any]] = {}


class _ComfortOrder:
    """What the prescriber reads from a MedicationOrder state (``record_writes.add_entry`` reads its __dict__)."""

    def __init__(self) -> None:
        self.name = "core:comfort_care"
        self.assign_to_attribute: str | None = None


def _comfort_orders(sim: Simulation, setting: str, admission: dict[str, Any], why: list[dict[str, str]]) -> None:
    """Comfort care at the admission (deaths/comfort_medication.csv: morphine as needed for breathlessness or pain),
    ordered through the prescribing layer (allergies, approval, interactions), unless an opioid is already taken."""
    t = float(admission["start"])
    for order in terminal.comfort_orders().get(setting, ()):
        if t < order.since or running.active_class(sim.rx, OPIOID, t):
            continue
        fields = {
            "start": t,
            "stop": None,
            "codes": [{"system": "RxNorm", "code": order.rxcui, "display": order.display}],
            "reason": [dict(c) for c in why],
            "chronic": False,
            "administered": False,
            "requested": True,
            "dosage": {"amount": order.amount, "frequency": 1, "period": order.period_hours, "unit": "hours"},
            "as_needed": True,
            "duration_days": None,
            "refills": 0,
            "instructions": [],
            "stop_reason": None,
        }
        sim.rx.order(_CourseRun(admission), _ComfortOrder(), fields, t)  # type: ignore[arg-type]


def _slow_disease_onsets(
    cause: list[dict[str, str]], history: list[dict[str, Any]], t: float
) -> tuple[re.Pattern[str], list[float]] | None:
    """The slow-disease group of the cause of death (``deaths/slow_causes.csv``) as a pattern, and the onsets before
    ``t`` of the chart's conditions in it; None when the cause is not a slow disease."""
    group = terminal.slow_group(cause[0].get("display")) if cause else None
    if group is None:
        return None
    pattern = terminal.slow_pattern(group)
    onsets = [
        c["onset"]
        for c in history
        if c.get("onset") is not None and c["onset"] < t and pattern.search(c.get("display") or "")
    ]
    return pattern, onsets
