"""Blood pressure in pregnancy (s15preg): raised readings before 20 weeks are chronic hypertension, severe-range
readings are treated, and hypertension of pregnancy ends only on a normal reading."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView

WEEK = 7 * DAY
HOUR = 3600


def readings(rule: Rule, view: PatientView) -> list[tuple[int, float, float]]:
    """(time, systolic, diastolic) of each blood-pressure reading (0 for a part not recorded), in time order."""
    found: dict[str, list[float]] = {}
    for i, name in enumerate(("systolic_set", "diastolic_set")):
        for t, value, obs in view.values(rule.data.code_set(rule.p[name])):
            found.setdefault(obs["id"], [t, 0.0, 0.0])[i + 1] = value
    return sorted((int(t), s, d) for t, s, d in found.values())


def pregnancies(rule: Rule, view: PatientView) -> list[tuple[int, int]]:
    return [(c["start"], view.stop_of(c)) for c in view.conditions_in(rule.data.code_set(rule.p["pregnancy_set"]))]


def weeks_at(rule: Rule, view: PatientView, span: tuple[int, int], t: float) -> float:
    """Weeks of gestation at ``t``: the latest recorded gestational age before it in the pregnancy, else from the
    pregnancy's recorded start."""
    recorded = [(a, v) for a, v, _ in view.values(rule.data.code_set(rule.p["gestation_set"])) if span[0] <= a <= t]
    return recorded[-1][1] + (t - recorded[-1][0]) / WEEK if recorded else (t - span[0]) / WEEK


def _raised(rule: Rule, s: float, d: float, level: str) -> bool:
    limits = rule.p[level]
    return s >= limits[0] or d >= limits[1]


@register
class EarlyPregnancyHypertension(Rule):
    """A pregnancy with two readings >= 140/90 at least 4 hours apart, or one >= 160/110, before ``weeks`` of
    gestation: chronic hypertension (ACOG PB 203), diagnosed (a condition of ``diagnosis_set`` active at the
    qualifying reading or begun within ``grace_days`` of it)."""

    kind = "early_pregnancy_hypertension"
    required = ("pregnancy_set", "gestation_set", "systolic_set", "diastolic_set", "diagnosis_set", "weeks")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        grace = float(self.param("grace_days", 28)) * DAY
        diagnoses = view.conditions_in(self.data.code_set(self.p["diagnosis_set"]))
        bp = readings(self, view)
        for span in pregnancies(self, view):
            early = [
                (t, s, d)
                for t, s, d in bp
                if span[0] <= t <= span[1] and t >= since and weeks_at(self, view, span, t) < self.p["weeks"]
            ]
            raised = [r for r in early if _raised(self, r[1], r[2], "raised")]
            severe = next((r for r in raised if _raised(self, r[1], r[2], "severe")), None)
            second = next((r for r in raised if raised and r[0] - raised[0][0] >= 4 * HOUR), None)
            found = [r for r in (severe, second) if r is not None]
            if not found:
                continue
            t = min(r[0] for r in found)
            ok = any(c["start"] <= t + grace and view.stop_of(c) >= t for c in diagnoses)
            shown = ", ".join(f"{s:g}/{d:g}" for _, s, d in raised[:4])
            f.add(ok, f"pregnancy {iso(span[0])[:10]}: {shown} before {self.p['weeks']} weeks, no chronic hypertension")
        return f


@register
class SeverePregnancyReadingTreated(Rule):
    """A reading >= 160/110 in pregnancy with no drug of ``drug_class`` taken then or started within
    ``within_hours`` (ACOG Committee Opinion 767: treat within 30-60 minutes)."""

    kind = "severe_pregnancy_reading_treated"
    required = ("pregnancy_set", "systolic_set", "diastolic_set", "drug_class", "within_hours", "severe")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        meds = view.meds_of(self.p["drug_class"])
        after = float(self.p["within_hours"]) * HOUR
        spans = pregnancies(self, view)
        for t, s, d in readings(self, view):
            if t < since or not _raised(self, s, d, "severe") or not any(a <= t <= b for a, b in spans):
                continue
            ok = any(view.active(m, t) or t <= m["start"] <= t + after for m in meds)
            f.add(ok, f"{iso(t)}: {s:g}/{d:g} in pregnancy, no antihypertensive")
        return f


