"""Physiology rules: results that vary, respond to treatment, agree with each other and with the population."""

from __future__ import annotations

import math
from statistics import fmean, median

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView


@register
class AnalyteVariation(Rule):
    """A patient's repeated results of an analyte are not all the same number (biological variation)."""

    kind = "analyte_variation"
    required = ("analytes", "min_results")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for name, set_name in self.p["analytes"].items():
            values = [v for _, v, _ in view.values(self.data.code_set(set_name))]
            if len(values) >= self.p["min_results"]:
                f.add(len(set(values)) > 1, f"{name}: {len(values)} results all {values[0]:g}")
        return f


@register
class ChangeAfterDrug(Rule):
    """The median change of a result from before to after starting a drug class lies in a trial range
    (``naive_to``: only patients who took no drug of that wider class in the baseline window, so a dose
    step-up from a low- to a moderate-intensity statin is not read as starting one)."""

    kind = "change_after_drug"
    band = True
    required = ("drug_class", "lab_set", "band")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])

    def check(self, view: PatientView) -> Finding:
        meds = sorted(view.meds_of(self.p["drug_class"]), key=lambda m: m["start"])
        if not meds:
            return Finding()
        start = meds[0]["start"]
        if "naive_to" in self.p:  # the baseline is untreated: no drug of the wider class in the window before
            since = start - self.param("before_days", 365) * DAY
            for m in view.meds_of(self.p["naive_to"]):
                if m["start"] < start and (m.get("stop") is None or m["stop"] > since):
                    return Finding()
        values = view.values(self.lab)
        before = [v for t, v, _ in values if start - self.param("before_days", 365) * DAY <= t <= start]
        # ``while_taking``: a result after the drug (any of the wider ``naive_to`` class: a titrated dose counts) was
        # stopped, e.g. a statin given up for muscle pain, is no response
        wider = self.param("naive_to")
        taking = (view.meds_of(wider) if wider else meds) if self.param("while_taking") else None
        after = [
            v
            for t, v, _ in values
            if start + self.param("after_min_days", 28) * DAY <= t <= start + self.param("after_max_days", 365) * DAY
            and (taking is None or any(view.active(m, t) for m in taking))
        ]
        if not before or not after or before[-1] < float(self.param("baseline_min", -math.inf)):
            return Finding()
        change = (after[0] - before[-1]) / before[-1] * 100 if self.param("relative", True) else after[0] - before[-1]
        f = Finding(values=[change])
        f.add(change < 0, f"{before[-1]:g} -> {after[0]:g} after starting {iso(start)[:10]}")
        return f

    def measure(self, values: list[float]) -> float | None:
        return median(values) if len(values) >= int(self.param("min_patients", 1)) else None


def ckd_epi_2021(creatinine_mg_dl: float, age: float, female: bool) -> float:
    """CKD-EPI 2021 creatinine equation without race (Inker et al., NEJM 2021)."""
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = creatinine_mg_dl / kappa
    egfr = 142 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age
    return egfr * 1.012 if female else egfr


def ckd_epi_2009(creatinine_mg_dl: float, age: float, female: bool) -> float:
    """CKD-EPI 2009 creatinine equation, reported without the race coefficient (Levey et al., Ann Intern Med 2009)."""
    kappa, alpha = (0.7, -0.329) if female else (0.9, -0.411)
    ratio = creatinine_mg_dl / kappa
    egfr = 141 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.209 * 0.993**age
    return egfr * 1.018 if female else egfr


def mdrd(creatinine_mg_dl: float, age: float, female: bool, scale: float = 175.0) -> float:
    """4-variable MDRD Study equation (186 before IDMS-traceable creatinine, 175 after; Levey 1999/2006)."""
    return scale * creatinine_mg_dl**-1.154 * max(age, 18.0) ** -0.203 * (0.742 if female else 1.0)


EQUATIONS = {
    "ckd_epi_2021": (ckd_epi_2021,),
    "ckd_epi_2009": (ckd_epi_2009,),
    "mdrd": (lambda c, a, f: mdrd(c, a, f, 175.0), lambda c, a, f: mdrd(c, a, f, 186.0)),
}


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return min(len(text.split(".")[1]) if "." in text else 0, 3)


