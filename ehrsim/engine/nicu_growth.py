"""A NICU stay's growth measurements: weight, length and head circumference every week until discharge.

A newborn under 34 weeks stays in the NICU for weeks (to about 36-37 weeks postmenstrual age), and the record held
only the admission's measurements: 36 of the 41 NICU stays of the 2,000-life proof run lasted 20-90 days with a
single weight (s19mom). Growth in the unit is followed on the Fenton preterm chart (``perinatal/birth_stay.csv``,
``nicu_measure_every_days``): the core measures the newborn's weight, length and head circumference
(``vitals/birth_measurements.csv``) from the physiological state, which grows the preterm infant along the Fenton
chart, every ``nicu_measure_every_days`` days after admission while the stay lasts. The draws come from the birth
stay's own stream after its last birth draw, so no module's draws move.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core import birth_stay
from ehrsim.core.tables import rows
from ehrsim.engine import lifecycle
from ehrsim.engine.queue import CALLBACK

if TYPE_CHECKING:
    import numpy as np

    from ehrsim.engine.simulation import Simulation

DAY = 86400.0


@cache
def _measures() -> tuple[tuple[dict[str, str], str, str], ...]:
    """(code, vital sign, unit) of the newborn measurements."""
    return tuple(
        ({"system": "LOINC", "code": r["code"], "display": r["display"]}, r["vital"], r["unit"])
        for r in rows("vitals/birth_measurements.csv")
    )


def schedule(sim: Simulation, enc: dict[str, Any], stop: float, rng: np.random.Generator) -> None:
    """Call the core back a week after admission to a NICU stay ending at ``stop``."""
    step = birth_stay.settings()["nicu_measure_every_days"] * DAY
    if enc["start"] + step < stop:
        sim.queue.push(enc["start"] + step, CALLBACK, 0, _Measure(enc["id"], stop, step, rng))


@dataclass(frozen=True, slots=True, eq=False)
class _Measure:
    """The week's measurements (a CALLBACK event), then the next week's call while the stay lasts."""

    encounter: str
    stop: float
    step: float
    rng: np.random.Generator

    def __call__(self, sim: Simulation, t: float) -> None:
        for code, vital, unit in _measures():
            value = lifecycle.measure(sim, code["code"], vital, None, rng=self.rng)
            if value is None:
                continue
            value = round(float(value), 2)
            fields = {
                "time": t,
                "category": "vital-signs",
                "codes": [dict(code)],
                "value": value,
                "value_type": "numeric",
                "unit": unit,
                "components": [],
                "report": None,
                **sim.result_flags(code["code"], value),
            }
            sim.write("observations", fields, self.encounter)
        if t + self.step < self.stop:
            sim.queue.push(t + self.step, CALLBACK, 0, self)
