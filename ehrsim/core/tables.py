"""Read the core's data files once (cached) and small helpers to sample and interpolate them."""

from __future__ import annotations

import bisect
import csv
from collections.abc import Sequence
from functools import cache
from typing import Generic, TypeVar

import numpy as np

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir

T = TypeVar("T")


@cache
def rows(relative_path: str) -> tuple[dict[str, str], ...]:
    """All rows of a CSV file under ``terminology/`` as string dicts (cached, never mutate)."""
    path = terminology_dir() / relative_path
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            return tuple(csv.DictReader(fh))
    except OSError as exc:
        raise ConfigError(f"cannot read data file {path}: {exc}") from exc


@cache
def parameters(relative_path: str) -> dict[str, float]:
    """A ``name,value,...`` CSV as a name -> float dict."""
    return {row["name"]: float(row["value"]) for row in rows(relative_path)}


class Choice(Generic[T]):
    """A fixed discrete distribution drawn with one uniform number (cumulative-weight bisection)."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ConfigError("a choice needs as many weights as items, and at least one item")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise ConfigError(f"weights must be non-negative with a positive sum: {list(weights)}")
        self.items = list(items)
        self.cumulative = list(np.cumsum(np.asarray(weights, dtype=float)))
        self.total = self.cumulative[-1]

    def draw(self, rng: np.random.Generator) -> T:
        """One item, with probability proportional to its weight."""
        u = rng.random() * self.total
        index = bisect.bisect_right(self.cumulative, u)
        return self.items[min(index, len(self.items) - 1)]

    def at_quantile(self, q: float) -> T:
        """The item at cumulative probability ``q`` (0..1): used for correlated draws."""
        index = bisect.bisect_right(self.cumulative, q * self.total)
        return self.items[min(index, len(self.items) - 1)]


def interpolate(x: float, xs: Sequence[float], ys: Sequence[float]) -> float:
    """Piecewise-linear interpolation, flat beyond both ends (``xs`` ascending)."""
    if x <= xs[0]:
        return float(ys[0])
    if x >= xs[-1]:
        return float(ys[-1])
    i = bisect.bisect_right(xs, x)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0))


def interpolate_many(x: float, xs: Sequence[float], *columns: Sequence[float]) -> list[float]:
    """``interpolate`` of several columns on one grid: the segment is found once (same arithmetic, same values)."""
    if x <= xs[0]:
        return [float(ys[0]) for ys in columns]
    if x >= xs[-1]:
        return [float(ys[-1]) for ys in columns]
    i = bisect.bisect_right(xs, x)
    x0 = xs[i - 1]
    dx, span = x - x0, xs[i] - x0
    return [float(ys[i - 1] + (ys[i] - ys[i - 1]) * dx / span) for ys in columns]


def band(value: float, table: Sequence[dict[str, str]], low: str = "age_from", high: str = "age_to") -> dict[str, str]:
    """The row whose ``[low, high)`` range holds ``value`` (the last row when beyond the table)."""
    for row in table:
        if float(row[low]) <= value < float(row[high]):
            return row
    return table[-1] if value >= float(table[-1][low]) else table[0]
