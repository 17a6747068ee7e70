"""Measure issue 11's physiology proof items on N simulated lives (not a test: figures go to notes).

    python bench/physiology_proof.py -p 300                    # ehrsim's library
    python bench/physiology_proof.py -p 300 --library synthea  # Synthea's library through ehrsim
    python bench/physiology_proof.py --records OUT             # an existing `-f json` run

Each item prints its figure, its denominator and the target. Lives run in this process with the
same settings as bench/bench.py (whole lives, reference date 2025-01-01).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ehrsim.core import growth, labs  # noqa: E402
from ehrsim.core.physio_drugs import drug_classes  # noqa: E402
from ehrsim.core.physiology import egfr_ckd_epi_2021  # noqa: E402

SYNTHEA = ROOT.parent / "shared" / "synthea" / "modules"
YEAR = 365.25 * 86400
DAY = 86400.0
BMP = {  # basic metabolic panel analytes: serum/plasma and blood codes
    "Glucose": ("2345-7", "2339-0"),
    "Urea Nitrogen": ("3094-0", "6299-2"),
    "Creatinine": ("2160-0", "38483-4"),
    "Calcium": ("17861-6", "49765-1"),
    "Sodium": ("2951-2", "2947-0"),
    "Potassium": ("2823-3", "6298-4"),
    "Chloride": ("2075-0", "2069-3"),
    "Carbon Dioxide": ("2028-9", "20565-8"),
}
LDL, HBA1C, CREAT, EGFR21, SBP, DBP, BMI, WEIGHT = (
    "18262-6",
    "4548-4",
    ("2160-0", "38483-4"),
    "98979-8",
    "8480-6",
    "8462-4",
    "39156-5",
    "29463-7",
)
HYPERTENSION = {"59621000"}
DIABETES = {"44054006"}
PREGNANCY = {"72892002"}
CKD_STAGES = {"431855005": 1, "431856006": 2, "433144002": 3, "431857002": 4, "433146000": 5, "46177005": 5}
STAGE_EGFR = {1: (90, 999), 2: (60, 90), 3: (30, 60), 4: (15, 30), 5: (0, 15)}
ANTIHYPERTENSIVE = {"acei", "arb", "thiazide", "ccb_dhp", "ccb_ndhp", "beta_blocker", "mra", "vasodilator"}
GLUCOSE_LOWERING = {"metformin", "insulin", "glp1", "dpp4", "sglt2", "sulfonylurea"}


def lives(library: str, n: int, seed: int) -> Iterator[dict[str, Any]]:
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    settings = Settings(
        population=n,
        seed=seed,
        reference_date=dt.date(2025, 1, 1),
        years_of_history=0,
        modules=(SYNTHEA,) if library == "synthea" else (),
        lenient=library == "synthea",
        formats=("json",),
    )
    import ehrsim.population as pop
    from ehrsim.engine import lifecycle

    build = pop.build_record

    def keep_true_values(sim: Any, index: int) -> dict[str, Any]:
        """The record plus the state's true values at the end (for undiagnosed disease)."""
        record = build(sim, index)
        record["_true"] = lifecycle.vitals(sim, sim.death_time if sim.death_time is not None else sim.end_time)
        return record

    pop.build_record = keep_true_values  # type: ignore[assignment]
    population = Population(settings)
    return (population.simulate(i) for i in range(n))  # whole lives (years_of_history=0: no cut)


def numeric(record: dict[str, Any]) -> list[tuple[float, str, float, dict[str, Any]]]:
    """(time, LOINC, value, part) of every numeric result, components included, in time order."""
    out = []
    for o in record["observations"]:
        for part in [o, *(o.get("components") or [])]:
            if (
                part.get("value_type") == "numeric"
                and part.get("value") is not None
                and part["codes"]
                and part["codes"][0]["system"] == "LOINC"
            ):
                out.append((float(o["time"]), part["codes"][0]["code"], float(part["value"]), part))
    out.sort(key=lambda x: x[0])
    return out


def active(entries: list[dict[str, Any]], t: float, codes: set[str] | None = None) -> list[dict[str, Any]]:
    return [
        e
        for e in entries
        if e["start"] <= t
        and (e.get("stop") is None or e["stop"] > t)
        and (codes is None or e["codes"][0]["code"] in codes)
    ]


