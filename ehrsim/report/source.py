"""Where the report's records come from: a run folder (``OUT/json/patients.ndjson``) or an iterator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ehrsim.errors import ConfigError
from ehrsim.record.times import DAY, YEAR_DAYS, from_date

YEAR = YEAR_DAYS * DAY


@dataclass(frozen=True)
class RunInfo:
    """What the report needs to know about the run besides its records."""

    reference_time: int  # the simulation's "today" (record time)
    years_of_history: int = 0  # 0 = whole lives were kept

    @property
    def history_start(self) -> float | None:
        """Record time before which entries may have been cut away (None: nothing was cut)."""
        if self.years_of_history <= 0:
            return None
        return self.reference_time - self.years_of_history * YEAR


def read_run_info(out_dir: Path) -> RunInfo:
    """The reference date and history window from ``OUT/metadata.json``."""
    path = out_dir / "metadata.json"
    if not path.is_file():
        raise ConfigError(f"{path} not found: point at the output folder of `ehrsim generate`")
    meta = orjson.loads(path.read_bytes())
    try:
        reference = dt.date.fromisoformat(meta["reference_date"])
    except (KeyError, ValueError):
        raise ConfigError(f"{path} has no valid reference_date") from None
    years = int((meta.get("options") or {}).get("years_of_history", 0) or 0)
    return RunInfo(from_date(reference), years)


def iter_records(out_dir: Path) -> Iterator[dict[str, Any]]:
    """Native records one at a time from ``OUT/json/patients.ndjson`` (needs ``--format json``)."""
    path = out_dir / "json" / "patients.ndjson"
    if not path.is_file():
        raise ConfigError(f"{path} not found: generate with `-f json` (the report reads native records)")
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)
