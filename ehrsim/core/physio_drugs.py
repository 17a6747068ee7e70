"""Drugs move the true values of the physiological state: classes, course starts, dose and adherence.

A medication's class comes from the ingredient and strength in its RxNorm display (statin intensity
depends on the dose), so the same table serves ehrsim's modules and Synthea's. Each patient responds
with a persistent fraction of the published range (``Physiology.unit``), and a drug's effect ramps up
linearly over ``ramp_days`` from its start, so a result drawn the day a drug starts is untreated.
Antihypertensives scale with dose and pretreatment BP (Law et al. BMJ 2003), glucose-lowering drugs
with the HbA1c excess (Sherifali 2010); these and lipid-lowering drugs act less in patients who do not
take them. Insulin is titrated (kind ``titrated``): its dose follows the HbA1c to the patient's goal by
age (ADA, ``hba1c_goals.csv``), up to a personal ceiling, and it acts after the fixed-effect drugs.
Effect sizes are data (``terminology/physiology/``, sources in its SOURCES.md). Split from
``physio_effects`` (disease, bands and pregnancy), whose ``params`` it shares.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.physio_effects import DAY, params
from ehrsim.core.tables import rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

RENEWAL_GAP = 90 * DAY  # a drug class seen again within this is the same course of treatment

# (variable, kind, low, high, ramp seconds)
DrugEffect = tuple[str, str, float, float, float]


@cache
def _class_rows() -> dict[str, tuple[tuple[float, float, str, str], ...]]:
    out: dict[str, list[tuple[float, float, str, str]]] = {}
    for r in rows("physiology/drug_classes.csv"):
        out.setdefault(r["ingredient"], []).append((float(r["min_mg"]), float(r["max_mg"]), r["route"], r["class"]))
    return {k: tuple(v) for k, v in out.items()}


@cache
def drug_effects() -> dict[str, tuple[DrugEffect, ...]]:
    out: dict[str, list[DrugEffect]] = {}
    for r in rows("physiology/drug_effects.csv"):
        effect = (r["variable"], r["kind"], float(r["low"]), float(r["high"]), float(r["ramp_days"]) * DAY)
        out.setdefault(r["class"], []).append(effect)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _longest_ramp(cls: str) -> float:
    """Seconds after which every effect of a drug class is at full strength (0 for a class without effects)."""
    return max((ramp for _, _, _, _, ramp in drug_effects().get(cls, ())), default=0.0)


_CLASS_CACHE: dict[str, tuple[str, ...]] = {}


def drug_classes(display: str) -> tuple[str, ...]:
    """The physiological drug classes of a medication, from its RxNorm display (cached per display)."""
    found = _CLASS_CACHE.get(display)
    if found is not None:
        return found
    lower = display.lower()
    classes: list[str] = []
    if "ophthalmic" not in lower and "topical" not in lower:
        oral_or_chronic = "injection" not in lower or "pen injector" in lower
        table = _class_rows()
        for part in lower.split(" / "):
            for ingredient, options in table.items():
                if ingredient not in part:
                    continue
                match = re.search(r"([0-9.]+) (?:mg|unt)", part)
                dose = float(match.group(1)) if match else None
                for low, high, route, cls in options:
                    if route == "oral" and not oral_or_chronic:
                        continue
                    if dose is None or low <= dose <= high or (dose > high and cls not in classes and low == 0):
                        if cls not in classes:
                            classes.append(cls)
                        break
    _CLASS_CACHE[display] = tuple(classes)
    return _CLASS_CACHE[display]


def _course_start(start: float, spans: list[tuple[float, float | None]]) -> float:
    """A renewed prescription (Synthea writes a new entry every year) continues the course: walk back
    through earlier entries of the class (``spans``: (start, stop), latest first) that ended at most
    ``RENEWAL_GAP`` before the next began."""
    for began, stop in spans:
        if began < start and (stop is None or stop >= start - RENEWAL_GAP):
            start = began
    return start


def apply_drugs(
    v: dict[str, float],
    phys: Physiology,
    t: float,
    medications: dict[str, dict[str, Any]] | None,
    history: list[dict[str, Any]] | None = None,
    age: float = 50.0,
) -> float:
    """Each active drug class once (the earliest start of its course counts), ramped from that start;
    titrated classes last, since their dose answers what the others left.

    ``history`` is every medication entry so far, to follow a course across renewed prescriptions;
    ``age`` (years) sets the goal a titrated drug aims at. Returns the potassium the drugs raised (RAAS inhibitors,
    MRAs), which grows as eGFR falls (``kidney.potassium_rise``)."""
    if not medications:
        return 0.0
    starts: dict[str, float] = {}
    doses: dict[str, float] = {}  # antihypertensive class -> dose factor of its BP effect (Law 2003)
    units: list[float] = [0.0, 0.0]  # insulin units/kg a day now and at the courses' highest (a course stepped down)
    seen: set[int] = set()
    for entry in medications.values():
        if id(entry) in seen:
            continue
        seen.add(id(entry))
        start = float(t if entry.get("start") is None else entry["start"])
        for code in entry["codes"][:1]:
            display = code.get("display", "")
            for cls in drug_classes(display):
                if cls not in starts or start < starts[cls]:
                    starts[cls] = start
            dosage = entry.get("dosage")
            for cls, factor in bp_dose_factors(display, dosage).items():
                doses[cls] = max(doses.get(cls, 0.0), factor)
            if dosage and "units_per_kg" in dosage:
                _insulin_units(dosage, units)
    spans: dict[str, list[tuple[float, float | None]]] = {}
    # only a class still ramping up needs its course's true start: an earlier start keeps the weight at 1
    ramping = {cls for cls, start in starts.items() if t - start < _longest_ramp(cls)}
    if ramping and history and len(history) > len(seen):
        known = _CLASS_CACHE
        for entry in history:
            began = entry.get("start")
            if began is None or began > t:
                continue
            display = entry["codes"][0].get("display", "")
            classes = known.get(display)  # ``drug_classes``' own cache, read without the call (every entry)
            for cls in drug_classes(display) if classes is None else classes:
                if cls in ramping:
                    spans.setdefault(cls, []).append((float(began), entry.get("stop")))
    effects = drug_effects()
    potassium = 0.0
    untreated = {name: v[name] for name in BP_VARIABLES if name in v}
    titrated = titrated_classes()
    for cls, start in sorted(starts.items(), key=lambda item: (item[0] in titrated, item[0])):
        if cls in spans:
            start = _course_start(start, sorted(spans[cls], key=lambda span: -span[0]))
        for variable, kind, low, high, ramp in effects.get(cls, ()):
            if variable not in v:
                continue
            weight = min(1.0, max(0.0, (t - start) / ramp)) if ramp > 0 else 1.0
            if weight <= 0.0:
                continue
            size = low + (high - low) * phys.unit(f"drug:{cls}:{variable}")
            if variable in untreated:
                size = _bp_effect(phys, variable, size, untreated[variable], doses.get(cls))
            if kind == "pct":
                if variable == "LDL" and phys.unit("statin_adherence") < params()["ldl_nonadherent_share"]:
                    size *= params()["ldl_nonadherent_effect"]
                v[variable] *= 1.0 + weight * size / 100.0
            elif kind == "titrated":
                share = units[0] / units[1] if units[1] > 0 else 1.0
                v[variable] -= weight * share * _titrated_lowering(phys, v[variable], -size, age)
            elif variable == "Hemoglobin A1c":
                v[variable] -= _glucose_lowering(phys, v[variable], -weight * size)
            else:
                if variable == "Heart Rate" and phys.unit("bp_adherence") < params()["bp_nonadherent_share"]:
                    size *= params()["bp_nonadherent_effect"]  # the same tablets as the BP effect: taken or not
                v[variable] += weight * size
                if variable == "Potassium" and size > 0.0:
                    potassium += weight * size
    return potassium


BP_VARIABLES = ("Systolic Blood Pressure", "Diastolic Blood Pressure")


def _insulin_units(dosage: dict[str, Any], units: list[float]) -> None:
    """Add an insulin order's units/kg a day, now and at its course's highest (``peak_units_per_kg``, written when the
    prescriber stepped it down), to ``units``. Titrated insulin lowers HbA1c by the share of the titrated dose still
    given: an older adult's insulin stepped down lets HbA1c rise (ADA Standards 2024 section 13 deintensification;
    a proportional dose-response is ehrsim's simplification)."""
    now = dosage.get("units_per_kg")
    if not isinstance(now, int | float):
        return
    peak = dosage.get("peak_units_per_kg", now)
    per_day = float(dosage.get("frequency") or 1)
    units[0] += float(now) * per_day
    units[1] += max(float(peak), float(now)) * per_day


