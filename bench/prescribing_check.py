"""Population check of prescribing: count what a clinician would call wrong in a generated population.

Reads ``json/patients.ndjson`` of a run and counts, from the records alone (not from the
prescribing layer's own log): orders that conflict with an active drug allergy, contraindicated
pairs (sacubitril/valsartan with an ACE inhibitor, NSAIDs in CKD stage 3+, metformin in CKD stage
4+, ACE inhibitors/ARBs in pregnancy), orders before the drug's US approval, adult forms for
children (0.3 mg epinephrine auto-injector under 25 kg, tablets/capsules under 6), doses without
a unit, one-off administrations still active, and overlapping duplicate therapy. Not a test: the
figures go to the notes.

    python bench/prescribing_check.py OUT/json/patients.ndjson
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ehrsim.prescribing.tables import tables

YEAR = 365.2425 * 86400
WEIGHT = "29463-7"
CKD3 = 3


def _active(entry: dict[str, Any], t: float) -> bool:
    return entry["start"] <= t and (entry["stop"] is None or entry["stop"] > t)


def check(path: Path) -> dict[str, int]:
    rx = tables()
    counts: collections.Counter[str] = collections.Counter()
    patients: dict[str, set[int]] = collections.defaultdict(set)
    for idx, line in enumerate(path.open("rb")):
        r = orjson.loads(line)
        birth = r["patient"]["birth_time"]
        conditions = r["conditions"]
        allergies = r["allergies"]
        weights = sorted((o["time"], o["value"]) for o in r["observations"] if o["codes"][0]["code"] == WEIGHT)
        meds = r["medications"]
        products = [rx.products.get(m["codes"][0]["code"]) for m in meds]
        counts["orders"] += len(meds)

        def hit(name: str, idx: int = idx) -> None:
            counts[name] += 1
            patients[name].add(idx)

        for m, p in zip(meds, products, strict=True):
            t = m["start"]
            age = (t - birth) / YEAR
            if m["administered"] and not m["chronic"] and m["stop"] is None:
                hit("one_off_still_active")
            if m.get("dosage") is not None and not m["dosage"].get("dose_unit"):
                hit("dose_without_unit")
            if p is None:
                hit("unknown_product")
                continue
            if p.approvals and t < p.approvals[0][0]:
                hit("pre_approval_order")
            if any(t >= since for since, _ in p.withdrawals):
                hit("post_withdrawal_order")
            for a in allergies:
                found = rx.allergens.get(a["codes"][0]["code"])
                if found and _active(a, t) and p.classes & found[0]:
                    hit("allergy_conflict")
                    if "penicillin" in p.classes:
                        hit("penicillin_to_penicillin_allergic")
                    if "sulfonamide_antibiotic" in p.classes:
                        hit("sulfonamide_to_sulfonamide_allergic")
            stage = max(
                (rx.ckd_stage.get(c["codes"][0]["code"], 0) for c in conditions if _active(c, t)),
                default=0,
            )
            if "nsaid" in p.classes and stage >= CKD3:
                hit("nsaid_in_ckd3plus")
            if "biguanide" in p.classes and stage >= CKD3 + 1:
                hit("metformin_in_ckd4plus")
            pregnant = any(c["codes"][0]["code"] in rx.pregnancy and _active(c, t) for c in conditions)
            if pregnant and p.classes & {"ace_inhibitor", "arb", "arni"}:
                hit("raas_in_pregnancy")
            if age < 6 and p.form in ("oral_solid", "sublingual"):
                hit("tablet_or_capsule_under_6")
            if m["codes"][0]["code"] == "1870230":
                before = [w for wt, w in weights if wt <= t]
                if before and before[-1] < 25:
                    hit("adult_epinephrine_under_25kg")
        for i, (m, p) in enumerate(zip(meds, products, strict=True)):
            if p is None or (m["administered"] and not m["chronic"]):
                continue
            for m2, p2 in zip(meds[i + 1 :], products[i + 1 :], strict=True):
                if p2 is None or (m2["administered"] and not m2["chronic"]):
                    continue
                if not _active(m, m2["start"]):
                    continue
                if "arni" in p.classes | p2.classes and "ace_inhibitor" in p.classes | p2.classes:
                    hit("arni_with_ace_inhibitor")
                if p is p2 or p.duplicate_groups & p2.duplicate_groups:
                    hit("duplicate_therapy_overlap")
    out = dict(counts)
    out.update({f"{k} (patients)": len(v) for k, v in patients.items()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ndjson", type=Path)
    args = parser.parse_args()
    for key, value in sorted(check(args.ndjson).items()):
        print(f"{key}\t{value}")


if __name__ == "__main__":
    main()
