"""Turn a finished Simulation into the native record (docs/record.md), and cut it to the history window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import codes, demographics, exam, glycaemia, latent
from ehrsim.core.rounding import round_to
from ehrsim.record import era_names, findings
from ehrsim.record.kinds import BY_NAME, KINDS, TIME_FIELDS

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

assert TIME_FIELDS == ("start", "stop", "time", "onset")  # written out in ``build_record``

YEAR = 365.25 * 86400
DAY = 86400
#: kinds an entry's ``reason`` codes can point to
REASON_KINDS = ("conditions", "allergies")
#: kinds the core may write ahead of the clock: an entry is dropped when the life ends before it
PLANNED_AHEAD = ("observations", "procedures", "immunizations")
#: an emergency visit followed this soon by an admission continues into it (the stay records the disposition)
ADMITTED_WITHIN = 7200
ROUTINE_DISCHARGE = ("NUBC", "01")


def build_record(sim: Simulation, index: int) -> dict[str, Any]:
    end = sim.death_time if sim.death_time is not None else sim.end_time
    lists = sim.rec.lists
    for kind in PLANNED_AHEAD:  # written ahead (a birth stay's screens at 12-48 h) but not reached: a newborn who
        entries, field = lists[kind], BY_NAME[kind].time_field  # died on the first day (tests/engine)
        if any(e[field] > end for e in entries):
            entries[:] = [e for e in entries if e[field] <= end]
    findings.add_reports(lists, sim.rec.new_id)  # imaging, ECG, echo and pathology report text
    _ed_dispositions(lists["encounters"], sim.death_time)
    meds = lists["medications"]  # a planned course step or delayed start the life did not reach never began
    meds[:] = [m for m in meds if m["start"] <= end and (m["stop"] is None or m["stop"] >= m["start"])]
    clipped = None if sim.death_time is None else int(end)
    for kind in KINDS:
        clip_stop = kind != "encounters"  # an encounter keeps its stop
        for entry in lists[kind]:  # TIME_FIELDS to whole seconds, written out (~2,000 entries a life)
            get = entry.get
            if (value := get("start")) is not None:
                entry["start"] = int(value)
            if (stop := get("stop")) is not None:
                stop = int(stop)
                entry["stop"] = clipped if clip_stop and stop > end else stop
            if (value := get("time")) is not None:
                entry["time"] = int(value)
            if (value := get("onset")) is not None:
                entry["onset"] = int(value)
    death = None
    if sim.death_time is not None:
        death = {
            "time": int(sim.death_time),
            "codes": sim.death_cause,
            "encounter": getattr(sim, "death_encounter", None),
        }
    latent_block: dict[str, Any] = {
        **glycaemia.latent_conditions(sim.physiology, sim.birth_time, end),
        **latent.conditions(sim.latent_onsets, end),
    }
    if sim.death_time is None:  # the survey exam of everyone alive at the end of the run (core/exam.py)
        active = sim.rec.active
        latent_block["exam"] = exam.survey_exam(
            sim.physiology,
            sim.birth_time,
            sim.end_time,
            sim.attributes,
            active["conditions"],
            active["medications"],
            lists["medications"],
            sim.rng,
        )
    era_names.rename(lists, death, sim.rec.new_id)  # CKD stages before KDOQI 2002: the era's names
    return {
        "format": 1,
        "index": index,
        "id": sim.rec.patient_id,
        "patient": _patient(sim),
        "alive": sim.death_time is None,
        "death": death,
        **lists,
        "prescribing": sim.rx.events,
        "latent": latent_block,
        "symptoms": [
            {"time": int(t), "symptom": name, "cause": cause, "severity": round_to(level, 1), "encounter": enc}
            for t, name, cause, level, enc in sim.symptoms.log
        ],
    }


def _patient(sim: Simulation) -> dict[str, Any]:
    """The person as recorded: drawn for their age at the reference date, or as they were when they died."""
    if sim.death_time is None:
        return sim.patient
    age = (sim.death_time - sim.birth_time) / YEAR
    return demographics.as_of_death(sim.patient, sim.attributes, age, sim.rng.spawn(1)[0])


def _ed_dispositions(encounters: list[dict[str, Any]], death_time: float | None) -> None:
    """An emergency visit a module ended with no disposition, not followed by an admission and not the one the patient
    died in, was a treat-and-release visit: discharged home (NUBC 01). Synthea's modules and older ones of ours end
    ED visits without one (the s15adult chart review: 942 of 963 ED visits of Synthea's library, 245 of 1,011 of
    ours); every ED visit ends in a disposition (UB-04 form locator 17; NHAMCS visit disposition).

    An ED visit that continues into an admission was not discharged home: the s19review chart review found every
    one of 59 such visits (sepsis, appendicitis, pneumonia modules) "Discharged to home or self care" minutes before
    the ICU or surgical stay began. That routine discharge is dropped; the stay records how the episode ended (the
    ED services of an admission are billed on the inpatient claim, CMS 3-day payment window, so the ED part has no
    discharge status of its own)."""
    admissions = [e["start"] for e in encounters if e["class"] == "inpatient"]
    routine = ROUTINE_DISCHARGE[1]
    for enc in encounters:
        if enc["class"] != "emergency" or enc.get("module") == "death" or enc.get("in_progress"):
            continue
        disposition = enc.get("discharge")
        if disposition and disposition.get("code") != routine:
            continue  # the module's own (expired, transferred): kept
        stop = enc["stop"]
        if any(stop - ADMITTED_WITHIN <= a <= stop + ADMITTED_WITHIN for a in admissions):
            if disposition:
                enc["discharge"] = None  # admitted: not discharged home
            continue
        if disposition:
            continue
        if death_time is not None and death_time <= stop + ADMITTED_WITHIN:
            continue  # died there or just after: not a routine discharge
        enc["discharge"] = codes.code(*ROUTINE_DISCHARGE)


def cut_history(record: dict[str, Any], end_time: int, years: int) -> dict[str, Any]:
    """Keep the last ``years`` years (0 = all), plus what was still active then (as Synthea does).

    Encounters that kept entries point to are kept too, so references never dangle.
    """
    if years <= 0:
        return record
    cutoff = end_time - years * YEAR
    kept: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        if kind == "encounters":
            continue
        spec = BY_NAME[kind]
        when_field = spec.time_field
        out = []
        for e in record[kind]:
            stop = e.get("stop")
            if e[when_field] >= cutoff or (spec.lasting and (stop is None or stop >= cutoff)):
                out.append(e)
        kept[kind] = out
    recent = [e for e in record["encounters"] if e["stop"] >= cutoff]
    needed = {e["encounter"] for entries in kept.values() for e in entries if e.get("encounter")}
    older = [e for e in record["encounters"] if e["stop"] < cutoff and e["id"] in needed]  # kept for an entry
    _keep_reasons(record, kept, [*recent, *older, *(e for entries in kept.values() for e in entries)])
    needed = {e["encounter"] for entries in kept.values() for e in entries if e.get("encounter")}
    death = record.get("death")
    if death and death.get("encounter"):
        needed.add(death["encounter"])
    kept["encounters"] = [e for e in record["encounters"] if e["stop"] >= cutoff or e["id"] in needed]
    obs_ids = {o["id"] for o in kept["observations"]}
    for report in kept["reports"]:
        report["observations"] = [i for i in report["observations"] if i in obs_ids]
    return {**record, **kept, "symptoms": _cut_symptoms(record.get("symptoms", []), cutoff)}


def _cut_symptoms(events: list[dict[str, Any]], cutoff: float) -> list[dict[str, Any]]:
    """Symptom changes from the cut-off on, plus each (symptom, cause)'s last earlier level when still felt then."""
    before: dict[tuple[str, str], dict[str, Any]] = {}
    for e in events:
        if e["time"] < cutoff:
            before[(e["symptom"], e["cause"])] = e
    held = [e for e in before.values() if e["severity"] > 0]
    return sorted(held, key=lambda e: e["time"]) + [e for e in events if e["time"] >= cutoff]