@cache
def titrated_classes() -> frozenset[str]:
    """Drug classes with a titrated effect (their dose is adjusted to a goal: insulin)."""
    return frozenset(cls for cls, effects in drug_effects().items() if any(e[1] == "titrated" for e in effects))


@cache
def hba1c_goals() -> tuple[tuple[float, float, float], ...]:
    """(age_from, age_to, HbA1c goal %) of ``physiology/hba1c_goals.csv``."""
    return tuple(
        (float(r["age_from"]), float(r["age_to"]), float(r["goal"])) for r in rows("physiology/hba1c_goals.csv")
    )


def hba1c_goal(age: float) -> float:
    """The HbA1c goal (%) treatment aims at for an adult of this age (ADA Standards of Care)."""
    for low, high, goal in hba1c_goals():
        if low <= age < high:
            return goal
    return hba1c_goals()[-1][2]


def _titrated_lowering(phys: Physiology, hba1c: float, ceiling: float, age: float) -> float:
    """How much titrated insulin lowers this HbA1c (points): down to where this patient's titration settles
    (the goal for the age, shifted by a persistent personal residual: trials reach the goal in about 60 %),
    at most the patient's ceiling ``ceiling`` (> 0), and half of it in a patient who does not take it as
    prescribed (Piragine 2023)."""
    p = params()
    settled = hba1c_goal(age) + p["hba1c_titration_offset"] + p["hba1c_titration_sd"] * phys.z("insulin_titration")
    effect = min(max(hba1c - max(settled, 5.2), 0.0), ceiling)
    if phys.unit("glucose_drug_adherence") < p["hba1c_nonadherent_share"]:
        effect *= p["hba1c_nonadherent_effect"]
    return effect


