"""Results acted on: a raised result followed up, treatment intensified when readings stay above goal."""

from __future__ import annotations

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView


@register
class ResultFollowedUp(Rule):
    """A result at or above ``min`` (a PHQ-9 of 15+) is acted on within ``days``: a diagnosis of ``condition_set``
    or a drug of ``drug_class`` started or already running, or an ``evidence_set`` entry (referral, therapy).

    ``outside_condition``: a result while a condition of the set is active (already in care) is not judged, and
    only something new counts: a diagnosis or a drug begun in the window (the same product already taken the day
    before is a renewal, not a response; a new drug or strength is), or an ``evidence_set`` entry."""

    kind = "result_followed_up"
    required = ("lab_set", "min", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.conditions = self.data.code_set(self.p["condition_set"]) if self.param("condition_set") else None
        self.evidence = self.data.code_set(self.p["evidence_set"]) if self.param("evidence_set") else None
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        for t, value, _ in view.values(self.lab):
            if value < float(self.p["min"]) or t < self.since or t + within > view.end:
                continue  # below the threshold, before the guideline, or not followed long enough
            lo, hi = t - DAY, t + within
            spans = (
                [(c["start"], view.stop_of(c)) for c in view.conditions_in(self.conditions)] if self.conditions else []
            )
            meds = view.meds_of(self.p["drug_class"]) if self.param("drug_class") else []
            if self.param("outside_condition"):
                if any(a <= t < b for a, b in spans):
                    continue  # in care for the condition at the result
                taken = [(m["start"], view.stop_of(m), m["codes"][0]["code"]) for m in meds]
                renewed = {(a, c) for a, _, c in taken if any(c == k and x < a - DAY < y for x, y, k in taken)}
                begun = [a for a, _ in spans] + [a for a, _, c in taken if (a, c) not in renewed]
                ok = any(lo <= a <= hi for a in begun)
            else:
                spans += [(m["start"], view.stop_of(m)) for m in meds]
                ok = any(a <= hi and b >= t for a, b in spans)  # begun within the window, or running at the result
            if not ok and self.evidence is not None:
                ok = any(lo <= e <= hi for e in view.events_in(self.evidence))
            f.add(ok, f"{iso(t)[:10]} score {value:g}: nothing within {self.p['days']} days")
        return f


@register
class TreatmentIntensified(Rule):
    """Treatment is changed when readings stay above goal: no run of readings at or above a threshold (``readings``:
    set -> ``at_least``, any of them) spanning ``min_days`` or more on an unchanged set of drugs of the class, once the
    condition is diagnosed and treated. A patient already on ``max_drugs`` drugs of the class is not judged
    (resistant disease is specialist care). With ``continuous``, a run also ends where a drug of the set was not
    taken for more than a day between two readings (a course stopped and begun again is a new trial)."""

    kind = "treatment_intensified"
    required = ("condition_set", "drug_class", "readings", "min_days", "max_drugs")

    def check(self, view: PatientView) -> Finding:
        conditions = view.conditions_in(self.data.code_set(self.p["condition_set"]))
        if not conditions:
            return Finding()
        onset = min(c["start"] for c in conditions)
        high: dict[int, bool] = {}
        for reading in self.p["readings"]:
            for t, v, _ in view.values(self.data.code_set(reading["set"])):
                if t >= onset:
                    high[t] = high.get(t, False) or v >= float(reading["at_least"])
        meds = view.meds_of(self.p["drug_class"])
        run_start: int | None = None  # first reading of the current run above the threshold on one set of drugs
        prev = 0  # the run's latest reading
        run_drugs: frozenset[str] = frozenset()
        treated = False
        for t in sorted(high):
            drugs = frozenset(m["codes"][0]["display"] for m in meds if m.get("codes") and view.active(m, t))
            if not drugs or len(drugs) >= int(self.p["max_drugs"]):
                run_start = None
                continue
            treated = True
            if not high[t]:
                run_start = None
                continue
            stopped = self.param("continuous", False) and run_start is not None and _gap(view, meds, drugs, prev, t)
            prev = t
            if run_start is None or drugs != run_drugs or stopped:
                run_start, run_drugs = t, drugs
                continue
            if t - run_start >= self.p["min_days"] * DAY:
                text = f"{iso(run_start)[:10]} to {iso(t)[:10]} on {', '.join(sorted(drugs))}"
                return Finding(events=1, breaches=[text])
        return Finding(events=1 if treated else 0)


def _gap(view: PatientView, meds: list[dict], drugs: frozenset[str], a: int, b: int) -> bool:
    """Whether a drug of ``drugs`` was not taken for more than a day somewhere between ``a`` and ``b``."""
    for drug in drugs:
        spans = sorted(
            (m["start"], view.stop_of(m)) for m in meds if m.get("codes") and m["codes"][0]["display"] == drug
        )
        covered = a
        for start, stop in spans:
            if stop <= covered:
                continue
            if start > covered + DAY:
                return True
            covered = max(covered, stop)
            if covered >= b:
                break
        if covered < b:
            return True
    return False


@register
class ResultOnDrugActedOn(Rule):
    """A result at or above ``min`` while a drug of ``drug_class`` is taken (a TSH above 10 on levothyroxine) is acted
    on within ``days``: an order of the class for another product (a dose change) begun from the day before, or the
    result measured again. Results too close to the end of the record to be followed are not judged."""

    kind = "result_on_drug_acted_on"
    required = ("lab_set", "min", "drug_class", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.since = date_time(self.param("since"))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        results = view.values(self.lab)
        if not results:
            return f
        meds = view.meds_of(self.p["drug_class"])
        for t, value, _ in results:
            if value < float(self.p["min"]) or t < self.since or t + within > view.end:
                continue
            taken = [m for m in meds if view.active(m, t - 1)]  # before the visit: a change at it is a new order
            if not taken:
                continue
            codes = {m["codes"][0]["code"] for m in taken}
            changed = any(t - DAY <= m["start"] <= t + within and m["codes"][0]["code"] not in codes for m in meds)
            rechecked = any(t < u <= t + within for u, _, _ in results)
            if changed or rechecked:
                f.passed()
                continue
            drugs = ", ".join(sorted(m["codes"][0].get("display", "") for m in taken))
            f.add(False, f"{iso(t)[:10]} {value:g} on {drugs}: no dose change or recheck in {self.p['days']} days")
        return f


@register
class HighResultRechecked(Rule):
    """A result at or above ``min`` (a potassium of 6.0) is acted on within ``days``: the test repeated, a drug of
    ``stopped_class`` (the MRA or RAAS inhibitor that raises it) stopped, or a drug of ``drug_class`` begun. Results
    while a condition of ``except_set`` is active (dialysis manages it) are not judged, nor a result too close to
    the end of the record to be followed.

    With ``confirmed_within`` (days) only a result confirming an earlier one at or above ``min`` that long before is
    judged, and ``treated: true`` asks for treatment, not a repeat: a drug of ``drug_class`` begun or already taken
    (a loop diuretic for confirmed hyperkalaemia), or a ``stopped_class`` drug stopped."""

    kind = "high_result_rechecked"
    required = ("lab_set", "min", "days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.excepted = self.data.code_set(self.p["except_set"]) if self.param("except_set") else None

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        within = float(self.p["days"]) * DAY
        results = view.values(self.lab)
        stopped_class = self.param("stopped_class")
        stopped = [m["stop"] for m in view.meds_of(stopped_class) if m.get("stop") is not None] if stopped_class else []
        begun = [m["start"] for m in view.meds_of(self.p["drug_class"])] if self.param("drug_class") else []
        excepted = view.conditions_in(self.excepted) if self.excepted is not None else []
        low = float(self.p["min"])
        confirm = float(self.param("confirmed_within", 0)) * DAY
        treated = bool(self.param("treated", False))
        taken = [(m["start"], view.stop_of(m)) for m in view.meds_of(self.p["drug_class"])] if treated else []
        for t, value, obs in results:
            if value < low or t + within > view.end:
                continue
            if any(view.active(c, t) for c in excepted):
                continue
            if confirm and not any(t - confirm <= u < t and v >= low for u, v, _ in results):
                continue
            acted = any(t <= u <= t + within for u in (*stopped, *begun))
            if treated:
                acted = acted or any(a <= t < b for a, b in taken)
                f.add(acted, f"{iso(t)[:10]}: {value:g} confirmed, not treated in {self.p['days']} days")
                continue
            rechecked = any(t < u <= t + within and o["id"] != obs["id"] for u, _, o in results)
            f.add(rechecked or acted, f"{iso(t)[:10]}: {value:g}, not repeated nor acted on in {self.p['days']} days")
        return f
