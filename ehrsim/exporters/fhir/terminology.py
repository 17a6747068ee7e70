"""The FHIR mapping tables under ``terminology/fhir/`` (profiles, race codes, languages...), loaded once."""

from __future__ import annotations

import csv
from functools import cache

from ehrsim.paths import terminology_dir


def _rows(name: str, folder: str = "fhir") -> list[dict[str, str]]:
    with open(terminology_dir() / folder / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def profiles() -> dict[str, str]:
    """``ResourceType`` or ``ResourceType:variant`` -> US Core 6.1.0 profile URL."""
    return {r["key"]: r["profile"] for r in _rows("us_core_profiles.csv")}


@cache
def observation_profiles() -> dict[str, str]:
    """LOINC code -> the specific US Core observation profile (vital signs, smoking status...)."""
    return {r["loinc"]: r["profile"] for r in _rows("observation_profiles.csv")}


@cache
def race_ethnicity() -> dict[str, dict[str, str]]:
    """Record race/ethnicity value -> its OMB (CDC Race & Ethnicity) coding and extension slice."""
    return {r["value"]: r for r in _rows("race_ethnicity.csv")}


@cache
def languages() -> dict[str, tuple[str, str]]:
    """Record language name -> (BCP 47 code, display); the demographics table the engine draws from."""
    return {r["language"]: (r["code"], r["display"]) for r in _rows("language_codes.csv", "demographics")}


@cache
def specialties() -> dict[str, str]:
    """Practitioner specialty (as the world names it) -> NUCC provider taxonomy code."""
    return {r["specialty"]: r["nucc_code"] for r in _rows("specialties.csv", "demographics") if r.get("nucc_code")}


@cache
def encounter_classes() -> dict[str, tuple[str, str]]:
    """Record encounter class -> (v3 ActCode, display)."""
    return {r["class"]: (r["code"], r["display"]) for r in _rows("encounter_class.csv")}


@cache
def identifier_systems() -> dict[str, dict[str, str]]:
    """Identifier kind (mrn, ssn, npi...) -> its system URI and v2-0203 type code."""
    return {r["key"]: r for r in _rows("identifiers.csv")}


@cache
def time_units() -> dict[str, str]:
    """Time unit name as GMF writes it (``days``, ``hours``...) -> UCUM unit."""
    return {r["unit"]: r["ucum"] for r in _rows("time_units.csv")}


@cache
def plausible_ranges() -> dict[str, tuple[str, float, float]]:
    """LOINC code -> (UCUM unit, min, max) outside which a value is clinically implausible."""
    return {r["loinc"]: (r["unit"], float(r["min"]), float(r["max"])) for r in _rows("plausible_ranges.csv")}
