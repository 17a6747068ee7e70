"""The routine US immunization schedule (terminology/immunizations.csv) and what is due when.

One row per dose: the earliest age, the last catch-up age, the minimum interval since the
previous dose of the same vaccine, and, for recurring vaccines (flu, Td), the interval at which
the last listed dose repeats. A dose is never given before the vaccine was licensed in the US
(``available_from``), so older patients get what existed in their childhood and catch-up later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ehrsim.core.tables import rows
from ehrsim.record.times import DAY, from_date

__all__ = ["Dose", "due", "schedule"]


@dataclass(frozen=True)
class Dose:
    """One scheduled dose of one vaccine."""

    key: str
    cvx: str
    display: str
    number: int
    age_days: float
    max_age_days: float | None
    min_interval_days: float
    repeat_days: float | None
    available_from: int  # record time

    def code(self) -> dict[str, str]:
        """A fresh CVX code dict."""
        return {"system": "CVX", "code": self.cvx, "display": self.display}


@cache
def schedule() -> dict[str, tuple[Dose, ...]]:
    """Vaccine key -> its doses in order (keys in file order)."""
    import datetime as dt

    table: dict[str, list[Dose]] = {}
    for r in rows("immunizations.csv"):
        table.setdefault(r["key"], []).append(
            Dose(
                key=r["key"],
                cvx=r["cvx"],
                display=r["display"],
                number=int(r["dose"]),
                age_days=float(r["age_days"]),
                max_age_days=float(r["max_age_days"]) if r["max_age_days"] else None,
                min_interval_days=float(r["min_interval_days"] or 0),
                repeat_days=float(r["repeat_days"]) if r["repeat_days"] else None,
                available_from=from_date(dt.date.fromisoformat(r["available_from"])),
            )
        )
    return {key: tuple(sorted(doses, key=lambda d: d.number)) for key, doses in table.items()}


def _next_dose(doses: tuple[Dose, ...], given: int) -> tuple[Dose, float] | None:
    """The next dose and the interval it needs since the previous one, or None when complete."""
    if given < len(doses):
        dose = doses[given]
        return dose, dose.min_interval_days
    last = doses[-1]
    return (last, last.repeat_days) if last.repeat_days else None


def due(age_days: float, given: dict[str, int], time: int, last_given: dict[str, int]) -> list[tuple[str, dict]]:
    """The (vaccine key, CVX code) pairs to give at a wellness visit now.

    ``given`` counts doses per key so far and ``last_given`` holds the time of each key's latest
    dose. Deterministic: the result depends on the arguments only, in schedule order.
    """
    out: list[tuple[str, dict]] = []
    for key, doses in schedule().items():
        count = given.get(key, 0)
        nxt = _next_dose(doses, count)
        if nxt is None:
            continue
        dose, interval = nxt
        if age_days < dose.age_days or time < dose.available_from:
            continue
        if dose.max_age_days is not None and age_days >= dose.max_age_days:
            continue
        last = last_given.get(key)
        if count > 0 and last is not None and time - last < interval * DAY:
            continue
        out.append((key, dose.code()))
    return out
