"""Growth in the first weeks and of preterm infants: what the WHO charts alone get wrong.

Term newborns lose weight before they gain: a nadir of about 5-7 % on days 2-4 and birth weight regained by 10-14
days (``perinatal/newborn_weight.csv``: Flaherman 2015, Paul 2016); the chart takes over by day 28. Preterm infants
are measured on the Fenton 2013 preterm charts by postmenstrual age up to 50 weeks (``perinatal/fenton_lms.csv``),
then on the WHO charts at their corrected age (chronological age minus the weeks born early), the correction fading
out by 2 years (AAP: correct for prematurity until about 2 years). Pure functions of their arguments.
"""

from __future__ import annotations

import math
from functools import cache

from ehrsim.core import growth
from ehrsim.core.tables import interpolate, rows

__all__ = ["PRETERM_DAYS", "chart_value", "early_weight", "percentile", "preterm_early_weight"]

TERM_DAYS = 280.0  # 40 weeks: the charts' birth
PRETERM_DAYS = 259.0  # under 37 completed weeks
FENTON_END_DAYS = 350.0  # the Fenton charts end at 50 weeks postmenstrual age
CORRECTION_YEARS = 2.0
CHART_DAYS = 28.0  # the early weight curve hands over to the growth chart by day 28
DAYS_PER_MONTH = 30.4375


@cache
def _early() -> tuple[list[float], list[float]]:
    table = sorted(rows("perinatal/newborn_weight.csv"), key=lambda r: float(r["day"]))
    return [float(r["day"]) for r in table], [float(r["fraction"]) for r in table]


@cache
def _fenton(measure: str, sex: str) -> tuple[list[float], list[float], list[float], list[float]]:
    table = sorted(
        (r for r in rows("perinatal/fenton_lms.csv") if r["measure"] == measure and r["sex"] == sex),
        key=lambda r: float(r["pma_days"]),
    )
    return (
        [float(r["pma_days"]) for r in table],
        [float(r["L"]) for r in table],
        [float(r["M"]) for r in table],
        [float(r["S"]) for r in table],
    )


def _lms_value(low: float, median: float, spread: float, z: float) -> float:
    if abs(low) < 1e-6:
        return median * math.exp(spread * z)
    return median * max(1.0 + low * spread * z, 0.05) ** (1.0 / low)


def fenton(measure: str, sex: str, pma_days: float, z: float) -> float:
    """Weight (kg), length (cm) or head circumference (cm) on the Fenton 2013 chart at a postmenstrual age."""
    days, ls, ms, ss = _fenton(measure, "M" if sex == "M" else "F")
    return _lms_value(
        interpolate(pma_days, days, ls), interpolate(pma_days, days, ms), interpolate(pma_days, days, ss), z
    )


def _corrected_months(age_years: float, gestation_days: float) -> float:
    """Months on the WHO chart of a preterm infant past 50 weeks PMA: the correction is whole where the Fenton chart
    ends (the two charts meet there) and fades out by 2 years."""
    handover = (FENTON_END_DAYS - gestation_days) / 365.25
    early_years = (TERM_DAYS - gestation_days) / 365.25 * (CORRECTION_YEARS - age_years) / (CORRECTION_YEARS - handover)
    return (age_years - early_years) * 12.0


def _preterm(age_years: float, gestation_days: float | None) -> bool:
    return gestation_days is not None and gestation_days < PRETERM_DAYS and age_years < CORRECTION_YEARS


def chart_value(measure: str, sex: str, age_years: float, z: float, gestation_days: float | None) -> float:
    """The measurement at an age: the WHO/CDC chart, or for a preterm infant Fenton then the corrected age."""
    if gestation_days is None or not _preterm(age_years, gestation_days):
        return growth.value_at(measure, sex, age_years * 12.0, z)
    pma = gestation_days + age_years * 365.25
    if pma <= FENTON_END_DAYS:
        return fenton(measure, sex, pma, z)
    return growth.value_at(measure, sex, _corrected_months(age_years, gestation_days), z)


def percentile(measure: str, sex: str, age_years: float, value: float, gestation_days: float | None) -> float:
    """The percentile of a measured value on the chart ``chart_value`` uses (a preterm infant's corrected age)."""
    if gestation_days is None or not _preterm(age_years, gestation_days):
        return growth.percentile_of_z(growth.zscore(measure, sex, age_years * 12.0, value))
    pma = gestation_days + age_years * 365.25
    if pma > FENTON_END_DAYS:
        months = _corrected_months(age_years, gestation_days)
        return growth.percentile_of_z(growth.zscore(measure, sex, months, value))
    days, ls, ms, ss = _fenton(measure, "M" if sex == "M" else "F")
    low, median, spread = interpolate(pma, days, ls), interpolate(pma, days, ms), interpolate(pma, days, ss)
    z = math.log(value / median) / spread if abs(low) < 1e-6 else ((value / median) ** low - 1.0) / (low * spread)
    return growth.percentile_of_z(z)


def early_weight(weight_now: float, weight_at_birth: float, age_days: float, scale: float) -> float:
    """A term newborn's weight in the first 4 weeks: the early curve (loss scaled by ``scale``) handing over to the
    chart's value ``weight_now`` by day 28."""
    if age_days >= CHART_DAYS or age_days <= 0.0:
        return weight_now
    fraction = interpolate(age_days, *_early())
    if fraction < 1.0:
        fraction = 1.0 - scale * (1.0 - fraction)
    early = weight_at_birth * fraction
    blend = max(0.0, (age_days - 14.0) / (CHART_DAYS - 14.0))
    return (1.0 - blend) * early + blend * weight_now


#: a preterm newborn's early loss runs on a clock this many times slower than the term curve's, and is this many
#: times deeper: the nadir near day 5 and birth weight regained by about 2 weeks (Shaffer SG et al., Postnatal weight
#: changes in low birth weight infants, Pediatrics 1987;79:702-5: lower birth weights lose more and regain later)
PRETERM_LOSS_STRETCH, PRETERM_LOSS_DEPTH = 1.5, 1.5
#: a preterm newborn takes up the chart's gain since birth over 8 weeks, not the term newborn's 4: reaching the chart
#: by day 28 after the deeper loss took 30+ g/kg/day in the NICU
PRETERM_CHART_DAYS = 56.0


def preterm_early_weight(weight_now: float, weight_at_birth: float, age_days: float, scale: float) -> float:
    """A preterm newborn's weight in the first 4 weeks: the early loss (the term curve's fall below 1, stretched and
    deepened, scaled by ``scale``) on a weight that takes up the Fenton chart's gain since birth (``weight_now`` -
    ``weight_at_birth``) by day 56, smoothly enough to meet the chart's own rate there. The term curve (birth weight
    held to day 14, then blended to the chart by day 28) put a 1.0 kg infant's NICU weights at 1.04 kg on day 14 and
    1.66 kg on day 28, 45 g/kg/day; the chart's value less the term loss put 37 of 77 preterm newborns of the
    session-13 proof run at or above their birth weight on days 2-5."""
    if age_days >= PRETERM_CHART_DAYS or age_days <= 0.0:
        return weight_now
    fraction = interpolate(age_days / PRETERM_LOSS_STRETCH, *_early())
    loss = PRETERM_LOSS_DEPTH * scale * (1.0 - fraction) if fraction < 1.0 else 0.0
    taken_up = weight_now - (weight_now - weight_at_birth) * (1.0 - age_days / PRETERM_CHART_DAYS) ** 1.5
    return taken_up * (1.0 - loss)
