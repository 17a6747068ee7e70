"""The realism plot as a self-contained SVG (no plotting library): simulated / target per row.

Each target row is a line: its tolerance band around 1 (grey), the 95 % interval (a bar) and the
simulated value (a dot), on a log axis from 1/8 to 8 so "twice too high" and "half too low" look
alike. Values off the axis are drawn at its edge with an arrow.
"""

from __future__ import annotations

import math
from html import escape

from ehrsim.report import nhanes
from ehrsim.report.realism import RealismReport

LEFT, RIGHT, ROW, TOP = 330, 40, 18, 40
AXIS_WIDTH = 420
LOG_MAX = math.log(8)
COLOURS = {"ok": "#2a7d2a", "low": "#c0392b", "high": "#c0392b", "no data": "#888888"}


def _x(ratio: float) -> float:
    r = min(max(ratio, math.exp(-LOG_MAX)), math.exp(LOG_MAX)) if ratio > 0 else math.exp(-LOG_MAX)
    return LEFT + (math.log(r) + LOG_MAX) / (2 * LOG_MAX) * AXIS_WIDTH


def _ratio(value: float, target: float) -> float:
    if target == 0 or math.isnan(value):
        return math.nan
    return value / target


def realism_svg(report: RealismReport) -> str:
    rows = []
    for r in report.results:
        t = r.target
        lo, hi = t.allowed
        rows.append(
            (
                f"{t.condition} {t.measure.replace('_per_1000py', '')} {t.sex} {t.band}",
                _ratio(r.value, t.target),
                _ratio(r.low, t.target),
                _ratio(r.high, t.target),
                _ratio(lo, t.target),
                _ratio(hi, t.target),
                r.status,
            )
        )
    for life in report.life:
        if life.measure != "ex":
            continue
        lo, hi = life.allowed
        status = "no data" if math.isnan(life.value) else ("ok" if life.within else "low")
        rows.append(
            (
                f"life expectancy at {life.age_low:g} {life.sex}",
                _ratio(life.value, life.published),
                _ratio(life.low, life.published),
                _ratio(life.high, life.published),
                _ratio(lo, life.published),
                _ratio(hi, life.published),
                status,
            )
        )
    for body in report.body:  # NHANES: simulated median (dot) and IQR (bar); grey: the published IQR
        b = body.band
        rows.append(
            (
                nhanes.label(body),
                _ratio(body.p50, b.p50),
                _ratio(body.p25, b.p50),
                _ratio(body.p75, b.p50),
                _ratio(b.p25, b.p50),
                _ratio(b.p75, b.p50),
                body.status,
            )
        )
    height = TOP + ROW * len(rows) + 40
    width = LEFT + AXIS_WIDTH + RIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">Simulated / target '
        f"(dot, 95 % interval; grey: tolerance)</text>",
    ]
    bottom = TOP + ROW * len(rows)
    for tick in (0.125, 0.25, 0.5, 1, 2, 4, 8):
        x = _x(tick)
        stroke = "#444" if tick == 1 else "#ddd"
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom}" stroke="{stroke}"/>')
        out.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle">{tick:g}</text>')
    for i, (label, value, low, high, tol_lo, tol_hi, status) in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        colour = COLOURS.get(status, "#888888")
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(label[:60])}</text>')
        if not math.isnan(tol_lo):
            x1, x2 = _x(max(tol_lo, 1e-9)), _x(tol_hi)
            out.append(f'<rect x="{x1:.1f}" y="{y - 6:.1f}" width="{max(x2 - x1, 1):.1f}" height="12" fill="#e6e6e6"/>')
        if math.isnan(value):
            out.append(f'<text x="{_x(1) + 6:.1f}" y="{y + 4:.1f}" fill="{colour}">no data</text>')
            continue
        if not (math.isnan(low) or math.isnan(high)):
            out.append(
                f'<line x1="{_x(low):.1f}" y1="{y:.1f}" x2="{_x(high):.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        out.append(f'<circle cx="{_x(value):.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        if value > 8 or value < 0.125:
            arrow = "▶" if value > 8 else "◀"
            out.append(
                f'<text x="{_x(value) + (6 if value > 8 else -14):.1f}" y="{y + 4:.1f}" fill="{colour}">{arrow}</text>'
            )
    out.append(
        f'<text x="{LEFT + AXIS_WIDTH / 2}" y="{bottom + 30}" text-anchor="middle">simulated / target '
        f"(log scale)</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
