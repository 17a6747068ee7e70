"""Deaths told by the record: the certified cause is a disease the chart already holds (or a sudden event)."""

from __future__ import annotations

from ehrsim.report.clinical.base import HOUR, Finding, Rule, register
from ehrsim.report.clinical.view import Entry, PatientView
from ehrsim.report.source import YEAR


@register
class DeathCauseInRecord(Rule):
    """A disease certified as the cause of death was recorded before the death (a sudden one at it), and an
    acute illness that killed was seen in a stay or the emergency department around the death."""

    kind = "death_cause_in_record"
    required = ("event_set", "sudden_set", "stay_classes")

    def setup(self) -> None:
        self.events = self.data.code_set(self.p["event_set"])  # suicide, homicide, a fall...: the certificate's event
        self.sudden = self.data.code_set(self.p["sudden_set"])  # may first show at death: recorded then
        acute = self.param("acute_set")
        self.acute = self.data.code_set(acute) if acute else None
        self.stay_days = float(self.param("stay_days", 30))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        death = view.record.get("death") or {}
        codes = death.get("codes") or []
        if view.death is None or not codes or self.events.match(codes[0]):
            return f
        cause = codes[0]
        t = view.death
        recorded = [
            c
            for c in view.entries("conditions")
            if any(k.get("code") == cause.get("code") for k in c.get("codes") or ())
        ]
        onsets = [c.get("onset") or c["start"] for c in recorded]
        before = any(o < t - HOUR for o in onsets)
        at_death = any(o >= t - HOUR for o in onsets)
        age = (t - view.birth) / YEAR
        what = f"{cause.get('display')} certified at {age:.1f}"
        if not before and not (at_death and self.sudden.match(cause)):
            f.add(False, f"{what}: {'first recorded at death' if at_death else 'never recorded'}")
            return f
        if self.acute is not None and self.acute.match(cause) and not self._stay(view, t):
            f.add(False, f"{what}: no stay or emergency visit in the {self.stay_days:g} days before death")
            return f
        f.passed()
        return f

    def _stay(self, view: PatientView, t: int) -> bool:
        since = t - self.stay_days * 24 * HOUR
        return any(
            e["class"] in self.p["stay_classes"] and e["start"] <= t and _stop(e, t) >= since and e["start"] < t
            for e in view.entries("encounters")
        )


def _stop(enc: Entry, t: int) -> float:
    return enc["stop"] if enc.get("stop") is not None else t
