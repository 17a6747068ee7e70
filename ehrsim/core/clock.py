"""Local time: each state's time zone, office hours and the emergency arrival curve.

The engine runs on one internal clock (UTC seconds). Where an encounter is scheduled, ``place``
moves its start to a time a clinic or hospital in the patient's time zone would plausibly see it
(``terminology/clock/``). Placement only ever moves a time forward, so nothing already recorded
falls after the encounter it belongs to, and it draws only from the rng it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np

from ehrsim.core.tables import Choice, rows
from ehrsim.errors import ConfigError

__all__ = [
    "ClockDraws",
    "Hours",
    "discharge_after",
    "discharge_nearest",
    "holidays",
    "hours_for",
    "is_open",
    "place",
    "zone_for_state",
]

SLOT_MINUTES = 15
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_ZONE = "America/New_York"


@dataclass(frozen=True)
class Hours:
    """When encounters of one class start: office hours on some weekdays, or a diurnal curve."""

    rule: str  # "office" | "diurnal"
    open_hour: int
    close_hour: int
    days: frozenset[int]  # 0 = Monday
    closed_on_holidays: bool = False


class ClockDraws:
    """The clock's random numbers: the very numbers ``random()`` and ``integers(low, high)`` of the generator
    give, without ``integers``' argument handling (it costs ~4x a ``random()``; one per office visit placed).

    numpy draws an integer below 2**32 by Lemire's method from 32-bit words; a word is the low half of a
    64-bit output, whose high half is kept for the next word (``random()`` leaves that half alone). The half is
    kept here, so every 32-bit draw of the generator must go through this object (the clock's own generator)."""

    __slots__ = ("_half", "_raw", "random")

    def __init__(self, rng: np.random.Generator) -> None:
        self.random = rng.random
        self._raw = rng.bit_generator.random_raw
        self._half: int | None = None

    def _word(self) -> int:
        half = self._half
        if half is not None:
            self._half = None
            return half
        raw: int = self._raw()
        self._half = raw >> 32
        return raw & 0xFFFFFFFF

    def integers(self, low: int, high: int) -> int:
        """``int(rng.integers(low, high))``: uniform on low..high-1."""
        n = high - low
        if not 0 < n <= 0xFFFFFFFF:
            raise ValueError(f"ClockDraws.integers: range {low}..{high} is empty or wider than 32 bits")
        if n == 1:
            return low  # numpy draws nothing for a single value
        m = self._word() * n
        if m & 0xFFFFFFFF < n:  # the rare rejection zone of Lemire's method
            threshold = (0x100000000 - n) % n
            while m & 0xFFFFFFFF < threshold:
                m = self._word() * n
        return low + (m >> 32)


Draws = np.random.Generator | ClockDraws


def _days(spec: str) -> frozenset[int]:
    first, _, last = spec.partition("-")
    try:
        lo, hi = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
    except ValueError:
        raise ConfigError(f"clock/hours.csv: bad days {spec!r} (use e.g. Mon-Fri)") from None
    return frozenset(range(lo, hi + 1))


@cache
def _hours() -> dict[str, Hours]:
    return {
        r["encounter_class"]: Hours(
            r["rule"], int(r["open_hour"]), int(r["close_hour"]), _days(r["days"]), _closed(r.get("holidays", "open"))
        )
        for r in rows("clock/hours.csv")
    }


def _closed(spec: str) -> bool:
    if spec not in ("open", "closed"):
        raise ConfigError(f"clock/hours.csv: bad holidays {spec!r} (use open or closed)")
    return spec == "closed"


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1-based; -1 = last) given weekday of a month."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


@cache
def holidays(year: int) -> frozenset[dt.date]:
    """Dates offices are closed in a year (``clock/holidays.csv``; a Saturday/Sunday date is observed Friday/Monday)."""
    out = set()
    for r in rows("clock/holidays.csv"):
        if year < int(r["from_year"]) or (r["until_year"] and year > int(r["until_year"])):
            continue
        month = int(r["month"])
        if r["day"]:
            day = dt.date(year, month, int(r["day"]))
            day += dt.timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))
        else:
            day = _nth_weekday(year, month, DAY_NAMES.index(r["weekday"]), int(r["nth"]))
        out.add(day)
    return frozenset(out)


def _working(day: dt.date, hours: Hours) -> bool:
    if day.weekday() not in hours.days:
        return False
    # 31 December can be the observed New Year's Day of the next year
    return not hours.closed_on_holidays or (day not in holidays(day.year) and day not in holidays(day.year + 1))


def hours_for(enc_class: str) -> Hours | None:
    """The placement rule of an encounter class (None: the module's time is kept)."""
    return _hours().get(enc_class)


@cache
def _arrivals() -> tuple[Choice[int], tuple[float, ...]]:
    table = rows("clock/ed_arrivals.csv")
    weights = [float(r["weight"]) for r in table]
    top = max(weights)
    return Choice([int(r["hour"]) for r in table], weights), tuple(w / top for w in weights)


