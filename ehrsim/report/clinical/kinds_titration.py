"""Titration rules judged on the mean of readings: treatment left above goal on an unchanged regimen."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class MeanAboveGoalUnchanged(Rule):
    """No span of ``min_days`` or more on an unchanged set of drugs of the class whose readings average at or above
    goal (``readings``: set -> ``at_least``; any set's mean), once the condition is diagnosed and treated.

    One reading above goal is not a failure (a reading's error and the visit-to-visit variation are 5-8 mmHg); the
    mean over a year is. Spans on ``max_drugs`` or more drugs (resistant disease, specialist care) and readings before
    ``since`` (the first guideline asking for titration to goal) are not judged.
    """

    kind = "mean_above_goal_unchanged"
    required = ("condition_set", "drug_class", "readings", "min_days", "max_drugs")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.sets = [(self.data.code_set(r["set"]), float(r["at_least"])) for r in self.p["readings"]]
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        conditions = view.conditions_in(self.conditions)
        if not conditions:
            return Finding()
        onset = max(min(c["start"] for c in conditions), self.since)
        by_time: dict[int, list[float | None]] = {}
        for i, (code_set, _) in enumerate(self.sets):
            for t, v, _ in view.values(code_set):
                if t >= onset:
                    by_time.setdefault(t, [None] * len(self.sets))[i] = v
        meds = view.meds_of(self.p["drug_class"])
        runs: list[tuple[frozenset[str], list[tuple[int, list[float | None]]]]] = []  # readings per unchanged regimen
        for t in sorted(by_time):
            drugs = frozenset(m["codes"][0]["display"] for m in meds if m.get("codes") and view.active(m, t))
            if not drugs or len(drugs) >= int(self.p["max_drugs"]):
                runs.append((frozenset(), []))
                continue
            if not runs or runs[-1][0] != drugs:
                runs.append((drugs, []))
            runs[-1][1].append((t, by_time[t]))
        treated = any(drugs for drugs, _ in runs)
        span = float(self.p["min_days"]) * DAY
        for drugs, readings in runs:
            for a, (start, _) in enumerate(readings):
                end = next((b for b in range(a + 1, len(readings)) if readings[b][0] - start >= span), None)
                if end is None:
                    break
                window = [values for _, values in readings[a : end + 1]]
                for i, (_, goal) in enumerate(self.sets):
                    seen = [x for v in window if (x := v[i]) is not None]
                    if seen and sum(seen) / len(seen) >= goal:
                        mean = sum(seen) / len(seen)
                        text = f"{iso(start)[:10]} to {iso(readings[end][0])[:10]}: mean {mean:.0f} of {len(seen)} on "
                        return Finding(events=1, breaches=[text + ", ".join(sorted(drugs))])
        return Finding(events=1 if treated else 0)
