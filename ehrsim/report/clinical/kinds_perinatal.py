"""Pregnancy outcomes and paediatric follow-up: gestational age at delivery, labs after a paediatric finding."""

from __future__ import annotations

from statistics import fmean

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class DeliveryGestationShare(Rule):
    """Share of deliveries before a gestational age (NCHS natality: under 34 weeks about 2-3 %, under 37 about 9-10 %).

    The gestational age of a delivery is the last one charted from ``charted_days`` (default 42) before the delivery
    procedure to it, plus the weeks since it was charted (the admission records the completed weeks; a library that
    charts it only at prenatal visits is judged from the last visit); a delivery without one is not counted. Fewer than
    ``min_deliveries`` (default 50) deliveries is too small a sample to judge a share of a few per cent (n/a)."""

    kind = "delivery_gestation_share"
    band = True
    required = ("delivery_set", "gestation_set", "below_weeks", "band")

    def setup(self) -> None:
        self.deliveries = self.data.code_set(self.p["delivery_set"])
        self.gestation = self.data.code_set(self.p["gestation_set"])
        self.since = date_time(self.param("since"))
        self.window = float(self.param("charted_days", 42)) * DAY

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        ages = view.values(self.gestation)
        if not ages:
            return f
        for proc in view.entries("procedures"):
            t = proc["start"]
            if t < self.since or not self.deliveries.any(proc.get("codes")):
                continue
            charted = [(ot, v) for ot, v, _ in ages if t - self.window <= ot <= t]
            if not charted:
                continue
            ot, weeks = charted[-1]
            f.passed()
            f.values.append(1.0 if weeks + (t - ot) / (7 * DAY) < self.p["below_weeks"] else 0.0)
        return f

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values and len(values) >= self.param("min_deliveries", 50) else None


