"""Run every rule over a population, one record at a time, and tally the results."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.report.clinical import (  # noqa: F401
    kinds_adult,
    kinds_birth_doses,
    kinds_care,
    kinds_child,
    kinds_chronic,
    kinds_death,
    kinds_death_context,
    kinds_devices,
    kinds_dose,
    kinds_elder,
    kinds_eol,
    kinds_heart,
    kinds_ingredient,
    kinds_labs,
    kinds_newborn,
    kinds_onc,
    kinds_perinatal,
    kinds_phys,
    kinds_pop,
    kinds_pregnancy_bp,
    kinds_records,
    kinds_response,
    kinds_rx,
    kinds_titration,
    kinds_vax,
    kinds_visits,
    kinds_vitals,
)
from ehrsim.report.clinical.base import Rule, build
from ehrsim.report.clinical.data import ClinicalData, RuleDef, default_clinical
from ehrsim.report.clinical.view import PatientView
from ehrsim.report.source import RunInfo
from ehrsim.report.stats import binomial_sf, clopper_pearson

log = logging.getLogger(__name__)
EXAMPLES = 5
SIGNIFICANCE = 0.05  # a "binomial" rule fails when P(this many or more | share = tolerance) is below this
LINES_PER_EXAMPLE = 3


@dataclass
class RuleResult:
    """What one rule found over the population."""

    rule: RuleDef
    patients: int = 0  # patients in the denominator
    events: int = 0  # events in the denominator
    patients_breaking: int = 0
    events_breaking: int = 0
    examples: list[tuple[str, list[str]]] = field(default_factory=list)  # (patient label, offending entries)
    values: list[Any] = field(default_factory=list)
    measure: float | None = None
    detail: str = ""

    @property
    def band(self) -> tuple[float, float] | None:
        band = self.rule.params.get("band")
        return (float(band[0]), float(band[1])) if band else None

    @property
    def denominator(self) -> int:
        return self.events if self.rule.count == "events" else self.patients

    @property
    def breaking(self) -> int:
        return self.events_breaking if self.rule.count == "events" else self.patients_breaking

    @property
    def rate(self) -> float | None:
        return self.breaking / self.denominator if self.denominator else None

    @property
    def p_value(self) -> float | None:
        """One-sided exact binomial p of this many breaking or more if the true share were the tolerance."""
        if self.rule.judge != "binomial" or not self.denominator:
            return None
        return binomial_sf(self.breaking, self.denominator, self.rule.tolerance)

    @property
    def interval(self) -> tuple[float, float] | None:
        """95 % exact (Clopper-Pearson) interval of the breaking share, for "binomial" rules."""
        if self.rule.judge != "binomial" or not self.denominator:
            return None
        return clopper_pearson(self.breaking, self.denominator)

    @property
    def status(self) -> str:
        """``pass``, ``FAIL`` or ``n/a`` (nothing to judge in this population)."""
        if self.band is not None:
            if self.measure is None:
                return "n/a"
            lo, hi = self.band
            return "pass" if lo <= self.measure <= hi else "FAIL"
        if self.rate is None:
            return "n/a"
        if self.rate <= self.rule.tolerance + 1e-12:
            return "pass"
        p = self.p_value
        return "pass" if p is not None and p >= SIGNIFICANCE else "FAIL"


@dataclass
class AuditReport:
    patients: int
    results: list[RuleResult]

    def failed(self, only: Iterable[str] | None = None) -> list[RuleResult]:
        wanted = set(only) if only is not None else None
        return [r for r in self.results if r.status == "FAIL" and (wanted is None or r.rule.id in wanted)]


def select(data: ClinicalData, only: Sequence[str] | None) -> list[RuleDef]:
    """The rules to run: all, or those whose id or group is named in ``only``."""
    if not only:
        return list(data.rules)
    known = {r.id for r in data.rules} | {r.group for r in data.rules}
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ConfigError(f"unknown clinical rule or group: {', '.join(unknown)}")
    return [r for r in data.rules if r.id in only or r.group in only]


def audit(
    records: Iterable[dict[str, Any]],
    info: RunInfo,
    data: ClinicalData | None = None,
    only: Sequence[str] | None = None,
) -> AuditReport:
    """Evaluate the rules over every record (kept out of memory: one record at a time)."""
    data = data or default_clinical()
    rules: list[Rule] = [build(r, data) for r in select(data, only)]
    for rule in rules:
        rule.history_start = info.history_start
    if info.history_start is not None:
        log.warning("history was cut (--years-of-history): rules that need whole lives may miss evidence")
    results = [RuleResult(r.rule) for r in rules]
    patients = 0
    for record in records:
        patients += 1
        view = PatientView(record, info.reference_time, data)
        for rule, result in zip(rules, results, strict=True):
            finding = rule.check(view)
            if not finding.counted:
                continue
            result.patients += 1
            result.events += finding.events
            result.values += finding.values
            if finding.breaches:
                result.patients_breaking += 1
                result.events_breaking += len(finding.breaches)
                if len(result.examples) < EXAMPLES:
                    result.examples.append((view.label, finding.breaches[:LINES_PER_EXAMPLE]))
    for rule, result in zip(rules, results, strict=True):
        if rule.band:
            result.measure = rule.measure(result.values)
            detail = getattr(rule, "detail", None)
            result.detail = detail(result.values) if detail else ""
        result.values = []
    return AuditReport(patients, results)
