"""Run one clinical rule over hand-made records and say what it found (known truth)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from ehrsim.report.clinical import RuleResult, audit, default_clinical
from ehrsim.report.source import RunInfo
from tests.report.records import REFERENCE, RecordBuilder

Record = dict[str, Any]
BOSTON = zoneinfo.ZoneInfo("America/New_York")  # the builder's patients live in MA

AMOXICILLIN = ("308192", "amoxicillin 500 MG Oral Tablet")
AMOX_SUSPENSION = ("308189", "amoxicillin 80 MG/ML Oral Suspension")
AZITHROMYCIN = ("308460", "azithromycin 250 MG Oral Tablet")
LISINOPRIL = ("314076", "lisinopril 10 MG Oral Tablet")
ENTRESTO = ("1656354", "sacubitril 97 MG / valsartan 103 MG Oral Tablet")
IBUPROFEN = ("310965", "ibuprofen 200 MG Oral Tablet")
ACETAMINOPHEN = ("313782", "acetaminophen 325 MG Oral Tablet")
METFORMIN = ("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet")
ATORVASTATIN_80 = ("259255", "atorvastatin 80 MG Oral Tablet")
ATORVASTATIN_20 = ("617310", "atorvastatin 20 MG Oral Tablet")
SIMVASTATIN_10 = ("314231", "simvastatin 10 MG Oral Tablet")
EPIPEN = ("1870230", "NDA020800 0.3 ML epinephrine 1 MG/ML Auto-Injector")
SUBOXONE = ("351266", "buprenorphine 2 MG / naloxone 0.5 MG Sublingual Tablet")
SMX_TMP = ("198335", "sulfamethoxazole 800 MG / trimethoprim 160 MG Oral Tablet")
FLOVENT = ("895994", "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler")
ADVAIR = ("896209", "60 ACTUAT fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler")
ALTEPLASE = ("1804799", "alteplase 100 MG Injection")
BIKTARVY = ("1999667", "bictegravir 50 MG / emtricitabine 200 MG / tenofovir alafenamide 25 MG Oral Tablet")
AMLODIPINE = ("197361", "amlodipine 5 MG Oral Tablet")
NICOTINE_PATCH = ("198031", "24 HR nicotine 0.292 MG/HR Transdermal System")

DAY = 86_400


def med(b: RecordBuilder, drug: tuple[str, str], start: int, stop: int | None = None, **kw: Any) -> dict[str, Any]:
    return b.medication(drug[0], start, kw.pop("reason", []), stop=stop, display=drug[1], **kw)


def local(day: dt.date, hour: int, minute: int = 0) -> int:
    """Record time of a wall-clock time in Boston."""
    return int(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BOSTON).timestamp())


def run(rule_id: str, records: list[Record], reference: int = REFERENCE, years_of_history: int = 0) -> RuleResult:
    report = audit(records, RunInfo(reference, years_of_history), default_clinical(), only=[rule_id])
    assert [r.rule.id for r in report.results] == [rule_id]
    return report.results[0]


SIGNIFICANT_COPIES = 20  # a "binomial" rule judges a share: the breaking pattern is repeated until it is significant


def breaks(rule_id: str, records: list[Record], **kw: Any) -> RuleResult:
    """The records break the rule. A rule judged by a binomial test must be over its tolerance with these
    records, and FAIL once the same records are seen 20 times (a share over the tolerance, not chance)."""
    result = run(rule_id, records, **kw)
    if result.rule.judge == "binomial":
        assert result.rate is not None and result.rate > result.rule.tolerance, (result.breaking, result.denominator)
        assert result.examples, "a broken rule names example patients"
        result = run(rule_id, records * SIGNIFICANT_COPIES, **kw)
    assert result.status == "FAIL", (result.status, result.breaking, result.denominator, result.measure)
    if result.band is None:
        assert result.examples, "a broken rule names example patients"
    return result


def passes(rule_id: str, records: list[Record], **kw: Any) -> RuleResult:
    result = run(rule_id, records, **kw)
    assert result.status == "pass", (
        result.status,
        result.breaking,
        result.denominator,
        result.measure,
        result.examples,
    )
    return result
