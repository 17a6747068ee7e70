"""How active conditions move the true values of the physiological state.

Disease shifts, scales, caps, floors and stages variables (``condition_effects.csv``). Effect sizes are data
(``terminology/physiology/``, sources in its SOURCES.md). Medications are in ``physio_drugs`` and pregnancy in
``physio_pregnancy``, which share ``params``.
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import interpolate, parameters, rows

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology

DAY = 86400.0
WEEK = 7 * DAY

# (variable, kind, value, spread)
ConditionEffect = tuple[str, str, float, float]


def params() -> dict[str, float]:
    return parameters("physiology/parameters.csv")


@cache
def condition_effects() -> dict[str, tuple[ConditionEffect, ...]]:
    """Key (``SNOMED:code``, ``attribute:name`` or ``attribute:name=value``) -> its effects."""
    out: dict[str, list[ConditionEffect]] = {}
    for r in rows("physiology/condition_effects.csv"):
        out.setdefault(r["key"], []).append((r["variable"], r["kind"], float(r["value"]), float(r["spread"])))
    return {k: tuple(v) for k, v in out.items()}


#: (key, variable) -> (ages, values, spreads): a floor that changes with age (condition_floors_by_age.csv)
AgeFloors = dict[tuple[str, str], tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]]
HALF_NORMAL_MEAN = math.sqrt(2.0 / math.pi)  # mean of |z|


@cache
def age_floors() -> AgeFloors:
    """Floors of ``condition_effects.csv`` that follow age: the row's value and spread are replaced by the
    interpolation between these knots (e.g. hypertensive diastolic pressure falls after 50, NHANES)."""
    grouped: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    for r in rows("physiology/condition_floors_by_age.csv"):
        knot = (float(r["age"]), float(r["value"]), float(r["spread"]))
        grouped.setdefault((r["key"], r["variable"]), []).append(knot)
    out: AgeFloors = {}
    for k, knots in grouped.items():
        knots.sort()
        ages, values, spreads = zip(*knots, strict=True)
        out[k] = (ages, values, spreads)
    return out


def floor_at(key: str, variable: str, age: float, value: float, spread: float) -> tuple[float, float]:
    """The floor (value, spread) of a condition-table row at this age (unchanged when it does not follow age)."""
    knots = age_floors().get((key, variable))
    if knots is None:
        return value, spread
    ages, values, spreads = knots
    return interpolate(age, ages, values), interpolate(age, ages, spreads)


def floor_mean(key: str, variable: str, age: float, default: float) -> float:
    """Mean of an age-following floor ``value + spread |z|`` at this age (``default`` when it does not follow age)."""
    knots = age_floors().get((key, variable))
    if knots is None:
        return default
    value, spread = floor_at(key, variable, age, 0.0, 0.0)
    return value + spread * HALF_NORMAL_MEAN


@cache
def condition_codes() -> frozenset[str]:
    """Codes the condition table lists (its ``SNOMED:code`` keys; the active conditions are keyed by code)."""
    return frozenset(k.split(":", 1)[1] for k in condition_effects() if k.startswith("SNOMED:"))


@cache
def effect_attributes() -> tuple[str, ...]:
    """Attributes that the condition table reads."""
    names = {k.split(":", 1)[1].split("=")[0] for k in condition_effects() if k.startswith("attribute:")}
    return tuple(sorted(names))


def condition_keys(attributes: dict[str, Any], conditions: dict[str, dict[str, Any]] | None) -> list[str]:
    """The keys of the condition table that hold now (active conditions the table does not list have no effect:
    left out, so a life with many conditions does not pay a key and a lookup for each at every update)."""
    listed = condition_codes()
    keys = ["SNOMED:" + code for code in conditions or () if code in listed]
    for name in effect_attributes():
        value = attributes.get(name)
        if value in (None, False, 0, "", "false"):
            continue
        keys.append(f"attribute:{name}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            keys.append(f"attribute:{name}={int(value)}")
    return keys


@cache
def _nofloor_keys() -> dict[str, tuple[tuple[str, float], ...]]:
    """Keys with ``nofloor`` rows -> (variable, value) of those rows."""
    out: dict[str, list[tuple[str, float]]] = {}
    for key, effects in condition_effects().items():
        for variable, kind, value, _ in effects:
            if kind == "nofloor":
                out.setdefault(key, []).append((variable, value))
    return {k: tuple(v) for k, v in out.items()}


def unfloored_rows(keys: list[str]) -> dict[str, float]:
    """Variable -> highest table floor (the row's own value, before age) that ``nofloor`` rows of these keys drop."""
    table = _nofloor_keys()
    out: dict[str, float] = {}
    for key in keys:
        for variable, value in table.get(key, ()):
            out[variable] = max(value, out.get(variable, value))
    return out


def apply_conditions(
    v: dict[str, float],
    phys: Physiology,
    keys: list[str],
    attributes: dict[str, Any],
    age: float | None = None,
    t: float | None = None,
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
    disease) drops it. A ``nofloor`` row drops the floors of its variable up to its value (hypertension diagnosed
    on the recorded readings: the true BP stays what the readings showed, no jump to the latent state's floor;
    pre-eclampsia's higher floor still holds). A floor may follow ``age`` (``condition_floors_by_age.csv``).
    Returns the variables disease moved and the bands that hold, so a measurement can keep to them (``labs.measure``).
    An eGFR band holds for the equation the laboratory reports at ``t`` too (``reported_band``).
    """
    table = condition_effects()
    shifts: dict[tuple[str, str], float] = {}
    ceilings: list[tuple[str, float, float]] = []
    floors: list[tuple[str, float, float]] = []
    bands: dict[str, tuple[float, float]] = {}
    hidden: dict[str, tuple[float, float]] = {}  # bands of module attributes (Synthea's ``ckd``)
    dropped = unfloored_rows(keys)
    for key in keys:
        for variable, kind, value, spread in table.get(key, ()):
            if variable not in v:
                continue
            if kind in ("abs", "pct"):
                if abs(value) > abs(shifts.get((variable, kind), 0.0)):
                    shifts[(variable, kind)] = value
            elif kind == "min":
                if variable in dropped and value <= dropped[variable]:
                    continue
                if age is not None:
                    value, spread = floor_at(key, variable, age, value, spread)
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
        lo, hi = reported_band(low, high, age, phys.sex, t) if variable == "EGFR" else (low, high)
        v[variable] = toward_band(phys, variable, v[variable], lo, hi, low, t)
    if phys.band_entry:  # a stage left behind starts afresh if it comes back
        held = {f"{variable}:{low:g}" for variable, (low, _) in bands.items()}
        phys.band_entry = {k: e for k, e in phys.band_entry.items() if k in held}
    moved = {name for name, value in before.items() if v[name] != value}
    moved.update(c[0] for c in ceilings)  # a ceiling holds even where the value was already under it
    return frozenset(moved), bands


def reported_band(low: float, high: float, age: float | None, sex: str, t: float | None) -> tuple[float, float]:
    """A KDIGO eGFR band in the state's terms (CKD-EPI 2021) such that the eGFR a laboratory reported at ``t`` lies
    in it too: MDRD (1999-2009) and CKD-EPI 2009 read a few points lower at the same creatinine (more near 90), so
    a stage 1 patient kept at a CKD-EPI 2021 eGFR of 93 was charted at 86 in 2016. Adults only (children's eGFR is
    Schwartz's); unchanged when no eGFR was reported or the equation is CKD-EPI 2021."""
    from ehrsim.core.egfr_equations import creatinine_at, egfr_equation  # imports physiology, which imports this module
    from ehrsim.core.lab_eras import egfr_era

    era = egfr_era(t) if t is not None and age is not None and age >= 18.0 else None
    if era is None or era.equation == "ckd_epi_2021":
        return low, high
    assert age is not None

    def as_2021(egfr: float) -> float:
        creatinine = creatinine_at(era.equation, egfr, age, sex)
        return egfr_equation("ckd_epi_2021", creatinine, age, sex)

    return max(low, as_2021(low)), (min(high, as_2021(high)) if math.isfinite(high) else high)


def diagnosed_ceiling(keys: list[str], age: float, sex: str, t: float | None) -> float | None:
    """The highest true eGFR a diagnosed CKD stage (a condition, not a module attribute) leaves: its band's upper
    edge less the margin ``into_band`` keeps, for the equation reported at ``t`` (None: no diagnosed stage, or an
    open band). The chart's stage outranks the latent kidney's slow fall down to there (``kidney.follow``). A
    diagnosis with an eGFR ceiling (end-stage renal disease, on dialysis) outranks it entirely (0)."""
    table = condition_effects()
    highs = []
    for key in keys:
        if key.startswith("SNOMED:"):
            for variable, kind, value, spread in table.get(key, ()):
                if variable == "EGFR" and kind == "max":
                    return 0.0
                if variable == "EGFR" and kind == "band":
                    highs.append((value, spread))
    if not highs:
        return None
    low, high = min(highs)
    if not math.isfinite(high):
        return None
    lo, hi = reported_band(low, high, age, sex, t)
    return hi - BAND_MARGIN * (hi - lo)


#: how far (points) into a module attribute's stage a value goes while the next-door stage is still the diagnosis
EDGE_ZONE = 4.0


def _staged(hidden: tuple[float, float], diagnosed: tuple[float, float] | None) -> tuple[float, float]:
    """The band a value keeps when a module attribute's stage (``hidden``) and the diagnosed stage differ.

    No diagnosis: the attribute's stage. The next stage over: the edge of the attribute's stage next to the
    diagnosed one (an eGFR just past the threshold, before the visit that re-stages; within the audit's
    5-point margin of the diagnosis and inside the stage the coming diagnosis rests on). An attribute's stage
    further below: the same edge of the stage below the diagnosed one, so a library that diagnoses from the
    results (ehrsim's CKD module) diagnoses that stage next and moves on, stage by stage; before, the value stayed
    in the diagnosed stage and the hidden stage was never diagnosed. Further above: the diagnosed stage."""
    if diagnosed is None or diagnosed == hidden:
        return hidden
    low, high = hidden
    if high == diagnosed[0]:
        return (max(low, high - EDGE_ZONE), high)
    if low == diagnosed[1]:
        return (low, min(high, low + EDGE_ZONE))
    if high < diagnosed[0]:
        return (max(diagnosed[0] - EDGE_ZONE, 0.0), diagnosed[0])
    return diagnosed


BAND_MARGIN = 0.1  # share of a band's width kept clear of each edge, so measurement noise stays inside
OPEN_BAND_WIDTH = 15.0  # where an open band (stage 1: eGFR >= 90) places a value moved into it


YEAR = 365.25 * DAY


def toward_band(
    phys: Physiology, variable: str, value: float, lo: float, hi: float, low: float, t: float | None
) -> float:
    """``into_band``, reached gradually when a stage changes: the value enters the new band at the edge nearest
    where it was and moves toward its persistent point at ``{variable}_stage_progression_per_year`` (data; eGFR:
    KDIGO 2012 progression rates), so restaging CKD does not halve the eGFR overnight. ``low`` keys the band."""
    u = phys.unit(f"band:{variable}:{low:g}")
    target = into_band(value, lo, hi, u)
    rate = params().get(f"{variable.lower()}_stage_progression_per_year")
    key = f"{variable}:{low:g}"
    entry = phys.band_entry.get(key)
    if t is None or rate is None or (target == value and entry is None):
        return target
    width = (hi - lo) if math.isfinite(hi) else OPEN_BAND_WIDTH / (1.0 - 2 * BAND_MARGIN)
    inner_low, inner_high = lo + BAND_MARGIN * width, lo + (1.0 - BAND_MARGIN) * width
    if entry is None:
        if lo <= value < hi:
            # already in the band, near an edge (a stage diagnosed from the results, ageing's eGFR just under 60): kept
            # clear of the edge, not pulled on to the persistent point, so a diagnosis does not itself lower eGFR
            # (it did: a man of 80 at 58 was drawn toward 33-57 at 3 a year, NHANES exam median of men 80+ 47.5)
            return min(max(value, inner_low), inner_high)
        entry = phys.band_entry[key] = (t, inner_high if value > inner_high else inner_low)
    since, start = entry
    step = rate * max(t - since, 0.0) / YEAR
    point = inner_low + (inner_high - inner_low) * u
    if start > point:  # a value inside the band stays at or below where the decline has got to
        return min(max(point, start - step), value) if target == value else max(point, start - step)
    return max(min(point, start + step), value) if target == value else min(point, start + step)


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
    if chf_type in ("HFrEF", "HFimpEF"):
        reduced = min(max(p["hf_ref_mean"] + p["hf_ref_sd"] * z, 12.0), 40.0)
        if chf_type == "HFrEF":
            return reduced
        # improved on therapy (modules/heart_failure.json EF_Improved): by 10 points or more, to above 40 %
        gain = p["hf_imp_gain_min"] + p["hf_imp_gain_sd"] * abs(phys.z("hf_ef_gain"))
        return min(max(reduced + gain, 41.0), 65.0)
    if chf_type == "HFmEF":
        return min(max(45.0 + 2.5 * z, 41.0), 49.0)
    return max(p["hf_pef_mean"] + p["hf_pef_sd"] * z, 50.0)
