"""The realism report as CSV (for machines) and Markdown (for people)."""

from __future__ import annotations

import csv
import io
import math

from ehrsim.record.times import to_date
from ehrsim.report import nhanes
from ehrsim.report.lifetable import LifeTableResult
from ehrsim.report.realism import RealismReport, TargetResult

TARGET_COLUMNS = (
    "condition",
    "code",
    "measure",
    "sex",
    "age_band",
    "unit",
    "target",
    "tolerance",
    "allowed_low",
    "allowed_high",
    "simulated",
    "ci_low",
    "ci_high",
    "numerator",
    "denominator",
    "gap",
    "relative_gap",
    "status",
    "source",
    "file",
)
LIFE_COLUMNS = (
    "sex",
    "age_band",
    "measure",
    "unit",
    "published",
    "tolerance",
    "allowed_low",
    "allowed_high",
    "simulated",
    "ci_low",
    "ci_high",
    "deaths",
    "person_years",
    "gap",
    "status",
    "source",
)


def _num(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return ""
    return f"{x:.{digits}g}"


def _band(low: float, high: float) -> str:
    return f"{low:g}+" if math.isinf(high) else f"{low:g}-{high:g}"


def target_row(r: TargetResult) -> dict[str, str]:
    t = r.target
    lo, hi = t.allowed
    return {
        "condition": t.condition,
        "code": "|".join(t.codes),
        "measure": t.measure,
        "sex": t.sex,
        "age_band": t.band,
        "unit": t.unit,
        "target": _num(t.target),
        "tolerance": _num(t.tolerance),
        "allowed_low": _num(lo),
        "allowed_high": _num(hi),
        "simulated": _num(r.value),
        "ci_low": _num(r.low),
        "ci_high": _num(r.high),
        "numerator": str(r.numerator),
        "denominator": _num(r.denominator, 6),
        "gap": _num(r.gap),
        "relative_gap": _num(r.relative_gap, 3),
        "status": r.status,
        "source": t.source,
        "file": f"{t.file}:{t.line}",
    }


def _life_status(r: LifeTableResult) -> str:
    if math.isnan(r.value):
        return "no data"
    return "ok" if r.within else ("high" if r.value > r.published else "low")


def life_row(r: LifeTableResult) -> dict[str, str]:
    lo, hi = r.allowed
    return {
        "sex": r.sex,
        "age_band": _band(r.age_low, r.age_high) if r.measure == "qx" else f"{r.age_low:g}",
        "measure": r.measure,
        "unit": r.unit,
        "published": _num(r.published),
        "tolerance": _num(r.tolerance),
        "allowed_low": _num(lo),
        "allowed_high": _num(hi),
        "simulated": _num(r.value),
        "ci_low": _num(r.low),
        "ci_high": _num(r.high),
        "deaths": str(r.deaths),
        "person_years": _num(r.years, 6),
        "gap": _num(r.gap, 3),
        "status": _life_status(r),
        "source": r.source,
    }


def to_csv(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def targets_csv(report: RealismReport) -> str:
    return to_csv([target_row(r) for r in report.results], TARGET_COLUMNS)


def life_csv(report: RealismReport) -> str:
    return to_csv([life_row(r) for r in report.life], LIFE_COLUMNS)


def _md_table(rows: list[list[str]], header: list[str]) -> list[str]:
    def clean(cell: str) -> str:
        return cell.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]
    return lines


def markdown(report: RealismReport, command: str = "", svg_name: str = "") -> str:
    """A self-explaining Markdown page: what was compared, how, and every row's verdict."""
    within = sum(r.within for r in report.results)
    total = len(report.results)
    lines = ["# ehrsim realism report", ""]
    if command:
        lines += ["Produced by:", "", "```", command, "```", ""]
    history = f"{report.info.years_of_history} years" if report.info.years_of_history else "whole lives"
    lines += [
        f"- Patients: {report.patients} ({report.alive} alive at the reference date "
        f"{to_date(report.info.reference_time).isoformat()})",
        f"- History kept: {history}",
        f"- Target rows within tolerance (95 % interval reaches the tolerance band): **{within} / {total}**"
        + (f" ({100 * within / total:.0f} %)" if total else ""),
    ]
    for sex, label in (("M", "males"), ("F", "females"), ("all", "everyone")):
        e0 = report.life_expectancy(sex)
        if e0 is not None and not e0.estimable:
            lines.append(f"- Life expectancy at birth, {label}: cannot be estimated (no deaths observed)")
        elif e0 is not None:
            lines.append(
                f"- Life expectancy at birth, {label}: {e0.value:.1f} years (95 % CI {e0.low:.1f}-"
                f"{e0.high:.1f}) vs {e0.published:g} published (gap {e0.gap:+.1f}; "
                f"{'within' if e0.point_within else 'outside'} ±{e0.tolerance:g} years)"
                + ("" if e0.reliable else f"; unreliable: only {e0.deaths} deaths")
            )
    if report.body:
        ok = sum(b.within for b in report.body)
        lines.append(
            f"- NHANES bands, survey exam of everyone alive (median within the published IQR): **{ok} / "
            f"{len(report.body)}**"
        )
    lines.append("")
    if svg_name:
        lines += [f"![simulated vs target]({svg_name})", ""]
    lines += [
        "## Conditions",
        "",
        "Prevalence: people alive at the reference date, by age then; incidence: first onsets per "
        "1000 person-years at risk. 95 % intervals: Wilson (proportions), Poisson (rates). "
        "Status `ok` when the interval reaches target ± tolerance.",
        "",
    ]
    rows = [
        [
            t["condition"],
            t["code"],
            t["measure"],
            t["sex"],
            t["age_band"],
            f"{t['target']} {t['unit']}",
            t["simulated"],
            f"{t['ci_low']}-{t['ci_high']}",
            f"{t['numerator']}/{t['denominator']}",
            t["gap"],
            t["status"],
            t["source"],
        ]
        for t in map(target_row, report.results)
    ]
    lines += _md_table(
        rows,
        [
            "condition",
            "code",
            "measure",
            "sex",
            "age",
            "target",
            "simulated",
            "95 % CI",
            "cases/denominator",
            "gap",
            "status",
            "source",
        ],
    )
    lines += [
        "",
        "## Mortality",
        "",
        "Period life table from the simulated deaths and person-years by sex and age band (whole lives).",
        "",
    ]
    rows = [
        [
            x["sex"],
            x["measure"],
            x["age_band"],
            x["published"],
            x["simulated"],
            f"{x['ci_low']}-{x['ci_high']}",
            f"{x['deaths']}",
            x["gap"],
            x["status"],
            x["source"],
        ]
        for x in map(life_row, report.life)
    ]
    lines += _md_table(
        rows, ["sex", "measure", "age", "published", "simulated", "95 % CI", "deaths", "gap", "status", "source"]
    )
    if report.body:
        paragraphs = nhanes.__doc__.split("\n\n")
        lines += ["", "## Body measurements vs NHANES: survey exam of everyone alive at the reference date", ""]
        lines += [paragraphs[1].replace("\n", " "), ""]
        lines += _body_table(report.body)
    if report.body_recorded:
        lines += ["", "## Recorded results vs NHANES (informative, not judged)", ""]
        lines += [
            "The last recorded result of each quantity in the three years before the reference date, for the "
            "living adults who had one. Who is tested follows disease (every diagnosed diabetic has an HbA1c), "
            "so these bands describe the tested, not the population NHANES samples.",
            "",
        ]
        lines += _body_table(report.body_recorded, nhanes.RECORDED)
    return "\n".join(lines) + "\n"


def _body_table(results: list[nhanes.BandResult], basis: str = nhanes.EXAM) -> list[str]:
    body = nhanes.csv_rows(results, basis)
    return _md_table(
        [[b[c] for c in nhanes.COLUMNS[1:]] for b in body],
        [
            *("quantity", "sex", "age", "unit", "n", "sim p25", "sim median", "sim p75"),
            *("NHANES p25", "NHANES median", "NHANES p75", "status"),
        ],
    )


def body_csv(report: RealismReport) -> str:
    rows = nhanes.csv_rows(report.body) + nhanes.csv_rows(report.body_recorded, nhanes.RECORDED)
    return to_csv(rows, nhanes.COLUMNS)
