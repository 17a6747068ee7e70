"""Simulated prevalence and incidence, with 95 % intervals, for every published target row.

Denominators: prevalence counts people alive at the reference date whose age then falls in the
band (``prevalence_ever``: a condition with the code was ever recorded; ``prevalence_active``:
one is still active; ``prevalence_latent``: the record's ``latent`` block, the simulator's truth, says
the disease had begun, diagnosed or not; ``undiagnosed_share``: of those, the share never diagnosed
with the code). Incidence is first onsets per 1000 person-years at risk: the time each
person spent in the band (and in the kept history window) before their first onset of the code.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ehrsim.report import nhanes, stats
from ehrsim.report.lifetable import LifeTableResult, build_life_tables, compare_life_tables, load_life_table
from ehrsim.report.people import Person, summarise
from ehrsim.report.source import RunInfo
from ehrsim.report.targets import Target, load_targets

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TargetResult:
    """A target row with the simulated value in the target's unit and its verdict."""

    target: Target
    numerator: int  # people with the condition, or first onsets
    denominator: float  # people, or person-years at risk
    value: float
    low: float
    high: float

    @property
    def has_data(self) -> bool:
        return self.denominator > 0 and not math.isnan(self.value)

    @property
    def gap(self) -> float:
        return self.value - self.target.target

    @property
    def relative_gap(self) -> float:
        return self.gap / self.target.target if self.target.target else math.nan

    @property
    def within(self) -> bool:
        """The 95 % interval reaches the tolerance band around the target."""
        lo, hi = self.target.allowed
        return self.has_data and self.low <= hi and self.high >= lo

    @property
    def status(self) -> str:
        if not self.has_data:
            return "no data"
        return "ok" if self.within else ("high" if self.value > self.target.target else "low")


def _sex_matches(target: Target, person: Person) -> bool:
    return target.sex == "all" or target.sex == person.sex


def _band_end(target: Target) -> float:
    return target.age_high + 1  # whole years, both ends included


def prevalence(target: Target, people: Iterable[Person], info: RunInfo) -> TargetResult:
    n = cases = 0
    codes = target.codes
    for p in people:
        if p.dead or not _sex_matches(target, p):
            continue
        age = p.age_at(info.reference_time)
        if not target.age_low <= age < _band_end(target):
            continue
        if target.measure == "undiagnosed_share":
            if any(c in p.latent for c in codes):
                n += 1
                cases += not any(c in p.first_onset for c in codes)
            continue
        n += 1
        if target.measure == "prevalence_latent":
            cases += any(c in p.latent for c in codes)
        elif target.measure == "prevalence_active":
            cases += any(c in p.active for c in codes)
        else:
            cases += any(c in p.first_onset for c in codes)
    lo, hi = stats.wilson(cases, n)
    value = cases / n if n else math.nan
    s = target.scale
    return TargetResult(target, cases, n, value * s, lo * s, hi * s)


def incidence(target: Target, people: Iterable[Person], info: RunInfo) -> TargetResult:
    years = 0.0
    events = 0
    window = info.history_start if info.history_start is not None else -math.inf
    for p in people:
        if not _sex_matches(target, p):
            continue
        onsets = [p.first_onset[c] for c in target.codes if c in p.first_onset]
        onset = min(onsets) if onsets else None
        start = max(p.time_at_age(target.age_low), window)
        stop = min(p.time_at_age(_band_end(target)), p.end)
        if onset is not None:
            if onset < start:
                continue  # not at risk: already had it
            stop = min(stop, onset)
            events += start <= onset < p.time_at_age(_band_end(target)) and onset <= p.end
        if stop > start:
            years += (stop - start) / (365.25 * 86400)
    value, lo, hi = stats.rate(events, years)
    return TargetResult(target, events, years, value, lo, hi)


def evaluate(target: Target, people: list[Person], info: RunInfo) -> TargetResult:
    if target.measure.startswith("prevalence") or target.measure == "undiagnosed_share":
        return prevalence(target, people, info)
    return incidence(target, people, info)


@dataclass
class RealismReport:
    """Everything ``ehrsim report realism`` writes."""

    patients: int
    alive: int
    info: RunInfo
    results: list[TargetResult]
    life: list[LifeTableResult]
    #: body measurements against NHANES percentiles (``report/nhanes.py``): the survey exam of everyone alive
    body: list[nhanes.BandResult] = field(default_factory=list)
    #: the same bands from the recorded results of the tested (informative, not judged)
    body_recorded: list[nhanes.BandResult] = field(default_factory=list)

    @property
    def fraction_within(self) -> float:
        return sum(r.within for r in self.results) / len(self.results) if self.results else math.nan

    def life_expectancy(self, sex: str, age: float = 0) -> LifeTableResult | None:
        return next((r for r in self.life if r.sex == sex and r.age_low == age and r.measure == "ex"), None)


def realism(
    records: Iterable[dict[str, Any]],
    info: RunInfo,
    targets: list[Target] | None = None,
    life_table: list[dict[str, Any]] | None = None,
) -> RealismReport:
    """Compare the population in ``records`` with the targets and the US life table."""
    targets = load_targets() if targets is None else targets
    watched = {c for t in targets for c in t.codes}
    body = nhanes.Collector(info.reference_time, nhanes.EXAM)
    recorded = nhanes.Collector(info.reference_time, nhanes.RECORDED)
    people = []
    for r in records:
        people.append(summarise(r, info.reference_time, watched))
        body.add(r)
        recorded.add(r)
    if info.history_start is not None:
        log.warning(
            "the run kept only %d years of history: prevalence_ever and life tables undercount "
            "(generate with --years-of-history 0 for a realism report)",
            info.years_of_history,
        )
    results = [evaluate(t, people, info) for t in targets]
    published = load_life_table() if life_table is None else life_table
    life = compare_life_tables(build_life_tables(people), published)
    return RealismReport(
        len(people), sum(not p.dead for p in people), info, results, life, body.compare(), recorded.compare()
    )
