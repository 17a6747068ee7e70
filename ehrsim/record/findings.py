"""Report text for imaging, ECG, echocardiography and pathology, written from the record's findings.

When a life is finished, every imaging study and every ECG, echocardiogram or biopsy procedure
gets a DiagnosticReport whose conclusion names the conditions the study would show: those active
at the study time (or diagnosed within ``LOOKAHEAD`` after it, as a biopsy is read before the
diagnosis is recorded) that ``terminology/physiology/report_findings.csv`` lists for the study's
group; otherwise the group's normal text. The conditions are the report's conclusionCode. Echo
and ECG text quote the ejection fraction and heart rate recorded at that encounter.

A staging or surveillance CT (``report_cancer.csv``) of a patient with a known malignancy never reads
"no acute abnormality": a primary resected or irradiated before the study reads as post-treatment changes,
metastases are named, and what the region does not show is "no evidence of (recurrent or) metastatic
disease", recurrent once every known malignancy was treated.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from ehrsim.core.tables import rows

LOOKAHEAD = 30 * 86400  # a pathology or imaging result may lead to the diagnosis within a month
LVEF, HEART_RATE = "10230-1", "8867-4"
#: LOINC stage group, T, N and M observations the cancer modules record (AJCC values)
STAGE_CODES = ("21908-9", "21905-5", "21906-3", "21907-1")
STAGE_WINDOW = (-30 * 86400, 120 * 86400)  # staging recorded around the biopsy, up to 4 months later
TREATED_AFTER = 14 * 86400  # a CT two weeks after surgery or the first radiotherapy fraction shows treatment changes
NO_SPREAD = "No evidence of metastatic disease in the {region}."  # another site may hold a known metastasis
REGIONS = {"chest": "chest", "abdomen": "abdomen or pelvis"}
NO_RECURRENCE = "No evidence of recurrent or metastatic disease."


class Oncology(NamedTuple):
    """A life's cancer history as a CT report reads it."""

    malignancies: tuple[tuple[float, float | None, str], ...]  # (start, stop, code) of every malignant condition
    treated: dict[str, tuple[tuple[float, str], ...]]  # condition code -> (procedure time, finding), by time
    metastases: frozenset[str]  # condition codes that are metastases


@cache
def studies() -> dict[str, tuple[str, str]]:
    """Study (procedure) code -> (group, HL7 v2-0074 diagnostic service section)."""
    return {r["code"]: (r["group"], r["category"]) for r in rows("physiology/report_studies.csv")}


@cache
def findings() -> dict[str, dict[str, str]]:
    """Group -> condition code ('' for normal) -> finding text."""
    out: dict[str, dict[str, str]] = {}
    for r in rows("physiology/report_findings.csv"):
        out.setdefault(r["group"], {})[r["condition_code"]] = r["finding"]
    return out


@cache
def followups() -> dict[tuple[str, str], tuple[float, str]]:
    """(group, condition code) -> (days after onset, finding) for a study repeated at follow-up (a healing fracture)."""
    return {
        (r["group"], r["condition_code"]): (float(r["after_days"]) * 86400, r["finding"])
        for r in rows("physiology/report_followup.csv")
    }


@cache
def fallbacks() -> frozenset[str]:
    """Condition codes whose finding is only written when nothing more specific is (a generic fracture)."""
    return frozenset(r["condition_code"] for r in rows("physiology/report_findings.csv") if r.get("fallback") == "1")


@cache
def cancer_table() -> tuple[frozenset[str], re.Pattern[str], frozenset[str], dict[str, dict[str, str]]]:
    """(CT study codes, malignancy display pattern, metastasis codes, procedure -> condition code -> finding)."""
    table = rows("physiology/report_cancer.csv")
    cts = frozenset(r["code"] for r in table if r["kind"] == "ct")
    pattern = re.compile("|".join(r["pattern"] for r in table if r["kind"] == "malignancy"), re.IGNORECASE)
    spread = frozenset(r["condition_code"] for r in table if r["kind"] == "metastasis")
    treatments: dict[str, dict[str, str]] = {}
    for r in table:
        if r["kind"] == "treatment":
            treatments.setdefault(r["code"], {})[r["condition_code"]] = r["finding"]
    return cts, pattern, spread, treatments


