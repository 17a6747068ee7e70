"""Code-system names used in GMF modules, and their FHIR URIs and OMOP vocabulary ids."""

from __future__ import annotations

import csv
from functools import cache

from ehrsim.paths import terminology_dir


@cache
def _table() -> dict[str, tuple[str, str]]:
    with open(terminology_dir() / "systems.csv", newline="", encoding="utf-8") as fh:
        return {row["gmf_system"]: (row["uri"], row["omop_vocabulary"]) for row in csv.DictReader(fh)}


def uri(system: str) -> str:
    """FHIR ``system`` URI for a GMF system name; unknown names become a urn so nothing is lost."""
    entry = _table().get(system)
    return entry[0] if entry else f"urn:ehrsim:system:{system}"


def omop_vocabulary(system: str) -> str:
    """OHDSI ``vocabulary_id`` for a GMF system name, or "" when OMOP has none."""
    entry = _table().get(system)
    return entry[1] if entry else ""
