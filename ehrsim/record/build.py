"""Turn a finished Simulation into the native record (docs/record.md), and cut it to the history window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.engine.recorder import KINDS
from ehrsim.record import findings

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

TIME_FIELDS = ("start", "stop", "time", "onset")
#: kinds that stay in a cut record while still active at the cut-off
LASTING = ("conditions", "allergies", "medications", "careplans", "devices")
YEAR = 365.25 * 86400


def build_record(sim: Simulation, index: int) -> dict[str, Any]:
    end = sim.death_time if sim.death_time is not None else sim.end_time
    lists = sim.rec.lists
    findings.add_reports(lists, sim.rec.new_id)  # imaging, ECG, echo and pathology report text
    for kind in KINDS:
        for entry in lists[kind]:
            for key in TIME_FIELDS:
                value = entry.get(key)
                if value is not None:
                    entry[key] = int(value)
            if kind != "encounters" and entry.get("stop") is not None and entry["stop"] > end:
                entry["stop"] = None if sim.death_time is None else int(end)
    death = None
    if sim.death_time is not None:
        death = {
            "time": int(sim.death_time),
            "codes": sim.death_cause,
            "encounter": getattr(sim, "death_encounter", None),
        }
    return {
        "format": 1,
        "index": index,
        "id": sim.rec.patient_id,
        "patient": sim.patient,
        "alive": sim.death_time is None,
        "death": death,
        **lists,
    }


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
        out = []
        for e in record[kind]:
            when = e.get("time", e.get("start"))
            stop = e.get("stop")
            if when >= cutoff or (kind in LASTING and (stop is None or stop >= cutoff)):
                out.append(e)
        kept[kind] = out
    needed = {e["encounter"] for entries in kept.values() for e in entries if e.get("encounter")}
    death = record.get("death")
    if death and death.get("encounter"):
        needed.add(death["encounter"])
    kept["encounters"] = [e for e in record["encounters"] if e["stop"] >= cutoff or e["id"] in needed]
    obs_ids = {o["id"] for o in kept["observations"]}
    for report in kept["reports"]:
        report["observations"] = [i for i in report["observations"] if i in obs_ids]
    return {**record, **kept}