def oncology(conditions: list[dict[str, Any]], procedures: list[dict[str, Any]]) -> Oncology:
    """The malignant conditions of a life and the procedures that treated each (``report_cancer.csv``)."""
    _, pattern, spread, treatments = cancer_table()
    malignant = []
    for c in conditions:
        code = c["codes"][0] if c.get("codes") else {}
        if code.get("code") in spread or pattern.search(str(code.get("display") or "")):
            malignant.append((float(c["start"]), c.get("stop"), str(code.get("code"))))
    codes = {m[2] for m in malignant}
    treated: dict[str, list[tuple[float, str]]] = {}
    for p in procedures:
        table = treatments.get(p["codes"][0].get("code")) if p.get("codes") else None
        for code, text in (table or {}).items():
            if code in codes:
                treated.setdefault(code, []).append((float(p["start"]), text))
    return Oncology(tuple(malignant), {k: tuple(sorted(v)) for k, v in treated.items()}, spread)


def add_reports(lists: dict[str, list[dict[str, Any]]], new_id: Any) -> None:
    """Append one report per reportable study to ``lists['reports']`` (``new_id()`` -> (id, n))."""
    table = studies()
    todo: list[tuple[float, str | None, dict[str, Any], str, str]] = []
    for p in lists["procedures"]:
        found = table.get(p["codes"][0]["code"]) if p.get("codes") else None
        if found:
            todo.append((p["start"], p.get("encounter"), p["codes"][0], *found))
    # a study recorded both as a procedure and as an imaging study (the engine writes both) gets one report
    recorded = {(p.get("encounter"), p["codes"][0]["code"]) for p in lists["procedures"] if p.get("codes")}
    for s in lists["imaging_studies"]:
        found = table.get(s["procedure_code"]["code"])
        if found and (s.get("encounter"), s["procedure_code"]["code"]) not in recorded:
            todo.append((s["time"], s.get("encounter"), s["procedure_code"], *found))
    if not todo:
        return
    # only the studies' encounters' numbers are read, and staging only for a pathology report with findings:
    # a life has ~900 observations and a few studies
    numbers = _numbers(lists["observations"], {encounter for _, encounter, *_ in todo})
    staging: list[tuple[float, str, str]] | None = None
    cts = cancer_table()[0]
    cancer: Oncology | None = None
    # per group, only the conditions it has a finding for (in record order): ``conclusion`` skips the others
    relevant: dict[str, list[dict[str, Any]]] = {}
    for t, encounter, code, groups, category in todo:
        if category == "RAD" and cancer is None:
            cancer = oncology(lists["conditions"], lists["procedures"])
        onc = cancer if category == "RAD" else None
        parts: list[str] = []
        codes: list[dict[str, str]] = []
        for group in groups.split(";"):  # a CT of chest, abdomen and pelvis reads each region
            conditions = relevant.get(group)
            if conditions is None:
                texts = findings().get(group, {})
                conditions = relevant[group] = [
                    c for c in lists["conditions"] if (k := c["codes"][0].get("code")) and texts.get(k) is not None
                ]
            part, named = conclusion(group, t, conditions, numbers.get(encounter, {}), onc, code["code"] in cts)
            parts.append(part)
            codes += [c for c in named if c not in codes]
        text = " ".join(parts)
        if category == "SP" and codes:
            if staging is None:
                staging = _staging(lists["observations"])
            text += stage_text(staging, t)
        entry_id, n = new_id()
        lists["reports"].append(
            {
                "id": entry_id,
                "n": n,
                "encounter": encounter,
                "time": t,
                "codes": [dict(code)],
                "observations": [],
                "category": category,
                "conclusion": text,
                "conclusion_codes": codes,
            }
        )


def _numbers(observations: list[dict[str, Any]], encounters: set[str | None]) -> dict[str | None, dict[str, float]]:
    """Encounter (of ``encounters``) -> last LVEF and heart rate recorded in it."""
    out: dict[str | None, dict[str, float]] = {}
    for o in observations:
        if o.get("encounter") not in encounters:
            continue
        components = o.get("components")
        for part in (o, *components) if components else (o,):  # every observation is read: no tuple when alone
            codes = part.get("codes")
            code = codes[0]["code"] if codes else None
            if code in (LVEF, HEART_RATE) and isinstance(part.get("value"), int | float):
                out.setdefault(o.get("encounter"), {})[code] = float(part["value"])
    return out