@register
class EgfrFormula(Rule):
    """A reported eGFR equals its equation (by the code it is reported under) applied to the creatinine
    measured with it, allowing for rounding. ``equations``: code set -> equation (ckd_epi_2021,
    ckd_epi_2009, mdrd: either the 186 or the 175 coefficient); ``egfr_set`` alone means CKD-EPI 2021.
    Under 18 the adult equations do not apply: with ``height_set``, a child's eGFR is checked against the
    bedside Schwartz equation with the height recorded nearest in time (within ``height_days``), else skipped."""

    kind = "egfr_formula"
    required = ("creatinine_set", "max_gap_hours", "slack_percent")

    def setup(self) -> None:
        sets = self.p.get("equations") or {self.p["egfr_set"]: "ckd_epi_2021"}
        self.sets = [(self.data.code_set(name), EQUATIONS[eq], eq) for name, eq in sets.items()]

    def check(self, view: PatientView) -> Finding:
        creat = view.values(self.data.code_set(self.p["creatinine_set"]))
        f = Finding()
        if not creat:
            return f
        gap = self.p["max_gap_hours"] * 3600
        slack = self.p["slack_percent"] / 100
        female = view.sex == "F"
        for code_set, funcs, name in self.sets:
            for t, egfr, _ in view.values(code_set):
                near = [(abs(tc - t), c) for tc, c, _ in creat if abs(tc - t) <= gap]
                if not near:
                    continue
                c = min(near)[1]
                if c <= 0:
                    continue
                half = 0.5 * 10 ** -_decimals(c)
                age = view.age(t)
                if age < 18.0:
                    self._check_child(view, f, t, egfr, c, half, slack)
                    continue
                ok = False
                for fn in funcs:
                    hi = max(fn(max(c - half, 0.01), age - 1, female), fn(c, age, female))
                    lo = min(fn(c + half, age + 1, female), fn(c, age, female))
                    ok = ok or lo * (1 - slack) - 1 <= egfr <= hi * (1 + slack) + 1
                expected = funcs[0](c, age, female)
                f.add(ok, f"{iso(t)[:10]}: eGFR {egfr:g} with creatinine {c:g} ({name} gives {expected:.0f})")
        return f

    def _check_child(
        self, view: PatientView, f: Finding, t: float, egfr: float, c: float, half: float, slack: float
    ) -> None:
        if "height_set" not in self.p:
            return
        heights = [(abs(th - t), h) for th, h, _ in view.values(self.data.code_set(self.p["height_set"]))]
        heights = [x for x in heights if x[0] <= self.param("height_days", 31) * DAY]
        if not heights:
            return
        height = min(heights)[1]
        lo, hi = schwartz_bedside(c + half, height), schwartz_bedside(max(c - half, 0.01), height)
        ok = lo * (1 - slack) - 1 <= egfr <= hi * (1 + slack) + 1
        expected = schwartz_bedside(c, height)
        f.add(
            ok, f"{iso(t)[:10]}: eGFR {egfr:g} with creatinine {c:g} at {height:g} cm (Schwartz gives {expected:.0f})"
        )


def schwartz_bedside(creatinine_mg_dl: float, height_cm: float) -> float:
    """Bedside Schwartz equation for children (Schwartz et al., J Am Soc Nephrol 2009)."""
    return 0.413 * height_cm / creatinine_mg_dl


@register
class StageLab(Rule):
    """Every result taken while a staged condition is active lies in that stage's band (CKD stage and eGFR)."""

    kind = "stage_lab"
    required = ("stages", "lab_set", "margin")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        values = view.values(self.data.code_set(self.p["lab_set"]))
        m = self.p["margin"]
        for stage in self.p["stages"]:
            conds = view.conditions_in(self.data.code_set(stage["set"]))
            lo, hi = stage.get("low", -math.inf), stage.get("high", math.inf)
            for t, v, _ in values:
                if any(view.active(c, t) for c in conds):
                    f.add(lo - m <= v < hi + m, f"{iso(t)[:10]}: {v:g} during {stage['set']} (band {lo}-{hi})")
        return f


