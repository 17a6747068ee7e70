"""The end of life: preventive drugs and screening stop once care is for comfort (hospice enrolment)."""

from __future__ import annotations

from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView

HOSPICE_CLASS = "hospice"
DAY = 86_400


def enrolment(view: PatientView, comfort_set: str, rule: Rule) -> tuple[int, int] | None:
    """The first comfort-care episode (start, end): a hospice encounter (until it ends: a patient may be discharged
    alive, as Synthea's hospice module does) or a comfort-care plan (hospice/terminal care, until it stops), or
    (optional ``severe``: {"result_set", "below", "condition_set"}) the first result below a limit while a condition
    is active (an MMSE below 10 with dementia: severe dementia, a limited life expectancy, to the end of the record)."""
    care = rule.data.code_set(comfort_set)
    spans = [
        (int(e["start"]), int(view.stop_of(e))) for e in view.entries("encounters") if e.get("class") == HOSPICE_CLASS
    ]
    spans += [(int(c["start"]), int(view.stop_of(c))) for c in view.entries("careplans") if care.any(c.get("codes"))]
    severe = rule.param("severe")
    if severe:
        conditions = view.conditions_in(rule.data.code_set(severe["condition_set"]))
        for t, value, _ in view.values(rule.data.code_set(severe["result_set"])):
            if value < float(severe["below"]) and any(view.active(c, t) for c in conditions):
                spans.append((int(t), int(view.end)))
                break
    return min(spans) if spans else None


@register
class DrugAfterComfortCare(Rule):
    """A preventive drug class still taken ``grace_days`` after hospice enrolment (patients in hospice that long
    with the class active at the enrolment are the denominator)."""

    kind = "drug_after_comfort_care"
    required = ("comfort_set", "drug_class", "grace_days")

    def check(self, view: PatientView) -> Finding:
        episode = enrolment(view, self.p["comfort_set"], self)
        f = Finding()
        if episode is None:
            return f
        start, end = episode
        due = start + float(self.p["grace_days"]) * DAY
        if end < due:
            return f  # not in hospice that long: nothing to judge
        taken = [m for m in view.meds_of(self.p["drug_class"]) if m["start"] <= start <= view.stop_of(m)]
        if not taken:
            return f
        f.applicable = True
        late = [m for m in taken if view.active(m, due)]
        names = ", ".join(sorted({(m.get("codes") or [{}])[0].get("display", "") for m in late}))
        f.add(not late, f"{names} still taken {self.p['grace_days']} days after hospice enrolment on {iso(start)[:10]}")
        return f


@register
class ScreeningInComfortCare(Rule):
    """A screening test or preventive procedure (``screening_set``) recorded during the first comfort-care episode."""

    kind = "screening_in_comfort_care"
    required = ("comfort_set", "screening_set")

    def setup(self) -> None:
        self.screens = self.data.code_set(self.p["screening_set"])

    def check(self, view: PatientView) -> Finding:
        episode = enrolment(view, self.p["comfort_set"], self)
        f = Finding()
        if episode is None:
            return f
        start, end = episode
        f.applicable = True
        after = [t for t in view.events_in(self.screens, ("procedures", "observations")) if start < t <= end]
        f.add(not after, f"{len(after)} screening entries after comfort care from {iso(start)[:10]}")
        return f


@register
class CodeStatusAfterDirective(Rule):
    """Every admission (``classes``) begun from the first do-not-resuscitate order (a ``set`` result valued in
    ``order_value_set``) or advance care planning (a ``directive_set`` procedure) records the code status (``set``)."""

    kind = "code_status_after_directive"
    required = ("classes", "set", "order_value_set", "directive_set")

    def setup(self) -> None:
        self.status = self.data.code_set(self.p["set"])
        self.order = self.data.code_set(self.p["order_value_set"])
        self.directive = self.data.code_set(self.p["directive_set"])
        self.skip = self.data.code_set(self.p["except_set"]) if "except_set" in self.p else None

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        statuses = [o for o in view.entries("observations") if self.status.any(o.get("codes"))]
        starts = [o["time"] for o in statuses if isinstance(o.get("value"), dict) and self.order.match(o["value"])]
        starts += [p["start"] for p in view.entries("procedures") if self.directive.any(p.get("codes"))]
        if not starts:
            return f
        first, charted = min(starts), {o.get("encounter") for o in statuses}
        for enc in view.entries("encounters"):
            if enc.get("class") not in self.p["classes"] or enc["start"] < first:
                continue
            if self.skip is not None and self.skip.any(enc.get("codes")):
                continue
            f.add(enc["id"] in charted, f"{enc['class']} admission {iso(enc['start'])[:10]} without a code status")
        return f
