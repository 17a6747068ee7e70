"""Diagnosis and care rules: evidence before a diagnosis or procedure, expected care, follow-up."""

from __future__ import annotations

import itertools
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


def _days(view: PatientView, rule: Rule, part: dict[str, Any], lo: float, hi: float) -> set[int]:
    """Days in [lo, hi] with evidence: a result within [min, max], or any entry (event, condition) of the set."""
    code_set = rule.data.code_set(part["set"])
    if "min" in part or "max" in part:
        vmin, vmax = float(part.get("min", float("-inf"))), float(part.get("max", float("inf")))
        return {int(t // DAY) for t, v, _ in view.values(code_set) if lo <= t <= hi and vmin <= v <= vmax}
    times = [t for t in view.events_in(code_set) if lo <= t <= hi]
    times += [c["start"] for c in view.conditions_in(code_set) if lo <= c["start"] <= hi]
    return {int(t // DAY) for t in times}


def _satisfied(view: PatientView, rule: Rule, alt: dict[str, Any], lo: float, hi: float) -> bool:
    """``count`` distinct days of evidence from ``alt`` (or from any of ``alt["any_of"]``) in [lo, hi]."""
    parts = alt.get("any_of") or [alt]
    days: set[int] = set()
    for part in parts:
        days |= _days(view, rule, part, lo, hi)
    return len(days) >= int(alt.get("count", 1))


@register
class DiagnosisEvidence(Rule):
    """A diagnosis rests on evidence before or with it (two raised readings; PHQ-9 >= 10 or a suicide screen)."""

    kind = "diagnosis_evidence"
    required = ("condition_set", "alternatives", "days_before")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        for alt in self.p["alternatives"]:
            for part in alt.get("any_of") or [alt]:
                self.data.code_set(part["set"])
        self.since = date_time(self.param("since"))
        below = self.param("not_judged_below")  # {"set": S, "min": X}: a charted result of S below X excludes
        self.below = (self.data.code_set(below["set"]), float(below["min"])) if below else None

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.conditions)
        if not onsets or onsets[0] < self.since:
            return Finding()
        onset = onsets[0]
        lo, hi = onset - self.p["days_before"] * DAY, onset + float(self.param("days_after", 1)) * DAY
        ok = any(_satisfied(view, self, alt, lo, hi) for alt in self.p["alternatives"])
        f = Finding()
        f.add(ok, f"diagnosed {iso(onset)} without {self.param('evidence_text', 'the evidence')}")
        return f


@register
class ProcedureRequires(Rule):
    """A procedure comes after its work-up (ablation after an established diagnosis and an ECG), or with what must
    precede it (antibiotic prophylaxis before a caesarean); ``since``: procedures before that date are not judged."""

    kind = "procedure_requires"
    required = ("procedure_set", "requirements")

    def setup(self) -> None:
        self.procedures = self.data.code_set(self.p["procedure_set"])
        self.since = date_time(self.param("since"))  # procedures before a guideline date are not judged
        # only_with: judged only for patients in a state at the procedure: {"condition_set": S, "min_days_before": D}
        # (a condition active then that began D days before, e.g. chronic hypertension in pregnancy), or
        # {"result_set": S, "text": T} (a result of S before it whose text value contains T, e.g. Rh negative)
        self.only_with = self.param("only_with")
        if self.only_with:
            self.data.code_set(self.only_with.get("condition_set") or self.only_with["result_set"])

    def _qualifies(self, view: PatientView, t: float) -> bool:
        q = self.only_with
        if not q:
            return True
        if "condition_set" in q:
            began = t - float(q.get("min_days_before", 0)) * DAY
            conds = view.conditions_in(self.data.code_set(q["condition_set"]))
            return any(c["start"] <= began and view.stop_of(c) > t for c in conds)
        code_set, text = self.data.code_set(q["result_set"]), str(q["text"]).lower()
        return any(
            o["time"] <= t and code_set.any(o.get("codes")) and text in str(o.get("value")).lower()
            for o in view.entries("observations")
        )

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for proc in view.entries("procedures"):
            if not self.procedures.any(proc.get("codes")) or proc["start"] < self.since:
                continue
            if not self._qualifies(view, proc["start"]):
                continue
            missing = []
            for req in self.p["requirements"]:
                lo = proc["start"] - float(req.get("max_days_before", 36500)) * DAY
                hi = proc["start"] - float(req.get("min_days_before", 0)) * DAY
                if not _satisfied(view, self, req, lo, hi):
                    missing.append(req.get("text", req["set"]))
            f.add(not missing, f"{iso(proc['start'])} without {', '.join(missing)}")
        return f


@register
class CareExpected(Rule):
    """People in a state (smoker, diabetic) for long enough in an age window receive some care for it."""

    kind = "care_expected"
    required = ("min_age", "max_age", "min_years")

    def setup(self) -> None:
        qualifier = self.param("qualifier_set") or (self.param("qualifier_values") or {}).get("set")
        if not qualifier:
            raise ConfigError(f"clinical rule {self.rule.id}: needs qualifier_set or qualifier_values")
        self.qualifier = self.data.code_set(qualifier)
        self.numeric = self.param("qualifier_values")
        self.evidence = self.data.code_set(self.p["evidence_set"]) if self.param("evidence_set") else None
        self.drug_class = self.param("evidence_class")
        self.since = date_time(self.param("since"))
        below = self.param("not_judged_below")  # {"set": S, "min": X}: a charted result of S below X excludes
        self.below = (self.data.code_set(below["set"]), float(below["min"])) if below else None
        before = (below or {}).get("before")  # {"date": D, "min": Y}: a record ending before D needs Y
        self.below_before = (date_time(before["date"]), float(before["min"])) if before else None

    def check(self, view: PatientView) -> Finding:
        if self.below is not None:  # e.g. fewer than 20 pack-years charted: not eligible for lung screening
            charted = view.values(self.below[0])
            limit = self.below[1]
            if self.below_before is not None and view.end < self.below_before[0]:
                limit = self.below_before[1]  # e.g. 30 pack-years under USPSTF 2013, until March 2021
            if charted and charted[-1][1] < limit:
                return Finding()
        start = view.at_age(self.p["min_age"])
        earlier = self.param("min_age_before")  # {"date": D, "min_age": A}: before D the minimum age was A
        if earlier:  # e.g. lung screening from 55 (USPSTF 2013) until 50 became the age (USPSTF 2021)
            start = min(view.at_age(earlier["min_age"]), max(start, date_time(earlier["date"])))
        window_lo = max(start, self.since)
        window_hi = min(view.at_age(self.p["max_age"]), view.end)
        spans = [(max(a, window_lo), min(b, window_hi)) for a, b in self.qualifying(view)]
        spans = [(a, b) for a, b in spans if b > a]
        held = sum(b - a for a, b in _merge(spans))
        if held < self.p["min_years"] * 365.25 * DAY:
            return Finding()
        lo = spans[0][0] - float(self.param("lookback_days", 365)) * DAY
        times = self.evidence_times(view)
        ok = any(lo <= t <= window_hi for t in times)
        f = Finding()
        f.add(
            ok,
            f"{held / (365.25 * DAY):.1f} years qualifying from {iso(spans[0][0])[:10]}, "
            f"no {self.param('evidence_text', 'care')}",
        )
        return f

    def qualifying(self, view: PatientView) -> list[tuple[int, int]]:
        """Coded states (conditions, coded results), or numeric results in [min, max] until the next result."""
        if not self.numeric:
            return view.qualifying_times(self.qualifier)
        lo, hi = float(self.numeric.get("min", float("-inf"))), float(self.numeric.get("max", float("inf")))
        valid = float(self.numeric.get("valid_days", float("inf"))) * DAY  # a result stands for this long at most
        values = view.values(self.qualifier)
        return [
            (t, int(min(values[i + 1][0] if i + 1 < len(values) else view.end, t + valid)))
            for i, (t, v, _) in enumerate(values)
            if lo <= v <= hi
        ]

    def evidence_times(self, view: PatientView) -> list[int]:
        times: list[int] = []
        if self.evidence is not None:
            times += view.events_in(self.evidence)
            times += [c["start"] for c in view.conditions_in(self.evidence)]
        if self.drug_class:
            times += [m["start"] for m in view.meds_of(self.drug_class)]
            times += [view.stop_of(m) for m in view.meds_of(self.drug_class)]
        return times


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@register
class FollowUpGap(Rule):
    """After a diagnosis, contacts for it (visits, tests, treatment with it as reason) at most N days apart."""

    kind = "follow_up_gap"
    required = ("condition_set", "max_gap_days", "years")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.conditions)
        if not onsets:
            return Finding()
        onset = onsets[0]
        active_until = max(view.stop_of(c) for c in view.conditions_in(self.conditions))
        end = min(onset + self.p["years"] * 365.25 * DAY, view.end, active_until)
        if end - onset < self.p["max_gap_days"] * DAY:
            return Finding()
        times = [onset, end]
        for kind in ("encounters", "procedures", "medications", "careplans"):
            for e in view.entries(kind):
                if self.conditions.any(e.get("reason")) and onset <= e["start"] <= end:
                    times.append(e["start"])
        times.sort()
        gap, at = max(((b - a, a) for a, b in itertools.pairwise(times)), default=(0.0, onset))
        f = Finding()
        f.add(
            gap <= self.p["max_gap_days"] * DAY,
            f"diagnosed {iso(onset)[:10]}: no contact for it for {gap / DAY / 365.25:.1f} years from {iso(at)[:10]}",
        )
        return f


@register
class ConditionWorkup(Rule):
    """Each onset of a condition (since a date) comes with a test of ``evidence_set`` within hours of it."""

    kind = "condition_workup"
    required = ("condition_set", "evidence_set", "hours_before", "hours_after")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        since = date_time(self.param("since"))
        times = view.events_in(self.data.code_set(self.p["evidence_set"]), ("procedures", "observations"))
        before, after = self.p["hours_before"] * 3600, self.p["hours_after"] * 3600
        for cond in view.conditions_in(self.data.code_set(self.p["condition_set"])):
            onset = cond["start"]
            if onset < since or (onset + after > view.end and view.death is None):
                continue
            if view.death is not None and onset >= view.death:
                continue  # first recorded at the death (a sudden cause on the certificate): no work-up to judge
            ok = any(onset - before <= t <= onset + after for t in times)
            name = (cond.get("codes") or [{}])[0].get("display")
            f.add(ok, f"{name} {iso(onset)[:10]}: no {self.param('evidence_text', 'work-up')}")
        return f


@register
class ProcedureAfterRemoval(Rule):
    """No procedure on an organ after the operation that removed it (``pairs``: removal set -> procedure set), e.g.
    a cystoscopy after a radical cystectomy."""

    kind = "procedure_after_removal"
    required = ("pairs",)

    def setup(self) -> None:
        self.pairs = [(self.data.code_set(a), self.data.code_set(b)) for a, b in self.p["pairs"].items()]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        procedures = view.entries("procedures")
        for removal, later in self.pairs:
            removed = min((p["start"] for p in procedures if removal.any(p.get("codes"))), default=None)
            if removed is None:
                continue
            after = [p for p in procedures if p["start"] > removed and later.any(p.get("codes"))]
            first = after[0]["codes"][0].get("display") if after else ""
            f.add(not after, f"{len(after)} x {first} after the removal on {iso(removed)[:10]}")
        return f


@register
class StageByAge(Rule):
    """A cancer staged at diagnosis with a stage group its staging system does not allow at that age (``stages`` set)
    under ``max_age`` (``max_age_from``: ISO date -> a later edition's age limit), e.g. AJCC differentiated thyroid
    cancer: only stage I or II under 45 (7th edition) or 55 (8th edition, from 2018)."""

    kind = "stage_by_age"
    required = ("condition_set", "stage_set", "stages", "max_age")

    def setup(self) -> None:
        self.condition = self.data.code_set(self.p["condition_set"])
        self.stage_obs = self.data.code_set(self.p["stage_set"])
        self.stages = self.data.code_set(self.p["stages"])
        self.limits = sorted((date_time(d), float(a)) for d, a in self.param("max_age_from", {}).items())

    def _limit(self, t: float) -> float:
        limit = float(self.p["max_age"])
        for since, age in self.limits:
            if t >= since:
                limit = age
        return limit

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        onsets = [c["start"] for c in view.entries("conditions") if self.condition.any(c.get("codes"))]
        if not onsets:
            return f
        for obs in view.entries("observations"):
            t = obs["time"]
            if not self.stage_obs.any(obs.get("codes")) or not any(abs(t - o) <= DAY for o in onsets):
                continue
            if view.age(t) >= self._limit(t):
                continue
            value = obs.get("value")
            staged = [value] if isinstance(value, dict) else []
            f.add(
                not self.stages.any(staged),
                f"{iso(t)[:10]} at {view.age(t):.0f}: {staged[0].get('display') if staged else value}",
            )
        return f
