"""Record rules: the former ``report coherence`` checks, duplicates, copies, rounding, reference ranges."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, iso
from ehrsim.report import coherence
from ehrsim.report.clinical.base import Finding, Rule, date_time, register
from ehrsim.report.clinical.view import PatientView, numeric


@register
class Coherence(Rule):
    """One of the coherence checks (``ehrsim.report.coherence``): patients with any problem, each problem an event."""

    kind = "coherence"
    required = ("check",)
    CHECKS = (
        "lifespan",
        "encounter_overlap",
        "references",
        "medication_reasons",
        "labs_agree",
        "sex_age_limits",
        "chronic_endings",
    )

    def setup(self) -> None:
        if self.p["check"] not in self.CHECKS:
            raise ConfigError(f"clinical rule {self.rule.id}: unknown coherence check {self.p['check']!r}")

    def check(self, view: PatientView) -> Finding:
        r, name = view.record, self.p["check"]
        problems: list[str]
        if name == "lifespan":
            problems = coherence.check_lifespan(r, view.reference_time)
        elif name == "encounter_overlap":
            problems = coherence.check_encounter_overlap(r)
        elif name == "references":
            problems = coherence.check_references(r)
        elif name == "medication_reasons":
            problems = coherence.check_medication_reasons(r, history_start=self.history_start)
        elif name == "labs_agree":
            problems = coherence.check_labs_agree(r, history_start=self.history_start)
        elif name == "sex_age_limits":
            problems = coherence.check_sex_age_limits(r)
        else:
            problems = coherence.check_chronic_endings(r)
        prefix = f"{view.pid}: "
        return Finding(applicable=True, events=len(problems), breaches=[p.removeprefix(prefix) for p in problems])


@register
class DuplicateResults(Rule):
    """No two results of the same test at the same instant (a double entry)."""

    kind = "duplicate_results"

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        seen: Counter[tuple[Any, ...]] = Counter()
        for obs in view.entries("observations"):
            code = (obs.get("codes") or [{}])[0]
            key = (code.get("code"), obs["time"])
            seen[key] += 1
            if seen[key] == 1:
                f.passed()
            else:
                f.add(False, f"{code.get('display', '?')} twice at {iso(obs['time'])}")
        return f


def _value_key(value: Any) -> Any:
    return value.get("code") if isinstance(value, dict) else value


@register
class ValueConstant(Rule):
    """A value fixed for life (blood group) never changes between results."""

    kind = "value_constant"
    required = ("set",)

    def check(self, view: PatientView) -> Finding:
        code_set = self.data.code_set(self.p["set"])
        results = [(o["time"], o.get("value")) for o in view.entries("observations") if code_set.any(o.get("codes"))]
        if len(results) < 2:
            return Finding()
        first = _value_key(results[0][1])
        f = Finding()
        for t, value in results[1:]:
            shown = value.get("display") if isinstance(value, dict) else value
            f.add(_value_key(value) == first, f"{iso(t)[:10]}: {shown} (first result {first})")
        return f


@register
class IdenticalConsecutive(Rule):
    """Consecutive results of a continuous measure (at different visits) are not identical copies."""

    kind = "identical_consecutive"
    required = ("analytes",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        lo_age, hi_age = self.param("min_age", 0), self.param("max_age", 200)
        min_gap = float(self.param("min_gap_days", 1)) * DAY
        for name, set_name in self.p["analytes"].items():
            values = view.values(self.data.code_set(set_name))
            for (t0, v0, _), (t1, v1, _) in itertools.pairwise(values):
                if t1 - t0 < min_gap or not lo_age <= view.age(t1) < hi_age:
                    continue
                if v0 != v1:
                    f.passed()
                else:
                    f.add(False, f"{name} {v1:g} on {iso(t1)[:10]} same as {iso(t0)[:10]}")
        return f


@register
class WholeNumbers(Rule):
    """Measures recorded to a whole number (blood pressure in mmHg, heart rate in beats/min) have no decimals."""

    kind = "whole_numbers"
    required = ("set",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for t, v, _ in view.values(self.data.code_set(self.p["set"])):
            if float(v).is_integer():
                f.passed()
            else:
                f.add(False, f"{iso(t)[:10]}: {v:g}")
        return f


@register
class NegativeZero(Rule):
    """No numeric result (an observation's value or a component's) is a negative zero: -0.0 is a rounding artefact of
    a small negative number, which no laboratory or device reports and which JSON and FHIR carry as "-0.0"."""

    kind = "negative_zero"
    required = ()

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for obs in view.entries("observations"):
            values = [obs.get("value")] + [c.get("value") for c in obs.get("components") or ()]
            for v in values:
                if type(v) is not float:
                    continue
                if v == 0.0 and math.copysign(1.0, v) < 0:
                    name = (obs.get("codes") or [{}])[0].get("display", "")
                    f.add(False, f"{iso(int(obs['time']))[:10]}: {name} -0.0")
                else:
                    f.passed()
        return f


@register
class ReferenceRange(Rule):
    """Numeric laboratory results carry a reference range (field names accepted are in params)."""

    kind = "reference_range"
    required = ("fields",)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for obs in view.entries("observations"):
            if obs.get("category") != "laboratory" or not numeric(obs.get("value")):
                continue
            if any(obs.get(k) for k in self.p["fields"]):
                f.passed()
            else:
                code = (obs.get("codes") or [{}])[0]
                f.add(False, f"{code.get('display', '?')} {iso(obs['time'])[:10]}")
        return f


@register
class PanelArithmetic(Rule):
    """A part of a panel cannot exceed the whole minus another part (LDL <= total - HDL cholesterol)."""

    kind = "panel_arithmetic"
    required = ("part_set", "whole_set", "minus_set")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        whole = {t: v for t, v, _ in view.values(self.data.code_set(self.p["whole_set"]))}
        minus = {t: v for t, v, _ in view.values(self.data.code_set(self.p["minus_set"]))}
        margin = float(self.p.get("margin", 0))
        for t, v, _ in view.values(self.data.code_set(self.p["part_set"])):
            if t in whole and t in minus:
                limit = whole[t] - minus[t]
                f.add(v <= limit + margin, f"{iso(t)[:10]}: {v:g} > {whole[t]:g} - {minus[t]:g}")
        return f


@register
class ObservationSince(Rule):
    """A result of an instrument or test recorded before it existed (``sets_since``: code set -> ISO date).

    ``kinds`` (default observations) extends the check to procedures (an operation before it was
    invented) and immunizations.
    """

    kind = "observation_since"
    required = ("sets_since",)

    def setup(self) -> None:
        self.since = {self.data.code_set(name): date_time(day) for name, day in self.p["sets_since"].items()}
        self.kinds = tuple(self.param("kinds", ["observations"]))

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for code_set, since in self.since.items():
            for kind in self.kinds:
                for entry in view.entries(kind):
                    if code_set.any(entry.get("codes")):
                        t = entry["time"] if "time" in entry else entry["start"]
                        if t >= since:
                            f.passed()
                        else:
                            f.add(False, f"{iso(t)[:10]}: {entry['codes'][0].get('display')}")
        return f


@register
class EncounterMinLength(Rule):
    """Stays of some classes (SNF, hospice) last at least ``min_hours``, unless the patient died during them."""

    kind = "encounter_min_length"
    required = ("classes", "min_hours")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for enc in view.entries("encounters"):
            if enc.get("class") not in self.p["classes"]:
                continue
            hours = (view.stop_of(enc) - enc["start"]) / 3600
            died_in_it = view.death is not None and view.death <= view.stop_of(enc) + 3600
            if hours >= self.p["min_hours"] or died_in_it:
                f.passed()
            else:
                f.add(False, f"{enc['class']} {iso(enc['start'])[:10]}: {hours:.1f} h")
        return f


@register
class EncounterHasResult(Rule):
    """Encounters of some classes (an ED visit, a hospital stay) record at least one result of a code set (a vital
    sign), except those coded in ``except_set`` (a death pronouncement, a vaccine-only visit); with ``reason_set``,
    only encounters for one of its reasons (a newborn's birth stay)."""

    kind = "encounter_has_result"
    required = ("classes", "set")

    def setup(self) -> None:
        self.wanted = self.data.code_set(self.p["set"])
        self.skip = self.data.code_set(self.p["except_set"]) if "except_set" in self.p else None
        self.reasons = self.data.code_set(self.p["reason_set"]) if "reason_set" in self.p else None

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        with_result = {
            o.get("encounter")
            for o in view.entries("observations")
            if self.wanted.any(o.get("codes"))
            or any(self.wanted.any(c.get("codes")) for c in o.get("components") or ())
        }
        min_hours = float(self.param("min_hours", 0))
        for enc in view.entries("encounters"):
            if enc.get("class") not in self.p["classes"] or (self.skip is not None and self.skip.any(enc.get("codes"))):
                continue
            if self.reasons is not None and not self.reasons.any(enc.get("reason")):
                continue
            if (view.stop_of(enc) - enc["start"]) / 3600 < min_hours:
                continue
            if enc["id"] in with_result:
                f.passed()
            else:
                what = (enc.get("codes") or [{}])[0].get("display", "?")
                f.add(False, f"{enc['class']} {iso(enc['start'])[:10]} {what}")
        return f


@register
class CompanionResult(Rule):
    """Every result of ``set`` comes with a result of ``with_set`` from the same sample (same instant): an eGFR
    is computed from a creatinine and laboratories report both."""

    kind = "companion_result"
    required = ("set", "with_set")

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        companions = {t for t, _, _ in view.values(self.data.code_set(self.p["with_set"]))}
        for t, v, _ in view.values(self.data.code_set(self.p["set"])):
            if t in companions:
                f.passed()
            else:
                f.add(False, f"{iso(t)[:10]}: {v:g} alone")
        return f


@register
class EncounterClassSince(Rule):
    """No encounter of a class before that kind of care existed (``classes_since``: class -> ISO date), nor an
    encounter coded as that setting (optional ``codes_since``: code set -> ISO date) whatever its class."""

    kind = "encounter_class_since"
    required = ("classes_since",)

    def setup(self) -> None:
        self.since = {name: date_time(day) for name, day in self.p["classes_since"].items()}
        self.code_since = [(self.data.code_set(n), date_time(day)) for n, day in self.p.get("codes_since", {}).items()]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for enc in view.entries("encounters"):
            label = enc.get("class", "")
            since = self.since.get(label)
            if since is None:
                coded = next(((s, day) for s, day in self.code_since if s.any(enc.get("codes"))), None)
                if coded is None:
                    continue
                since, label = coded[1], f"{label} coded {coded[0].name}"
            if enc["start"] >= since:
                f.passed()
            else:
                f.add(False, f"{label} {iso(enc['start'])[:10]}")
        return f


@register
class StayAfterProcedure(Rule):
    """The hospital stay in which a major operation was done lasts at least some days (``min_days``: code set ->
    days), unless the patient died in it."""

    kind = "stay_after_procedure"
    required = ("min_days",)

    def setup(self) -> None:
        self.sets = [(self.data.code_set(name), float(days)) for name, days in self.p["min_days"].items()]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        encounters = {e["id"]: e for e in view.entries("encounters")}
        for proc in view.entries("procedures"):
            days = max((d for s, d in self.sets if s.any(proc.get("codes"))), default=0.0)
            enc = encounters.get(proc.get("encounter") or "")
            if not days or enc is None:
                continue
            stay = (view.stop_of(enc) - enc["start"]) / DAY
            died_in_it = view.death is not None and view.death <= view.stop_of(enc) + 3600
            f.add(
                stay >= days - 0.01 or died_in_it,
                f"{iso(proc['start'])[:10]} {proc['codes'][0].get('display')}: {stay:.1f} d",
            )
        return f


@register
class EncounterCodeClass(Rule):
    """Encounters coded with a set (e.g. a vaccine administration) are never of the listed classes (an inpatient
    stay): the chart review found newborns whose birth stay was a 24-hour 'vaccine admission'."""

    kind = "encounter_code_class"
    required = ("code_set", "not_classes")

    def setup(self) -> None:
        self.codes = self.data.code_set(self.p["code_set"])
        self.classes = frozenset(self.p["not_classes"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        for enc in view.entries("encounters"):
            if self.codes.any(enc.get("codes")):
                name = (enc.get("codes") or [{}])[0].get("display", "")
                f.add(enc.get("class") not in self.classes, f"{enc.get('class')} {name} {iso(enc['start'])[:10]}")
        return f
