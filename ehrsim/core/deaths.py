"""The certified cause of a death no module explains, by age and sex (terminology/deaths/causes.csv).

A module that kills with "Natural death with unknown cause" (SNOMED 9855000) says only that the
person died of something it does not model. The certificate then names what people of that age
and sex mostly die of outside the modelled diseases: injuries, overdoses, suicide and homicide
for the young, liver disease in middle age, falls and old age later (CDC WONDER / NCHS 2019).
A cardiac mechanism of death (cardiac arrest, terminology/deaths/mechanisms.csv) is not an underlying
cause either (NCHS): the certificate names the patient's recorded heart disease (cardiac_underlying.csv,
in order of preference) or, without one, a cause drawn the same way. A heart disease of that list certified
by a module (heart failure) gives way to a recorded one listed before it (coronary disease, cardiomyopathy):
the certifier reports the disease that caused the failure.
A drawn cause must agree with the record (cause_in_record.csv): a chronic or acute disease the record
must already hold (hypertension, diabetes, cirrhosis, an active cancer, a pneumonia in the last 30 days)
is certified as the recorded condition, else another cause is drawn (``needs_history``); a sudden cause
(coronary disease as sudden death, an injury, an overdose) is recorded as diagnosed at death, and a
condition present from birth (a malformation, prematurity) with its onset at birth (``record_at_death``).
A suicide is certified by its mechanism (suicide_mechanisms.csv: firearm, suffocation, poisoning), as a certifier
writes it; an injury death outside any stay is pronounced in the emergency department (``injury``, injury_deaths.csv).
A death drawn as of unknown cause in a person with a recorded heart disease (cardiac_underlying.csv) is certified as
that disease: a certifier writes the known disease that most likely led to death (NCHS Physicians' Handbook, 2003).
A fall from 65 is certified with the injury it caused (fall_injury.csv: a hip fracture), recorded at death; the fall
stays first, the external cause NCHS codes as the underlying cause of an injury death.
A cause is certified by the disease's name, never a staging code (certified_names.csv: a lung cancer recorded as
"TNM stage 1" and dying with bone metastases is certified as non-small cell lung cancer), whatever library certified it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

from ehrsim.core.tables import Choice, interpolate, rows
from ehrsim.record.times import YEAR_DAYS, to_date

__all__ = ["UNKNOWN_CAUSE", "after_stay", "certified_cause", "injury", "record_at_death", "recorded_onset"]

UNKNOWN_CAUSE = "9855000"
SUICIDE = "44301001"  # Suicide (event): the manner of death, certified by its mechanism (suicide_mechanisms.csv)
FALL = "1912002"  # Fall (event): an external cause, certified with the injury it caused (fall_injury.csv)
FALL_INJURY_AGE = 65.0  # from 65 the fatal injury of a fall is a hip fracture or a head injury (fall_injury.csv)
REFERENCE_YEAR = 2019  # the year whose deaths causes.csv weights describe (NCHS, Deaths: Leading Causes for 2019)


Band = tuple[float, float, str, Choice[tuple[str, str]], Choice[tuple[str, str]] | None]


DAY = 86_400.0


@dataclass(frozen=True)
class InRecord:
    """How a certified cause must stand in the record (one row of cause_in_record.csv)."""

    rule: str  # needs_history | at_death | from_birth
    accepts: re.Pattern[str] | None  # recorded conditions that count as this disease, by display
    active: bool  # the recorded condition must be active at death
    within: float | None  # ... and have begun at most this many seconds before death


@cache
def _rules() -> dict[str, InRecord]:
    out = {}
    for r in rows("deaths/cause_in_record.csv"):
        accepts = re.compile(r["accepts"], re.IGNORECASE) if r.get("accepts") else None
        within = float(r["within_days"]) * DAY if r.get("within_days") else None
        out[r["code"]] = InRecord(r["in_record"], accepts, r.get("active") == "active", within)
    return out


@cache
def _in_record(rule: str) -> frozenset[str]:
    """Codes of cause_in_record.csv with the rule ``needs_history``, ``at_death`` or ``from_birth``."""
    return frozenset(code for code, r in _rules().items() if r.rule == rule)


def _recorded(code: str, history: Iterable[dict], t: float | None) -> dict[str, str] | None:
    """The recorded condition that stands for the cause ``code`` (itself, or one its row accepts), or None.

    History entries may carry ``onset`` and ``stop`` (seconds) so that ``active`` and ``within_days`` apply.
    """
    rule = _rules().get(code)
    found = None
    for c in history:
        if c.get("code") != code and not (rule and rule.accepts and rule.accepts.search(c.get("display") or "")):
            continue
        if rule is not None and t is not None:
            if rule.active and c.get("stop") is not None and c["stop"] < t:
                continue
            if rule.within is not None and (c.get("onset") is None or c["onset"] < t - rule.within):
                continue
        if found is None or c.get("code") == code:
            found = c
    if found is None:
        return None
    return {"system": found.get("system", "SNOMED-CT"), "code": found["code"], "display": found.get("display", "")}


def _age(value: str) -> float:
    """An age bound of causes.csv in years, or in days with a ``d`` suffix (``28d``: the neonatal period)."""
    return float(value[:-1]) / YEAR_DAYS if value.endswith("d") else float(value)


@cache
def _groups() -> dict[tuple[float, float, str], tuple[list[tuple[str, str]], list[float]]]:
    """causes.csv by (age low, age high, sex): the causes and their weights (shares of 2019 deaths)."""
    groups: dict[tuple[float, float, str], tuple[list[tuple[str, str]], list[float]]] = {}
    for r in rows("deaths/causes.csv"):
        items, weights = groups.setdefault((_age(r["age_low"]), _age(r["age_high"]), r["sex"]), ([], []))
        items.append((r["code"], r["display"]))
        weights.append(float(r["weight"]))
    return groups


@cache
def _trends() -> dict[str, tuple[list[float], list[float]]]:
    """Code -> (years, age-adjusted death rates) of the causes whose rate changed over time (cause_trends.csv)."""
    out: dict[str, tuple[list[float], list[float]]] = {}
    for r in sorted(rows("deaths/cause_trends.csv"), key=lambda r: (r["code"], float(r["year"]))):
        years, rates = out.setdefault(r["code"], ([], []))
        years.append(float(r["year"]))
        rates.append(float(r["rate"]))
    return out


def _trend_factor(code: str, year: int) -> float:
    """A cause's death rate in ``year`` over its rate in 2019, the year causes.csv describes (1 if not listed)."""
    trend = _trends().get(code)
    if trend is None:
        return 1.0
    return interpolate(year, *trend) / interpolate(REFERENCE_YEAR, *trend)


