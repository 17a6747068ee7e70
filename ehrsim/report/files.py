"""Write the realism report's files: ``PREFIX.md``, ``PREFIX.csv``, ``PREFIX_life.csv``, ``PREFIX_nhanes.csv``,
``PREFIX.svg``."""

from __future__ import annotations

from pathlib import Path

from ehrsim.output import atomic_write
from ehrsim.report.plots import realism_svg
from ehrsim.report.realism import RealismReport
from ehrsim.report.tables import body_csv, life_csv, markdown, targets_csv


def write_realism(report: RealismReport, prefix: Path, command: str = "") -> list[Path]:
    """Write the files next to each other and return their paths."""
    svg = prefix.with_name(prefix.name + ".svg")
    files = {
        prefix.with_name(prefix.name + ".md"): markdown(report, command, svg.name),
        prefix.with_name(prefix.name + ".csv"): targets_csv(report),
        prefix.with_name(prefix.name + "_life.csv"): life_csv(report),
        prefix.with_name(prefix.name + "_nhanes.csv"): body_csv(report),
        svg: realism_svg(report),
    }
    for path, text in files.items():
        atomic_write(path, text.encode("utf-8"))
    return list(files)