def conclusion(
    group: str,
    t: float,
    conditions: list[dict[str, Any]],
    numbers: dict[str, float],
    cancer: Oncology | None = None,
    staging: bool = False,
) -> tuple[str, list[dict[str, str]]]:
    """(text, conclusion codes) of a study in ``group`` at ``t``: ``cancer`` for imaging (a treated primary reads as
    treated), ``staging`` for a CT that also says whether a known malignancy has spread."""
    texts = findings().get(group, {})
    sentences: list[str] = []
    codes: list[dict[str, str]] = []
    disease = False  # an untreated malignancy or a metastasis is described
    for c in conditions:
        code = c["codes"][0]
        text = texts.get(code["code"]) if code.get("code") else None
        if text is None or c["start"] > t + LOOKAHEAD or (c.get("stop") is not None and c["stop"] < t):
            continue
        later = followups().get((group, code["code"]))
        if later is not None and t - c["start"] >= later[0]:
            text = later[1]
        if cancer is not None:
            done = _treatment(cancer, code["code"], c["start"], t)
            text = done or text
            disease = disease or (done is None and any(m[2] == code["code"] for m in cancer.malignancies))
        if text not in sentences:
            sentences.append(text)
            codes.append(dict(code))
    generic = [i for i, c in enumerate(codes) if c["code"] in fallbacks()]
    if generic and len(generic) < len(codes):
        sentences = [s for i, s in enumerate(sentences) if i not in generic]
        codes = [c for i, c in enumerate(codes) if i not in generic]
    if cancer is not None and staging and not disease:
        known = [m for m in cancer.malignancies if m[0] <= t + LOOKAHEAD]
        if known:
            untreated = any(
                (stop is None or stop >= t) and _treatment(cancer, code, start, t) is None
                for start, stop, code in known
            )
            sentences.append(NO_SPREAD.format(region=REGIONS.get(group, "study")) if untreated else NO_RECURRENCE)
    if not sentences:
        sentences.append(texts.get("", "No abnormality reported."))
    ef = numbers.get(LVEF)
    hr = numbers.get(HEART_RATE)
    fill = {
        "ef": f"; left ventricular ejection fraction {ef:.0f} %" if ef is not None else "",
        "hr": f", ventricular rate {hr:.0f}/min" if hr is not None else "",
    }
    return " ".join(s.format(**fill) for s in sentences), codes


def _treatment(cancer: Oncology, code: str, start: float, t: float) -> str | None:
    """The finding of the first treatment of ``code`` after its diagnosis and two weeks before ``t`` (or None)."""
    for when, text in cancer.treated.get(code, ()):
        if start - LOOKAHEAD <= when <= t - TREATED_AFTER:
            return text
    return None


def _staging(observations: list[dict[str, Any]]) -> list[tuple[float, str, str]]:
    """(time, LOINC, short text) of every coded stage, T, N or M result."""
    out = []
    for o in observations:
        code = o["codes"][0]["code"] if o.get("codes") else None
        value = o.get("value")
        if code in STAGE_CODES and isinstance(value, dict) and value.get("display"):
            short = (
                value["display"].replace("American Joint Committee on Cancer ", "").replace(" (qualifier value)", "")
            )
            out.append((float(o["time"]), code, short))
    return out


def stage_text(staging: list[tuple[float, str, str]], t: float) -> str:
    """' Clinical stage: Stage 2 (cT2 cN1 cM0).' from the staging recorded around ``t`` (or '')."""
    near = {code: text for when, code, text in sorted(staging) if STAGE_WINDOW[0] <= when - t <= STAGE_WINDOW[1]}
    if not near:
        return ""
    tnm = " ".join(near[c] for c in STAGE_CODES[1:] if c in near)
    group = near.get(STAGE_CODES[0], "")
    if group and tnm:
        return f" Clinical stage: {group} ({tnm})."
    return f" Clinical stage: {group or tnm}."