def _glucose_lowering(phys: Physiology, hba1c: float, effect: float) -> float:
    """How much a glucose-lowering class (trial effect ``effect`` > 0, points) lowers this HbA1c: it acts on the
    excess over normal, less below the trials' baseline (Sherifali 2010), and less in a patient who does not take
    it as prescribed (Piragine 2023)."""
    p = params()
    excess = max(hba1c - 5.2, 0.0)
    effect *= min(excess / p["hba1c_drug_trial_excess"], 1.0)
    if phys.unit("glucose_drug_adherence") < p["hba1c_nonadherent_share"]:
        effect *= p["hba1c_nonadherent_effect"]
    return min(excess * 0.8, effect)


def _bp_effect(phys: Physiology, variable: str, size: float, untreated: float, dose: float | None) -> float:
    """An antihypertensive's BP effect (mmHg, negative) for this patient: the class's standard-dose effect,
    larger from a higher pretreatment BP and scaled by the dose (Law et al. BMJ 2003; classes with a
    standard dose in ``bp_standard_doses.csv``), and smaller in a patient who does not take it as prescribed."""
    p = params()
    if dose is not None:
        ref = p["bp_pretreatment_ref_sbp"] if variable == BP_VARIABLES[0] else p["bp_pretreatment_ref_dbp"]
        size = min(size - p["bp_pretreatment_slope"] * (untreated - ref), 0.0) * dose
    if phys.unit("bp_adherence") < p["bp_nonadherent_share"]:
        size *= p["bp_nonadherent_effect"]
    return size


@cache
def standard_doses() -> dict[str, float]:
    """Ingredient -> standard daily dose (mg) of an antihypertensive (Law 2003's dose unit)."""
    return {r["ingredient"]: float(r["standard_mg_day"]) for r in rows("physiology/bp_standard_doses.csv")}


_PERIOD_DAYS = {"hours": 1 / 24, "days": 1.0, "weeks": 7.0, "months": 30.4}
_DOSE_FACTORS: dict[tuple[str, float], dict[str, float]] = {}


def _units_a_day(dosage: dict[str, Any] | None) -> float:
    """Tablets (or mg, for a dose in mg) taken a day, 1 when the order says nothing usable."""
    if not dosage:
        return 1.0
    try:
        period = float(dosage.get("period") or 1.0) * _PERIOD_DAYS.get(dosage.get("unit") or "days", 1.0)
        return float(dosage.get("amount") or 1.0) * float(dosage.get("frequency") or 1) / max(period, 1e-6)
    except (TypeError, ValueError):
        return 1.0


def bp_dose_factors(display: str, dosage: dict[str, Any] | None) -> dict[str, float]:
    """Antihypertensive class -> dose factor of its BP effect for a product and its dosage: 1 at the
    standard daily dose, ``bp_dose_response_per_doubling`` more per doubling (Law 2003: half dose 0.8)."""
    if not _names_bp_strength(display):  # most drugs: no factor whatever the dosage, which is then not read
        return {}
    in_mg = bool(dosage) and dosage.get("dose_unit") == "mg"  # type: ignore[union-attr]
    a_day = _units_a_day(dosage)
    key = (display, -a_day if in_mg else a_day)
    found = _DOSE_FACTORS.get(key)
    if found is not None:
        return found
    p, standard = params(), standard_doses()
    out: dict[str, float] = {}
    lower = display.lower()
    for part in lower.split(" / "):
        for ingredient, mg_day in standard.items():
            match = _STRENGTH.search(part) if ingredient in part else None
            if match is None:
                continue
            daily = a_day if in_mg else float(match.group(1)) * min(max(a_day, 0.25), 4.0)
            factor = 1.0 + p["bp_dose_response_per_doubling"] * math.log2(max(daily, 1e-6) / mg_day)
            factor = min(max(factor, p["bp_dose_factor_min"]), p["bp_dose_factor_max"])
            for cls in drug_classes(part):
                out[cls] = max(out.get(cls, 0.0), factor)
    _DOSE_FACTORS[key] = out
    return out


_STRENGTH = re.compile(r"([0-9.]+) mg")


@cache
def _names_bp_strength(display: str) -> bool:
    """Whether ``bp_dose_factors`` finds a factor in this display: a part naming an ingredient with a standard dose
    and a strength in mg. Every update of the physiological state asks for each running drug (~10 a patient of ours
    on treatment): the dosage is read only for these drugs."""
    standard = standard_doses()
    return any(
        ingredient in part and _STRENGTH.search(part) is not None
        for part in display.lower().split(" / ")
        for ingredient in standard
    )