@cache
def _table(year: int | None = None) -> tuple[Band, ...]:
    """Per age band and sex: the causes, and the causes needing no recorded history (None if the same); with a
    ``year``, the weights of causes whose rate changed over time follow it (cause_trends.csv)."""
    needs = _in_record("needs_history")
    out = []
    for (lo, hi, sex), (items, raw) in _groups().items():
        weights = raw if year is None else [w * _trend_factor(i[0], year) for i, w in zip(items, raw, strict=True)]
        kept = [(i, w) for i, w in zip(items, weights, strict=True) if i[0] not in needs]
        free = Choice([i for i, _ in kept], [w for _, w in kept]) if len(kept) < len(items) else None
        out.append((lo, hi, sex, Choice(items, weights), free))
    return tuple(out)


def record_at_death(cause: list[dict[str, str]], history: Iterable[dict[str, str]]) -> dict[str, str] | None:
    """The certified cause as a condition to record, when the record lacks it and it may first show at death
    (``at_death``) or has been present since birth (``from_birth``; see ``recorded_onset``)."""
    sudden = _in_record("at_death") | _in_record("from_birth")
    listed = cause[:2] if cause and cause[0].get("code") == FALL else cause[:1]  # a fall's injury comes second
    given = next((c for c in listed if c.get("code") in sudden), None)
    if given is None or any(c.get("code") == given["code"] and c.get("stop") is None for c in history):
        return None  # an ended one (a healed fracture, a survived overdose) is an earlier event: this one is new
    return given


def recorded_onset(cause: dict[str, str], death: float, birth: float) -> float:
    """When a cause recorded by ``record_at_death`` began: at birth for a condition present from birth."""
    return birth if cause.get("code") in _in_record("from_birth") else death


@cache
def _codes(name: str) -> dict[str, str]:
    """SNOMED code -> display of a deaths/ table, in file order (the order is a preference)."""
    return {r["code"]: r["display"] for r in rows(f"deaths/{name}.csv")}


def injury(code: str | None) -> bool:
    """Whether a certified cause is an injury, overdose, suicide or homicide (deaths/injury_deaths.csv)."""
    return code in _codes("injury_deaths")


@cache
def _suicide_mechanisms() -> Choice[tuple[str, str]]:
    table = rows("deaths/suicide_mechanisms.csv")
    return Choice([(r["code"], r["display"]) for r in table], [float(r["share"]) for r in table])


