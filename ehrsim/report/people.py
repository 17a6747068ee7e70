"""The few facts per patient the realism report needs, so a large run never sits in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ehrsim.report.source import YEAR


@dataclass(frozen=True)
class Person:
    """One simulated life, reduced to what prevalence, incidence and life tables use."""

    sex: str
    birth: int
    end: int  # death time, or the reference time for people alive then
    dead: bool
    #: first onset time of each watched condition code ever recorded
    first_onset: dict[str, int] = field(default_factory=dict)
    #: watched codes with a condition still active at the reference time
    active: frozenset[str] = frozenset()
    #: watched codes of a latent disease (the simulator's truth, record ``latent``) begun by the reference time
    latent: frozenset[str] = frozenset()

    def age_at(self, t: float) -> float:
        return (t - self.birth) / YEAR

    def time_at_age(self, age: float) -> float:
        return self.birth + age * YEAR


def summarise(record: dict[str, Any], reference_time: int, watched: frozenset[str] | set[str]) -> Person:
    """Reduce a native record to a :class:`Person`, keeping only ``watched`` codes.

    Conditions and allergies both count (allergy targets name the allergy's code), and so does the
    cause of death.
    """
    patient = record["patient"]
    death_time = (record.get("death") or {}).get("time")
    dead = death_time is not None and death_time <= reference_time
    end = death_time if dead and death_time is not None else reference_time
    first: dict[str, int] = {}
    active: set[str] = set()
    for cond in (*record.get("conditions", ()), *record.get("allergies", ())):
        start = cond["start"]
        if start > reference_time:
            continue
        for code in cond["codes"]:
            c = code["code"]
            if c not in watched:
                continue
            if c not in first or start < first[c]:
                first[c] = start
            stop = cond.get("stop")
            if not dead and (stop is None or stop > reference_time):
                active.add(c)
    if dead:  # a cause of death counts as an onset at death (targets may name one)
        for code in (record.get("death") or {}).get("codes") or ():
            if code["code"] in watched and code["code"] not in first:
                first[code["code"]] = end
    latent = frozenset(c for c, t in (record.get("latent") or {}).items() if c in watched and t <= end)
    return Person(patient["gender"], int(patient["birth_time"]), int(end), dead, first, frozenset(active), latent)