@register
class ResolvedOnNormalReading(Rule):
    """A condition (gestational hypertension, pre-eclampsia) ended on a reading below ``raised``: the latest reading
    in the ``within_days`` up to its end. Ended with no reading, or on a raised one, breaks (ACOG PB 222: it persists
    to 12 weeks postpartum and is then chronic hypertension), unless a condition of ``unless_set`` (chronic
    hypertension) is active at the end or begins within ``within_days`` of it: the disorder was reclassified. Ends at
    death are not judged, nor an end at which another condition of the set begins: pre-eclampsia that progressed to
    eclampsia (Synthea's pregnancy module ends one as the other begins, at the visit that diagnoses it) did not
    resolve."""

    kind = "resolved_on_normal_reading"
    required = ("condition_set", "systolic_set", "diastolic_set", "raised", "within_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        window = float(self.p["within_days"]) * DAY
        bp = readings(self, view)
        unless = view.conditions_in(self.data.code_set(self.p["unless_set"])) if "unless_set" in self.p else []
        disorders = view.conditions_in(self.data.code_set(self.p["condition_set"]))
        for cond in disorders:
            end = cond.get("stop")
            if end is None or (view.death is not None and end >= view.death):
                continue
            if any(c["start"] <= end + window and view.stop_of(c) >= end for c in unless):
                continue  # reclassified as chronic hypertension (still raised at 12 weeks)
            if any(c is not cond and end - window <= c["start"] <= end + window for c in disorders):
                continue  # progressed (pre-eclampsia to eclampsia), not resolved
            last = [(t, s, d) for t, s, d in bp if end - window <= t <= end]
            name = (cond.get("codes") or [{}])[0].get("display")
            if not last:
                f.add(False, f"{name} ended {iso(end)[:10]} with no blood pressure reading")
                continue
            _, s, d = last[-1]
            f.add(not _raised(self, s, d, "raised"), f"{name} ended {iso(end)[:10]} on a reading of {s:g}/{d:g}")
        return f


@register
class OnsetWithRaisedReading(Rule):
    """Each onset of a hypertensive disorder of pregnancy (gestational hypertension, pre-eclampsia) rests on a reading
    at or above ``raised`` from ``days_before`` its onset to ``hours_after`` it (the confirming reading of the visit
    that diagnoses it): ACOG PB 222 diagnoses them on readings >= 140/90, so a diagnosis at a visit whose readings
    were all normal (s16young: 91/48 at the visit that recorded pre-eclampsia) is one no clinician made."""

    kind = "onset_with_raised_reading"
    required = ("condition_set", "systolic_set", "diastolic_set", "raised", "days_before", "hours_after")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        before, after = float(self.p["days_before"]) * DAY, float(self.p["hours_after"]) * HOUR
        bp = readings(self, view)
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            t = cond["start"]
            if t < since:
                continue
            near = [(s, d) for a, s, d in bp if t - before <= a <= t + after]
            name = (cond.get("codes") or [{}])[0].get("display")
            shown = ", ".join(f"{s:g}/{d:g}" for s, d in near[:4]) or "no reading"
            f.add(any(_raised(self, s, d, "raised") for s, d in near), f"{name} recorded {iso(t)[:10]}: {shown}")
        return f


@register
class AdmissionNamesComplication(Rule):
    """An admission (``classes``) for a state of ``reason_set`` (a delivery, for the pregnancy) while a condition of
    ``complication_set`` is active names one of them among its reasons: a delivery's principal diagnosis is its
    complication (ICD-10-CM chapter 15 guidelines), not "Normal pregnancy" with pre-eclampsia on the chart."""

    kind = "admission_names_complication"
    required = ("reason_set", "complication_set", "classes")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        reasons = self.data.code_set(self.p["reason_set"])
        complications = self.data.code_set(self.p["complication_set"])
        found = view.conditions_in(complications)
        classes = set(self.p["classes"])
        for enc in view.entries("encounters"):
            if enc.get("class") not in classes or not reasons.any(enc.get("reason")):
                continue
            active = [c for c in found if view.active(c, enc["start"])]
            if not active:
                continue
            named = {r.get("code") for r in enc.get("reason") or ()}
            shown = ", ".join(str(c["codes"][0].get("display")) for c in active)
            ok = any(c["codes"][0].get("code") in named for c in active)
            f.add(ok, f"{iso(enc['start'])[:10]} admission for {enc['reason'][0].get('display')} with {shown} active")
        return f


@register
class SeverePreeclampsiaDelivered(Rule):
    """Pre-eclampsia with severe features, two readings >= ``severe`` at least ``gap_hours`` apart after its onset,
    is delivered within ``within_days`` of the second (ACOG PB 222: at or after 34 weeks, delivery once the mother is
    stabilised rather than expectant management; here pre-eclampsia is diagnosed from 34 weeks). Pregnancies not
    delivered in the record (death, still pregnant at its end) are not judged."""

    kind = "severe_preeclampsia_delivered"
    required = ("condition_set", "delivery_set", "systolic_set", "diastolic_set", "severe", "gap_hours", "within_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        gap, within = float(self.p["gap_hours"]) * HOUR, float(self.p["within_days"]) * DAY
        deliveries = sorted(view.events_in(self.data.code_set(self.p["delivery_set"]), ("procedures",)))
        bp = readings(self, view)
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            born = next((t for t in deliveries if t >= cond["start"]), None)
            if born is None:
                continue
            severe = [r for r in bp if cond["start"] <= r[0] < born and _raised(self, r[1], r[2], "severe")]
            second = next((r for r in severe if r[0] - severe[0][0] >= gap), None)
            if second is None:
                continue
            shown = ", ".join(f"{s:g}/{d:g}" for _, s, d in severe[:4])
            days = (born - second[0]) / DAY
            f.add(born - second[0] <= within, f"{iso(second[0])[:10]}: {shown}, delivered {days:.0f} days later")
        return f