@register
class ControlledShare(Rule):
    """Share of people whose last reading is under target (blood pressure, HbA1c control, NHANES).

    ``population`` "treated" (default): people with the condition on a drug of the class at the last reading.
    "all": NHANES's hypertensive adults (Muntner 2020): the condition (treated or not: NHANES asks about medicine
    taken *for* high blood pressure, so a beta-blocker after an infarction alone does not count), or a last reading
    at or above target, so an untreated or undiagnosed high reading counts as uncontrolled."""

    kind = "controlled_share"
    band = True
    required = ("condition_set", "drug_class", "readings", "min_age", "within_days", "band")

    def check(self, view: PatientView) -> Finding:
        ref = view.reference_time
        if not view.alive or view.age(ref) < self.p["min_age"]:
            return Finding()
        everyone = self.p.get("population", "treated") == "all"
        diagnosed = any(view.active(c, ref) for c in view.conditions_in(self.data.code_set(self.p["condition_set"])))
        if not diagnosed and not everyone:
            return Finding()
        lasts = []
        for reading in self.p["readings"]:
            values = [
                (t, v)
                for t, v, _ in view.values(self.data.code_set(reading["set"]))
                if t >= ref - self.p["within_days"] * DAY
            ]
            if not values:
                return Finding()
            lasts.append((values[-1], reading["below"]))
        t_last = lasts[0][0][0]
        treated = any(view.active(m, t_last) for m in view.meds_of(self.p["drug_class"]))
        controlled = all(v < below for (_, v), below in lasts)
        if not ((treated and diagnosed) or (everyone and (diagnosed or not controlled))):
            return Finding()
        return Finding(events=1, values=[1.0 if controlled else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None


@register
class LatestValueShare(Rule):
    """Share of living people in an age range whose latest result is at or above a threshold (child obesity)."""

    kind = "latest_value_share"
    band = True
    required = ("lab_set", "min_age", "max_age", "threshold", "within_days", "band")

    def check(self, view: PatientView) -> Finding:
        ref = view.reference_time
        if not view.alive or not self.p["min_age"] <= view.age(ref) < self.p["max_age"]:
            return Finding()
        values = [
            v
            for t, v, _ in view.values(self.data.code_set(self.p["lab_set"]))
            if t >= ref - self.p["within_days"] * DAY
        ]
        if not values:
            return Finding()
        return Finding(events=1, values=[1.0 if values[-1] >= self.p["threshold"] else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None


@register
class PregnancyWeightGain(Rule):
    """Weight gained over a pregnancy lies near the IOM 2009 range for the pre-pregnancy BMI."""

    kind = "pregnancy_weight_gain"
    required = ("pregnancy_set", "weight_set", "bmi_set", "iom", "min_span_weeks", "slack_kg")

    def check(self, view: PatientView) -> Finding:
        weights = view.values(self.data.code_set(self.p["weight_set"]))
        f = Finding()
        for preg in view.conditions_in(self.data.code_set(self.p["pregnancy_set"])):
            stop = view.stop_of(preg)
            during = [(t, v) for t, v, _ in weights if preg["start"] - 30 * DAY <= t <= stop]
            if len(during) < 2 or during[-1][0] - during[0][0] < self.p["min_span_weeks"] * 7 * DAY:
                continue
            bmi = view.last_value_before(self.data.code_set(self.p["bmi_set"]), during[0][0] + DAY, 365)
            if bmi is None:
                continue
            band = next((b for b in self.p["iom"] if b["bmi_low"] <= bmi < b["bmi_high"]), None)
            if band is None:
                continue
            gain = during[-1][1] - during[0][1]
            lo, hi = band["low"] - self.p["slack_kg"][0], band["high"] + self.p["slack_kg"][1]
            f.add(
                lo <= gain <= hi,
                f"pregnancy {iso(preg['start'])[:10]}: gained {gain:.1f} kg at BMI {bmi:.1f} "
                f"(IOM {band['low']}-{band['high']} kg)",
            )
        return f


@register
class DiagnosisConfirmed(Rule):
    """A diagnosis resting on results has them: enough results in the diagnostic range in the window before
    it (ADA: two abnormal results, from the same or different samples), or one unequivocal result."""

    kind = "diagnosis_confirmed"
    required = ("condition_set", "criteria", "min_results", "window_days")

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.data.code_set(self.p["condition_set"]))
        if not onsets:
            return Finding()
        t = onsets[0]
        start = t - self.p["window_days"] * DAY
        observed = [o["time"] for o in view.entries("observations")]
        if not observed or min(observed) > start:  # the record does not cover the window (history cut)
            return Finding()
        hits, unequivocal = [], False
        for c in self.p["criteria"]:
            for when, value, _ in view.values(self.data.code_set(c["lab_set"])):
                if start <= when <= t + DAY and value >= c["threshold"]:
                    hits.append(f"{c['lab_set']} {value:g}")
                    unequivocal |= value >= c.get("unequivocal", math.inf)
        f = Finding()
        f.add(
            len(hits) >= self.p["min_results"] or unequivocal,
            f"diagnosed {iso(t)[:10]} with {len(hits)} diagnostic result(s) in the {self.p['window_days']} days before"
            + (f" ({', '.join(hits)})" if hits else ""),
        )
        return f


@register
class AbnormalResultDiagnosed(Rule):
    """Share of people whose first diagnostic-range result (while undiagnosed) is followed by the diagnosis within
    a follow-up window: screening finds disease, and most abnormal results are acted on, not all."""

    kind = "abnormal_result_diagnosed"
    band = True
    required = ("lab_set", "threshold", "condition_set", "min_age", "within_days", "band")

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.data.code_set(self.p["condition_set"]))
        diagnosed = onsets[0] if onsets else math.inf
        within = self.p["within_days"] * DAY
        for t, value, _ in view.values(self.data.code_set(self.p["lab_set"])):
            if value < self.p["threshold"] or view.age(t) < self.p["min_age"]:
                continue
            if diagnosed <= t - DAY or t + within > view.end:  # known already, or not followed long enough
                return Finding()
            return Finding(events=1, values=[1.0 if diagnosed <= t + within else 0.0])
        return Finding()

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None


@register
class NarrowPulsePressure(Rule):
    """Adult blood pressure readings whose pulse pressure (systolic minus the diastolic of the same reading) is
    narrow; in a population most are not (NHANES), so a high share means the diastolic runs too close."""

    kind = "narrow_pulse_pressure"
    required = ("systolic_set", "diastolic_set", "min_age", "below")

    def check(self, view: PatientView) -> Finding:
        diastolic = {t: v for t, v, _ in view.values(self.data.code_set(self.p["diastolic_set"]))}
        f = Finding()
        for t, systolic, _ in view.values(self.data.code_set(self.p["systolic_set"])):
            d = diastolic.get(t)
            if d is None or view.age(t) < self.p["min_age"]:
                continue
            if systolic - d >= self.p["below"]:
                f.passed()
            else:
                f.add(False, f"{iso(t)}: {systolic:g}/{d:g} mmHg")
        return f


@register
class LowValueOffDrugs(Rule):
    """Adult results at given encounter classes below a threshold in people on no drug of a class that explains
    it (a resting heart rate under 45 at a wellness visit off rate-slowing drugs)."""

    kind = "low_value_off_drugs"
    required = ("value_set", "encounter_classes", "min_age", "below", "drug_class")

    def check(self, view: PatientView) -> Finding:
        encounters = view.encounters_by_id
        classes = set(self.p["encounter_classes"])
        drugs = view.meds_of(self.p["drug_class"])
        f = Finding()
        for t, value, obs in view.values(self.data.code_set(self.p["value_set"])):
            encounter = encounters.get(obs.get("encounter") or "")
            if encounter is None or encounter.get("class") not in classes or view.age(t) < self.p["min_age"]:
                continue
            if value >= self.p["below"] or any(view.active(m, t) for m in drugs):
                f.passed()
            else:
                f.add(False, f"{iso(t)}: {value:g}")
        return f
