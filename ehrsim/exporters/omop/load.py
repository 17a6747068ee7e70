"""Loading the written tables into a database with ehrsim's CDM 5.4 DDL.

DuckDB (default: ``OUT/omop/omop.duckdb``, rebuilt on every run) or PostgreSQL
(``--omop-db postgresql://…``: tables are created if missing and must be empty; rows are copied
with COPY). Primary keys are added after the load.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ehrsim.errors import ExportError
from ehrsim.exporters.omop.schema import ddl_text, primary_keys_text, statements

log = logging.getLogger(__name__)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def load_duckdb(db_path: Path | None, csv_files: dict[str, Path]) -> object:
    """Create the CDM in a DuckDB file (or in memory with ``None``) and load the CSVs; returns the connection."""
    import duckdb

    if db_path is not None:
        db_path.unlink(missing_ok=True)
        Path(f"{db_path}.wal").unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(db_path) if db_path else ":memory:")
        for stmt in statements(ddl_text()):
            con.execute(stmt)
        for table, path in csv_files.items():
            con.execute(f"copy {table} from '{_sql_path(path)}' (format csv, header true)")
        for stmt in statements(primary_keys_text()):
            con.execute(stmt)
    except duckdb.Error as exc:
        raise ExportError(f"loading OMOP tables into DuckDB {db_path or '(memory)'} failed: {exc}") from exc
    return con


def load_postgres(dsn: str, csv_files: dict[str, Path]) -> None:
    """Create missing CDM tables in the DSN's schema and COPY the CSVs into them (they must be empty)."""
    try:
        import psycopg
    except ImportError as exc:
        raise ExportError("--omop-db postgresql://… needs psycopg: pip install 'ehrsim[postgres]'") from exc
    try:
        with psycopg.connect(dsn) as conn, conn.cursor() as cur:
            for stmt in statements(ddl_text()):
                cur.execute(stmt.replace("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1))
            for table in csv_files:
                cur.execute(f"select exists (select 1 from {table})")
                row = cur.fetchone()
                if row and row[0]:
                    raise ExportError(
                        f"PostgreSQL table {table} already has rows; load into an empty schema "
                        "(e.g. add ?options=-csearch_path%3Dmyschema to the DSN)"
                    )
            for table, path in csv_files.items():
                with (
                    cur.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
                    open(path, "rb") as fh,
                ):
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
            for stmt in statements(primary_keys_text()):
                named = re.search(r"ALTER TABLE (\w+)", stmt)
                cur.execute(
                    "select 1 from pg_constraint where contype = 'p' and conrelid = to_regclass(%s)",
                    (named.group(1) if named else "",),
                )
                if cur.fetchone() is None:
                    cur.execute(stmt)
            conn.commit()
    except psycopg.Error as exc:
        raise ExportError(f"loading OMOP tables into PostgreSQL failed: {exc}") from exc
    log.info("omop: loaded %d tables into PostgreSQL", len(csv_files))


def to_parquet(con: object, csv_files: dict[str, Path]) -> list[Path]:
    """Write each loaded table as ``<table>.parquet`` beside its CSV (typed by the DDL) and drop the CSV."""
    written = []
    for table, path in csv_files.items():
        target = path.with_suffix(".parquet")
        con.execute(f"copy {table} to '{_sql_path(target)}' (format parquet, compression zstd)")  # type: ignore[attr-defined]
        path.unlink()
        written.append(target)
    return written
