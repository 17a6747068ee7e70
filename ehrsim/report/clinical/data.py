"""The audit's data (``terminology/clinical/``): rules, code sets, drug classes, approval dates, time zones.

Rules are data so that a clinician can read, tune and cite them without reading Python; the code
only knows rule *kinds* (``kinds_*.py``). Loading checks every cross-reference and fails with a
:class:`ConfigError` that names the file and the rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir
from ehrsim.record.times import from_date


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        raise ConfigError(f"clinical audit data {path} not found")
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


@dataclass(frozen=True)
class CodeSet:
    """Codes (any system) plus optional display patterns, for codes a library may spell differently."""

    name: str
    codes: frozenset[str]
    patterns: tuple[re.Pattern[str], ...] = ()

    def match(self, code: dict[str, Any]) -> bool:
        if code.get("code") in self.codes:
            return True
        display = code.get("display") or ""
        return any(p.search(display) for p in self.patterns)

    def any(self, codes: list[dict[str, Any]] | tuple[dict[str, Any], ...] | None) -> bool:
        return any(self.match(c) for c in codes or ())


@dataclass(frozen=True)
class DrugClass:
    """Drugs of one class, recognised by ingredient name (word match) or an explicit display pattern."""

    name: str
    patterns: tuple[re.Pattern[str], ...]

    def match(self, display: str) -> bool:
        return any(p.search(display) for p in self.patterns)


@dataclass(frozen=True)
class Approval:
    product: str
    pattern: re.Pattern[str]
    time: int  # record time of the first US approval (or emergency authorisation)
    date: str
    application: str


JUDGES = ("share", "binomial")


@dataclass(frozen=True)
class RuleDef:
    """One audit rule as written in ``rules.json``."""

    id: str
    kind: str
    group: str
    description: str
    rationale: str
    source: str
    url: str
    params: dict[str, Any]
    tolerance: float  # largest share of the denominator allowed to break the rule (0.02 = 2 %)
    count: str = "patients"  # what the tolerance counts: "patients" or "events"
    judge: str = "share"  # "share": fail when over the tolerance; "binomial": only when significantly over it


@dataclass(frozen=True)
class ClinicalData:
    rules: tuple[RuleDef, ...]
    sets: dict[str, CodeSet]
    drug_classes: dict[str, DrugClass]
    approvals: tuple[Approval, ...]
    time_zones: dict[str, str]
    folder: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def code_set(self, name: str) -> CodeSet:
        try:
            return self.sets[name]
        except KeyError:
            raise ConfigError(f"clinical audit: unknown code set {name!r}") from None

    def classes_of(self, display: str) -> frozenset[str]:
        """The drug classes of a medication display (cached: a population has few distinct drugs)."""
        cache = self.extra.setdefault("classes_of", {})
        if display not in cache:
            cache[display] = frozenset(n for n, dc in self.drug_classes.items() if dc.match(display))
        return cache[display]

    def approval_of(self, display: str) -> Approval | None:
        """The latest-approved approvals.csv row whose pattern matches the display (cached): a new form of an old
        drug (ondansetron's orally disintegrating tablet, 1999) matches the drug's row and its own, and did not exist
        before the later one."""
        cache = self.extra.setdefault("approval_of", {})
        if display not in cache:
            found = [ap for ap in self.approvals if ap.pattern.search(display)]
            cache[display] = max(found, key=lambda ap: ap.time) if found else None
        return cache[display]

    def drug_class(self, name: str) -> DrugClass:
        try:
            return self.drug_classes[name]
        except KeyError:
            raise ConfigError(f"clinical audit: unknown drug class {name!r}") from None


def _word(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", re.IGNORECASE)


def _load_sets(folder: Path) -> dict[str, CodeSet]:
    codes: dict[str, set[str]] = {}
    patterns: dict[str, list[re.Pattern[str]]] = {}
    for i, row in enumerate(_rows(folder, "code_sets.csv"), start=2):
        name = row["set"]
        codes.setdefault(name, set())
        patterns.setdefault(name, [])
        if row.get("code"):
            codes[name].add(row["code"])
        elif row.get("pattern"):
            patterns[name].append(re.compile(row["pattern"], re.IGNORECASE))
        else:
            raise ConfigError(f"code_sets.csv:{i}: a row needs a code or a pattern")
    return {n: CodeSet(n, frozenset(codes[n]), tuple(patterns[n])) for n in codes}


def _load_classes(folder: Path) -> dict[str, DrugClass]:
    out: dict[str, list[re.Pattern[str]]] = {}
    for row in _rows(folder, "drug_classes.csv"):
        pattern = re.compile(row["pattern"], re.IGNORECASE) if row.get("pattern") else _word(row["ingredient"])
        out.setdefault(row["class"], []).append(pattern)
    return {n: DrugClass(n, tuple(p)) for n, p in out.items()}


def _load_approvals(folder: Path) -> tuple[Approval, ...]:
    out = []
    for i, row in enumerate(_rows(folder, "approvals.csv"), start=2):
        try:
            day = dt.date.fromisoformat(row["approved"])
        except ValueError:
            raise ConfigError(f"approvals.csv:{i}: bad date {row['approved']!r}") from None
        out.append(
            Approval(
                row["product"],
                re.compile(row["pattern"], re.IGNORECASE),
                from_date(day),
                row["approved"],
                row["application"],
            )
        )
    return tuple(out)


def load_clinical(folder: Path | None = None, rules_file: Path | None = None) -> ClinicalData:
    """Read ``terminology/clinical`` (or ``folder``); ``rules_file`` replaces its ``rules.json``."""
    folder = folder or terminology_dir() / "clinical"
    path = rules_file or folder / "rules.json"
    if not path.is_file():
        raise ConfigError(f"clinical audit rules {path} not found")
    try:
        raw = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})") from None
    rules = []
    seen = set()
    for i, item in enumerate(raw.get("rules", []) if isinstance(raw, dict) else []):
        missing = [k for k in ("id", "kind", "description", "rationale", "source", "tolerance") if k not in item]
        if missing:
            raise ConfigError(f"{path}: rule {i} ({item.get('id', '?')}) lacks {', '.join(missing)}")
        if item["id"] in seen:
            raise ConfigError(f"{path}: rule id {item['id']!r} appears twice")
        seen.add(item["id"])
        count = item.get("count", "patients")
        if count not in ("patients", "events"):
            raise ConfigError(f"{path}: rule {item['id']}: count must be 'patients' or 'events'")
        judge = item.get("judge", "share")
        if judge not in JUDGES:
            raise ConfigError(f"{path}: rule {item['id']}: judge must be one of {', '.join(JUDGES)}")
        if judge == "binomial" and (float(item["tolerance"]) <= 0 or (item.get("params") or {}).get("band")):
            raise ConfigError(f"{path}: rule {item['id']}: judge 'binomial' needs a tolerance above 0 and no band")
        rules.append(
            RuleDef(
                item["id"],
                item["kind"],
                item.get("group", ""),
                item["description"],
                item["rationale"],
                item["source"],
                item.get("url", ""),
                dict(item.get("params") or {}),
                float(item["tolerance"]),
                count,
                judge,
            )
        )
    if not rules:
        raise ConfigError(f'{path}: no rules (expected {{"rules": [...]}})')
    zones = {row["state_abbr"]: row["time_zone"] for row in _rows(folder, "time_zones.csv")}
    return ClinicalData(tuple(rules), _load_sets(folder), _load_classes(folder), _load_approvals(folder), zones, folder)


@cache
def default_clinical() -> ClinicalData:
    return load_clinical()
