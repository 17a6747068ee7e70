"""``ehrsim report``: check a generated population (``realism``, ``clinical`` audit, ``coherence``)."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="check a generated population (realism, clinical audit, coherence)",
        description="Reports on an output folder written with `ehrsim generate -f json`.",
    )
    actions = p.add_subparsers(dest="report", required=True, metavar="ACTION")
    r = actions.add_parser(
        "realism",
        help="simulated prevalence, incidence and life expectancy vs published targets",
        description="Compare OUT/json/patients.ndjson with terminology/targets/*.csv and the US "
        "life table, and body measurements with NHANES percentiles; writes PREFIX.md, PREFIX.csv, PREFIX_life.csv, "
        "PREFIX_nhanes.csv and PREFIX.svg.",
    )
    r.add_argument("out_dir", type=Path, metavar="OUTDIR", help="output folder of `ehrsim generate` (with -f json)")
    r.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE_PREFIX",
        help="where to write the report (default OUTDIR/report/realism)",
    )
    r.add_argument(
        "--targets", type=Path, default=None, metavar="DIR", help="folder of target CSVs (default terminology/targets)"
    )
    r.set_defaults(func=run_realism)
    _add_clinical(actions)
    c = actions.add_parser(
        "coherence",
        help="list clinically incoherent records; exit 1 if any (the coherence.* rules of `clinical`)",
        description="Run the clinical coherence checks over every patient in OUTDIR and print each problem. "
        "The same checks are the `coherence` group of `ehrsim report clinical`.",
    )
    c.add_argument("out_dir", type=Path, metavar="OUTDIR", help="output folder of `ehrsim generate` (with -f json)")
    c.add_argument("--limit", type=int, default=200, help="print at most N problems (default 200; 0 = all)")
    c.set_defaults(func=run_coherence)


def _add_clinical(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    a = actions.add_parser(
        "clinical",
        help="clinical audit: rules as data (terminology/clinical); exit 1 if any is over tolerance",
        description="Evaluate the clinical rules of terminology/clinical/rules.json over OUTDIR/json/patients.ndjson "
        "and write PREFIX.md and PREFIX.csv (see docs/clinical-audit.md). "
        "Example: ehrsim report clinical out --fail-on vaccines,prescribing",
    )
    a.add_argument("out_dir", type=Path, metavar="OUTDIR", help="output folder of `ehrsim generate` (with -f json)")
    a.add_argument("--out", type=Path, default=None, metavar="FILE_PREFIX", help="default OUTDIR/report/clinical")
    a.add_argument("--rules", type=Path, default=None, metavar="FILE", help="rules JSON replacing the default one")
    a.add_argument(
        "--only",
        default="",
        metavar="IDS",
        help="comma-separated rule ids or groups to run (default: all)",
    )
    a.add_argument(
        "--fail-on",
        default="all",
        metavar="WHICH",
        help="which rules over tolerance make the exit status 1: 'all' (default), 'none', or comma-separated "
        "rule ids or groups",
    )
    a.set_defaults(func=run_clinical)


def run_clinical(args: argparse.Namespace) -> int:
    from ehrsim.report.clinical import audit, default_clinical, load_clinical
    from ehrsim.report.clinical.audit import select
    from ehrsim.report.clinical.output import write_clinical
    from ehrsim.report.source import iter_records, read_run_info

    data = load_clinical(rules_file=args.rules) if args.rules else default_clinical()
    only = [x.strip() for x in args.only.split(",") if x.strip()] or None
    fail_on = args.fail_on.strip()
    fail_ids: set[str] | None = None
    if fail_on not in ("all", "none"):
        named = [x.strip() for x in fail_on.split(",") if x.strip()]
        fail_ids = {r.id for r in select(data, named)}
    info = read_run_info(args.out_dir)
    report = audit(iter_records(args.out_dir), info, data, only)
    prefix = args.out or args.out_dir / "report" / "clinical"
    command = f"ehrsim report clinical {shlex.quote(str(args.out_dir))}"
    for flag, value in (("--out", args.out), ("--rules", args.rules), ("--only", args.only)):
        if value:
            command += f" {flag} {shlex.quote(str(value))}"
    if fail_on != "all":
        command += f" --fail-on {shlex.quote(fail_on)}"
    paths = write_clinical(report, prefix, command)
    failed = report.failed()
    print(f"ehrsim: {report.patients} patients, {len(report.results)} rules, {len(failed)} over tolerance")
    for r in failed:
        if r.band is not None and r.measure is not None:
            print(f"  FAIL {r.rule.id}: {r.measure:.3g} outside [{r.band[0]:g}, {r.band[1]:g}]")
        else:
            print(f"  FAIL {r.rule.id}: {r.breaking}/{r.denominator} {r.rule.count} (tolerance {r.rule.tolerance:g})")
    for path in paths:
        print(f"  wrote {path}")
    if fail_on == "none":
        return 0
    return 1 if report.failed(fail_ids) else 0


def run_realism(args: argparse.Namespace) -> int:
    from ehrsim.report.files import write_realism
    from ehrsim.report.lifetable import UNRELIABLE_DEATHS
    from ehrsim.report.realism import realism
    from ehrsim.report.source import iter_records, read_run_info
    from ehrsim.report.targets import load_targets

    info = read_run_info(args.out_dir)
    targets = load_targets(args.targets)
    report = realism(iter_records(args.out_dir), info, targets)
    prefix = args.out or args.out_dir / "report" / "realism"
    command = f"ehrsim report realism {shlex.quote(str(args.out_dir))}"
    if args.out:
        command += f" --out {shlex.quote(str(args.out))}"
    if args.targets:
        command += f" --targets {shlex.quote(str(args.targets))}"
    paths = write_realism(report, prefix, command)
    within = sum(r.within for r in report.results)
    print(f"ehrsim: {report.patients} patients, {within}/{len(report.results)} target rows within tolerance")
    for sex in ("M", "F"):
        e0 = report.life_expectancy(sex)
        if e0 is None:
            continue
        if not e0.estimable:
            print(f"  life expectancy at birth {sex}: cannot be estimated (no deaths among these patients)")
            continue
        print(
            f"  life expectancy at birth {sex}: {e0.value:.1f} years (95 % CI {e0.low:.1f}-{e0.high:.1f}; "
            f"published {e0.published:g})"
        )
        if not e0.reliable:
            print(
                f"  warning: only {e0.deaths} deaths behind it (fewer than {UNRELIABLE_DEATHS}): a small sample, "
                f"the figure is unreliable; generate more patients with --years-of-history 0",
                file=sys.stderr,
            )
    for path in paths:
        print(f"  wrote {path}")
    return 0


def run_coherence(args: argparse.Namespace) -> int:
    from ehrsim.report.coherence import check_record
    from ehrsim.report.source import iter_records, read_run_info

    info = read_run_info(args.out_dir)
    patients = bad = shown = 0
    for record in iter_records(args.out_dir):
        patients += 1
        problems = check_record(record, history_start=info.history_start, end_time=info.reference_time)
        bad += bool(problems)
        for problem in problems:
            if args.limit and shown >= args.limit:
                break
            print(problem)
            shown += 1
    print(f"ehrsim: {bad} of {patients} patients have coherence problems", file=sys.stderr)
    return 1 if bad else 0
