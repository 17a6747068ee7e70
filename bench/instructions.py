"""Benchmark: machine instructions per life under callgrind, a load-independent speed figure.

The machine running the benchmarks is often shared, so patients per second is noisy; the number
of instructions a fixed set of lives costs is not. Python code cannot switch callgrind's counting
on and off, so the figure is a difference of two runs: loading the library alone (``--last`` below
``--first``: no lives) and loading plus lives ``--first``..``--last``. Not a test: figures go to
commit messages and notes.

    VG="valgrind --tool=callgrind --callgrind-out-file=/dev/null"
    $VG python bench/instructions.py --library synthea --first 2 --last 1   # loading alone
    $VG python bench/instructions.py --library synthea --first 2 --last 6   # loading + lives 2-6
    # valgrind prints "Collected : N" (instructions) on stderr; (N2 - N1) / 5 = instructions per life

Without valgrind it times the lives (CPU seconds), or profiles them with ``--profile OUT``
(cProfile, loading excluded; read with ``python -m pstats OUT``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SYNTHEA = ROOT.parent / "shared" / "synthea" / "modules"
KINDS = ("encounters", "conditions", "medications", "observations", "procedures", "immunizations")


def population(library: str, size: int, seed: int) -> Any:
    """A loaded population (modules parsed, world built): loading is not part of the per-life figure."""
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    settings = Settings(
        population=max(size, 1),
        seed=seed,
        reference_date=dt.date(2025, 1, 1),
        years_of_history=0,
        modules=(SYNTHEA,) if library == "synthea" else (),
        lenient=library == "synthea",
        formats=("json",),
    )
    loaded = Population(settings)
    _ = loaded.modules, loaded.world
    return loaded


def lives(loaded: Any, indices: range) -> int:
    """Simulates the lives; returns how many record entries they made."""
    from ehrsim import pipeline

    entries = 0
    for index in indices:
        record = next(pipeline.records(loaded, [index]))
        entries += sum(len(record[k]) for k in KINDS)
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=["ours", "synthea"], default="synthea")
    parser.add_argument("--first", type=int, default=2)
    parser.add_argument("--last", type=int, default=6)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("--profile", metavar="OUT", help="write a cProfile of the lives (not the loading) to OUT")
    args = parser.parse_args()
    loaded = population(args.library, args.last + 1, args.seed)
    indices = range(args.first, args.last + 1)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.process_time()
    entries = lives(loaded, indices)
    cpu = time.process_time() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    print(f"{args.library} lives {args.first}-{args.last}: {len(indices)} lives, {entries} entries, {cpu:.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
