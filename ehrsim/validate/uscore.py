"""US Core 6.1.0 required elements, for resources that claim a US Core profile.

The element list is data (``terminology/fhir/us_core_required.csv``: profile, path; ``a|b`` means
one of them, dots walk into lists). Two rules need more than presence and live here in code:
every resource must claim a profile, and the race/ethnicity extensions must carry their text.
"""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

from ehrsim.paths import terminology_dir
from ehrsim.validate.report import Problem

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"


@cache
def required() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(terminology_dir() / "fhir" / "us_core_required.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["profile"], []).append(row["path"])
    return out


def _present(node: Any, path: list[str]) -> bool:
    if not path:
        return node not in (None, "", [], {})
    if isinstance(node, list):
        return any(_present(item, path) for item in node)
    if isinstance(node, dict):
        return _present(node.get(path[0]), path[1:])
    return False


def present(res: dict[str, Any], path: str) -> bool:
    """Whether any alternative of ``path`` (``a.b|c``) has a value."""
    return any(_present(res, alt.split(".")) for alt in path.split("|"))


def check(res: dict[str, Any], where: str) -> list[Problem]:
    profiles = (res.get("meta") or {}).get("profile") or []
    if not profiles:
        return [Problem("us-core", where, "no meta.profile")]
    problems = []
    for url in profiles:
        if not url.startswith(US_CORE):
            continue
        name = url[len(US_CORE) :]
        for path in required().get(name, []):
            if not present(res, path):
                problems.append(Problem("us-core", where, f"{name} requires {path}"))
    if res.get("resourceType") == "Patient":
        for ext in res.get("extension", []):
            url = ext.get("url", "")
            if url in (f"{US_CORE}us-core-race", f"{US_CORE}us-core-ethnicity"):
                subs = {e.get("url") for e in ext.get("extension", [])}
                if "text" not in subs:
                    problems.append(Problem("us-core", where, f"{url.rsplit('/', 1)[1]} needs its text extension"))
    return problems