@cache
def _zones() -> dict[str, str]:
    return {r["state_abbr"]: r["zone"] for r in rows("clock/time_zones.csv")}


@cache
def zone_for_state(state_abbr: str | None) -> ZoneInfo:
    """The IANA zone of a US state (abbreviation); Eastern time for an unknown state."""
    return ZoneInfo(_zones().get(state_abbr or "", DEFAULT_ZONE))


def is_open(t: float, zone: ZoneInfo, hours: Hours) -> bool:
    """True when local time ``t`` is inside the office hours (leaving room for one slot)."""
    return _open_at(dt.datetime.fromtimestamp(t, zone), hours)


def _open_at(local: dt.datetime, hours: Hours) -> bool:
    minutes = local.hour * 60 + local.minute
    return _working(local.date(), hours) and hours.open_hour * 60 <= minutes <= hours.close_hour * 60 - 2 * SLOT_MINUTES


def _office(t: float, zone: ZoneInfo, hours: Hours, rng: Draws) -> float:
    local = dt.datetime.fromtimestamp(t, zone)  # once: the zone conversion is the costly part
    if _open_at(local, hours):
        return t
    day = local.date()
    if local.hour * 60 + local.minute > hours.open_hour * 60:
        day += dt.timedelta(days=1)  # today's opening has passed: the first slot is on a later day
    while not _working(day, hours):
        day += dt.timedelta(days=1)
    n_slots = (hours.close_hour - hours.open_hour) * 60 // SLOT_MINUTES - 1
    minutes = hours.open_hour * 60 + SLOT_MINUTES * int(rng.integers(0, n_slots))
    start = dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
    return max(t, float(int(start.timestamp())))


def _diurnal(t: float, zone: ZoneInfo, rng: Draws) -> float:
    choice, accept = _arrivals()
    local = dt.datetime.fromtimestamp(t, zone)
    if rng.random() < accept[local.hour]:
        return t
    hour = choice.at_quantile(rng.random())  # ``choice.draw(rng)``: the same draw, for either kind of rng
    ahead = (hour - local.hour) % 24 or 24
    target = local.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=ahead)
    return max(t, float(int(target.timestamp())) + float(rng.integers(0, 3600)))


def place(t: float, enc_class: str, zone: ZoneInfo, rng: Draws) -> float:
    """The start (>= ``t``) of an encounter of ``enc_class`` that a module wants at ``t``."""
    hours = hours_for(enc_class)
    if hours is None:
        return t
    if hours.rule == "office":
        return _office(t, zone, hours, rng)
    return _diurnal(t, zone, rng)


# --- discharges -----------------------------------------------------------------------------------


@cache
def _discharge_hours() -> tuple[Choice[int], int, int]:
    """The local hour a planned discharge falls in, and the window [first, last + 1) of those hours."""
    table = rows("clock/discharge_hours.csv")
    hours = [int(r["hour"]) for r in table]
    if not hours or min(hours) < 0 or max(hours) > 23 or len(set(hours)) != len(hours):
        raise ConfigError("clock/discharge_hours.csv: hours must be distinct whole hours 0-23")
    return Choice(hours, [float(r["share"]) for r in table]), min(hours), max(hours) + 1


def _discharge_on(day: dt.date, zone: ZoneInfo, u_hour: float, u_minute: float) -> float:
    choice = _discharge_hours()[0]
    hour, minute = choice.at_quantile(u_hour), min(int(u_minute * 60.0), 59)
    return float(int(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).timestamp()))


def discharge_after(t: float, zone: ZoneInfo, rng: Draws) -> float:
    """The end (>= ``t``) of a stay a module ends at ``t``: kept when ``t`` is in the local discharge window
    (08:00-20:59), else the next morning's or the same day's planned discharge time drawn from
    ``clock/discharge_hours.csv``. Never earlier: what the module recorded in the stay stays inside it."""
    local = dt.datetime.fromtimestamp(t, zone)
    _, first, last = _discharge_hours()
    if first <= local.hour < last:
        return t
    day = local.date() + dt.timedelta(days=1) if local.hour >= last else local.date()
    return max(t, _discharge_on(day, zone, rng.random(), rng.random()))


def discharge_nearest(t: float, zone: ZoneInfo, u_hour: float, u_minute: float, earliest: float) -> float:
    """A stay the core plans (the birth stay): the drawn discharge time on the day before, of or after ``t``
    nearest ``t`` and not before ``earliest`` (so the mean length of stay is kept)."""
    day = dt.datetime.fromtimestamp(t, zone).date()
    options = [_discharge_on(day + dt.timedelta(days=d), zone, u_hour, u_minute) for d in (-1, 0, 1, 2)]
    allowed = [o for o in options if o >= earliest] or options[-1:]
    return min(allowed, key=lambda o: abs(o - t))
