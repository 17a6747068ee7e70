"""Life expectancy of the simulated population, compared with the published US life table.

Deaths and person-years by sex and age band (0, 1-4, 5-9, ..., 95-99, 100+) are taken over the
whole simulated lives (birth to death, or to the reference date), turned into age-specific death
rates and then into an abridged period life table (Chiang's method, with the variance of e_x
from Chiang as well, for a 95 % interval). The published figures (e_x, and n_q_x by band) are
in ``terminology/life_table.csv``.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir
from ehrsim.report.people import Person
from ehrsim.report.source import YEAR
from ehrsim.report.stats import Z95, rate

#: band starts; the last band is open-ended
STARTS = (0, 1, *range(5, 101, 5))
INFANT_AX = 0.1  # average fraction of the first year lived by infants who die (a common approximation)
#: fewer deaths than this behind a figure make it unreliable (NCHS / CDC WONDER flag death rates
#: based on fewer than 20 deaths as "Unreliable")
UNRELIABLE_DEATHS = 20


@dataclass
class Exposure:
    """Deaths and person-years per band for one sex (or both)."""

    deaths: list[int]
    years: list[float]


def exposures(people: Iterable[Person]) -> dict[str, Exposure]:
    out = {s: Exposure([0] * len(STARTS), [0.0] * len(STARTS)) for s in ("M", "F", "all")}
    bounds = [*STARTS[1:], math.inf]
    for p in people:
        age_end = (p.end - p.birth) / YEAR
        for key in (p.sex, "all"):
            if key not in out:
                continue
            exp = out[key]
            for i, (lo, hi) in enumerate(zip(STARTS, bounds, strict=True)):
                if age_end <= lo:
                    break
                exp.years[i] += min(age_end, hi) - lo
                if p.dead and lo <= age_end < hi:
                    exp.deaths[i] += 1
    return out


@dataclass(frozen=True)
class LifeTable:
    """An abridged period life table: per band start, q_x, l_x and e_x (with its standard error)."""

    starts: tuple[int, ...]
    qx: tuple[float, ...]
    lx: tuple[float, ...]
    ex: tuple[float, ...]
    ex_se: tuple[float, ...]


def life_table(exp: Exposure) -> LifeTable | None:
    """Chiang's abridged life table; None when nobody was observed.

    The table closes at the first band without person-years (its death rate is taken from the
    band before), so a small population still gets a table, a little biased at the oldest ages.
    """
    k = next((i for i, y in enumerate(exp.years) if y <= 0), len(STARTS))
    if k == 0:
        return None
    widths = [b - a for a, b in itertools.pairwise(STARTS)]
    qx, lx, big_l, var_q = [], [], [], []
    alive = 1.0
    for i in range(k):
        m = exp.deaths[i] / exp.years[i]
        last = i == k - 1
        lx.append(alive)
        if last:
            qx.append(1.0)
            rate = m if m > 0 else (exp.deaths[i - 1] / exp.years[i - 1] if i else 0.0)
            big_l.append(alive / rate if rate > 0 else alive * 2.5)
            var_q.append(exp.deaths[i] / exp.years[i] ** 2 if exp.deaths[i] else 0.0)  # variance of m here
            break
        n = widths[i]
        a = INFANT_AX if i == 0 else n / 2
        q = min(1.0, n * m / (1 + (n - a) * m))
        qx.append(q)
        var_q.append(q * q * (1 - q) / exp.deaths[i] if exp.deaths[i] else 0.0)
        dead = alive * q
        big_l.append(n * (alive - dead) + a * dead)
        alive -= dead
    t = [0.0] * len(lx)
    running = 0.0
    for i in range(len(lx) - 1, -1, -1):
        running += big_l[i]
        t[i] = running
    ex = [t[i] / lx[i] if lx[i] > 0 else 0.0 for i in range(len(lx))]
    ex_se = [_ex_se(i, lx, ex, qx, var_q, widths) for i in range(len(lx))]
    return LifeTable(STARTS[: len(lx)], tuple(qx), tuple(lx), tuple(ex), tuple(ex_se))


def _ex_se(x: int, lx: list[float], ex: list[float], qx: list[float], var_q: list[float], widths: list[int]) -> float:
    """Chiang's standard error of e_x (the open band contributes through the variance of its rate)."""
    if lx[x] <= 0:
        return math.nan
    total = 0.0
    last = len(lx) - 1
    for i in range(x, last):
        n = widths[i]
        a = INFANT_AX if i == 0 else n / 2
        total += lx[i] ** 2 * ((1 - a / n) * n + ex[i + 1]) ** 2 * var_q[i]
    m_var = var_q[last]
    rate = 1 / ex[last] if ex[last] > 0 else 0.0
    if rate > 0:
        total += (lx[last] ** 2 / rate**4) * m_var
    return math.sqrt(total) / lx[x]


