"""Titration rules judged on the mean of readings: treatment left above goal on an unchanged regimen."""

from __future__ import annotations

from typing import Any

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class MeanAboveGoalUnchanged(Rule):
    """No span of ``min_days`` or more on an unchanged set of drugs of the class whose readings average at or above
    goal (``readings``: set -> ``at_least``; any set's mean), once the condition is diagnosed and treated.

    One reading above goal is not a failure (a reading's error and the visit-to-visit variation are 5-8 mmHg); the
    mean over a year is. Spans on ``max_drugs`` or more drugs (resistant disease, specialist care) and readings before
    ``since`` (the first guideline asking for titration to goal) are not judged. ``older`` (``age``, ``set``,
    ``at_least``) raises a set's goal for spans starting at that age (hypertension: < 150 systolic from 80, HYVET).
    """

    kind = "mean_above_goal_unchanged"
    required = ("condition_set", "drug_class", "readings", "min_days", "max_drugs")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.sets = [(self.data.code_set(r["set"]), float(r["at_least"])) for r in self.p["readings"]]
        self.since = date_time(self.param("since"))
        names = [r["set"] for r in self.p["readings"]]
        self.older = [(float(o["age"]), names.index(o["set"]), float(o["at_least"])) for o in self.param("older") or ()]

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
                goals = [goal for _, goal in self.sets]
                for age, i, goal in self.older:
                    if view.age(start) >= age:
                        goals[i] = goal
                for i, goal in enumerate(goals):
                    seen = [x for v in window if (x := v[i]) is not None]
                    if seen and sum(seen) / len(seen) >= goal:
                        mean = sum(seen) / len(seen)
                        text = f"{iso(start)[:10]} to {iso(readings[end][0])[:10]}: mean {mean:.0f} of {len(seen)} on "
                        return Finding(events=1, breaches=[text + ", ".join(sorted(drugs))])
        return Finding(events=1 if treated else 0)


@register
class RaisedReadingsUndiagnosed(Rule):
    """Office readings that average at or above the threshold are followed by a diagnosis within ``after_days``.

    A patient is judged on their first window of ``count`` consecutive office readings (``classes`` of visit, from
    ``min_age``, outside pregnancy and ``postpartum_days`` after it) that spans at most ``within_days``, starts while
    the condition is not diagnosed, and averages at or above a threshold (``readings``: set -> ``at_least``; any set's
    mean), and only when the record runs ``after_days`` past the window's last reading. The patient breaks the rule
    when the condition is still not diagnosed then. One raised reading is not a diagnosis; a year of them is.
    """

    kind = "raised_readings_undiagnosed"
    required = ("condition_set", "readings", "count", "within_days", "after_days", "classes")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])
        self.sets = [(self.data.code_set(r["set"]), float(r["at_least"])) for r in self.p["readings"]]
        self.classes = frozenset(self.p["classes"])
        pregnancy = self.param("pregnancy_set")
        self.pregnancy = self.data.code_set(pregnancy) if pregnancy else None

    def _readings(self, view: PatientView) -> list[tuple[int, list[float | None]]]:
        """Office readings by time (one value per set), outside pregnancy and its postpartum weeks."""
        spans = []
        if self.pregnancy is not None:
            post = float(self.param("postpartum_days", 84)) * DAY
            for c in view.conditions_in(self.pregnancy):
                spans.append((c["start"], (c.get("stop") or c["start"] + 300 * DAY) + post))
        encounters = view.encounters_by_id
        first = view.at_age(float(self.param("min_age", 18)))
        by_time: dict[int, list[float | None]] = {}
        for i, (code_set, _) in enumerate(self.sets):
            for t, v, obs in view.values(code_set):
                visit = encounters.get(obs.get("encounter") or "")
                if t < first or visit is None or visit.get("class") not in self.classes:
                    continue
                if any(a <= t <= b for a, b in spans):
                    continue
                by_time.setdefault(t, [None] * len(self.sets))[i] = v
        return sorted(by_time.items())

    def check(self, view: PatientView) -> Finding:
        onsets = view.onsets(self.conditions)
        diagnosed = onsets[0] if onsets else None
        readings = self._readings(view)
        n, within, after = int(self.p["count"]), float(self.p["within_days"]) * DAY, float(self.p["after_days"]) * DAY
        for a in range(len(readings) - n + 1):
            window = readings[a : a + n]
            start, last = window[0][0], window[-1][0]
            if diagnosed is not None and diagnosed <= start:
                return Finding()  # diagnosed before any qualifying window
            if last - start > within:
                continue
            means = []
            for i in range(len(self.sets)):
                seen = [x for _, v in window if (x := v[i]) is not None]
                means.append(sum(seen) / len(seen) if seen else None)
            if not any(m is not None and m >= goal for m, (_, goal) in zip(means, self.sets, strict=True)):
                continue
            if view.end < last + after:
                return Finding()  # not followed long enough to judge
            ok = diagnosed is not None and diagnosed <= last + after
            shown = "/".join(f"{m:.0f}" for m in means if m is not None)
            days = self.p["after_days"]
            text = f"{iso(start)[:10]} to {iso(last)[:10]}: mean {shown} of {n} readings, undiagnosed {days} days later"
            return Finding(events=1, breaches=[] if ok else [text])
        return Finding()


