"""Rules of hospital and chronic care (s14care): dialysis sessions a week, the vital signs a disease brings,
hypertension first found in pregnancy and the drugs started for it."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView

WEEK = 7 * DAY


@register
class SessionsPerWeek(Rule):
    """Runs of a recurring procedure (maintenance haemodialysis) held fewer times a week than the standard.

    A run is a sequence of sessions with no gap over ``max_gap_days`` (a hospital stay or a transplant ends it); a
    run of at least ``min_sessions`` sessions is one event, judged on its sessions a week (intervals / weeks)."""

    kind = "sessions_per_week"
    required = ("procedure_set", "min_per_week", "min_sessions", "max_gap_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        times = view.events_in(self.data.code_set(self.p["procedure_set"]), ("procedures",))
        gap = float(self.p["max_gap_days"]) * DAY
        runs: list[list[int]] = []
        for t in times:
            if runs and t - runs[-1][-1] <= gap:
                runs[-1].append(t)
            else:
                runs.append([t])
        for run in runs:
            if len(run) < self.p["min_sessions"] or run[-1] <= run[0]:
                continue
            rate = (len(run) - 1) / ((run[-1] - run[0]) / WEEK)
            text = f"{iso(run[0])[:10]} to {iso(run[-1])[:10]}: {len(run)} sessions, {rate:.2f} a week"
            f.add(rate >= self.p["min_per_week"], text)
        return f


@register
class VitalAtConditionVisit(Rule):
    """Visits for a condition (pneumonia) whose first recorded vital sign of a kind (respiratory rate) is below a
    threshold: the disease's own sign (tachypnoea) is missing. A visit is for the condition when the condition is
    its reason or is first recorded during it; people under ``min_age`` (or from ``max_age``) are not judged."""

    kind = "vital_at_condition_visit"
    required = ("condition_set", "value_set", "below", "min_age")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        condition = self.data.code_set(self.p["condition_set"])
        classes = set(self.param("encounter_classes", ()))
        max_age = float(self.param("max_age", 200))
        onsets = [c["start"] for c in view.conditions_in(condition)]
        visits = {}
        for e in view.entries("encounters"):
            if classes and e.get("class") not in classes:
                continue
            if not self.p["min_age"] <= view.age(e["start"]) < max_age:
                continue
            stop = e.get("stop") or e["start"]
            if any(condition.match(r) for r in e.get("reason") or ()) or any(e["start"] <= t <= stop for t in onsets):
                visits[e["id"]] = e
        first: dict[str, float] = {}
        for _, value, obs in view.values(self.data.code_set(self.p["value_set"])):
            enc_id = obs.get("encounter") or ""
            if enc_id in visits and enc_id not in first:
                first[enc_id] = value
        for enc_id, value in first.items():
            e = visits[enc_id]
            f.add(value >= self.p["below"], f"{iso(e['start'])} ({e.get('class')} visit): {value:g}")
        return f


@register
class OnsetLateInPregnancy(Rule):
    """A diagnosis (essential hypertension) first made at or after ``weeks`` of a pregnancy: new hypertension after
    20 weeks is gestational hypertension or pre-eclampsia (ACOG PB 222), not chronic. Weeks of gestation come from
    the latest recorded gestational age before the onset in the pregnancy, else from the pregnancy's start."""

    kind = "onset_late_in_pregnancy"
    required = ("condition_set", "pregnancy_set", "gestation_set", "weeks")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        pregnancies = [
            (c["start"], view.stop_of(c)) for c in view.conditions_in(self.data.code_set(self.p["pregnancy_set"]))
        ]
        ages = view.values(self.data.code_set(self.p["gestation_set"]))
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            onset = cond["start"]
            span = next(((a, b) for a, b in pregnancies if a <= onset <= b), None)
            if span is None or onset < since:
                continue
            recorded = [(t, v) for t, v, _ in ages if span[0] <= t <= onset]
            weeks = recorded[-1][1] + (onset - recorded[-1][0]) / WEEK if recorded else (onset - span[0]) / WEEK
            name = (cond.get("codes") or [{}])[0].get("display")
            f.add(weeks < self.p["weeks"], f"{name} first recorded {iso(onset)[:10]} at {weeks:.1f} weeks of pregnancy")
        return f


@register
class DrugEndsAfterCondition(Rule):
    """A drug of a class started during a condition (antihypertensives of a pregnancy) for a reason in
    ``reason_set`` (or none) is stopped within ``within_days`` of the condition's end, unless a condition of
    ``unless_set`` (chronic hypertension) was diagnosed before the condition, in its first ``unless_within_days``
    (before 20 weeks of a pregnancy), or after its end by then: gestational hypertension resolves by 12 weeks
    postpartum (ACOG PB 222), and a drug kept past it is reviewed."""

    kind = "drug_ends_after_condition"
    required = ("condition_set", "drug_class", "reason_set", "within_days", "unless_set", "unless_within_days")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        reasons = self.data.code_set(self.p["reason_set"])
        meds = [
            m
            for m in view.meds_of(self.p["drug_class"])
            if not m.get("reason") or any(reasons.match(r) for r in m["reason"])
        ]
        unless = view.onsets(self.data.code_set(self.p["unless_set"]))
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            start, end = cond["start"], cond.get("stop")
            if end is None or end < since:
                continue
            later = end + float(self.p["within_days"]) * DAY
            early = start + float(self.p["unless_within_days"]) * DAY
            started = [m for m in meds if start <= m["start"] <= end and view.active(m, end - 1)]
            if later > view.end or not started or any(t <= early or end <= t <= later for t in unless):
                continue
            kept = [m for m in meds if view.active(m, later)]
            names = ", ".join(sorted({(m.get("codes") or [{}])[0].get("display") or "" for m in kept}))
            f.add(not kept, f"ended {iso(end)[:10]}: still on {names} {self.p['within_days']} days later")
        return f
