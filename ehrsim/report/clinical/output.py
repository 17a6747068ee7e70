"""The audit as Markdown (for people) and CSV (for tools)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ehrsim.output import atomic_write
from ehrsim.report.clinical.audit import AuditReport, RuleResult

CSV_COLUMNS = (
    "rule",
    "group",
    "kind",
    "status",
    "count",
    "denominator_patients",
    "denominator_events",
    "patients_breaking",
    "events_breaking",
    "rate",
    "tolerance",
    "measure",
    "band_low",
    "band_high",
    "examples",
    "description",
    "source",
    "url",
    "judge",
    "ci_low",
    "ci_high",
    "p_value",
)


def _pct(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f} %"


def _figure(r: RuleResult) -> str:
    if r.band is not None:
        lo, hi = r.band
        unit = r.rule.params.get("band_unit", "share")
        if r.measure is None:
            shown = "no data"
        elif unit == "share":
            shown = _pct(r.measure)
        else:
            shown = f"{r.measure:.1f} {unit}"
        band = f"{_pct(lo)}-{_pct(hi)}" if unit == "share" else f"{lo:g} to {hi:g} {unit}"
        return f"{shown} (band {band})"
    shown = f"{_pct(r.rate) or 'no data'} (tolerance {_pct(r.rule.tolerance)}"
    if r.interval is not None and r.p_value is not None:
        lo, hi = r.interval
        shown += f"; 95 % CI {_pct(lo)}-{_pct(hi)}, one-sided binomial p {r.p_value:.3g}"
    return shown + ")"


def markdown(report: AuditReport, command: str = "") -> str:
    failed = [r for r in report.results if r.status == "FAIL"]
    out = [
        "# Clinical audit",
        "",
        f"{report.patients} patients, {len(report.results)} rules: {len(failed)} over tolerance, "
        f"{sum(r.status == 'pass' for r in report.results)} within, "
        f"{sum(r.status == 'n/a' for r in report.results)} with nothing to judge.",
        "",
    ]
    if command:
        out += ["```", command, "```", ""]
    out += [
        "| rule | status | breaking / denominator | figure | description |",
        "|---|---|---|---|---|",
    ]
    for r in report.results:
        unit = r.rule.count
        out.append(
            f"| `{r.rule.id}` | {r.status} | {r.breaking} / {r.denominator} {unit} "
            f"({r.patients_breaking} patients, {r.events_breaking} events) | {_figure(r)} | {r.rule.description} |"
        )
    out += ["", "## Rules in detail", ""]
    for r in report.results:
        out += [f"### `{r.rule.id}`: {r.status}", "", r.rule.description, ""]
        out += [f"- Why: {r.rule.rationale}", f"- Source: {r.rule.source}" + (f" <{r.rule.url}>" if r.rule.url else "")]
        out.append(
            f"- Denominator: {r.patients} patients, {r.events} events; breaking: {r.patients_breaking} patients, "
            f"{r.events_breaking} events; {_figure(r)}"
        )
        if r.detail:
            out.append(f"- Detail: {r.detail}")
        for label, lines in r.examples:
            out.append(f"- patient {label}: " + "; ".join(lines))
        out.append("")
    return "\n".join(out)


def table_csv(report: AuditReport) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in report.results:
        band = r.band or ("", "")
        examples = " | ".join(f"{label}: " + "; ".join(lines) for label, lines in r.examples)
        w.writerow(
            [
                r.rule.id,
                r.rule.group,
                r.rule.kind,
                r.status,
                r.rule.count,
                r.patients,
                r.events,
                r.patients_breaking,
                r.events_breaking,
                "" if r.rate is None else f"{r.rate:.4f}",
                f"{r.rule.tolerance:g}",
                "" if r.measure is None else f"{r.measure:.4f}",
                band[0],
                band[1],
                examples,
                r.rule.description,
                r.rule.source,
                r.rule.url,
                r.rule.judge,
                "" if r.interval is None else f"{r.interval[0]:.4f}",
                "" if r.interval is None else f"{r.interval[1]:.4f}",
                "" if r.p_value is None else f"{r.p_value:.4g}",
            ]
        )
    return buf.getvalue()


def write_clinical(report: AuditReport, prefix: Path, command: str = "") -> list[Path]:
    files = {
        prefix.with_name(prefix.name + ".md"): markdown(report, command),
        prefix.with_name(prefix.name + ".csv"): table_csv(report),
    }
    for path, text in files.items():
        atomic_write(path, text.encode("utf-8"))
    return list(files)
