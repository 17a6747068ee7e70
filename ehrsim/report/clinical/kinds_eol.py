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