def build_life_tables(people: Iterable[Person]) -> dict[str, tuple[Exposure, LifeTable | None]]:
    return {sex: (exp, life_table(exp)) for sex, exp in exposures(people).items()}


def load_life_table(path: Path | None = None) -> list[dict[str, Any]]:
    """Published rows: ``sex,age_low,age_high,measure,value,tolerance,unit,source`` (measure ex or qx)."""
    path = path or terminology_dir() / "life_table.csv"
    if not path.is_file():
        raise ConfigError(f"{path} not found")
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                rows.append(
                    {
                        "sex": row["sex"],
                        "age_low": float(row["age_low"]),
                        "age_high": float(row["age_high"]) if row["age_high"] else math.inf,
                        "measure": row["measure"],
                        "value": float(row["value"]),
                        "tolerance": float(row["tolerance"]),
                        "unit": row["unit"],
                        "source": row["source"],
                    }
                )
            except (KeyError, ValueError) as exc:
                raise ConfigError(f"{path.name}:{i}: bad row ({exc})") from None
            if rows[-1]["measure"] not in ("ex", "qx"):
                raise ConfigError(f"{path.name}:{i}: measure must be ex or qx")
    return rows


@dataclass(frozen=True)
class LifeTableResult:
    """A published life-table figure beside the simulated one."""

    sex: str
    age_low: float
    age_high: float
    measure: str  # "ex" (years) or "qx" (probability of dying within the band)
    published: float
    tolerance: float
    unit: str  # "years" (absolute tolerance) or "probability" (relative tolerance)
    source: str
    value: float
    low: float
    high: float
    deaths: int
    years: float

    @property
    def gap(self) -> float:
        return self.value - self.published

    @property
    def estimable(self) -> bool:
        """False when the population gives no figure (no one observed, or no deaths behind a life expectancy)."""
        return not math.isnan(self.value)

    @property
    def reliable(self) -> bool:
        """At least :data:`UNRELIABLE_DEATHS` deaths behind the figure."""
        return self.estimable and self.deaths >= UNRELIABLE_DEATHS

    @property
    def allowed(self) -> tuple[float, float]:
        width = self.tolerance if self.unit == "years" else self.published * self.tolerance
        return self.published - width, self.published + width

    @property
    def within(self) -> bool:
        lo, hi = self.allowed
        return not math.isnan(self.value) and self.low <= hi and self.high >= lo

    @property
    def point_within(self) -> bool:
        lo, hi = self.allowed
        return lo <= self.value <= hi


def _band_q(table: LifeTable, exp: Exposure, low: float, high: float) -> tuple[float, float, float, int, float]:
    """Probability of dying between ages low and high+1, with an interval from the band's Poisson death rate."""
    end = high + 1
    if low not in table.starts or (end not in table.starts and end < table.starts[-1]):
        return math.nan, math.nan, math.nan, 0, 0.0
    i = table.starts.index(int(low))
    j = table.starts.index(int(end)) if end in table.starts else len(table.starts) - 1
    survive = 1.0
    for q in table.qx[i:j]:
        survive *= 1 - q
    deaths = sum(exp.deaths[i:j])
    years = sum(exp.years[i:j])
    _, m_low, m_high = rate(deaths, years, per=1.0)
    width = end - low
    return 1 - survive, 1 - math.exp(-width * m_low), 1 - math.exp(-width * m_high), deaths, years


def compare_life_tables(
    tables: dict[str, tuple[Exposure, LifeTable | None]], published: list[dict[str, Any]]
) -> list[LifeTableResult]:
    out = []
    for row in published:
        exp, table = tables.get(row["sex"], (None, None))
        value = low = high = math.nan
        deaths, years = 0, 0.0
        if table is not None and exp is not None:
            if row["measure"] == "ex" and int(row["age_low"]) in table.starts:
                i = table.starts.index(int(row["age_low"]))
                deaths, years = sum(exp.deaths[i:]), sum(exp.years[i:])
                if deaths:  # without deaths the table only echoes its closing assumption: no estimate
                    value, se = table.ex[i], table.ex_se[i]
                    low, high = value - Z95 * se, value + Z95 * se
            elif row["measure"] == "qx":
                value, low, high, deaths, years = _band_q(table, exp, row["age_low"], row["age_high"])
        out.append(
            LifeTableResult(
                row["sex"],
                row["age_low"],
                row["age_high"],
                row["measure"],
                row["value"],
                row["tolerance"],
                row["unit"],
                row["source"],
                value,
                low,
                high,
                deaths,
                years,
            )
        )
    return out
