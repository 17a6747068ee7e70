"""Benchmark: CPU time for N patients matching a cohort vs N unconstrained ones (one process).

The issue's target is < 5x for a rare condition (prevalence < 1 %); by rejection alone the ratio is
about 1 / acceptance rate, which this script reports so the gap is visible. Not a test: numbers go
to the notes and README.

    python bench/cohort.py -p 100
    python bench/cohort.py -p 5 --cohort 'condition("Malignant neoplasm of colon")' --age 20-49
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from typing import Any

RARE = 'condition("Malignant neoplasm of colon")'


def measure(n: int, seed: int, age: tuple[float, float], cohort: str | None) -> dict[str, Any]:
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
    )
    population = Population(settings)
    _ = population.modules, population.world, population.cohort  # loading is not per-patient work
    started = time.process_time()
    count = sum(1 for _ in pipeline.records(population, range(n)))
    cpu = time.process_time() - started
    return {
        "cohort": cohort,
        "patients": count,
        "cpu_s": round(cpu, 2),
        "attempts": population.attempts if cohort else n,
        "acceptance_rate": round(count / population.attempts, 5) if cohort else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--population", type=int, default=100)
    parser.add_argument("-s", "--seed", type=int, default=0)
    parser.add_argument("--cohort", default=RARE)
    parser.add_argument("--age", default="20-49", help="MIN-MAX for both runs (default 20-49)")
    args = parser.parse_args()
    age = tuple(float(x) for x in args.age.split("-", 1))
    plain = measure(args.population, args.seed, age, None)  # type: ignore[arg-type]
    cohort = measure(args.population, args.seed, age, args.cohort)  # type: ignore[arg-type]
    ratio = cohort["cpu_s"] / plain["cpu_s"] if plain["cpu_s"] else None
    print(json.dumps({"unconstrained": plain, "cohort": cohort, "cpu_ratio": ratio and round(ratio, 1)}, indent=2))


if __name__ == "__main__":
    main()
