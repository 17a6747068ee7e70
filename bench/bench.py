"""Benchmark: full-lifetime patients per second per core, and peak RSS.

Runs in one process (one core), so the figure is per core. Measures simulation alone and
simulation plus the ``json`` exporter, for the bundled library and (when ../shared is present)
Synthea's whole library. Not a test: numbers go to the README.

    python bench/bench.py -p 1000            # both libraries, with and without json
    python bench/bench.py -p 200 --library synthea --exporter none
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYNTHEA = ROOT.parent / "shared" / "synthea" / "modules"


def one(library: str, exporter: str, n: int, seed: int) -> dict[str, object]:
    from ehrsim import pipeline
    from ehrsim.exporters.base import RunContext
    from ehrsim.exporters.registry import exporter_class
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    modules = (SYNTHEA,) if library == "synthea" else ()
    settings = Settings(
        population=n,
        seed=seed,
        reference_date=dt.date(2025, 1, 1),
        years_of_history=0,
        modules=modules,
        lenient=library == "synthea",
        formats=("json",),
    )
    population = Population(settings)
    _ = population.modules, population.world  # loading is not part of the per-patient figure
    render = None
    if exporter != "none":
        render = exporter_class(exporter)(RunContext(settings=settings, world=population.world, out_dir=Path("/tmp")))
    entries = 0
    size = 0
    started = time.process_time()
    for index in range(n):
        record = next(pipeline.records(population, [index]))
        entries += sum(
            len(record[k])
            for k in ("encounters", "conditions", "medications", "observations", "procedures", "immunizations")
        )
        if render is not None:
            size += sum(len(b) for _, b in render.render(record).rows)
    cpu = time.process_time() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "library": library,
        "exporter": exporter,
        "patients": n,
        "cpu_s": round(cpu, 2),
        "patients_per_s": round(n / cpu, 1),
        "records_per_patient": round(entries / n, 1),
        "bytes_per_patient": round(size / n) if size else 0,
        "peak_rss_mb": round(rss_mb),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-p", "--population", type=int, default=1000)
    parser.add_argument("-s", "--seed", type=int, default=1)
    parser.add_argument("--library", choices=["ours", "synthea", "both"], default="both")
    parser.add_argument("--exporter", choices=["none", "json", "both"], default="both")
    args = parser.parse_args()
    libraries = ["ours", "synthea"] if args.library == "both" else [args.library]
    exporters = ["none", "json"] if args.exporter == "both" else [args.exporter]
    if "synthea" in libraries and not SYNTHEA.is_dir():
        print(f"skipping the Synthea library: {SYNTHEA} is absent", file=sys.stderr)
        libraries.remove("synthea")
    import subprocess

    for library in libraries:
        for exporter in exporters:
            # a fresh process per configuration, so peak RSS is that configuration's own
            out = subprocess.run(
                [sys.executable, __file__, "--one", library, exporter, str(args.population), str(args.seed)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(out.stdout.strip())
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--one":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(one(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))
        sys.exit(0)
    sys.exit(main())
