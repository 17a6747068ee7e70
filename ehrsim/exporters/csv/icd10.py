"""``--csv-icd10``: ICD10_CODE and ICD10_DESCRIPTION columns after conditions.csv's own columns
(the layout of Synthea's PR #1713), from the SNOMED CT -> ICD-10-CM maps in ``terminology/icd10cm/``."""

from __future__ import annotations

import csv
from functools import cache

from ehrsim.paths import terminology_dir

COLUMNS = ("ICD10_CODE", "ICD10_DESCRIPTION")


@cache
def snomed_to_icd10() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    folder = terminology_dir() / "icd10cm"
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                table.setdefault(row["snomed_code"], (row["icd10_code"], row["icd10_display"]))
    return table


def icd10_of(code: dict[str, str]) -> tuple[str, str]:
    """(ICD-10-CM code, description) of a condition code; empty when unmapped."""
    if code.get("system") in ("ICD10-CM", "ICD-10-CM"):
        return code["code"], code.get("display", "")
    if code.get("system") != "SNOMED-CT":
        return "", ""
    return snomed_to_icd10().get(code["code"], ("", ""))
