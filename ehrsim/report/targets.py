"""Published figures the simulated population is compared with (``terminology/targets/*.csv``).

Columns: ``condition,code,measure,sex,age_low,age_high,target,tolerance,unit,source``.
``code`` may list alternatives separated by ``|``. Ages are whole years, both ends included
(``18,44`` is everyone from their 18th birthday to the day before their 45th); an empty
``age_high`` means no upper limit. ``unit`` sets the scale of ``target``: ``percent`` (the
default for prevalence), ``proportion``/``fraction``, or ``per_1000py`` (incidence).

``tolerance`` is absolute, in the target's own unit (``10,4,percent`` accepts 6-14 %), which is
how every module author wrote it. A relative tolerance is written with a percent sign
(``25%``: target ± 25 % of itself) or flagged by a unit containing ``relative``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir

MEASURES = ("prevalence_ever", "prevalence_active", "incidence_per_1000py", "prevalence_latent", "undiagnosed_share")
COLUMNS = ("condition", "code", "measure", "sex", "age_low", "age_high", "target", "tolerance", "unit", "source")
SEXES = {"M": "M", "F": "F", "ALL": "all", "BOTH": "all", "": "all"}


@dataclass(frozen=True)
class Target:
    """One published figure: a measure for one condition, sex and age band."""

    file: str
    line: int
    condition: str
    codes: tuple[str, ...]
    measure: str
    sex: str  # "M", "F" or "all"
    age_low: float
    age_high: float  # inclusive, in whole years; math.inf when open
    target: float
    tolerance: float
    unit: str
    source: str

    relative: bool = False  # tolerance is a fraction of the target rather than in its unit

    @property
    def absolute_tolerance(self) -> bool:
        return not self.relative

    @property
    def scale(self) -> float:
        """Multiplier from the computed quantity (a proportion, or a rate per 1000 py) to ``unit``."""
        unit = self.unit.lower()
        if self.measure.startswith("incidence"):
            return 1.0
        return 1.0 if ("proportion" in unit or "fraction" in unit) else 100.0

    @property
    def allowed(self) -> tuple[float, float]:
        """The band of simulated values that counts as meeting the target."""
        width = self.tolerance if self.absolute_tolerance else abs(self.target) * self.tolerance
        return self.target - width, self.target + width

    @property
    def band(self) -> str:
        high = "+" if math.isinf(self.age_high) else f"-{self.age_high:g}"
        return f"{self.age_low:g}{high}"


def _number(text: str, what: str, problems: list[str], where: str, *, blank: float | None = None) -> float:
    text = (text or "").strip()
    if not text and blank is not None:
        return blank
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{where}: {what} {text!r} is not a number")
        return math.nan
    return value


def parse_rows(rows: list[dict[str, str]], file: str) -> tuple[list[Target], list[str]]:
    """Targets from CSV rows; problems are returned (``file:line: message``), not raised."""
    targets: list[Target] = []
    problems: list[str] = []
    for i, row in enumerate(rows, start=2):
        where = f"{file}:{i}"
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            problems.append(f"{where}: missing column(s) {', '.join(missing)}")
            continue
        measure = (row["measure"] or "").strip()
        if measure not in MEASURES:
            problems.append(f"{where}: measure {measure!r} is not one of {', '.join(MEASURES)}")
            continue
        sex = SEXES.get((row["sex"] or "").strip().upper())
        if sex is None:
            problems.append(f"{where}: sex {row['sex']!r} is not M, F or all")
            continue
        codes = tuple(c.strip() for c in (row["code"] or "").replace(";", "|").split("|") if c.strip())
        if not codes:
            problems.append(f"{where}: no code")
            continue
        n = len(problems)
        low = _number(row["age_low"], "age_low", problems, where, blank=0.0)
        high = _number(row["age_high"], "age_high", problems, where, blank=math.inf)
        target = _number(row["target"], "target", problems, where)
        tol_text = (row["tolerance"] or "").strip()
        relative = tol_text.endswith("%") or "relative" in (row["unit"] or "").lower()
        tolerance = _number(tol_text.rstrip("%"), "tolerance", problems, where)
        if tol_text.endswith("%"):
            tolerance /= 100
        if len(problems) > n:
            continue
        if high < low:
            problems.append(f"{where}: age band {low:g}-{high:g} is empty")
            continue
        unit = (row["unit"] or "").strip() or ("per_1000py" if measure.startswith("incidence") else "percent")
        targets.append(
            Target(
                file,
                i,
                row["condition"].strip(),
                codes,
                measure,
                sex,
                low,
                high,
                target,
                tolerance,
                unit,
                (row["source"] or "").strip(),
                relative,
            )
        )
    return targets, problems


def load_targets(folder: Path | None = None) -> list[Target]:
    """Every target row under ``terminology/targets/`` (sorted by file, then line); fails on any bad row."""
    folder = folder or terminology_dir() / "targets"
    if not folder.is_dir():
        raise ConfigError(f"no targets folder {folder}: module authors write terminology/targets/<area>.csv")
    targets: list[Target] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if any((v or "").strip() for v in r.values())]
        found, bad = parse_rows(rows, path.name)
        targets += found
        problems += bad
    if problems:
        raise ConfigError("bad target rows:\n  " + "\n  ".join(problems))
    return targets
