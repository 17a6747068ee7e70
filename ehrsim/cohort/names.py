"""Names in cohort expressions (``condition("Diabetes mellitus type 2")``) looked up in ``terminology/codes/``.

A name matches a code's display case-insensitively, with or without its SNOMED CT semantic tag
(``(disorder)``, ``(procedure)``...); every code of the kind's systems with that display counts.
"""

from __future__ import annotations

import re
from functools import cache

from ehrsim.cohort.lang import NameResolver
from ehrsim.core.tables import rows
from ehrsim.paths import terminology_dir

#: the code systems each record list is coded in
SYSTEMS = {
    "conditions": ("SNOMED-CT", "ICD10-CM"),
    "medications": ("RxNorm",),
    "procedures": ("SNOMED-CT",),
    "observations": ("LOINC", "SNOMED-CT"),
    "immunizations": ("CVX",),
    "allergies": ("SNOMED-CT", "RxNorm"),
}
_TAG = re.compile(r"\s*\([^()]*\)\s*$")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@cache
def _index() -> dict[tuple[str, str], frozenset[tuple[str, str]]]:
    """(system, normalised display) -> codes, over every file in terminology/codes/."""
    found: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for path in sorted((terminology_dir() / "codes").glob("*.csv")):
        for row in rows(f"codes/{path.name}"):
            display = row.get("display") or ""
            for key in {_key(display), _key(_TAG.sub("", display))}:
                found.setdefault((row["system"], key), set()).add((row["system"], row["code"]))
    return {k: frozenset(v) for k, v in found.items()}


@cache
def known_systems() -> frozenset[str]:
    return frozenset(r["gmf_system"] for r in rows("systems.csv"))


class TerminologyNames(NameResolver):
    def __call__(self, kind: str, name: str) -> frozenset[tuple[str, str]]:
        index = _index()
        codes: set[tuple[str, str]] = set()
        for system in SYSTEMS[kind]:
            codes |= index.get((system, _key(name)), frozenset())
        if not codes:
            where = " or ".join(SYSTEMS[kind])
            raise LookupError(f"no {where} code named {name!r} in terminology/codes (give SYSTEM:CODE)")
        return frozenset(codes)

    def check_system(self, system: str) -> None:
        if system not in known_systems():
            raise LookupError(f"unknown code system {system!r} (known: {', '.join(sorted(known_systems()))})")
