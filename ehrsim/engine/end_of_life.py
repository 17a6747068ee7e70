"""The terminal course written before a death from a slow disease outside any stay (``core.terminal``).

A module's Death state comes in the instant of death: its hospice or last admission, when it models none, is
written then, back from the death. The course begins after the disease was recorded and after the last encounter
ended (no overlap with the care already in the chart), lasts until the death and ends with an expired discharge
(a hospice patient's at home or in a facility: the place of death); its resuscitation status (a do-not-resuscitate
order or full resuscitation) is recorded at its start (deaths/terminal_code_status.csv);
the death is then pronounced in it (``care.death_certificate``). Nothing comes after the death.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import clock, terminal
from ehrsim.engine import stay_vitals

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

YEAR = 365.25 * 86_400.0


def terminal_course(
    sim: Simulation, t: float, cause: list[dict[str, str]], history: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The hospice, terminal admission or nursing-facility stay ending in the death at ``t``, or None.

    ``history`` holds the recorded conditions (codes with ``onset``); the course needs one of the cause's group.
    """
    group = terminal.slow_group(cause[0].get("display")) if cause else None
    if group is None:
        return None
    pattern = terminal.slow_pattern(group)
    onsets = [
        c["onset"]
        for c in history
        if c.get("onset") is not None and c["onset"] < t and pattern.search(c.get("display") or "")
    ]
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
    ended = [e["stop"] for e in sim.rec.lists["encounters"] if e["start"] < t]
    start = max(t - terminal.length_seconds(rng, setting), diagnosed, max(ended, default=diagnosed))
    if t - start < setting.min_days * terminal.DAY:
        return None  # care just before the death (or a diagnosis that recent): no room for a course
    placed = clock.place(start, setting.encounter_class, sim.zone, sim.clock_rng)  # hospice admissions by day
    start = placed if t - placed >= setting.min_days * terminal.DAY else start
    why = [{k: reason[k] for k in ("system", "code", "display")}]
    enc = sim.desk.new_encounter(start, setting.encounter_class, [dict(setting.code)], why, "death", None)
    enc["stop"], enc["discharge"] = t, terminal.disposition(rng, name)
    if setting.care_plan is not None:  # ended with the other active care plans at the death
        plan = {"start": start, "stop": None, "codes": [dict(setting.care_plan)], "activities": [], "goals": []}
        sim.activate("careplans", sim.rec.add("careplans", {**plan, "reason": why}, enc["id"]))
    stay_vitals.record(sim, enc)  # admission vital signs, as any stay
    status = terminal.code_status(rng, name, start)  # recorded at the admission: DNR or full resuscitation
    if status is not None:
        observation = {
            "time": start,
            "category": "survey",
            "codes": [dict(terminal.RESUSCITATION_STATUS)],
            "value": status,
            "value_type": "code",
            "unit": "",
            "components": [],
            "report": None,
        }
        sim.write("observations", observation, enc["id"])
    return enc
