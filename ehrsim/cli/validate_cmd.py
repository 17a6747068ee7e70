"""``ehrsim validate PATH…``: structure, references, US Core and plausibility of FHIR output."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "validate",
        help="check FHIR bundles / NDJSON (R4 structure, references, US Core, plausibility); exit 1 on problems, "
        "2 when the input is not FHIR",
        description="Check FHIR R4 output. Give patient bundles together with shared.json (or a whole "
        "output folder) so that references to organizations and practitioners can be resolved.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="files (.json, .ndjson, optionally .gz) or folders")
    p.add_argument("--no-structure", action="store_true", help="skip the R4 model check (the slowest part)")
    p.add_argument("--no-us-core", action="store_true", help="skip the US Core required-element check")
    p.add_argument("--max-shown", type=int, default=50, help="problems listed per check (all are counted)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ehrsim.validate import validate_paths

    report = validate_paths(
        args.paths, structural=not args.no_structure, us_core=not args.no_us_core, keep=args.max_shown
    )
    print(report.text())
    if report.not_fhir:
        first = next(p for p in report.problems if p.check == "input")
        more = f" (and {report.not_fhir - 1} more documents that are not FHIR)" if report.not_fhir > 1 else ""
        print(f"ehrsim: error: {first.where}: {first.message}{more}", file=sys.stderr)
        return 2
    return 0 if report.ok else 1
