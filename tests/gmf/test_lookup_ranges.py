"""A lookup table with one sorted range column is answered by bisection (``LookupTable.probabilities``): the same
row object as the general first-match scan gives, at every edge, between rows, before and after them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from ehrsim.gmf.lookup import LookupTable
from ehrsim.gmf.values import SECONDS


def _table(tmp_path: Path, key: str, rows: list[tuple[str, float]]) -> LookupTable:
    path = tmp_path / f"{key}.csv"
    path.write_text(f"{key},Yes,No\n" + "".join(f"{cell},{p},{1 - p}\n" for cell, p in rows), encoding="utf-8")
    return LookupTable(path, {"Yes", "No"})


def test_sorted_ranges_give_the_scans_row(tmp_path: Path) -> None:
    year = SECONDS["years"]
    for key, rows, probes in (
        ("age", [("0-4", 0.1), ("5-17", 0.2), ("18-64", 0.3), ("70-90", 0.4)], [x * year for x in range(0, 95)]),
        ("time", [("1000-2000", 0.5), ("2001-2999", 0.6), ("4000-5000", 0.7)], [x / 2000.0 for x in range(0, 12_000)]),
    ):
        table = _table(tmp_path, key, rows)
        assert table._ranges is not None  # the bisection path
        for t in probes:
            sim = SimpleNamespace(birth_time=0.0, attributes={})
            expected = table._scan(table._values(sim, t))  # type: ignore[arg-type]  # the general scan
            assert table.probabilities(sim, t) is expected, (key, t)  # type: ignore[arg-type]
