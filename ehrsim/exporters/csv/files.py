"""Whole-file steps run in ``finish``: extend an earlier run (``--csv-append``), split large
tables (``--csv-max-rows``) and convert to Parquet (``--table-format parquet``).

All three work line by line: the CSV exporter writes one record per physical line.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from ehrsim.errors import ExportError

log = logging.getLogger(__name__)
_CHUNK = 1 << 20


def append_table(target: Path, new: Path, *, key_unique: bool = False) -> int:
    """Append ``new``'s rows (not its header) to ``target``; returns rows added.

    ``key_unique`` drops rows whose first field (the Id) is already in ``target``: shared tables
    such as organizations are the same in both runs when the seed is the same.
    """
    if not target.exists():
        os.replace(new, target)
        return _count_rows(target)
    with open(target, "rb") as fh:
        old_header = fh.readline()
    with open(new, "rb") as src:
        new_header = src.readline()
        if new_header != old_header:
            raise ExportError(
                f"--csv-append: {target.name} has other columns than this run writes; "
                "append only to output of the same ehrsim version"
            )
        seen: set[bytes] = set()
        if key_unique:
            with open(target, "rb") as fh:
                fh.readline()
                seen = {ln.split(b",", 1)[0] for ln in fh}
        added = 0
        with open(target, "ab") as out:
            for ln in src:
                if key_unique and ln.split(b",", 1)[0] in seen:
                    continue
                out.write(ln)
                added += 1
    new.unlink()
    return added


def _count_rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return max(0, sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(_CHUNK), b"")) - 1)


def split_table(path: Path, max_rows: int) -> list[Path]:
    """Cut ``<table>.csv`` into ``<table>-1.csv``, ``<table>-2.csv`` … of at most ``max_rows`` rows,
    each with the header; a table that fits stays as it is."""
    if _count_rows(path) <= max_rows:
        return [path]
    parts: list[Path] = []
    with open(path, "rb") as src:
        head = src.readline()
        out = None
        n = max_rows
        for ln in src:
            if n == max_rows:
                if out:
                    out.close()
                parts.append(path.with_name(f"{path.stem}-{len(parts) + 1}{path.suffix}"))
                out = open(parts[-1], "wb")  # noqa: SIM115 - closed when the next part starts
                out.write(head)
                n = 0
            assert out is not None
            out.write(ln)
            n += 1
        if out:
            out.close()
    path.unlink()
    return parts


def to_parquet(csv_path: Path, types: dict[str, str], *, previous: Path | None = None, key: str | None = None) -> Path:
    """Convert one CSV table to Parquet with DuckDB (typed columns); with ``previous`` (an earlier
    run's Parquet file) the new rows are appended to it, skipping rows whose ``key`` it already
    holds. The CSV file is removed."""
    import duckdb

    target = csv_path.with_suffix(".parquet")
    cols = "{" + ", ".join(f"'{c}': '{t.upper()}'" for c, t in types.items()) + "}"
    select = (
        f"select * from read_csv('{_sql_path(csv_path)}', header=true, auto_detect=false, "
        f"columns={cols}, timestampformat='%Y-%m-%dT%H:%M:%SZ', dateformat='%Y-%m-%d', quote='\"')"
    )
    if previous is not None and previous.exists():
        old = f"read_parquet('{_sql_path(previous)}')"
        if key:
            select = f'select * from ({select}) where "{key}" not in (select "{key}" from {old})'
        select = f"select * from {old} union all {select}"
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        con = duckdb.connect()
        con.execute(f"copy ({select}) to '{_sql_path(tmp)}' (format parquet, compression zstd)")
        con.close()
    except duckdb.Error as exc:
        raise ExportError(f"could not convert {csv_path.name} to Parquet: {exc}") from exc
    os.replace(tmp, target)
    csv_path.unlink()
    return target


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def move_dir_contents(src: Path) -> None:
    """Remove a staging folder once its files have been merged."""
    shutil.rmtree(src, ignore_errors=True)
