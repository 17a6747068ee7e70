"""Per-patient true vital signs and lab values, as smooth functions of age and risk factors.

A ``Physiology`` draws the patient's persistent z-scores once (height percentile, BMI track,
BP, each lab); ``update(age, attributes)`` is then a pure function of its arguments, so calling
it often, rarely or out of order gives the same values. Children follow the growth charts, adults
keep their adult height and follow an NHANES BMI trajectory whose percentile drifts slowly
(random knots every 10 years, re-standardised so population percentiles stay calibrated). The untreated
baseline of circulation and chemistry is in ``physio_baseline``.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from ehrsim.core import growth, kidney, newborn_growth, physio_baseline, physio_drugs, physio_effects, physio_pregnancy
from ehrsim.core.cardio import cardiovascular_risk
from ehrsim.core.physio_tables import (
    ACUTE,
    ADULT_MONTHS,
    DERIVED,
    DRIFT_KNOTS,
    DRIFT_SD,
    INFANT_BLEND,
    LAB_NAMES,
    RATIO,
    STANDARD_NORMAL,
    adult_bmi,
    child_bmi,
    creatinine_for_egfr,
    derive_dependent,
    egfr_ckd_epi_2021,
)
from ehrsim.core.rounding import round_values
from ehrsim.core.tables import interpolate, interpolate_many

__all__ = ["Physiology", "bmi_percentile", "cardiovascular_risk", "egfr_ckd_epi_2021"]

bmi_percentile = growth.bmi_percentile


class Physiology:
    """One patient's physiology: persistent individual offsets drawn once from ``rng``.

    ``update`` gives the true values at an age: the age/sex baseline at the patient's own
    percentiles, then disease (``physio_effects``), pregnancy, drugs and the values modules imposed
    (``impose``), then the quantities derived from others (creatinine from eGFR, glucose from HbA1c,
    total cholesterol from its fractions).
    """

    def __init__(self, rng: np.random.Generator, sex: str, race: str) -> None:
        self.sex = "M" if sex == "M" else "F"
        self.race = race
        self.z_height = float(rng.standard_normal())
        self.z_bmi = float(rng.standard_normal())
        steps = rng.standard_normal(len(DRIFT_KNOTS)) * DRIFT_SD
        steps[0] = 0.0
        self._drift = [float(x) for x in np.cumsum(steps)]
        self._drift_var = [DRIFT_SD * DRIFT_SD * i for i in range(len(DRIFT_KNOTS))]
        z_bp, z_bp2 = rng.standard_normal(2)
        self.z_sbp = float(z_bp)
        self.z_dbp = float(0.6 * z_bp + 0.8 * z_bp2)
        self.z_heart, self.z_resp = (float(v) for v in rng.standard_normal(2))
        self.z_lab = {name: float(v) for name, v in zip(LAB_NAMES, rng.standard_normal(len(LAB_NAMES)), strict=True)}
        self._seed = int(rng.integers(2**62))
        self._units: dict[str, float] = {}
        self._zs: dict[str, float] = {}
        self._adult_height: float | None = None
        p = physio_effects.params()
        self._bp_drift = [0.0, *np.cumsum(self._normals("bp_drift", len(DRIFT_KNOTS) - 1) * p["bp_drift_sd"])]
        self._hr_drift = [0.0, *np.cumsum(self._normals("hr_drift", len(DRIFT_KNOTS) - 1) * p["hr_drift_sd"])]
        self._bp_drift_var = [p["bp_drift_sd"] ** 2 * i for i in range(len(DRIFT_KNOTS))]
        #: variable -> (offset, time): a value a module set, fed back and fading (``impose``)
        self.offsets: dict[str, tuple[float, float, float]] = {}
        #: the true values before those offsets, at the last update (what an offset is measured from)
        self.raw: dict[str, float] = {}
        #: variable -> (time, value) of the last measurement (eGFR is computed from its creatinine)
        self.last: dict[str, tuple[float, float]] = {}
        #: variables the active conditions moved, and the bands of diagnosed stages (last update)
        self.disease_moved: frozenset[str] = frozenset()
        self.bands: dict[str, tuple[float, float]] = {}
        #: ``variable:low`` of a band -> (time, value) it was entered at (``physio_effects.toward_band``)
        self.band_entry: dict[str, tuple[float, float]] = {}
        #: the values those bands kept (a module's value set just now may still sit in the engine's cache)
        self.kept: dict[str, float] = {}
        #: (time, true eGFR, acute cause active) of an adult at the last update: the latent kidney function
        self.kidney: tuple[float, float, bool] | None = None
        self.pregnancy_start: float | None = None
        self.pregnancy_end: float | None = None
        self.pregnancy_bmi = 25.0
        #: ``physio_baseline.normal`` and ``lognormal`` values, fixed for the life
        self.baselines: dict[object, float] = {}
        self.diabetes_onset: float | None = None  # latent type 2 diabetes onset age (``glycaemia``)
        self.tables: physio_baseline.LifeTables | None = None
        #: (time, z) of the day's BP level at the last BP measurement: systolic and diastolic share it (``labs``)
        self.bp_level: tuple[float, float] | None = None
        self.constants: dict[str, float] | None = None  # ``physio_baseline.chemistry_constants``
        #: the newborn's gestation at birth in days (``engine.birth``): preterm infants grow on the Fenton charts
        self.gestation_days: float | None = None

    # -- per-patient persistent draws, independent of the order they are asked for ---------
    def unit(self, key: str) -> float:
        """A persistent uniform (0, 1) number of this patient for ``key``."""
        u = self._units.get(key)
        if u is None:
            digest = hashlib.blake2b(f"{self._seed}:{key}".encode(), digest_size=8).digest()
            u = (int.from_bytes(digest, "little") + 0.5) / 2.0**64
            self._units[key] = u
        return u

    def z(self, key: str) -> float:
        """A persistent standard normal number of this patient for ``key`` (memoised: every update asks)."""
        z = self._zs.get(key)
        if z is None:
            z = self._zs[key] = STANDARD_NORMAL.inv_cdf(self.unit(key))
        return z

    def _normals(self, key: str, n: int) -> np.ndarray:
        return np.array([self.z(f"{key}:{i}") for i in range(n)])

    # -- anthropometrics -------------------------------------------------------------------
    def bmi_z(self, age_years: float) -> float:
        """The BMI z-score track at this age (persistent percentile plus slow drift).

        Children are placed on today's distribution, not the CDC 2000 reference one: the shift and
        spread by age (``physiology/child_bmi.csv``) give NHANES 2017-2020 obesity prevalence. The shift
        grows from birth, so an infant's weight-for-age track meets the toddler's BMI track at the
        WHO-to-CDC join (24 months) without a step.
        """
        drift, var = interpolate_many(age_years, DRIFT_KNOTS, self._drift, self._drift_var)
        z = (self.z_bmi + drift) / math.sqrt(1.0 + var)
        if age_years < 25.0:
            ages, shifts, scales = child_bmi()
            shift, scale = interpolate_many(age_years, ages, shifts, scales)
            shifted = growth.today_to_reference(z, shift, scale)
            w = 1.0 if age_years < 18.0 else (25.0 - age_years) / 7.0
            z = w * shifted + (1.0 - w) * z
        return z

    def height(self, age_years: float) -> float:
        """Height (cm): the growth chart at the patient's percentile, fixed from age 20."""
        if age_years * 12.0 < ADULT_MONTHS:
            return newborn_growth.chart_value("height", self.sex, age_years, self.z_height, self.gestation_days)
        if self._adult_height is None:
            self._adult_height = growth.value_at("height", self.sex, ADULT_MONTHS, self.z_height)
        return self._adult_height

    def bmi(self, age_years: float) -> float:
        """BMI (kg/m2): growth charts in childhood, NHANES adult medians blended in from 18 to 25."""
        months, z = age_years * 12.0, self.bmi_z(age_years)
        if months < INFANT_BLEND[1]:
            # infants: weight-for-age on a track correlated with length (weight follows length)
            height_m = self.height(age_years) / 100.0
            # the track rises to the toddler's BMI track by 24 months (``growth.join_gap``): no step at the join
            z_weight = 0.7 * self.z_height + 0.714 * z + growth.join_gap(self.sex) * min(months / 24.0, 1.0)
            weight = newborn_growth.chart_value("weight", self.sex, age_years, z_weight, self.gestation_days)
            if months < 2.0:  # the early loss and regain (preterm newborns: over 8 weeks, newborn_growth)
                at_birth = newborn_growth.chart_value("weight", self.sex, 0.0, z_weight, self.gestation_days)
                loss = 0.4 + 1.2 * self.unit("newborn_weight_loss")  # breast- and formula-fed newborns
                if self.gestation_days is not None and self.gestation_days < newborn_growth.PRETERM_DAYS:
                    weight = newborn_growth.preterm_early_weight(weight, at_birth, age_years * 365.25, loss)
                else:
                    weight = newborn_growth.early_weight(weight, at_birth, age_years * 365.25, loss)
            infant = weight / (height_m * height_m)
            if months < INFANT_BLEND[0]:
                return infant
            toddler = growth.bmi_at(self.sex, max(months, 24.0), z)
            w = (months - INFANT_BLEND[0]) / (INFANT_BLEND[1] - INFANT_BLEND[0])
            return (1.0 - w) * infant + w * toddler
        if age_years < 25.0:
            child = growth.bmi_at(self.sex, min(months, ADULT_MONTHS), z)
            if age_years < 18.0:
                return child
        mids, medians, sigmas = adult_bmi(self.sex)
        adult = interpolate(age_years, mids, medians) * math.exp(interpolate(age_years, mids, sigmas) * z)
        if age_years >= 25.0:  # fully blended: the child chart no longer counts
            return adult
        blend = (age_years - 18.0) / 7.0
        return (1.0 - blend) * child + blend * adult

    # -- the full set ----------------------------------------------------------------------
    def update(
        self,
        age_years: float,
        attributes: dict,
        t: float | None = None,
        conditions: dict[str, dict] | None = None,
        medications: dict[str, dict] | None = None,
        history: list[dict] | None = None,
    ) -> dict[str, float]:
        """The true vital signs and lab values at this age, given the current attributes, active
        conditions and medications (``t`` is the time, for drug ramps, pregnancy and offsets)."""
        age = max(age_years, 0.0)
        months = age * 12.0
        height = self.height(age)
        bmi = self.bmi(age)
        weight = bmi * (height / 100.0) ** 2
        v: dict[str, float] = {"Height": height, "Weight": weight, "BMI": bmi}
        if months < 36.0:
            head_z = 0.5 * self.z_height + 0.866 * self.z_lab["Oxygen Saturation"]
            v["Head Circumference"] = newborn_growth.chart_value("head", self.sex, age, head_z, self.gestation_days)
            v["Head Circumference Percentile"] = growth.percentile_of_z(head_z)
        physio_baseline.circulation(self, v, age, attributes)
        physio_baseline.chemistry(self, v, age, bmi)
        keys = physio_effects.condition_keys(attributes, conditions)
        if t is not None:
            keys = physio_pregnancy.pregnancy_bound(keys, self, t)
        self.disease_moved, self.bands = physio_effects.apply_conditions(v, self, keys, attributes, age, t)
        drug_potassium = 0.0
        if t is not None:
            physio_pregnancy.apply_pregnancy(v, self, t, height / 100.0)
            drug_potassium = physio_drugs.apply_drugs(v, self, t, medications, history, age)
            self.raw = dict(v)
            if self.offsets:
                self._apply_offsets(v, t, derived=False)
        derive_dependent(v, age, self.sex, height)
        if t is not None:
            for name in DERIVED:
                if name in v:
                    self.raw[name] = v[name]
        if t is not None and self.offsets:
            self._apply_offsets(v, t, derived=True)
            v["Creatinine"] = max(v["Creatinine"], 0.1)
            if "Creatinine" in self.offsets and age >= 18.0:
                v["EGFR"] = egfr_ckd_epi_2021(v["Creatinine"], age, self.sex)
        if self.bands:
            self._keep_bands(v, age, height)
        if t is not None and age >= kidney.ADULT:
            ceiling = physio_effects.diagnosed_ceiling(keys, age, self.sex, t) if keys else None
            egfr = kidney.follow(self, v["EGFR"], t, conditions, ceiling)
            if egfr != v["EGFR"]:
                creatinine = creatinine_for_egfr(egfr, age, self.sex)
                base = 0.95 if self.sex == "M" else 0.75  # urea follows creatinine as in derive_dependent
                v["Urea Nitrogen"] *= (max(creatinine / base, 0.6) / max(v["Creatinine"] / base, 0.6)) ** 0.8
                v["EGFR"], v["Creatinine"] = egfr, creatinine
        if age >= kidney.ADULT:  # the kidney excretes less potassium as eGFR falls (a child's Schwartz eGFR aside)
            v["Potassium"] += kidney.potassium_rise(self, v["EGFR"], drug_potassium)
        if self.bands:
            self.kept = {name: v[name] for name in (*self.bands, "Creatinine") if name in v}
        elif self.kept:
            self.kept = {}
        bmi_pct = growth.bmi_percentile(age, self.sex, v["BMI"])
        if bmi_pct is not None:
            v["BMI Percentile"] = bmi_pct
        if months < ADULT_MONTHS:
            v["Height Percentile"] = growth.percentile_of_z(self.z_height)
            weight, gestation = v["Weight"], self.gestation_days  # a preterm infant's percentile at corrected age
            v["Weight Percentile"] = newborn_growth.percentile("weight", self.sex, age, weight, gestation)
        return self._round(v)

    def _round(self, v: dict[str, float]) -> dict[str, float]:
        """Values to 2 decimals, exactly as ``round(value, 2)`` (``rounding.round_values``: ``round`` is slow)."""
        return round_values(v)

    def _keep_bands(self, v: dict[str, float], age: float, height: float) -> None:
        """A diagnosed stage outranks a value a module set (eGFR and creatinine set separately by a module
        may disagree): the variable goes back inside the stage's band, and creatinine follows eGFR."""
        for name, (low, high) in self.bands.items():
            kept = physio_effects.into_band(v[name], low, high, self.unit(f"band:{name}:{low:g}"))
            if kept != v[name]:
                v[name] = kept
                if name == "EGFR":
                    v["Creatinine"] = creatinine_for_egfr(kept, age, self.sex) if age >= 18.0 else 0.413 * height / kept

    def _fade(self, name: str, since: float, t: float) -> float:
        p = physio_effects.params()
        half = p["acute_vital_half_life_days"] if name in ACUTE else p["module_value_half_life_days"]
        return 0.5 ** (max(t - since, 0.0) / (half * 86400.0))

    def _apply_offsets(self, v: dict[str, float], t: float, derived: bool) -> None:
        """Fading offsets of values modules set (concentrations by a ratio, in log space).

        What the state has since done by itself in the same direction (a condition the module
        anticipated, a drug) is taken out of the offset, so the module's value is not counted twice.
        """
        for name, (offset, since, then) in list(self.offsets.items()):
            if (name in DERIVED) != derived or name not in v:
                continue
            fade = self._fade(name, since, t)
            if fade < 0.01:
                del self.offsets[name]
                continue
            ratio = name in RATIO
            now = math.log(max(v[name], 1e-6)) if ratio else v[name]
            moved = now - then
            effective = offset * fade
            if effective > 0 < moved:
                effective = max(effective - moved, 0.0)
            elif effective < 0 > moved:
                effective = min(effective - moved, 0.0)
            v[name] = math.exp(now + effective) if ratio else now + effective

    def impose(self, name: str, value: float, t: float) -> None:
        """A module set ``name`` to ``value`` now: the state adopts it, then drifts back (``_fade``)."""
        raw = self.raw.get(name)
        if raw is None or (name in RATIO and (value <= 0 or raw <= 0)):
            return
        if name in RATIO:
            then = math.log(raw)
            self.offsets[name] = (math.log(value) - then, t, then)
        else:
            self.offsets[name] = (value - raw, t, raw)

    def pregnancy_change(self, pregnant: bool) -> str | None:
        """What setting the pregnancy attribute to ``pregnant`` means: "conception", "end" or None (no change)."""
        if pregnant and (self.pregnancy_start is None or self.pregnancy_end is not None):
            return "conception"
        if not pregnant and self.pregnancy_start is not None and self.pregnancy_end is None:
            return "end"
        return None

    def pregnancy(self, pregnant: bool, t: float, bmi: float) -> None:
        """The pregnancy attribute changed (conception or end), for weight and BP in pregnancy."""
        change = self.pregnancy_change(pregnant)
        if change == "conception":
            self.pregnancy_start, self.pregnancy_end, self.pregnancy_bmi = t, None, bmi
        elif change == "end":
            self.pregnancy_end = t

    def growth_attributes(self, age_years: float, vitals: dict[str, float]) -> dict[str, float]:
        """Percentile attributes the wellness modules record: bmi_percentile, current_weight_length_percentile."""
        out: dict[str, float] = {}
        bmi_pct = growth.bmi_percentile(age_years, self.sex, vitals["BMI"])
        if bmi_pct is not None:
            out["bmi_percentile"] = round(bmi_pct, 1)
        if age_years < 2.0:  # weight-for-length approximated by the infant's weight track
            out["current_weight_length_percentile"] = round(growth.percentile_of_z(self.bmi_z(age_years)), 1)
        return out