def _ingredient(display: str) -> str:
    """The first word of a drug's display that is not a release prefix ("24 HR bupropion ..." -> bupropion)."""
    words = [w for w in display.lower().split() if not w[0].isdigit() and w != "hr"]
    return words[0] if words else ""


@register
class FailedDrugGivenAgain(Rule):
    """A drug of the class left for another after an adequate trial (at least ``min_days``) is not given again for
    the condition within ``window_days`` of the switch (an antidepressant that failed).

    Orders for a reason outside ``reason_set`` are not judged (duloxetine for neuropathic pain); orders naming no
    reason are. A switch is a course of one ingredient ending within ``gap_days`` of a course of another starting;
    a course is the orders of one ingredient that continue one another (renewals, strength changes). One event per
    switch.
    """

    kind = "failed_drug_given_again"
    required = ("drug_class", "reason_set", "min_days", "window_days")

    def setup(self) -> None:
        self.reasons = self.data.code_set(self.p["reason_set"])

    def check(self, view: PatientView) -> Finding:
        gap = float(self.param("gap_days", 1)) * DAY
        courses: list[list[Any]] = []  # [ingredient, start, end]
        meds = [m for m in view.meds_of(self.p["drug_class"]) if not m.get("reason") or self.reasons.any(m["reason"])]
        for m in sorted(meds, key=lambda m: m["start"]):
            name, stop = _ingredient(m["codes"][0]["display"]), view.stop_of(m)
            course = next((c for c in courses if c[0] == name and c[1] <= m["start"] <= c[2] + gap), None)
            if course is None:
                courses.append([name, m["start"], stop])
            else:
                course[2] = max(course[2], stop)
        events, breaches = 0, []
        trial, window = float(self.p["min_days"]) * DAY, float(self.p["window_days"]) * DAY
        for name, start, end in courses:
            if end >= view.end or end - start < trial:
                continue
            into = next((c for c in courses if c[0] != name and abs(c[1] - end) <= gap), None)
            if into is None:
                continue
            events += 1
            again = next((c for c in courses if c[0] == name and end + gap < c[1] <= end + window), None)
            if again is not None:
                breaches.append(f"{name} left for {into[0]} {iso(end)[:10]}, given again {iso(again[1])[:10]}")
        return Finding(events=events, breaches=breaches)


@register
class OtherIndicationKept(Rule):
    """A drug of the class given for a condition of ``reason_set`` (duloxetine for diabetic neuropathy) is not stopped
    while that condition is active unless an order for it (the same drug renewed, or another drug of ``treat_class``)
    begins within ``days`` or is running: a drug with two indications, replaced for the other one (depression),
    leaves the first untreated. Stops at the end of the record are not judged."""

    kind = "other_indication_kept"
    required = ("drug_class", "reason_set", "treat_class", "days")

    def setup(self) -> None:
        self.reasons = self.data.code_set(self.p["reason_set"])

    def check(self, view: PatientView) -> Finding:
        given = [m for m in view.meds_of(self.p["drug_class"]) if self.reasons.any(m.get("reason"))]
        if not given:
            return Finding()
        treating = [m for m in view.meds_of(self.p["treat_class"]) if self.reasons.any(m.get("reason"))]
        conditions = view.conditions_in(self.reasons)
        within = float(self.p["days"]) * DAY
        events, breaches = 0, []
        for m in given:
            stop = m.get("stop")
            if stop is None or stop >= view.end - within or not m.get("chronic"):
                continue
            if not any(c["start"] <= stop and (c.get("stop") is None or c["stop"] > stop) for c in conditions):
                continue  # the condition ended: so may its treatment
            events += 1
            kept = any(o is not m and o["start"] <= stop + within and view.stop_of(o) > stop for o in treating)
            if not kept:
                breaches.append(f"{m['codes'][0]['display']} stopped {iso(stop)[:10]}: nothing for the condition after")
        return Finding(events=events, breaches=breaches)