def certified_cause(
    rng: np.random.Generator,
    cause: list[dict[str, str]],
    age: float,
    sex: str,
    history: Iterable[dict] = (),
    t: float | None = None,
) -> list[dict[str, str]]:
    """``cause`` unchanged unless it is the unknown natural cause or a mechanism: then an underlying cause; a
    suicide drawn for the unknown cause is certified by its mechanism (one more draw, only then).

    ``history`` holds the codes of the conditions recorded in the patient's life (any order), optionally with
    their ``onset`` and ``stop`` (seconds); ``t`` is the time of death (None: recency and activity not judged).
    """
    history = list(history)
    found = _underlying(rng, cause, age, sex, history, t)
    drawn = bool(cause) and cause[0].get("code") == UNKNOWN_CAUSE
    if drawn and found and found[0].get("code") == SUICIDE:
        code, display = _suicide_mechanisms().draw(rng)
        return [{"system": "SNOMED-CT", "code": code, "display": display}]
    if found and len(found) == 1 and found[0].get("code") == FALL and age >= FALL_INJURY_AGE:
        return [found[0], dict(_fall_injury())]  # the injury the fall caused, the fall its external cause
    named = _certified_names().get(found[0].get("code", "")) if found else None
    if named is not None:  # a staged cancer: the certificate names the disease (the stage is a finding of it)
        return [{"system": "SNOMED-CT", "code": named[0], "display": named[1]}]
    return found


@cache
def _fall_injury() -> dict[str, str]:
    """The injury certified with a fall from ``FALL_INJURY_AGE`` (deaths/fall_injury.csv, first row)."""
    r = rows("deaths/fall_injury.csv")[0]
    return {"system": "SNOMED-CT", "code": r["code"], "display": r["display"]}


@cache
def _certified_names() -> dict[str, tuple[str, str]]:
    """Recorded code -> (code, display) a certifier writes for it (certified_names.csv)."""
    return {r["code"]: (r["certified_code"], r["certified_display"]) for r in rows("deaths/certified_names.csv")}


def _underlying(
    rng: np.random.Generator,
    cause: list[dict[str, str]],
    age: float,
    sex: str,
    history: list[dict],
    t: float | None,
) -> list[dict[str, str]]:
    given = cause[0].get("code") if cause else None
    recorded = {c.get("code") for c in history if c.get("system") == "SNOMED-CT"}
    hearts_named = _codes("cardiac_underlying")
    hearts = list(hearts_named)
    if given in hearts:  # heart failure names the recorded disease that caused it (listed before it), else itself
        before = next((k for k in hearts[: hearts.index(given)] if k in recorded), None)
        if before is None:
            return cause
        return [{"system": "SNOMED-CT", "code": before, "display": hearts_named[before]}]
    if given in _codes("mechanisms"):
        found = next(((k, d) for k, d in hearts_named.items() if k in recorded), None)
        if found is not None:
            return [{"system": "SNOMED-CT", "code": found[0], "display": found[1]}]
    elif given != UNKNOWN_CAUSE:
        return cause
    year = None if t is None else to_date(t).year
    for lo, hi, group_sex, choice, free in _table(year):
        if lo <= age < hi and group_sex in ("all", sex):
            code, display = choice.draw(rng)
            if free is not None and code in _in_record("needs_history"):
                named = _recorded(code, history, t)
                if named is not None:
                    return [named]  # certified as recorded (e.g. the patient's alcoholic cirrhosis, lung cancer)
                code, display = free.draw(rng)  # e.g. hypertensive disease for someone never hypertensive
            if code == UNKNOWN_CAUSE:  # a certifier writes the heart disease on record, not "unknown"
                code, display = next(((k, d) for k, d in hearts_named.items() if k in recorded), (code, display))
            return [{"system": "SNOMED-CT", "code": code, "display": display}]
    return cause


@cache
def _stays() -> dict[str, tuple[float, float]]:
    return {
        r["encounter_class"]: (float(r["min_hours"]), float(r["max_hours"])) for r in rows("deaths/hospital_stay.csv")
    }


def after_stay(rng: np.random.Generator, enc_class: str, t: float) -> float:
    """``t`` plus a stay in ``enc_class`` (log-uniform hours), or ``t`` for classes without one."""
    bounds = _stays().get(enc_class)
    if bounds is None:
        return t
    low, high = np.log(bounds[0]), np.log(bounds[1])
    return t + 3600.0 * float(np.exp(low + (high - low) * rng.random()))