def _keep_reasons(record: dict[str, Any], kept: dict[str, list[dict[str, Any]]], entries: list[dict[str, Any]]) -> None:
    """Put back the condition or allergy a kept entry's ``reason`` names when the cut dropped it.

    A reason is a code, so it points to the latest condition (or allergy) with that code that began
    by the entry's start (one day of slack, as in the coherence report): an antidepressant kept
    because it is still active keeps the depression episode that justified it.
    """
    held: dict[str, float] = {}  # code -> the earliest start among the kept entries
    for kind in REASON_KINDS:
        for e in kept[kind]:
            for c in e["codes"]:
                held[c["code"]] = min(held.get(c["code"], e["start"]), e["start"])
    missing = []
    for entry in entries:
        when = entry.get("start", entry.get("time"))
        for code in entry.get("reason") or ():
            first = held.get(code["code"])
            # a kept episode that began later (a relapse) does not justify an older entry
            if first is None or (when is not None and first > when + DAY):
                missing.append((code["code"], when))
    if not missing:
        return
    by_code: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for kind in REASON_KINDS:
        for e in record[kind]:
            for c in e["codes"]:
                by_code.setdefault(c["code"], []).append((kind, e))
    back: set[str] = set()
    for code, when in missing:
        earlier = [(k, e) for k, e in by_code.get(code, ()) if when is not None and e["start"] <= when + DAY]
        if earlier:
            back.add(max(earlier, key=lambda ke: ke[1]["start"])[1]["id"])
    for kind in REASON_KINDS:
        ids = {e["id"] for e in kept[kind]} | back
        kept[kind] = [e for e in record[kind] if e["id"] in ids]
