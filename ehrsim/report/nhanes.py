"""Body measurements of the simulated population against NHANES percentiles by age band and sex.

Judged: the survey exam of everyone alive at the reference date (record ``latent.exam``, core/exam.py),
at the person's age then, as NHANES examines a probability sample of everyone: the true state at the
reference date, reported at each analyte's precision. Informative only: the recorded results, i.e. the
last result of each quantity in the three years before the reference date, for the living adults who
had one (testing follows disease, so the tested are sicker than the population). Compared: BMI (NCHS
Vital Health Stat 3(50)), systolic and diastolic BP, heart rate, HbA1c and eGFR (computed from public
NHANES 2009-2012 extracts; HbA1c and eGFR unweighted) and fasting LDL-C (NHANES 2017-March 2020,
survey-weighted, by sex and age band, 70 and older together). A band passes when its simulated median
lies within the NHANES interquartile range (``terminology/physiology/nhanes_percentiles.csv``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

from ehrsim.core.tables import rows
from ehrsim.report.source import YEAR

#: LOINC codes of each compared quantity (eGFR: both CKD-EPI 2021 and MDRD-coded results)
CODES = {
    "4548-4": "Hemoglobin A1c",
    "18262-6": "LDL",
    "8480-6": "Systolic Blood Pressure",
    "8462-4": "Diastolic Blood Pressure",
    "8867-4": "Heart Rate",
    "39156-5": "BMI",
    "98979-8": "EGFR",
    "33914-3": "EGFR",
}
WINDOW_YEARS = 3.0


@dataclass(frozen=True)
class Band:
    variable: str
    sex: str
    age_low: float
    age_high: float
    p25: float
    p50: float
    p75: float
    unit: str


@dataclass(frozen=True)
class BandResult:
    band: Band
    n: int
    p25: float
    p50: float
    p75: float

    @property
    def within(self) -> bool:
        return self.n > 0 and self.band.p25 <= self.p50 <= self.band.p75

    @property
    def status(self) -> str:
        if not self.n:
            return "no data"
        return "ok" if self.within else ("high" if self.p50 > self.band.p75 else "low")


@cache
def bands() -> tuple[Band, ...]:
    return tuple(
        Band(
            r["variable"],
            r["sex"],
            float(r["age_low"]),
            float(r["age_high"]),
            float(r["p25"]),
            float(r["p50"]),
            float(r["p75"]),
            r["unit"],
        )
        for r in rows("physiology/nhanes_percentiles.csv")
    )


#: what a comparison reads: the survey exam of everyone alive (judged) or the recorded results (informative)
EXAM, RECORDED = "exam", "recorded"


class Collector:
    """Keeps, per person, one value of each compared quantity (small memory): the survey exam's
    (``basis`` EXAM) or the last recorded result's (``basis`` RECORDED)."""

    def __init__(self, reference_time: float, basis: str = EXAM) -> None:
        if basis not in (EXAM, RECORDED):
            raise ValueError(f"unknown basis {basis!r}")
        self.reference_time = reference_time
        self.basis = basis
        self.values: list[tuple[str, str, float, float]] = []  # variable, sex, age, value

    def add(self, record: dict[str, Any]) -> None:
        death = (record.get("death") or {}).get("time")
        if death is not None and death <= self.reference_time:
            return
        patient = record["patient"]
        age = (self.reference_time - float(patient["birth_time"])) / YEAR
        if age < 20:
            return
        if self.basis == EXAM:
            exam = (record.get("latent") or {}).get("exam") or {}
            for code, value in (exam.get("values") or {}).items():
                variable = CODES.get(code)
                if variable is not None:
                    self.values.append((variable, patient["gender"], age, float(value)))
            return
        since = self.reference_time - WINDOW_YEARS * YEAR
        last: dict[str, tuple[float, float]] = {}
        for o in record.get("observations") or ():
            t = o["time"]
            if not since <= t <= self.reference_time:
                continue
            for part in (o, *(o.get("components") or ())):
                value = part.get("value")
                if part.get("value_type") != "numeric" or value is None or not part["codes"]:
                    continue
                variable = CODES.get(part["codes"][0]["code"])
                if variable is not None and (variable not in last or t >= last[variable][0]):
                    last[variable] = (t, float(value))
        for variable, (_, value) in last.items():
            self.values.append((variable, patient["gender"], age, value))

    def compare(self) -> list[BandResult]:
        out = []
        for band in bands():
            found = sorted(
                v
                for variable, sex, age, v in self.values
                if variable == band.variable and sex == band.sex and band.age_low <= age < band.age_high + 1
            )
            if found:
                out.append(BandResult(band, len(found), _q(found, 0.25), _q(found, 0.5), _q(found, 0.75)))
            else:
                out.append(BandResult(band, 0, math.nan, math.nan, math.nan))
        return out


def _q(sorted_values: list[float], q: float) -> float:
    """Quantile by linear interpolation between order statistics."""
    pos = q * (len(sorted_values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def label(r: BandResult) -> str:
    b = r.band
    return f"NHANES {b.variable} {b.sex} {b.age_low:g}-{b.age_high:g}"


def csv_rows(results: list[BandResult], basis: str = EXAM) -> list[dict[str, str]]:
    return [
        {
            "basis": basis,
            "variable": r.band.variable,
            "sex": r.band.sex,
            "age_band": f"{r.band.age_low:g}-{r.band.age_high:g}",
            "unit": r.band.unit,
            "n": str(r.n),
            "sim_p25": f"{r.p25:.4g}",
            "sim_p50": f"{r.p50:.4g}",
            "sim_p75": f"{r.p75:.4g}",
            "nhanes_p25": f"{r.band.p25:g}",
            "nhanes_p50": f"{r.band.p50:g}",
            "nhanes_p75": f"{r.band.p75:g}",
            "status": r.status,
        }
        for r in results
    ]


COLUMNS = (
    "basis",
    "variable",
    "sex",
    "age_band",
    "unit",
    "n",
    "sim_p25",
    "sim_p50",
    "sim_p75",
    "nhanes_p25",
    "nhanes_p50",
    "nhanes_p75",
    "status",
)
