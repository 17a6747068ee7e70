"""Benchmark: does a worker's memory stay flat as it works through more patients?

Runs a real one-worker run (``runner.run``: simulate, render, write shard parts) and prints the
process's peak and current RSS at a few checkpoints (the peak also rises with the largest patient
seen so far; the current figure shows what is kept). A worker lives for the
whole run, so anything kept per patient (an unbounded cache, a list) shows as growth between the
checkpoints. Not a test: figures go to the notes / README.

    python bench/memory.py -p 20000 -f json
    python bench/memory.py -p 20000 -f fhir-ndjson --checkpoints 1000,5000,20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def current_rss_mb() -> float:
    """Resident memory now (Linux): unlike the peak, it falls back after one large patient."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--population", type=int, default=20000)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("-f", "--format", default="json")
    parser.add_argument("--checkpoints", default="1000,5000,10000,20000")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    args = parser.parse_args()

    from ehrsim.runner import run
    from ehrsim.settings import Settings

    checkpoints = sorted(int(x) for x in args.checkpoints.split(",") if int(x) <= args.population)
    done = 0
    seen: list[tuple[int, float, float]] = []
    started = time.perf_counter()

    def progress(n: int) -> None:
        nonlocal done
        done += n
        while checkpoints and done >= checkpoints[0]:
            seen.append((checkpoints.pop(0), peak_rss_mb(), time.perf_counter() - started))
            print(
                f"{seen[-1][0]:>7} patients: peak RSS {seen[-1][1]:7.1f} MB, now {current_rss_mb():7.1f} MB "
                f"({seen[-1][2]:.0f} s)",
                flush=True,
            )

    with tempfile.TemporaryDirectory(prefix="ehrsim-memory-") as tmp:
        out = args.out or Path(tmp) / "out"
        settings = Settings(
            population=args.population,
            seed=args.seed,
            reference_date=dt.date(2025, 1, 1),
            formats=tuple(args.format.split(",")),
            out=out,
            workers=1,
            shard_size=100,
        )
        print(f"before the run: peak RSS {peak_rss_mb():.1f} MB", flush=True)
        run(settings, progress)
    if len(seen) >= 2:
        (n0, r0, _), (n1, r1, _) = seen[0], seen[-1]
        per = (r1 - r0) * 1024 / (n1 - n0)
        print(f"growth {n0} -> {n1} patients: {r1 - r0:+.1f} MB ({per:.2f} kB per patient), format {args.format}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
