"""Laboratory rules: the results of one sample agree with the definitions that link them."""

from __future__ import annotations

from typing import Any

from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import PatientView, numeric

#: LOINC of the red-cell results of a blood count (haemoglobin, haematocrit, red cells, MCV, MCH, MCHC)
HB, HCT, RBC, MCV, MCH, MCHC = "718-7", "4544-3", "789-8", "787-2", "785-6", "786-4"


@register
class RedCellIndices(Rule):
    """A blood count with haemoglobin, haematocrit, red-cell count and the three indices keeps MCHC = Hb / Hct x 100,
    MCH = Hb / RBC x 10 and MCV = Hct / RBC x 10, each within ``max_gap`` (its unit) of the reported index (the
    indices are computed by the analyser; rounding moves them by a tenth). One event per complete count."""

    kind = "red_cell_indices"
    required = ("max_gap",)

    def check(self, view: PatientView) -> Finding:
        samples: dict[tuple[Any, int], dict[str, float]] = {}
        for obs in view.entries("observations"):
            code = (obs.get("codes") or [{}])[0].get("code")
            if code in (HB, HCT, RBC, MCV, MCH, MCHC) and numeric(obs.get("value")):
                samples.setdefault((obs.get("report") or obs.get("encounter"), obs["time"]), {})[code] = obs["value"]
        gap = self.p["max_gap"]
        f = Finding()
        for (_, t), v in samples.items():
            if len(v) < 6 or min(v.values()) <= 0:
                continue
            computed = {
                "MCHC": (v[HB] / v[HCT] * 100.0, v[MCHC]),
                "MCH": (v[HB] / v[RBC] * 10.0, v[MCH]),
                "MCV": (v[HCT] / v[RBC] * 10.0, v[MCV]),
            }
            off = [f"{k} {shown:g} (computed {c:.1f})" for k, (c, shown) in computed.items() if abs(c - shown) > gap[k]]
            f.add(not off, f"Hb {v[HB]:g}, Hct {v[HCT]:g}, RBC {v[RBC]:g} on {iso(t)[:10]}: {'; '.join(off)}")
        return f
