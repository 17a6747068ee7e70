"""The yearly core update: lifestyle, cardiovascular risk and insurance attributes modules read.

Vital signs are not stepped: ``Simulation.vitals`` asks the physiology model for them lazily,
only when a module reads or records one.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import TYPE_CHECKING

from ehrsim.core import demographics, lifestyle, physiology, socioeconomic
from ehrsim.engine.queue import LIFECYCLE
from ehrsim.gmf.values import SECONDS
from ehrsim.paths import terminology_dir

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

YEAR = SECONDS["years"]
COVID_VACCINE_TIME = 1_622_505_600  # 2021-06-01: primary series widely available to adults


@cache
def _covid_vaccination() -> list[tuple[float, float, float]]:
    """(age low, age high, share fully vaccinated), from terminology/demographics/covid_vaccination.csv."""
    with open(terminology_dir() / "demographics" / "covid_vaccination.csv", newline="", encoding="utf-8") as fh:
        return [
            (float(r["age_low"]), float(r["age_high"]), float(r["share_fully_vaccinated"])) for r in csv.DictReader(fh)
        ]


def new_physiology(sim: Simulation) -> physiology.Physiology:
    return physiology.Physiology(sim.rng, sim.patient["gender"], sim.patient["race"])


def vitals(sim: Simulation, t: float) -> dict[str, float]:
    return sim.physiology.update((t - sim.birth_time) / YEAR, sim.attributes)


def ses_category(sim: Simulation) -> str:
    return demographics.ses_category(sim.attributes)


def update(sim: Simulation, t: float) -> None:
    """Once a year, on the birthday: smoking and alcohol, risk scores, insurance (Medicare at 65)."""
    age = (t - sim.birth_time) / YEAR
    attributes = sim.attributes
    sim.update_attributes(lifestyle.smoking_step(sim.rng, age, attributes, 1.0))
    sim.update_attributes(lifestyle.alcohol_step(sim.rng, age, attributes, 1.0))
    if age >= 20:
        sim.update_attributes(
            physiology.cardiovascular_risk(age, sim.patient["gender"], sim.patient["race"], sim.vitals, attributes)
        )
    elif age >= 2:
        percentile = sim.vitals.get("BMI Percentile") or sim.vitals.get("bmi_percentile")
        if percentile is not None:
            sim.set_attribute("bmi_percentile", percentile)
    sim.update_attributes(socioeconomic.insurance_update(attributes, age))
    if t >= COVID_VACCINE_TIME and "C19_FULLY_VACCINATED" not in attributes:
        share = next((s for lo, hi, s in _covid_vaccination() if lo <= age < hi), 0.0)
        if share:  # Synthea's Java C19 module sets this flag; its covid19 module reads it
            sim.set_attribute("C19_FULLY_VACCINATED", bool(sim.rng.random() < share))
    sim.schedule_core(sim.birth_time + (int(age) + 1) * YEAR, LIFECYCLE)
