"""What the core does at visits: the wellness schedule, vaccines, chronic renewals, imaging, death certificate.

Every change to the record goes through ``Simulation`` methods that wake the Guards reading it
(``write``, ``activate``, ``deactivate``, ``renew``, ``set_attribute``), never through the recorder directly.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ehrsim.core import birth_dose, class_eras, clock, codes, deaths, immunizations, vaccine_plan, wellness
from ehrsim.engine import birth, bp_recheck, end_of_life, indications, parameters, stay_vitals, visit_care
from ehrsim.engine.encounters import CORE
from ehrsim.engine.queue import SYMPTOMS, WELLNESS
from ehrsim.gmf.values import SECONDS

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun

#: codes the core records here (displays in terminology/codes/core.csv)
DEATH_CERTIFICATION = ("SNOMED-CT", "308646001")
CAUSE_OF_DEATH = ("LOINC", "69453-9")
DEATH_UNKNOWN_CAUSE = ("SNOMED-CT", "419620001")
VACCINE_VISIT = ("SNOMED-CT", "33879002")
EXPIRED = ("NUBC", "20")  # discharge disposition of a hospital stay the patient died in
#: a hospice stay's own death statuses (NUBC: 40 at home, 41 in a facility, 42 place unknown: hospice claims only)
HOSPICE_EXPIRED = frozenset({"40", "41", "42"})
EXPIRED_IN_HOSPICE = ("NUBC", "42")  # a module's hospice stay: where the death happened is not known
HOSPITAL_STAYS = frozenset({"inpatient", "emergency", "hospice", "snf"})
#: where a death outside any stay is pronounced: the decedent's home, the commonest place of death
#: outside hospitals and care facilities (31.4 % of US deaths in 2018, MMWR 2020;69(19):611)
DIED_ELSEWHERE = "home"
#: attributes pregnancy modules set true while pregnant (ehrsim's library, Synthea's)
PREGNANCY_ATTRIBUTES = frozenset({"pregnancy", "pregnant"})
#: birth-stay doses that move to an office visit when there is no stay (nirsevimab; not the hepatitis B dose 1)
OFFICE_IF_NO_STAY = frozenset({"rsv_infant"})
DAY = 86400.0


def schedule_next_wellness(sim: Simulation, t: float) -> None:
    on_chronic = any(m.get("chronic") for m in sim.active["medications"].values())
    scheduled = float(wellness.next_visit_time(int(sim.birth_time), int(t), on_chronic))
    sim.schedule_core(clock.place(scheduled, "wellness", sim.zone, sim.clock_rng), WELLNESS)


def wellness_visit(sim: Simulation, t: float) -> None:
    """Open the wellness visit, give due vaccines, let waiting modules in, renew chronic meds, close it."""
    desk = sim.desk
    age_years = (t - sim.birth_time) / SECONDS["years"]
    home = birth.first_visit_from(sim)
    if t < home:  # a newborn's visit that fell inside or just after the birth stay: a day or so after going home
        sim.schedule_core(clock.place(home, "wellness", sim.zone, sim.clock_rng), WELLNESS)
        return
    enc = None if t < desk.free_at else desk.open_wellness(t, [wellness.wellness_code(age_years)])
    if enc is None:  # another visit is under way or just ended: come back in office hours after it
        sim.schedule_core(clock.place(max(desk.free_at, t + 3600.0), "wellness", sim.zone, sim.clock_rng), WELLNESS)
        return
    t = enc["start"]
    _vaccinate(sim, enc, t)
    waiting, desk.wellness_waiters = sorted(desk.wellness_waiters, key=lambda r: r.order), []
    for run in waiting:
        if not run.done and sim.death_time is None:
            sim.step(run, t)
    _joined_go_on(sim, waiting, enc)
    for run in waiting:
        if run.encounter is None and run.encounter_state is not None:
            run.encounter_state = None  # the visit closes around modules that did not end it themselves
    if desk.wellness_enc is None:  # a module's Death during the visit: the death certificate closed it
        return
    visit_care.give(sim, enc, t)  # the foot exam, the nutrition care a library does not model (visit_care.csv)
    indications.review(sim, t)  # a contraception finding the core recorded ends once no method is used
    bp_recheck.after_wellness(sim, enc, t)  # a child's high blood pressure: measured again within 3 weeks
    # renewed after the modules' part of the visit: a titration at renewal sees the vital signs and results of
    # this visit (the chart review found renewals decided before the visit's blood pressure was taken)
    _renew_chronic(sim, enc, t)
    desk.close_wellness()
    schedule_next_wellness(sim, t)


def _joined_go_on(sim: Simulation, waiting: list[Any], enc: dict[str, Any]) -> None:
    """Modules that joined the visit and are timing a procedure go on inside it, in time order.

    Synthea's wellness-time modules chain timed assessments (Morse fall scale 28 min, substance use, AUDIT-C): woken
    after the visit had closed, their entries had no encounter and fell inside whatever came next (a hospice stay
    opened at the visit's end showed an AUDIT-C). Any library benefits. Up to ``wellness_joined_hours`` after the
    start; a run that opens its own encounter waits for the visit to close, as before.
    """
    desk = sim.desk
    limit = enc["start"] + parameters.care().wellness_joined_seconds
    for _ in range(10_000):  # a bound: every step moves a run's wake forward or ends its wait
        pending = [r for r in waiting if r.wake is not None and r.wake <= limit and not r.done and r.encounter is None]
        if not pending or sim.death_time is not None or desk.wellness_enc is not enc:
            return
        run = min(pending, key=lambda r: (r.wake, r.order))
        wake = run.wake
        desk.stretch(enc, wake)  # the visit lasts while the module is at work in it
        run.token = -1  # its queue entry at the wake-up is void: it is stepped here
        sim.step(run, wake)


def symptom_visit(sim: Simulation, t: float) -> None:
    """A sick visit when the symptom total is high and has changed since the last one.

    Like Synthea, the visit itself records nothing clinical (modules diagnose in their own
    encounters); its worst symptom then counts as addressed.
    """
    symptoms = sim.symptoms
    symptoms.check_pending = False
    total = symptoms.total
    if total <= parameters.care().symptom_visit_threshold or total == symptoms.last_total:
        return
    desk = sim.desk
    if desk.lock is not None or t < desk.free_at:
        symptoms.check_pending = True
        sim.schedule_core(max(desk.free_at, t + 3600.0), SYMPTOMS)
        return
    # the highest visit class the total calls for that existed then (no urgent care clinic before 1970: the office)
    enc_class, code = next(
        (c, code) for limit, c, code in parameters.symptom_visits() if total > limit and class_eras.class_at(c, t) == c
    )
    start = desk.local_start("symptoms", enc_class, t)
    if start > t:  # seen when the clinic opens (or at a plausible emergency arrival hour)
        symptoms.check_pending = True
        sim.schedule_core(start, SYMPTOMS)
        return
    enc = desk.new_encounter(t, enc_class, [dict(code)], [], "symptoms", None)
    desk.free_at = max(desk.free_at, enc["stop"])
    stay_vitals.record(sim, enc)  # an emergency visit is triaged (vital signs), whatever the library
    worst = max(symptoms.by_cause, key=symptoms.level)
    symptoms.address(worst, t, enc["id"])
    symptoms.last_total = symptoms.total


def _latest_doses(sim: Simulation) -> dict[str, int]:
    """CVX code -> the time of its latest dose in the record. Kept up to date from the entries added since the
    last call: the list only grows while the life runs, and a visit would otherwise pass over all of it."""
    done = sim.latest_doses
    given = sim.rec.lists["immunizations"]
    if len(given) < done[0]:  # not a growing list after all: count again
        done[:] = [0, {}]
    latest: dict[str, int] = done[1]
    for i in given[done[0] :]:
        code, at = i["codes"][0]["code"], int(i["time"])
        if at > latest.get(code, at - 1):
            latest[code] = at
    done[0] = len(given)
    return latest


def _vaccinate(sim: Simulation, enc: dict[str, Any], t: float) -> None:
    age_days = (t - sim.birth_time) / 86400.0
    latest = _latest_doses(sim)
    groups = immunizations.booster_groups()
    covered_at: dict[str, int] = {}
    for series, cvx in groups.items():
        times = [at for code, at in latest.items() if code in cvx]
        if times:
            covered_at[series] = max(times)
    first_at = sim.immunizations_first
    shots = [
        (key, immunizations.product(key, due, int(t), sim.product_draw))
        for key, due in immunizations.due(
            age_days, sim.immunizations_given, int(t), sim.immunizations_last, covered_at, first_at
        )
    ]
    deferred = immunizations.deferred_in_pregnancy()
    pregnant = any(sim.attributes.get(a) is True for a in PREGNANCY_ATTRIBUTES)
    for key, code in shots:
        if key in groups and any(k != key and c["code"] in groups[key] for k, c in shots):
            continue  # a Td due with a Tdap at one visit: the Tdap is the tetanus booster
        if pregnant and key in deferred:
            continue  # a Td booster waits: the pregnancy's Tdap covers it (ACIP 2013)
        first_at.setdefault(key, age_days)
        sim.immunizations_given[key] = sim.immunizations_given.get(key, 0) + 1
        sim.immunizations_last[key] = int(t)
        sim.write(
            "immunizations", {"time": t, "codes": [dict(code)], "series": sim.immunizations_given[key]}, enc["id"]
        )


def plan_vaccines(sim: Simulation) -> None:
    """At birth: the hepatitis B birth dose and the seasonal and campaign vaccine visits of the whole life."""
    _schedule_shots(sim, vaccine_plan.lifetime_plan(sim.vaccine_rng, int(sim.birth_time), int(sim.end_time)))
    # its own spawned stream: the lifetime plan and later pregnancy plans draw exactly as before
    newborn = birth_dose.birth_dose(sim.vaccine_rng.spawn(1)[0], int(sim.birth_time))
    if newborn is not None:
        _schedule_shots(sim, [newborn])
    sim.product_draw = float(sim.vaccine_rng.spawn(1)[0].random())  # which product of a mix (MenACWY) for life


def pregnancy_started(sim: Simulation) -> None:
    """A pregnancy began now: schedule Tdap (and maternal RSV in season) for later in it."""
    _schedule_shots(sim, vaccine_plan.pregnancy_plan(sim.vaccine_rng, int(sim.now), int(sim.birth_time)))


def _schedule_shots(sim: Simulation, shots: list[vaccine_plan.Shot]) -> None:
    by_time: dict[float, list[vaccine_plan.Shot]] = {}
    for shot in shots:
        if shot.time < sim.end_time:
            in_hospital = shot.enc_class == "inpatient"  # the birth dose: at its planned hour
            t = shot.time if in_hospital else clock.place(shot.time, "ambulatory", sim.zone, sim.clock_rng)
            by_time.setdefault(t, []).append(shot)
    for t, group in by_time.items():
        sim.queue.push(t, WELLNESS, 0, tuple(group))


def vaccine_visit(sim: Simulation, t: float, shots: tuple[vaccine_plan.Shot, ...]) -> None:
    """A visit only to vaccinate (flu, COVID-19, RSV, pregnancy, HepB birth dose): Synthea's vaccine encounter code."""
    if any(s.needs_pregnancy for s in shots):
        pregnant = any(sim.attributes.get(a) is True for a in PREGNANCY_ATTRIBUTES)
        shots = tuple(s for s in shots if pregnant or not s.needs_pregnancy)
    shots = tuple(s for s in shots if not _flu_given_this_season(sim, s, t))
    if not shots:
        return
    desk = sim.desk
    if shots[0].enc_class == "inpatient":  # the birth doses: given in the newborn's birth stay (engine.birth)
        enc = sim.birth_stay
        if enc is None or t > enc["stop"]:
            # born outside hospital (or discharged first): hepatitis B dose 1 comes from the routine schedule,
            # nirsevimab at an office visit in the first week
            office = tuple(replace(s, enc_class="ambulatory") for s in shots if s.key in OFFICE_IF_NO_STAY)
            if office:
                sim.queue.push(clock.place(t + DAY, "ambulatory", sim.zone, sim.clock_rng), WELLNESS, 0, office)
            return
        later = birth_dose.deferred_until(birth.weight(sim, enc), int(sim.birth_time), t, enc["stop"])
        if later is not None and any(s.key == birth_dose.SERIES for s in shots):  # under 2 kg: at 1 month/discharge
            sim.queue.push(later, WELLNESS, 0, tuple(s for s in shots if s.key == birth_dose.SERIES))
            shots = tuple(s for s in shots if s.key != birth_dose.SERIES)
    elif desk.lock is not None or t < desk.free_at:
        later = clock.place(max(desk.free_at, t + 3600.0), shots[0].enc_class, sim.zone, sim.clock_rng)
        sim.queue.push(later, WELLNESS, 0, shots)
        return
    else:
        enc = desk.new_encounter(t, shots[0].enc_class, [codes.code(*VACCINE_VISIT)], [], "immunizations", None)
        desk.free_at = max(desk.free_at, enc["stop"])
    for shot in shots:
        sim.immunizations_given[shot.key] = sim.immunizations_given.get(shot.key, 0) + 1
        sim.immunizations_last[shot.key] = int(t)
        dose = sum(sim.immunizations_given.get(k, 0) for k in vaccine_plan.dose_family(shot.key))  # a booster: dose 3
        sim.write("immunizations", {"time": t, "codes": [shot.code()], "series": dose}, enc["id"])


def _flu_given_this_season(sim: Simulation, shot: vaccine_plan.Shot, t: float) -> bool:
    """An influenza dose for someone 9 or older who already had one this season (pregnancy and yearly plans)."""
    last = sim.immunizations_last.get("flu")
    if shot.key != "flu" or last is None or (t - sim.birth_time) / SECONDS["years"] < vaccine_plan.FLU_TWO_DOSE_AGE:
        return False
    return vaccine_plan.flu_season(int(last)) == vaccine_plan.flu_season(int(t))


def _renew_chronic(sim: Simulation, enc: dict[str, Any], t: float) -> None:
    """A chronic prescription is renewed at each wellness visit: the old order ends, a new one starts."""
    seen: set[str] = set()
    for med in list(sim.active["medications"].values()):
        if not med.get("chronic") or med["id"] in seen or med["start"] >= t or (med["stop"] or float("inf")) <= t:
            continue
        seen.add(med["id"])
        sim.renew("medications", med, t, enc["id"])
    if sim.rx.pending:
        sim.rx.resume(t, enc["id"])


def imaging_study(sim: Simulation, run: ModuleRun, state: Any, t: float) -> None:
    """An ImagingStudy with DICOM UIDs, and the matching 30-minute procedure."""
    rng = sim.rng
    base = f"1.2.840.99999999.{int(rng.integers(10**8, 10**9))}.{int(t)}"
    series = []
    n_series = int(rng.integers(state.min_number_series, state.max_number_series + 1))
    for i in range(n_series):
        spec = state.series[i % len(state.series)]
        n_inst = int(rng.integers(spec.min_number_instances, spec.max_number_instances + 1))
        instances = [
            {
                "uid": f"{base}.{i + 1}.{j + 1}",
                "title": spec.instances[j % len(spec.instances)].title,
                "sop_class": spec.instances[j % len(spec.instances)].sop_class.as_dict(),
            }
            for j in range(n_inst)
        ]
        series.append(
            {
                "uid": f"{base}.{i + 1}",
                "body_site": spec.body_site.as_dict(),
                "modality": spec.modality.as_dict(),
                "instances": instances,
            }
        )
    sim.add_entry(
        run,
        "imaging_studies",
        {"time": t, "procedure_code": state.procedure_code.as_dict(), "uid": base, "series": series},
        state,
    )
    sim.add_entry(
        run,
        "procedures",
        {"start": t, "stop": t + 1800.0, "codes": [state.procedure_code.as_dict()], "reason": []},
        None,
    )
    sim.extend_encounter(run, t + 1800.0)


NEWBORN_DAYS = 7  # a condition present from birth is recorded in the newborn's first encounter within a week


def death_after_admission(sim: Simulation, t: float) -> float:
    """A death in the instant of an emergency visit or admission comes after a stay (``deaths/hospital_stay.csv``)."""
    desk = sim.desk
    under_way = desk.wellness_enc if desk.lock is CORE else getattr(desk.lock, "encounter", None)
    if t > sim.now or under_way is None or under_way["start"] < sim.now:
        return t
    later = deaths.after_stay(sim.cause_rng, under_way["class"], t)
    desk.stretch(under_way, later)  # the stay lasts until the death (with the drugs given in it)
    return later


def death_certificate(sim: Simulation, t: float) -> None:
    """Close what is open at death, then the certification visit with the cause-of-death observation."""
    desk = sim.desk
    under_way = desk.wellness_enc if desk.lock is CORE else getattr(desk.lock, "encounter", None)
    if under_way is not None and under_way["stop"] < t:
        desk.stretch(under_way, t)  # the visit under way lasts until the death (with the drugs given in it)
    place: dict[str, Any] | None = None  # the stay the patient died in (the latest, after a transfer)
    for enc in sim.rec.lists["encounters"]:
        if enc["start"] <= t <= enc["stop"] and enc["class"] in HOSPITAL_STAYS:
            if enc["class"] != "hospice":
                enc["discharge"] = codes.code(*EXPIRED)  # died during the stay (even if a module had just discharged)
            elif (enc.get("discharge") or {}).get("code") not in HOSPICE_EXPIRED:
                enc["discharge"] = codes.code(*EXPIRED_IN_HOSPICE)
            if place is None or enc["start"] >= place["start"]:
                place = enc
        if enc["stop"] > t:
            enc["stop"] = max(t, enc["start"])
    if place is not None:
        stay_vitals.record(sim, place)  # the stay died in was triaged / admitted too, though no module ended it
    if desk.wellness_enc is not None:
        desk.wellness_enc = None
    desk.lock = None
    age = (t - sim.birth_time) / SECONDS["years"]
    history = [
        {**c["codes"][0], "onset": c.get("onset") or c["start"], "stop": c.get("stop")}
        for c in sim.rec.lists["conditions"]
        if c.get("codes")
    ]
    sim.death_cause = deaths.certified_cause(sim.cause_rng, sim.death_cause, age, sim.patient["gender"], history, t)
    cause = sim.death_cause or [codes.code(*DEATH_UNKNOWN_CAUSE)]
    if place is None:  # a slow disease killing outside any stay: its hospice, last admission or nursing facility
        place = end_of_life.terminal_course(sim, t, cause, history)
    if place is None:  # an injury, overdose, suicide or homicide: pronounced in the emergency department
        place = end_of_life.injury_pronouncement(sim, t, cause)
    resident = end_of_life.long_term_residence(sim, t, place)  # a dementia resident stays in the facility
    place = resident if resident is not None else place
    end_of_life.care_planning(sim, t, cause, history, place)  # the goals-of-care discussion before it
    end_of_life.carry_code_status(sim, t)  # later admissions record the code status of a directive
    # The certification encounter is the pronouncement of death: at the instant of death (ETL-Synthea takes the
    # death date and time from its start and the cause from its reason), where the patient died: in the stay
    # under way (same class, hospital and clinician; an injury's emergency visit), else at home; never an office
    # visit (at night).
    enc_class = place["class"] if place is not None else DIED_ELSEWHERE
    enc = desk.new_encounter(t, enc_class, [codes.code(*DEATH_CERTIFICATION)], [dict(cause[0])], "death", None)
    if place is not None:
        enc["organization"], enc["practitioner"] = place["organization"], place["practitioner"]
    enc["stop"] = t
    sim.write(
        "observations",
        {
            "time": t,
            "category": "exam",
            "codes": [codes.code(*CAUSE_OF_DEATH)],
            "value": dict(cause[0]),
            "value_type": "code",
            "unit": "",
            "components": [],
            "report": None,
        },
        enc["id"],
    )
    sim.death_encounter = enc["id"]
    for kind in ("medications", "careplans", "devices"):
        for entry in list(sim.active[kind].values()):
            sim.deactivate(kind, entry, t, None)
    found = deaths.record_at_death(sim.death_cause, history)
    if found is not None:  # e.g. coronary disease first shown by the sudden death: the record carries the cause
        onset = deaths.recorded_onset(found, t, sim.birth_time)  # a malformation: present since birth ...
        at = enc["id"]
        if onset < t:  # ... and in the record since the first encounter of the newborn (else the certificate)
            first = min(sim.rec.lists["encounters"], key=lambda e: e["start"])
            at = first["id"] if first["start"] <= onset + NEWBORN_DAYS * 86_400 else at
        sim.write("conditions", {"start": onset, "stop": None, "onset": onset, "codes": [dict(found)]}, at)