@register
class LabsAfterFinding(Rule):
    """A finding in an age window (obesity from 10 years) is followed by each listed test within a window.

    The clock starts when the finding first holds inside the age window (its onset, or the birthday at ``min_age``
    for a finding made earlier and still active); each set in ``lab_sets`` needs a result or procedure from
    ``lookback_days`` before that to ``within_days`` after. Findings whose window runs past the record's end, or
    that start before ``since`` (the guideline's date), are not judged."""

    kind = "labs_after_finding"
    required = ("condition_set", "lab_sets", "min_age", "max_age", "within_days")

    def setup(self) -> None:
        self.condition = self.data.code_set(self.p["condition_set"])
        self.labs = [(self.data.code_set(s["set"]), s["text"]) for s in self.p["lab_sets"]]
        self.since = date_time(self.param("since"))

    def _check_names(self) -> None:
        super()._check_names()
        for s in self.p["lab_sets"]:
            self.data.code_set(s["set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        lo_age, hi_age = view.at_age(self.p["min_age"]), view.at_age(self.p["max_age"])
        within = float(self.p["within_days"]) * DAY
        lookback = float(self.param("lookback_days", 30)) * DAY
        judged_until = 0.0
        for cond in sorted(view.conditions_in(self.condition), key=lambda c: c["start"]):
            t0 = max(cond["start"], lo_age)
            if t0 >= min(view.stop_of(cond), hi_age) or t0 + within > view.end or t0 < max(judged_until, self.since):
                continue
            judged_until = t0 + within  # overlapping episodes are judged once
            missing = [
                text
                for labs, text in self.labs
                if not any(t0 - lookback <= t <= t0 + within for t in view.events_in(labs))
            ]
            f.add(not missing, f"finding from {iso(int(t0))[:10]} (age {view.age(t0):.1f}): no {', '.join(missing)}")
        return f


@register
class DeliveryAfterResultTreated(Rule):
    """A delivery after a positive result in the pregnancy (a group B streptococcus culture) gets a drug of the class.

    A delivery (``procedure_set``) since ``since`` is judged when a result of ``result_set`` whose coded value is in
    ``positive_set`` was recorded in the ``days`` before it; a drug of ``drug_class`` must start from ``hours_before``
    the delivery (default 24) to ``hours_after`` it (default 1: the entry is written at the birth)."""

    kind = "delivery_after_result_treated"
    required = ("procedure_set", "result_set", "positive_set", "days", "drug_class")

    def setup(self) -> None:
        self.deliveries = self.data.code_set(self.p["procedure_set"])
        self.results = self.data.code_set(self.p["result_set"])
        self.positive = self.data.code_set(self.p["positive_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        positives = [
            o["time"]
            for o in view.entries("observations")
            if self.results.any(o.get("codes")) and isinstance(o.get("value"), dict) and self.positive.match(o["value"])
        ]
        if not positives:
            return f
        window = float(self.p["days"]) * DAY
        before = float(self.param("hours_before", 24)) * 3600
        after = float(self.param("hours_after", 1)) * 3600
        starts = [m["start"] for m in view.meds_of(self.p["drug_class"])]
        for proc in view.entries("procedures"):
            t = proc["start"]
            if t < self.since or not self.deliveries.any(proc.get("codes")):
                continue
            if not any(t - window <= p <= t for p in positives):
                continue
            given = any(t - before <= s <= t + after for s in starts)
            f.add(given, f"delivery {iso(t)[:10]}: no {self.p['drug_class']}")
        return f


@register
class PostpartumWeightLoss(Rule):
    """Weight falls after a delivery: the first weight ``after_days`` [lo, hi] after the delivery procedure is at least
    ``min_loss_kg`` below the last weight of the ``before_days`` before it (the conceptus leaves at birth, the fluid
    gained within about 6 weeks). Deliveries without both weights are not counted."""

    kind = "postpartum_weight_loss"
    required = ("delivery_set", "weight_set", "before_days", "after_days", "min_loss_kg")

    def check(self, view: PatientView) -> Finding:
        deliveries = sorted(set(view.events_in(self.data.code_set(self.p["delivery_set"]), ("procedures",))))
        if not deliveries:
            return Finding()
        weights = view.values(self.data.code_set(self.p["weight_set"]))
        lo, hi = (d * DAY for d in self.p["after_days"])
        f = Finding()
        for t in deliveries:
            before = [v for w, v, _ in weights if t - self.p["before_days"] * DAY <= w <= t]
            after = [v for w, v, _ in weights if t + lo <= w <= t + hi]
            if before and after:
                loss = before[-1] - after[0]
                f.add(
                    loss >= self.p["min_loss_kg"],
                    f"delivery {iso(t)[:10]}: {before[-1]:.1f} kg before, {after[0]:.1f} kg after ({loss:.1f} kg lost)",
                )
        return f


@register
class ScreenedAfterPregnancy(Rule):
    """A pregnancy (``pregnancy_set``) in which a condition of ``condition_set`` began (gestational diabetes), ended
    from ``since``, with no result of ``lab_set`` from ``from_days`` to ``to_days`` after its end (ACOG PB 190, ADA:
    a glucose test at 4-12 weeks postpartum). Records ending before ``to_days`` after it are not judged."""

    kind = "screened_after_pregnancy"
    required = ("pregnancy_set", "condition_set", "lab_set", "from_days", "to_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        onsets = view.onsets(self.data.code_set(self.p["condition_set"]))
        if not onsets:
            return f
        results = [t for t, _, _ in view.values(self.data.code_set(self.p["lab_set"]))]
        low, high = float(self.p["from_days"]) * DAY, float(self.p["to_days"]) * DAY
        for c in view.conditions_in(self.data.code_set(self.p["pregnancy_set"])):
            end = c.get("stop")
            if end is None or end < since or end + high > view.end or not any(c["start"] <= t <= end for t in onsets):
                continue
            f.add(any(end + low <= t <= end + high for t in results), f"pregnancy ended {iso(end)[:10]}: no test")
        return f
