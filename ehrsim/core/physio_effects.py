"""How active conditions, medications and pregnancy move the true values of the physiological state.

Effect sizes are data (``terminology/physiology/``, sources in its SOURCES.md). A medication's
class comes from the ingredient and strength in its RxNorm display (statin intensity depends on
the dose), so the same table serves ehrsim's modules and Synthea's. Each patient responds with a
persistent fraction of the published range (``Physiology.unit``), and a drug's effect ramps up
linearly over ``ramp_days`` from its start, so a result drawn the day a drug starts is untreated.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import parameters, rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

DAY = 86400.0
RENEWAL_GAP = 90 * DAY  # a drug class seen again within this is the same course of treatment
WEEK = 7 * DAY
_DOSE = re.compile(r"([a-z]+)[a-z ,]*? ([0-9.]+) (?:MG|UNT)", re.I)

# (variable, kind, value, spread)
ConditionEffect = tuple[str, str, float, float]
# (variable, kind, low, high, ramp seconds)
DrugEffect = tuple[str, str, float, float, float]


def params() -> dict[str, float]:
    return parameters("physiology/parameters.csv")


@cache
def condition_effects() -> dict[str, tuple[ConditionEffect, ...]]:
    """Key (``SNOMED:code``, ``attribute:name`` or ``attribute:name=value``) -> its effects."""
    out: dict[str, list[ConditionEffect]] = {}
    for r in rows("physiology/condition_effects.csv"):
        out.setdefault(r["key"], []).append((r["variable"], r["kind"], float(r["value"]), float(r["spread"])))
    return {k: tuple(v) for k, v in out.items()}


@cache
def effect_attributes() -> tuple[str, ...]:
    """Attributes that the condition table reads."""
    names = {k.split(":", 1)[1].split("=")[0] for k in condition_effects() if k.startswith("attribute:")}
    return tuple(sorted(names))


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


def condition_keys(attributes: dict[str, Any], conditions: dict[str, dict[str, Any]] | None) -> list[str]:
    """The keys of the condition table that hold now."""
    keys = ["SNOMED:" + code for code in conditions or ()]
    for name in effect_attributes():
        value = attributes.get(name)
        if value in (None, False, 0, "", "false"):
            continue
        keys.append(f"attribute:{name}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            keys.append(f"attribute:{name}={int(value)}")
    return keys


def apply_conditions(
    v: dict[str, float], phys: Physiology, keys: list[str], attributes: dict[str, Any]
) -> tuple[frozenset[str], dict[str, tuple[float, float]]]:
    """Disease moves the untreated true values: shifts and scalings, then ceilings (max), floors (min)
    and bands (a stage's diagnostic range, e.g. KDIGO eGFR categories).

    Of several shifts or scalings of one variable (a stage recorded twice, a condition also set as an
    attribute) the largest counts; they come first, so a ceiling or floor is what the disease state
    shows whatever else shifted it. Floors come after ceilings (diabetes outranks a stale prediabetes);
    of several bands of a variable the lowest wins (the newer, more advanced stage while the older
    diagnosis is being replaced). A module attribute's stage (Synthea's ``ckd``, which runs ahead of the
    diagnosis recorded at a later kidney visit) is reconciled with the diagnosed stage (``_staged``), so
    results in the chart agree with the stage in the chart. A ceiling below a band (end-stage renal
    disease) drops it. Returns the variables disease moved and the bands
    that hold, so a measurement can keep to them (``labs.measure``).
    """
    table = condition_effects()
    shifts: dict[tuple[str, str], float] = {}
    ceilings: list[tuple[str, float, float]] = []
    floors: list[tuple[str, float, float]] = []
    bands: dict[str, tuple[float, float]] = {}
    hidden: dict[str, tuple[float, float]] = {}  # bands of module attributes (Synthea's ``ckd``)
    for key in keys:
        for variable, kind, value, spread in table.get(key, ()):
            if variable not in v:
                continue
            if kind in ("abs", "pct"):
                if abs(value) > abs(shifts.get((variable, kind), 0.0)):
                    shifts[(variable, kind)] = value
            elif kind == "min":
                floors.append((variable, value, spread))
            elif kind == "max":
                ceilings.append((variable, value, spread))
            elif kind == "hf":
                ceilings.append((variable, _heart_failure_ef(phys, attributes), 0.0))
            elif kind == "band":
                if key.startswith("attribute:"):
                    if variable not in hidden or value < hidden[variable][0]:
                        hidden[variable] = (value, spread)
                elif variable not in bands or value < bands[variable][0]:
                    bands[variable] = (value, spread)
    for variable, band in hidden.items():
        bands[variable] = _staged(band, bands.get(variable))
    for variable, value, _ in ceilings:  # a diagnosis below every stage (kidney failure) outranks the bands
        if variable in bands and value < bands[variable][0]:
            del bands[variable]
    if not (shifts or ceilings or floors or bands):
        return frozenset(), bands
    touched = {var for var, _ in shifts} | {c[0] for c in ceilings} | {f[0] for f in floors} | bands.keys()
    before = {name: v[name] for name in touched}
    for (variable, kind), value in shifts.items():
        v[variable] = v[variable] + value if kind == "abs" else v[variable] * (1.0 + value / 100.0)
    for variable, value, spread in ceilings:
        v[variable] = min(v[variable], value + spread * phys.z("disease:" + variable))
    for variable, value, spread in floors:
        z = phys.z("disease:" + variable)
        target = value * math.exp(spread * z) if variable in LOG_VARIABLES else value + spread * abs(z)
        v[variable] = max(v[variable], target)
    for variable, (low, high) in bands.items():
        v[variable] = into_band(v[variable], low, high, phys.unit(f"band:{variable}:{low:g}"))
    moved = {name for name, value in before.items() if v[name] != value}
    moved.update(c[0] for c in ceilings)  # a ceiling holds even where the value was already under it
    return frozenset(moved), bands


#: how far (points) into a module attribute's stage a value goes while the next-door stage is still the diagnosis
EDGE_ZONE = 4.0


def _staged(hidden: tuple[float, float], diagnosed: tuple[float, float] | None) -> tuple[float, float]:
    """The band a value keeps when a module attribute's stage (``hidden``) and the diagnosed stage differ.

    No diagnosis: the attribute's stage. The next stage over: the edge of the attribute's stage next to the
    diagnosed one (an eGFR just past the threshold, before the visit that re-stages; within the audit's
    5-point margin of the diagnosis and inside the stage the coming diagnosis rests on). Further apart: the
    diagnosed stage, so results in the chart never contradict the stage in the chart by more than a step."""
    if diagnosed is None or diagnosed == hidden:
        return hidden
    low, high = hidden
    if high == diagnosed[0]:
        return (max(low, high - EDGE_ZONE), high)
    if low == diagnosed[1]:
        return (low, min(high, low + EDGE_ZONE))
    return diagnosed


BAND_MARGIN = 0.1  # share of a band's width kept clear of each edge, so measurement noise stays inside
OPEN_BAND_WIDTH = 15.0  # where an open band (stage 1: eGFR >= 90) places a value moved into it


def into_band(value: float, low: float, high: float, u: float) -> float:
    """``value`` if it lies well inside [low, high), else a persistent point (``u``) inside it."""
    width = (high - low) if math.isfinite(high) else OPEN_BAND_WIDTH / (1.0 - 2 * BAND_MARGIN)
    inner_low = low + BAND_MARGIN * width
    inner_high = low + (1.0 - BAND_MARGIN) * width
    if inner_low <= value <= inner_high or (not math.isfinite(high) and value >= inner_low):
        return value
    return inner_low + (inner_high - inner_low) * u


LOG_VARIABLES = frozenset({"NT-proBNP", "Microalbumin Creatinine Ratio", "Triglycerides"})


def _heart_failure_ef(phys: Physiology, attributes: dict[str, Any]) -> float:
    p = params()
    chf_type = attributes.get("chf_type")
    if chf_type is None:
        chf_type = "HFrEF" if phys.unit("hf_type") < p["hf_reduced_share"] else "HFpEF"
    z = phys.z("hf_ef")
    if chf_type == "HFrEF":
        return min(max(p["hf_ref_mean"] + p["hf_ref_sd"] * z, 12.0), 40.0)
    if chf_type == "HFmEF":
        return min(max(45.0 + 2.5 * z, 41.0), 49.0)
    return max(p["hf_pef_mean"] + p["hf_pef_sd"] * z, 50.0)


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
) -> None:
    """Each active drug class once (the earliest start of its course counts), ramped from that start.

    ``history`` is every medication entry so far, to follow a course across renewed prescriptions."""
    if not medications:
        return
    starts: dict[str, float] = {}
    doses: dict[str, float] = {}  # antihypertensive class -> dose factor of its BP effect (Law 2003)
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
            for cls, factor in bp_dose_factors(display, entry.get("dosage")).items():
                doses[cls] = max(doses.get(cls, 0.0), factor)
    spans: dict[str, list[tuple[float, float | None]]] = {}
    # only a class still ramping up needs its course's true start: an earlier start keeps the weight at 1
    ramping = {cls for cls, start in starts.items() if t - start < _longest_ramp(cls)}
    if ramping and history and len(history) > len(seen):
        for entry in history:
            began = entry.get("start")
            if began is None or began > t:
                continue
            for cls in drug_classes(entry["codes"][0].get("display", "")):
                if cls in ramping:
                    spans.setdefault(cls, []).append((float(began), entry.get("stop")))
    effects = drug_effects()
    untreated = {name: v[name] for name in BP_VARIABLES if name in v}
    for cls, start in sorted(starts.items()):
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
                v[variable] *= 1.0 + weight * size / 100.0
            elif variable == "Hemoglobin A1c":
                v[variable] -= _glucose_lowering(phys, v[variable], -weight * size)
            else:
                v[variable] += weight * size


BP_VARIABLES = ("Systolic Blood Pressure", "Diastolic Blood Pressure")


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
def _gain_table() -> tuple[tuple[float, float, float, float, float], ...]:
    return tuple(
        (
            float(r["bmi_from"]),
            float(r["bmi_to"]),
            float(r["total_low_kg"]),
            float(r["total_high_kg"]),
            float(r["first_trimester_kg"]),
        )
        for r in rows("physiology/pregnancy_weight_gain.csv")
    )


def pregnancy_weight_gain(phys: Physiology, pre_bmi: float, weeks: float) -> float:
    """Weight gained (kg) by gestational week, IOM 2009 total by pre-pregnancy BMI (linear after week 13)."""
    row = next((r for r in _gain_table() if r[0] <= pre_bmi < r[1]), _gain_table()[-1])
    total = row[2] + (row[3] - row[2]) * phys.unit("pregnancy_gain")
    first = row[4]
    if weeks <= 13.0:
        return first * max(weeks, 0.0) / 13.0
    return first + (total - first) * min(weeks - 13.0, 27.0) / 27.0


def apply_pregnancy(v: dict[str, float], phys: Physiology, t: float, height_m: float) -> None:
    """Pregnancy and the year after delivery: weight, BP dip at mid-pregnancy, haemodilution."""
    if phys.pregnancy_start is None:
        return
    p = params()
    weeks = (t - phys.pregnancy_start) / WEEK
    if phys.pregnancy_end is None:
        gain = pregnancy_weight_gain(phys, phys.pregnancy_bmi, weeks)
        dip = math.sin(math.pi * min(max(weeks, 0.0), 40.0) / 40.0)  # deepest at week 20
        v["Systolic Blood Pressure"] -= p["pregnancy_sbp_dip"] * dip
        v["Diastolic Blood Pressure"] -= p["pregnancy_dbp_dip"] * dip
        v["Hemoglobin"] -= p["pregnancy_hemoglobin_drop"] * min(max(weeks, 0.0) / 20.0, 1.0)
    else:
        end_weeks = (phys.pregnancy_end - phys.pregnancy_start) / WEEK
        at_delivery = pregnancy_weight_gain(phys, phys.pregnancy_bmi, end_weeks) * 0.6  # baby, placenta, fluid out
        days = (t - phys.pregnancy_end) / DAY
        keep = p["postpartum_retention_kg"] * min(end_weeks / 38.0, 1.0)
        fade = max(0.0, 1.0 - days / p["postpartum_loss_days"])
        gain = keep + (at_delivery - keep) * fade if at_delivery > keep else at_delivery * fade
        if days > 2 * p["postpartum_loss_days"]:
            phys.pregnancy_start = phys.pregnancy_end = None
            return
    v["Weight"] += gain
