"""``ehrsim cases SPEC -o DIR``: a teaching case set from a generated population."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "cases",
        help="teaching case set (HTML, Markdown, Moodle XML quiz) from a case SPEC (TOML)",
        description="Select patients with the SPEC's conditions (or matching its cohort expression, docs/cohorts.md) "
        "and write one standalone page per case, "
        "an instructor version with the answer key, an index and a Moodle XML quiz.",
    )
    p.add_argument("spec", type=Path, help="case spec (TOML); see README 'Teaching case sets'")
    p.add_argument("-o", "--out", type=Path, required=True, help="folder for the case set")
    p.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="read patients from an earlier run (OUT with json/patients.ndjson) instead of generating them",
    )
    p.set_defaults(func=run_cases)


def run_cases(args: argparse.Namespace) -> int:
    from ehrsim.cases import load_spec, make_cases

    spec = load_spec(args.spec)
    cases = make_cases(spec, args.out, args.source)
    print(f"ehrsim: {len(cases)} cases -> {args.out} (index.html, instructor/, quiz.moodle.xml)")
    return 0
