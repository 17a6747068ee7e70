"""condition_era and drug_era by the standard OHDSI rules, per person (eras never span people).

Occurrences of the same concept are merged when the next starts within 30 days (the persistence
window) of the end of the current era. Condition end = end date, or start + 1 day; drug end =
end date (drug_exposure_end_date is always set). drug_era is built on ingredients, as OHDSI's era
script does through CONCEPT_ANCESTOR: each exposure counts for every ingredient of its drug, and a
drug with no known ingredient (e.g. a vaccine) has no era.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ehrsim.exporters.omop.rows import PatientRows

PERSISTENCE = dt.timedelta(days=30)
ONE_DAY = dt.timedelta(days=1)


def _merge(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date, int, int]]:
    """(start, end, count, gap_days) per era from (start, end) spans of one concept."""
    eras: list[list[Any]] = []
    for start, end in sorted(spans):
        if eras and start <= eras[-1][1] + PERSISTENCE:
            era = eras[-1]
            era[3] += max(0, (start - era[1]).days)
            era[1] = max(era[1], end)
            era[2] += 1
        else:
            eras.append([start, end, 1, 0])
    return [(s, e, n, g) for s, e, n, g in eras]


def era_rows(out: PatientRows, last_day: dt.date, ingredients: Callable[[int], tuple[int, ...]]) -> None:
    """Derive eras from the condition_occurrence and drug_exposure rows already in ``out``;
    ``ingredients`` gives the RxNorm ingredient concept ids of a drug concept."""
    conditions: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for row in out.rows.get("condition_occurrence", []):
        if row["condition_concept_id"]:
            start = dt.date.fromisoformat(row["condition_start_date"])
            end = dt.date.fromisoformat(row["condition_end_date"]) if row["condition_end_date"] else start + ONE_DAY
            conditions[row["condition_concept_id"]].append((start, min(max(end, start), max(last_day, start))))
    for concept in sorted(conditions):
        for start, end, count, _ in _merge(conditions[concept]):
            out.add(
                "condition_era",
                {
                    "condition_concept_id": concept,
                    "condition_era_start_date": start.isoformat(),
                    "condition_era_end_date": end.isoformat(),
                    "condition_occurrence_count": count,
                },
                "condition_era_id",
            )
    drugs: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for row in out.rows.get("drug_exposure", []):
        if row["drug_concept_id"]:
            start = dt.date.fromisoformat(row["drug_exposure_start_date"])
            end = dt.date.fromisoformat(row["drug_exposure_end_date"])
            for ingredient in ingredients(row["drug_concept_id"]):
                drugs[ingredient].append((start, max(start, end)))
    for concept in sorted(drugs):
        for start, end, count, gap in _merge(drugs[concept]):
            out.add(
                "drug_era",
                {
                    "drug_concept_id": concept,
                    "drug_era_start_date": start.isoformat(),
                    "drug_era_end_date": end.isoformat(),
                    "drug_exposure_count": count,
                    "gap_days": gap,
                },
                "drug_era_id",
            )
