"""Benchmark: how long building the provider world takes (it is built once per run and per worker).

    python bench/world.py [--seeds 5]

Prints seconds per build after a warm-up (imports and Faker's locale data). The budget is 0.5 s
(0.05-0.2 s on a loaded 2-core machine); exits 1 above it. A wall-clock figure, so it lives here, not in the tests.
"""

from __future__ import annotations

import argparse
import sys
import time

BUDGET_S = 0.5


def main() -> int:
    from ehrsim.core.world import build_world

    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    build_world(0)  # warm imports and Faker's locale data
    times = []
    for seed in range(1000, 1000 + args.seeds):
        start = time.perf_counter()
        build_world(seed)
        times.append(time.perf_counter() - start)
    worst = max(times)
    print(f"world build: mean {sum(times) / len(times):.3f} s, worst {worst:.3f} s (budget {BUDGET_S} s)")
    return 0 if worst < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
