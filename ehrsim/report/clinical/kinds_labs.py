"""Laboratory rules: the results of one sample agree with the definitions that link them; a result comes as long
after its sample as the test takes."""

from __future__ import annotations

from typing import Any

from ehrsim.record.times import DAY, iso
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


@register
class LowResultWorkedUp(Rule):
    """An adult's result below its sex's threshold (``max_by_sex``: a haemoglobin under 12 g/dL in women, 13 in men)
    is worked up: a test of ``workup_set`` (ferritin, iron studies) from ``lookback_days`` before it to ``days``
    after. Results while a condition of ``except_sets`` is active (pregnancy, dialysis) are not judged, nor a result
    too close to the end of the record to be followed."""

    kind = "low_result_worked_up"
    required = ("lab_set", "max_by_sex", "workup_set", "days", "lookback_days")

    def setup(self) -> None:
        self.lab = self.data.code_set(self.p["lab_set"])
        self.workup = self.data.code_set(self.p["workup_set"])
        self.excepted = [self.data.code_set(name) for name in self.param("except_sets", [])]

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        limit = self.p["max_by_sex"].get(view.sex)
        if limit is None:
            return f
        after, before = float(self.p["days"]) * DAY, float(self.p["lookback_days"]) * DAY
        tests = [t for t, _, _ in view.values(self.workup)]
        excepted = [c for s in self.excepted for c in view.conditions_in(s)]
        for t, value, _ in view.values(self.lab):
            if value >= float(limit) or view.age(t) < float(self.param("min_age", 18)) or t + after > view.end:
                continue
            if any(view.active(c, t) for c in excepted):
                continue
            done = any(t - before <= u <= t + after for u in tests)
            f.add(done, f"{iso(t)[:10]}: haemoglobin {value:g}, no ferritin or iron studies")
        return f


@register
class ResultTurnaround(Rule):
    """A result of ``result_set`` comes ``min_minutes``-``max_minutes`` after its sample: the latest procedure of
    ``sample_set`` before it (a throat culture, read 24-48 hours after the swab), or, without ``sample_set``, the
    start of its encounter (a rapid strep test reads in about 10 minutes). Results with no sample (or outside any
    encounter) to time them from are not judged."""

    kind = "result_turnaround"
    required = ("result_set", "min_minutes", "max_minutes")

    def setup(self) -> None:
        self.results = self.data.code_set(self.p["result_set"])
        sample = self.param("sample_set")
        self.sample = self.data.code_set(sample) if sample else None

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        found = [o for o in view.entries("observations") if self.results.any(o.get("codes"))]
        if not found:
            return f
        lo, hi = float(self.p["min_minutes"]) * 60, float(self.p["max_minutes"]) * 60
        if self.sample is not None:
            swabs = [float(t) for t in view.events_in(self.sample, ("procedures",))]
        visits = view.encounters_by_id
        for o in found:
            t = float(o["time"])
            if self.sample is not None:
                before = [s for s in swabs if s <= t]
                start = before[-1] if before else None
            else:
                enc = visits.get(o.get("encounter") or "")
                start = float(enc["start"]) if enc is not None else None
            if start is None:
                continue
            if lo <= t - start <= hi:
                f.passed()
            else:
                f.add(False, f"{o['codes'][0].get('display')} {iso(int(t))[:16]}: {(t - start) / 60:.0f} min after")
        return f