def classes_at(record: dict[str, Any], t: float) -> set[str]:
    found: set[str] = set()
    for m in active(record["medications"], t):
        found.update(drug_classes(m["codes"][0].get("display", "")))
    return found


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def measure(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    by_analyte_cv: dict[str, list[float]] = defaultdict(list)
    constant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    identical = defaultdict(lambda: [0, 0])
    ldl_change: dict[str, list[float]] = defaultdict(list)
    a1c_change: list[float] = []
    egfr_ok = [0, 0]
    stage_ok = [0, 0]
    bp_control = [0, 0]
    a1c_control = [0, 0]
    ldl_control = [0, 0]
    child_obese = [0, 0]
    preg = [0, 0, 0, 0]  # within, below, above, total
    ranges = [0, 0]
    patients = 0
    undiagnosed = [0, 0]
    for rec in records:
        patients += 1
        p = rec["patient"]
        birth, sex = float(p["birth_time"]), p["gender"]
        end = float(rec["death"]["time"]) if rec.get("death") and isinstance(rec["death"], dict) else None
        results = numeric(rec)
        series: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for t, code, value, part in results:
            series[code].append((t, value))
            if part is not None and labs.reference_ranges().get(code) and part.get("unit") is not None:
                o_cat = next(
                    (
                        o.get("category")
                        for o in rec["observations"]
                        if o is part or part in (o.get("components") or [])
                    ),
                    None,
                )
                if o_cat == "laboratory":
                    ranges[1] += 1
                    ranges[0] += bool(part.get("reference_range"))
        # 1. BMP analytes vary within biological variation; no identical consecutive continuous results
        for name, codes in BMP.items():
            values = [v for c in codes for _, v in series.get(c, [])]
            if len(values) >= 3:
                constant[name][1] += 1
                constant[name][0] += len(set(values)) == 1
                mean = statistics.fmean(values)
                if mean > 0:
                    by_analyte_cv[name].append(statistics.pstdev(values) / mean)
        for code, values in series.items():
            analyte = labs.analytes().get(code)
            if analyte is None or (
                analyte.decimals == 0 and analyte.variable in ("Sodium", "Chloride", "Carbon Dioxide")
            ):
                continue
            for (t0, a), (t1, b) in itertools.pairwise(values):
                if t1 > t0:
                    identical[analyte.variable][1] += 1
                    identical[analyte.variable][0] += a == b
        # 2. LDL change after a statin starts, by intensity; HbA1c after glucose-lowering starts
        first_start: dict[str, float] = {}
        for m in rec["medications"]:
            for cls in drug_classes(m["codes"][0].get("display", "")):
                if cls not in first_start or m["start"] < first_start[cls]:
                    first_start[cls] = float(m["start"])
        statin_start = min((t for c, t in first_start.items() if c.startswith("statin")), default=None)
        if statin_start is not None:
            cls = min(
                (c for c, t in first_start.items() if c.startswith("statin") and t == statin_start), default="statin"
            )
            before = [v for t, v in series.get(LDL, []) if statin_start - 2 * YEAR <= t <= statin_start]
            after = [v for t, v in series.get(LDL, []) if statin_start + 42 * DAY <= t <= statin_start + 2 * YEAR]
            if before and after:
                ldl_change[cls].append(after[0] / before[-1] - 1)
        a1c_start = min((t for c, t in first_start.items() if c in GLUCOSE_LOWERING), default=None)
        if a1c_start is not None:
            before = [v for t, v in series.get(HBA1C, []) if a1c_start - YEAR <= t <= a1c_start]
            after = [v for t, v in series.get(HBA1C, []) if a1c_start + 90 * DAY <= t <= a1c_start + YEAR]
            if before and after:
                a1c_change.append(after[0] - before[-1])
        # 3. eGFR = CKD-EPI 2021 from the creatinine recorded at the same time; CKD stage agrees
        creat_at = {t: v for c in CREAT for t, v in series.get(c, [])}
        for t, v in series.get(EGFR21, []):
            age = (t - birth) / YEAR
            if t in creat_at and age >= 18:
                egfr_ok[1] += 1
                egfr_ok[0] += abs(round(egfr_ckd_epi_2021(creat_at[t], age, sex)) - v) <= 1
            stages = [CKD_STAGES[c["codes"][0]["code"]] for c in active(rec["conditions"], t, set(CKD_STAGES))]
            if stages:
                low, high = STAGE_EGFR[max(stages)]
                stage_ok[1] += 1
                stage_ok[0] += low - 5 <= v < high + 5
        # 4. control on treatment at the last reading of life
        last_t = results[-1][0] if results else None
        if last_t is not None and (last_t - birth) / YEAR >= 18:
            classes = classes_at(rec, last_t)
            if active(rec["conditions"], last_t, HYPERTENSION) and classes & ANTIHYPERTENSIVE:
                sbp = [v for t, v in series.get(SBP, []) if t <= last_t]
                dbp = [v for t, v in series.get(DBP, []) if t <= last_t]
                if sbp and dbp:
                    bp_control[1] += 1
                    bp_control[0] += sbp[-1] < 140 and dbp[-1] < 90
            if active(rec["conditions"], last_t, DIABETES) and classes & GLUCOSE_LOWERING and series.get(HBA1C):
                a1c_control[1] += 1
                a1c_control[0] += series[HBA1C][-1][1] < 7.0
            if any(c.startswith("statin") for c in classes) and series.get(LDL):
                ldl_control[1] += 1
                ldl_control[0] += series[LDL][-1][1] < 100
        if rec.get("alive") and "_true" in rec and rec["_true"].get("Hemoglobin A1c") is not None:
            t_end = max(float(e["start"]) for e in rec["encounters"]) if rec["encounters"] else birth
            diagnosed = any(c["codes"][0]["code"] in DIABETES and c.get("stop") is None for c in rec["conditions"])
            if (t_end - birth) / YEAR >= 20 and (diagnosed or rec["_true"]["Hemoglobin A1c"] >= 6.5):
                undiagnosed[1] += 1
                undiagnosed[0] += not diagnosed
        # 5. childhood obesity: last BMI of children 2-19 alive at the end
        if rec.get("alive") and series.get(BMI):
            t, v = series[BMI][-1]
            age = (t - birth) / YEAR
            if 2 <= age < 20 and end is None:
                percentile = growth.bmi_percentile(age, sex, v)
                if percentile is not None:
                    child_obese[1] += 1
                    child_obese[0] += percentile >= 95
        # 6. pregnancy weight gain vs IOM 2009 by pre-pregnancy BMI
        for c in rec["conditions"]:
            if c["codes"][0]["code"] not in PREGNANCY or c.get("stop") is None:
                continue
            start, stop = float(c["start"]), float(c["stop"])
            if stop - start < 26 * 7 * DAY:
                continue
            weights = series.get(WEIGHT, [])
            pre = [v for t, v in weights if start - YEAR <= t <= start + 10 * 7 * DAY]
            late = [v for t, v in weights if stop - 5 * 7 * DAY <= t <= stop]
            bmis = [v for t, v in series.get(BMI, []) if start - YEAR <= t <= start + 10 * 7 * DAY]
            if pre and late and bmis:
                gain, bmi = late[-1] - pre[0], bmis[0]
                low, high = next((lo, hi) for b0, b1, lo, hi in IOM if b0 <= bmi < b1)
                preg[3] += 1
                preg[0] += low <= gain <= high
                preg[1] += gain < low
                preg[2] += gain > high
    out["patients"] = patients
    out["bmp_patients_with_constant_values"] = {k: f"{v[0]}/{v[1]}" for k, v in constant.items()}
    out["bmp_median_within_person_cv"] = {k: pct(statistics.median(v)) for k, v in by_analyte_cv.items() if v}
    out["identical_consecutive_results"] = {
        k: f"{pct(v[0] / v[1])} of {v[1]}" for k, v in sorted(identical.items()) if v[1] >= 20
    }
    out["ldl_median_change_after_statin"] = {
        k: f"{pct(statistics.median(v))} (n={len(v)})" for k, v in sorted(ldl_change.items())
    }
    out["hba1c_median_change_after_treatment"] = (
        f"{statistics.median(a1c_change):+.2f} points (n={len(a1c_change)})" if a1c_change else "n=0"
    )
    out["egfr_equals_ckd_epi_2021"] = f"{egfr_ok[0]}/{egfr_ok[1]}"
    out["ckd_stage_agrees_with_egfr"] = f"{stage_ok[0]}/{stage_ok[1]}"
    out["bp_control_treated_hypertensives"] = f"{_ratio(bp_control)} (US 67.7 % of the treated)"
    out["hba1c_below_7_treated_diabetics"] = f"{_ratio(a1c_control)} (NHANES ~50 %)"
    out["ldl_below_100_on_statin"] = f"{_ratio(ldl_control)} (NHANES ~45-55 %)"
    out["undiagnosed_share_of_diabetes"] = f"{_ratio(undiagnosed)} (CDC ~23 %)"
    out["child_obesity_2_19"] = f"{_ratio(child_obese)} (target 15-25 %)"
    out["pregnancy_gain_within_iom"] = (
        f"within {preg[0]}, below {preg[1]}, above {preg[2]} of {preg[3]} (US: ~32 % within, Goldstein JAMA 2017)"
    )
    out["numeric_lab_results_with_reference_range"] = f"{ranges[0]}/{ranges[1]}"
    return out


IOM = ((0, 18.5, 12.5, 18.0), (18.5, 25, 11.5, 16.0), (25, 30, 7.0, 11.5), (30, 200, 5.0, 9.0))


def _ratio(pair: list[int]) -> str:
    return f"{pct(pair[0] / pair[1])} of {pair[1]}" if pair[1] else "n=0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--population", type=int, default=300)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("--library", choices=("ehrsim", "synthea"), default="ehrsim")
    parser.add_argument("--records", type=Path, help="read an existing json run (OUT/json/*.ndjson) instead")
    args = parser.parse_args()
    if args.records is not None:  # no true values then: the undiagnosed share reads n=0
        records: Iterator[dict[str, Any]] = (
            json.loads(line) for f in sorted(args.records.glob("json/*.ndjson")) for line in f.open()
        )
    else:
        records = lives(args.library, args.population, args.seed)
    print(json.dumps({"library": args.library, **measure(records)}, indent=1))


if __name__ == "__main__":
    main()
