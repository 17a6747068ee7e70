"""The case timeline as inline SVG (matplotlib): encounters, condition and medication spans, lab trends.

Only what the record held by the end of the case is drawn (spans still open then are drawn open to
that date). The SVG is made deterministic (fixed hash salt, no date metadata) so a case set is
byte-identical between runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from functools import cache
from typing import Any

from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir
from ehrsim.record.times import to_datetime

Record = dict[str, Any]


@cache
def trend_codes() -> dict[str, str]:
    with open(terminology_dir() / "cases" / "trends.csv", newline="", encoding="utf-8") as fh:
        return {r["loinc"]: r["label"] for r in csv.DictReader(fh)}


def _series(record: Record, lo: int, hi: int) -> dict[str, list[tuple[dt.datetime, float]]]:
    wanted = trend_codes()
    out: dict[str, list[tuple[dt.datetime, float]]] = {}
    for obs in record["observations"]:
        if not lo <= obs["time"] <= hi:
            continue
        parts = [obs, *obs.get("components", [])]
        for part in parts:
            code = part["codes"][0]["code"]
            if code in wanted and isinstance(part.get("value"), int | float) and not isinstance(part["value"], bool):
                out.setdefault(wanted[code], []).append((to_datetime(obs["time"]), float(part["value"])))
    return out


def timeline_svg(record: Record, case: dict[str, Any], hidden: set[str]) -> tuple[str, str]:
    """(inline SVG, its text description); ``hidden`` displays are labelled as the hidden diagnosis."""
    try:
        import matplotlib
    except ModuleNotFoundError:
        raise ConfigError("ehrsim cases draws its timelines with matplotlib: pip install 'ehrsim[cases]'") from None
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lo, hi = case["window"]
    start, end = to_datetime(lo), to_datetime(hi)
    spans: list[tuple[str, dt.datetime, dt.datetime, str]] = []
    for kind, colour in (("conditions", "#8c2d04"), ("medications", "#08519c")):
        seen: dict[str, int] = {}
        for e in record[kind]:
            if e["start"] > hi or (e["stop"] is not None and e["stop"] < lo):
                continue
            label = e["codes"][0]["display"]
            if label in hidden:
                label = "Diagnosis (hidden)"
            label = label if len(label) <= 48 else label[:45] + "..."
            s = to_datetime(max(e["start"], lo))
            f = to_datetime(min(e["stop"], hi) if e["stop"] is not None else hi)
            if seen.get(label, 0) < 1 or kind == "conditions":
                spans.append((label, s, f, colour))
                seen[label] = seen.get(label, 0) + 1
            else:
                spans.append((label, s, f, colour))
    labels = list(dict.fromkeys(s[0] for s in spans))[:18]
    series = _series(record, lo, hi)
    n_trend = min(len(series), 3)
    plt.rcParams["svg.hashsalt"] = "ehrsim-cases"
    plt.rcParams["svg.fonttype"] = "none"
    heights = [max(2.0, 0.32 * len(labels) + 1.0)] + [1.6] * n_trend
    fig, axes = plt.subplots(
        1 + n_trend, 1, figsize=(9, sum(heights)), sharex=True, gridspec_kw={"height_ratios": heights}, squeeze=False
    )
    ax = axes[0][0]
    for label, s, f, colour in spans:
        if label in labels:
            y = len(labels) - labels.index(label)
            ax.plot([s, f], [y, y], color=colour, linewidth=6, solid_capstyle="butt")
    enc_times = [to_datetime(e["start"]) for e in record["encounters"] if lo <= e["start"] <= hi]
    ax.plot(enc_times, [0] * len(enc_times), "|", color="#333333", markersize=12, label="encounters")
    ax.set_yticks([0, *range(1, len(labels) + 1)], ["Encounters", *reversed(labels)], fontsize=7)
    ax.set_title("Conditions (brown), medications (blue) and encounters", fontsize=9)
    for i, (name, points) in enumerate(sorted(series.items())[:n_trend], 1):
        tax = axes[i][0]
        xs, ys = zip(*points, strict=True)
        tax.plot(xs, ys, marker="o", markersize=3, color="#252525")
        tax.set_ylabel(name, fontsize=8)
        tax.tick_params(labelsize=7)
    last = axes[-1][0]
    last.set_xlim(start, end)
    last.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "ehrsim"})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1width="100%"', svg, count=1)
    desc = (
        f"Timeline from {start.date()} to {end.date()}: {len(enc_times)} encounters; "
        + (f"spans of {len(labels)} conditions and medications; " if labels else "")
        + (
            "trends: "
            + "; ".join(
                f"{k} {len(v)} results ({v[0][1]:g} to {v[-1][1]:g})" for k, v in sorted(series.items())[:n_trend]
            )
            if series
            else "no trended results"
        )
    )
    return svg, desc
