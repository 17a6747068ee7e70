"""The hand-made CSV writer agrees with the csv module for any text (quotes, commas, line breaks)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from ehrsim.exporters.csv.lines import flat_line, line
from ehrsim.exporters.csv.timefmt import day, iso, sql_datetime
from ehrsim.record import times

values = st.lists(
    st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=False), st.booleans()), min_size=2
)  # every table has 2+ columns


def _expected(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


@given(values)
def test_line_round_trips_through_the_csv_module(row):
    parsed = next(csv.reader(io.StringIO(line(row).decode("utf-8"), newline="")))
    assert parsed == [_expected(v) for v in row]


@given(st.lists(st.text(), min_size=1))
def test_flat_line_is_one_physical_line(row):
    data = flat_line(row)
    assert data.count(b"\n") == 1 and data.endswith(b"\n") and b"\r" not in data


@given(st.integers(min_value=-5_000_000_000, max_value=5_000_000_000))
def test_fast_time_formats_match_the_record_helpers(t):
    assert iso(t) == times.iso(t) and day(t) == times.day(t)
    assert sql_datetime(t) == times.iso(t).replace("T", " ").rstrip("Z")
