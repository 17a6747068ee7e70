"""omop.duckdb is the README's one exception to byte-identical output: its contents are identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehrsim.cli.main import main
from tests.runs.conftest import generate_args, write_module


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {name: con.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
    finally:
        con.close()


def test_two_identical_runs_give_duckdb_files_with_equal_contents(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    mods = write_module(tmp_path / "m")
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert main(generate_args(out, mods, "-f", "omop", population=3, shard=1)) == 0
    first, second = (_tables(out / "omop" / "omop.duckdb") for out in outs)
    assert first.keys() == second.keys() and "person" in first and len(first["person"]) == 3
    assert first == second  # every table, every row, in the same order
    for csv in sorted((outs[0] / "omop").glob("*.csv")):
        assert csv.read_bytes() == (outs[1] / "omop" / csv.name).read_bytes(), csv.name
