"""Deaths told by the record: the certified cause is a disease the chart already holds (or a sudden event)."""

from __future__ import annotations

from statistics import fmean

from ehrsim.report.clinical.base import HOUR, Finding, Rule, date_time, register
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
        self.recorded_as = {code: self.data.code_set(name) for code, name in self.param("recorded_as", {}).items()}

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        death = view.record.get("death") or {}
        codes = death.get("codes") or []
        if view.death is None or not codes or self.events.match(codes[0]):
            return f
        cause = codes[0]
        t = view.death
        named = self.recorded_as.get(cause.get("code", ""))  # a staged cancer recorded, its disease certified
        recorded = [
            c
            for c in view.entries("conditions")
            if any(k.get("code") == cause.get("code") or (named is not None and named.match(k)) for k in c["codes"])
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


@register
class DeathTerminalCare(Rule):
    """A death from a slow disease (cancer, heart failure, COPD, dementia...) at ``min_age`` or over, diagnosed at
    least ``min_known_days`` before, had care in its last ``days`` days: any encounter other than the pronouncement.
    The share without any is judged against the tolerance."""

    kind = "death_terminal_care"
    required = ("cause_set",)

    def setup(self) -> None:
        self.slow = self.data.code_set(self.p["cause_set"])
        self.min_age = float(self.param("min_age", 65))
        self.days = float(self.param("days", 30))
        self.known = float(self.param("min_known_days", 30))
        certification = self.param("certification_set")
        self.certification = self.data.code_set(certification) if certification else None

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        death = view.record.get("death") or {}
        codes = death.get("codes") or []
        t = view.death
        if t is None or not codes or not self.slow.match(codes[0]):
            return f
        age = (t - view.birth) / YEAR
        if age < self.min_age:
            return f
        known = t - self.known * 24 * HOUR
        if not any(
            self.slow.match(k)
            for c in view.entries("conditions")
            if (c.get("onset") or c["start"]) < known
            for k in c.get("codes") or ()
        ):
            return f  # diagnosed only in the last weeks (or never): the course is not judged
        since = t - self.days * 24 * HOUR
        cared = any(
            e["start"] < t and _stop(e, t) >= since and not self._pronouncement(e) for e in view.entries("encounters")
        )
        if cared:
            f.passed()
        else:
            f.add(False, f"{codes[0].get('display')} at {age:.1f}: no encounter in the {self.days:g} days before death")
        return f

    def _pronouncement(self, enc: Entry) -> bool:
        return self.certification is not None and any(self.certification.match(k) for k in enc.get("codes") or ())


@register
class DeathCarePlanned(Rule):
    """A death from a slow disease (``cause_set``) at ``min_age`` or over, from ``since``, with the disease recorded at
    least ``min_known_days`` before, has advance care planning (``planning_set``: a procedure or an observation)
    documented before it. The share without any is judged against the tolerance."""

    kind = "death_care_planned"
    required = ("cause_set", "planning_set", "since")

    def setup(self) -> None:
        self.slow = self.data.code_set(self.p["cause_set"])
        self.planning = self.data.code_set(self.p["planning_set"])
        self.since = date_time(self.p["since"])
        self.min_age = float(self.param("min_age", 18))
        self.known = float(self.param("min_known_days", 30)) * 24 * HOUR

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        death = view.record.get("death") or {}
        codes = death.get("codes") or []
        t = view.death
        if t is None or t < self.since or not codes or not self.slow.match(codes[0]):
            return f
        age = (t - view.birth) / YEAR
        if age < self.min_age:
            return f
        onsets = [
            c.get("onset") or c["start"]
            for c in view.entries("conditions")
            if any(self.slow.match(k) for k in c.get("codes") or ())
        ]
        if not onsets or min(onsets) > t - self.known:
            return f  # diagnosed only in the last weeks (or never): not judged
        if any(e <= t for e in view.events_in(self.planning, ("procedures", "observations"))):
            f.passed()
        else:
            f.add(False, f"{codes[0].get('display')} at {age:.1f}: no advance care planning documented before death")
        return f


@register
class DeathAgeShare(Rule):
    """Share of the deaths in an age band that come before ``before_days`` of life: the neonatal share (under 28
    days) of infant deaths, about two thirds in the US. Judged only with ``min_deaths`` deaths in the band."""

    kind = "death_age_share"
    band = True
    required = ("min_age", "max_age", "before_days", "band")

    def check(self, view: PatientView) -> Finding:
        if view.death is None:
            return Finding()
        age = (view.death - view.birth) / YEAR
        if not self.p["min_age"] <= age < self.p["max_age"]:
            return Finding()
        early = (view.death - view.birth) < self.p["before_days"] * 24 * HOUR
        return Finding(events=1, values=[1.0 if early else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= int(self.param("min_deaths", 1)) else None


@register
class DeathCauseIsDisease(Rule):
    """The certified cause of death is a disease or an injury event, named as the certificate names it: never a
    staging code (``staged_set``: "Non-small cell carcinoma of lung, TNM stage 1" for a death with bone metastases),
    nor a finding, situation or morphology unless ``allowed_set`` lists it (prematurity is a certified cause)."""

    kind = "death_cause_is_disease"
    required = ("staged_set", "tags")

    def setup(self) -> None:
        self.staged = self.data.code_set(self.p["staged_set"])
        allowed = self.param("allowed_set")
        self.allowed = self.data.code_set(allowed) if allowed else None
        self.tags = tuple(f"({tag})" for tag in self.p["tags"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        if view.death is None or not codes:
            return f
        cause = codes[0]
        display = cause.get("display") or ""
        if self.staged.match(cause):
            f.add(False, f"{display} certified: a staging code, not the disease")
        elif (
            display.endswith(")")  # a display with a semantic tag (Synthea's "Suicide by suffocation" has none)
            and not display.endswith(self.tags)
            and not (self.allowed is not None and self.allowed.match(cause))
        ):
            f.add(False, f"{display} certified: not a disease or injury")
        else:
            f.passed()
        return f
