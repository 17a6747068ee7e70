"""Table and column definitions, read from ehrsim's own CDM 5.4 DDL (``ddl/cdm54.sql``).

The DDL is the single source of truth: CSV headers, column order and VARCHAR lengths (values
are cut to fit, as PostgreSQL would refuse them) all come from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DDL_DIR = Path(__file__).resolve().parent / "ddl"
_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\);", re.S)


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool
    max_length: int | None  # VARCHAR(n)


def ddl_text() -> str:
    """The CREATE TABLE statements for every CDM 5.4 table."""
    return (DDL_DIR / "cdm54.sql").read_text(encoding="utf-8")


def primary_keys_text() -> str:
    return (DDL_DIR / "primary_keys.sql").read_text(encoding="utf-8")


@cache
def tables() -> dict[str, tuple[Column, ...]]:
    """Table name -> its columns, in DDL order."""
    found: dict[str, tuple[Column, ...]] = {}
    for match in _TABLE.finditer(ddl_text()):
        cols = []
        for raw in match.group(2).strip().splitlines():
            parts = raw.strip().rstrip(",").split()
            length = re.search(r"\((\d+)\)", parts[1])
            size = int(length.group(1)) if length else None
            cols.append(Column(parts[0].strip('"'), parts[1], "NOT NULL" in raw, size))
        found[match.group(1)] = tuple(cols)
    return found


def column_names(table: str) -> list[str]:
    return [c.name for c in tables()[table]]


def statements(text: str) -> list[str]:
    """Split SQL text into statements (no semicolons inside our DDL's strings)."""
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
