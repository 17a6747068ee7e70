"""Benchmark: CPU time for N patients matching a cohort vs N unconstrained ones (one process).

The issue's target is < 5x for a rare condition (prevalence < 1 %); by rejection alone the ratio is
about 1 / acceptance rate, which this script reports so the gap is visible. Not a test: numbers go
to the notes and README.

    python bench/cohort.py -p 100
    python bench/cohort.py -p 5 --cohort 'condition("Malignant neoplasm of colon")' --age 20-49
    python bench/cohort.py -p 20 --steer 50      # steered (importance sampling) instead of rejection alone

With ``--steer`` the natural prevalence is estimated from the weights (sum of weights / candidates),
so the CPU a rejection-only run would need is estimated as well, without running it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

RARE = 'condition("Malignant neoplasm of colon")'


def measure(n: int, seed: int, age: tuple[float, float], cohort: str | None, steer: float = 1.0) -> dict[str, Any]:
    from ehrsim import pipeline
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    settings = Settings(
        population=n,
        seed=seed,
        reference_date=dt.date(2025, 1, 1),
        age_min=age[0],
        age_max=age[1],
        cohort=cohort,
        cohort_steer=steer,
    )
    population = Population(settings)
    _ = population.modules, population.world, population.cohort  # loading is not per-patient work
    started = time.process_time()
    weights = [r.get("weight", 1.0) for r in pipeline.records(population, range(n))]
    count = len(weights)
    cpu = time.process_time() - started
    attempts = population.attempts if cohort else n
    return {
        "cohort": cohort,
        "steer": steer,
        "patients": count,
        "cpu_s": round(cpu, 2),
        "attempts": population.attempts if cohort else n,
        "acceptance_rate": round(count / population.attempts, 5) if cohort else 1.0,
        "estimated_prevalence": round(sum(weights) / attempts, 6),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--population", type=int, default=100)
    parser.add_argument("-s", "--seed", type=int, default=0)
    parser.add_argument("--cohort", default=RARE)
    parser.add_argument("--age", default="20-49", help="MIN-MAX for both runs (default 20-49)")
    parser.add_argument("--steer", type=float, default=1.0, help="steering factor for the cohort run (1 = off)")
    args = parser.parse_args()
    age = tuple(float(x) for x in args.age.split("-", 1))
    plain = measure(args.population, args.seed, age, None)  # type: ignore[arg-type]
    cohort = measure(args.population, args.seed, age, args.cohort, args.steer)  # type: ignore[arg-type]
    ratio = cohort["cpu_s"] / plain["cpu_s"] if plain["cpu_s"] else None
    result: dict[str, Any] = {"unconstrained": plain, "cohort": cohort, "cpu_ratio": ratio and round(ratio, 1)}
    if cohort["estimated_prevalence"]:  # rejection alone needs about 1/prevalence lives per patient
        result["rejection_cpu_ratio_estimate"] = round(1 / cohort["estimated_prevalence"], 1)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
