"""The yearly core update: lifestyle, cardiovascular risk and insurance attributes modules read.

Vital signs are not stepped: ``Simulation.vitals`` asks the physiology model for them lazily,
only when a module reads or records one.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.core import demographics, fever, labs, lifestyle, physio_effects, physiology, socioeconomic
from ehrsim.engine.queue import LIFECYCLE
from ehrsim.gmf.values import SECONDS
from ehrsim.paths import terminology_dir
from ehrsim.prescribing import gbs, pregnancy

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

YEAR = SECONDS["years"]
COVID_VACCINE_TIME = 1_622_505_600  # 2021-06-01: primary series widely available to adults
PREGNANCY_ATTRIBUTES = frozenset({"pregnancy", "pregnant"})  # ehrsim's and Synthea's pregnancy modules
PHYSIOLOGY_KINDS = frozenset({"conditions", "medications"})
#: true values a module's VitalSign feeds back into the state instead of pinning
STATE_VARIABLES = frozenset(
    {
        "Systolic Blood Pressure",
        "Diastolic Blood Pressure",
        "Heart Rate",
        "Respiration Rate",
        "Oxygen Saturation",
        "Left ventricular Ejection fraction",
        "Hemoglobin A1c",
        "Glucose",
        "Creatinine",
        "Urea Nitrogen",
        "Microalbumin Creatinine Ratio",
        "LDL",
        "HDL",
        "Triglycerides",
        "Hemoglobin",
        "NT-proBNP",
        "Potassium",
        "Sodium",
        "Calcium",
        "Chloride",
        "Carbon Dioxide",
        "EGFR",
        "Blood Glucose",
        "Total Cholesterol",
    }
)


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
    active = sim.active
    age = (t - sim.birth_time) / YEAR
    values = sim.physiology.update(
        age,
        sim.attributes,
        t,
        active["conditions"],
        active["medications"],
        sim.rec.lists["medications"],
    )
    if age < 2.0:  # Synthea's wellness module records weight-for-length (LOINC 77606-2) from this attribute
        percentile = sim.physiology.growth_attributes(age, values).get("current_weight_length_percentile")
        if percentile is not None and sim.attributes.get("current_weight_length_percentile") != percentile:
            sim.set_attribute("current_weight_length_percentile", percentile)
    return values


def measure(
    sim: Simulation,
    loinc: str | None,
    vital_sign: str | None,
    declared: tuple[float, float] | None,
    since: float | None = None,
    rng: np.random.Generator | None = None,
) -> Any:
    """A result from the state now; a heart or respiratory rate carries the fever of a temperature recorded in the
    fever window before ``since`` (default now) or after it (``core/fever.py``). The measurement noise is drawn from
    ``rng`` (default the patient's stream; the birth stay uses its own)."""
    analyte = labs.analyte_for(loinc, vital_sign)
    if analyte is None:
        return None
    age = (sim.now - sim.birth_time) / YEAR
    if analyte.variable in sim.pinned_vitals:
        return sim.pinned_vitals[analyte.variable]
    vitals = sim.vitals
    if fever.responds(analyte.variable):
        start = fever.window_start(sim.now if since is None else since)
        imposed = sim.physiology.offsets.get(analyte.variable)  # a rate the module set itself stands
        if imposed is None or imposed[1] < start:
            degrees = fever.excess(sim.rec.latest_obs, start, sim.now)
            vitals = fever.raised(vitals, analyte.variable, age, degrees)
    value = labs.measure(sim.physiology, vitals, rng or sim.rng, analyte, sim.now, age, declared)
    if analyte.variable == "BMI" and value is not None and 2.0 <= age < 20.0:
        # the BMI-for-age percentile of this very measurement (modules record it next), not last birthday's
        percentile = physiology.bmi_percentile(age, sim.physiology.sex, float(value))
        if percentile is not None:
            sim.set_attribute("bmi_percentile", round(percentile, 1))
    return value


#: variables a range cannot be adopted for ahead of the sample (computed from other results of it)
_NOT_ADOPTED = frozenset({"EGFR", "EGFR MDRD", "BMI"})


def adopt_range(sim: Simulation, loinc: str, declared: tuple[float, float]) -> None:
    """A panel's module range moves the state before any of the panel's results is drawn (labs.adopt)."""
    analyte = labs.analyte_for(loinc, None)
    if analyte is None or analyte.variable in _NOT_ADOPTED or analyte.variable in sim.pinned_vitals:
        return
    phys = sim.physiology
    last = phys.last.get(analyte.variable)
    if last is not None and last[0] == sim.now:
        return  # already measured in this sample
    true = phys.kept.get(analyte.variable, sim.vitals.get(analyte.variable))
    if true is None:
        return
    age = (sim.now - sim.birth_time) / YEAR
    if labs.adopt(phys, analyte, true, sim.now, age, declared, sim.rng)[0] != true:
        sim.invalidate_vitals()


def pregnancy_changed(sim: Simulation, value: Any) -> None:
    """A pregnancy attribute was set: the state learns of a conception (with the BMI before it) or an end. Modules
    set these attributes far more often than a pregnancy begins or ends; then nothing is read or recomputed."""
    pregnant = value not in (None, False, 0, "", "false")
    phys = sim.physiology
    change = phys.pregnancy_change(pregnant)
    if change is None:
        return
    phys.pregnancy(pregnant, sim.now, sim.vitals.get("BMI", 25.0) if change == "conception" else 25.0)
    sim.invalidate_vitals()
    if change == "end":  # the pregnancy's aspirin ends with it
        pregnancy.pregnancy_ended(sim.rx, sim.now)
        gbs.pregnancy_ended(sim)
    else:  # a device in place before it was removed for it (prescribing/running.in_place)
        sim.rx.last_conception = sim.now


def pregnancy_condition_ended(sim: Simulation, entry: dict[str, Any]) -> None:
    """The last pregnancy condition ended (the birth, a miscarriage) while a pregnancy attribute still holds: the
    pregnancy is over. Synthea's ``pregnant`` holds until its module ends, after the postnatal visit 6 weeks on, so
    the state kept a pregnancy's BP dip and weight gain, the prescribing layer treated a raised postnatal reading as
    in pregnancy (methyldopa naming no condition) and the postpartum rules never ran. No random draw."""
    codes = sim.rx.rx.pregnancy
    if not any(c["code"] in codes for c in entry["codes"]) or any(c in sim.active["conditions"] for c in codes):
        return
    if any(sim.attributes.get(a) is True for a in PREGNANCY_ATTRIBUTES):
        pregnancy_changed(sim, False)


def pregnant(sim: Simulation) -> bool:
    """A pregnancy attribute holds and the pregnancy it stands for has not ended (``pregnancy_condition_ended``)."""
    return sim.physiology.pregnancy_end is None and any(sim.attributes.get(a) is True for a in PREGNANCY_ATTRIBUTES)


def moves_state(kind: str, entry: dict[str, Any]) -> bool:
    """Whether starting or ending this condition or medication can change the physiological state: a condition
    only when the condition table lists one of its codes (``physiology/condition_effects.csv``), every medication
    (drug classes, doses and courses are read from the whole history). Other changes keep the cached values."""
    if kind != "conditions":
        return True
    listed = physio_effects.condition_codes()
    if any(code["code"] in listed for code in entry["codes"]):
        return True
    ordered = entry.get("ordered")
    return ordered is not None and ordered["code"] in listed


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
