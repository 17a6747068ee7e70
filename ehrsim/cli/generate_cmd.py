"""``ehrsim generate``: simulate a population and export it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ehrsim.cli.exporter_options import add_exporter_options, exporter_option_values
from ehrsim.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "generate",
        help="simulate patients and write them out",
        description="Simulate N whole lives and export them (default: 10 patients as json to ./output).",
    )
    p.add_argument("-p", "--population", type=int, default=10, help="patients to export (default 10)")
    p.add_argument("-s", "--seed", type=int, default=0, help="root seed (default 0)")
    p.add_argument(
        "--reference-date",
        help="the simulation's 'today', YYYY-MM-DD (default: today's date; "
        "it is written to metadata.json so a run can be reproduced)",
    )
    p.add_argument("--age", help="age range MIN-MAX in years, e.g. 18-65 (default 0-110, the census pyramid with 100+)")
    p.add_argument("--gender", choices=["M", "F"], help="only this sex (default: both, by the census ratio)")
    p.add_argument("--state", help="US state name or abbreviation (default: all, by population)")
    p.add_argument("--years-of-history", type=int, default=10, help="years of record kept (0 = whole life; default 10)")
    p.add_argument(
        "--notes", action="store_true", help="add a clinical note per encounter (FHIR DocumentReference, OMOP note)"
    )
    p.add_argument("--only-alive", action="store_true", help="export N patients alive at the reference date")
    p.add_argument(
        "--cohort",
        metavar="EXPR",
        help="only patients matching EXPR, e.g. 'condition(SNOMED-CT:44054006) and age >= 40' (docs/cohorts.md)",
    )
    p.add_argument(
        "--keep-module",
        type=Path,
        metavar="FILE",
        help="only patients a Synthea-style keep module keeps (it ends in a state named Keep)",
    )
    p.add_argument(
        "--storyline",
        type=Path,
        metavar="FILE",
        help="force module states at given ages or dates for every patient (TOML/JSON, docs/storylines.md)",
    )
    p.add_argument(
        "--cohort-max-attempts",
        type=int,
        default=2000,
        metavar="N",
        help="candidates tried per patient before a cohort run gives up (default 2000)",
    )
    p.add_argument(
        "--cohort-steer",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="steer loops toward the cohort's conditions by FACTOR, with sampling weights (default 1 = off)",
    )
    p.add_argument(
        "--modules",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="module folder replacing the default library (repeatable)",
    )
    p.add_argument(
        "--add-modules",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="module folder added on top (repeatable; later folders override by module path)",
    )
    p.add_argument(
        "--only-modules",
        action="append",
        default=[],
        metavar="PATTERN",
        help="run only top-level modules matching this glob (repeatable)",
    )
    p.add_argument("--lenient", action="store_true", help="accept module problems Synthea tolerates (as warnings)")
    p.add_argument(
        "--natural-deaths",
        choices=("auto", "on", "off"),
        default="auto",
        help="ehrsim's natural-death module (life-table deaths no module explains): auto (default) adds it "
        "when the library has no module named natural_causes (e.g. Synthea's), on always, off never",
    )
    p.add_argument("-f", "--format", default="json", help="comma-separated: json,fhir,fhir-ndjson,csv,omop")
    p.add_argument(
        "-o",
        "--out",
        type=Path,
        default=Path("output"),
        help="output folder (default ./output); it must not hold another run's output unless --overwrite",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace another run's output in the folder (metadata.json, every format folder, unfinished shards)",
    )
    p.add_argument("-w", "--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--shard-size",
        type=int,
        default=None,
        help="patients per shard, the resumable unit (default: N/16, at most 100); output does not depend on it",
    )
    add_exporter_options(p)
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run shards on a Dask cluster (scheduler address, or 'local'); OUT must be shared",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run_generate)


def _age_range(text: str | None) -> tuple[float, float]:
    if not text:
        return 0.0, 110.0
    try:
        lo, hi = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise ConfigError(f"--age must look like MIN-MAX (e.g. 18-65), not {text!r}") from None
    return lo, hi


def settings_from_args(args: argparse.Namespace) -> Any:
    from ehrsim.runner import default_workers
    from ehrsim.settings import Settings

    age_min, age_max = _age_range(args.age)
    try:
        reference = dt.date.fromisoformat(args.reference_date) if args.reference_date else dt.date.today()
    except ValueError:
        raise ConfigError(f"--reference-date must be YYYY-MM-DD, not {args.reference_date!r}") from None
    try:
        return Settings(
            population=args.population,
            seed=args.seed,
            reference_date=reference,
            age_min=age_min,
            age_max=age_max,
            gender=args.gender,
            state=args.state,
            years_of_history=args.years_of_history,
            only_alive=args.only_alive,
            cohort=args.cohort,
            keep_module=args.keep_module,
            cohort_max_attempts=args.cohort_max_attempts,
            cohort_steer=args.cohort_steer,
            storyline=args.storyline,
            notes=args.notes,
            modules=tuple(args.modules),
            add_modules=tuple(args.add_modules),
            only_modules=tuple(args.only_modules),
            lenient=args.lenient,
            natural_deaths=args.natural_deaths,
            formats=tuple(f.strip() for f in args.format.split(",") if f.strip()),
            out=args.out,
            workers=args.workers or default_workers(),
            shard_size=args.shard_size,
            dask=args.dask,
            **exporter_option_values(args),
        )
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise ConfigError(f"invalid options: {problems}") from None


#: Settings field -> the option that sets it, for messages
OPTIONS = {
    "population": "-p/--population",
    "seed": "-s/--seed",
    "reference_date": "--reference-date",
    "age_min": "--age",
    "age_max": "--age",
    "formats": "-f/--format",
    "workers": "-w/--workers",
    "shard_size": "--shard-size",
    "years_of_history": "--years-of-history",
    "csv_max_rows": "--csv-max-rows",
    "cohort_max_attempts": "--cohort-max-attempts",
    "cohort_steer": "--cohort-steer",
}


def _problem(error: Any) -> str:
    field = ".".join(str(p) for p in error["loc"][:1])
    message = str(error["msg"]).removeprefix("Value error, ")
    name = OPTIONS.get(field, f"--{field.replace('_', '-')}" if field else "")
    if not field and message.startswith("age range"):  # the settings' cross-field check of the ages
        name = "--age"
    return f"{name} {message}" if name else message


def run_generate(args: argparse.Namespace) -> int:
    from ehrsim.runner import run

    settings = settings_from_args(args)
    bar = None
    if not args.no_progress and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=settings.population, unit="patient", file=sys.stderr)
    started = time.perf_counter()
    try:
        summary = run(settings, progress=bar.update if bar else None, overwrite=args.overwrite)
    finally:
        if bar:
            bar.close()
    seconds = time.perf_counter() - started
    counts = summary["counts"]
    n = counts.get("patients", 0)
    resumed = summary.get("resumed", 0)
    made = n - resumed  # patients/s counts only what this run simulated
    print(
        f"ehrsim: {n} patients ({counts.get('alive', 0)} alive, {counts.get('dead', 0)} dead) "
        f"in {seconds:.1f} s ({made / seconds if seconds else 0:.1f} patients/s) -> {settings.out}"
    )
    if resumed:
        print(f"  resumed: {resumed} patients were already done by the earlier, unfinished run")
    records = ", ".join(
        f"{k} {v}" for k, v in counts.items() if k not in ("patients", "alive", "dead", "cohort_attempts") and v
    )
    print(f"  records: {records}")
    cohort = summary.get("cohort")
    if cohort:
        rate = cohort["acceptance_rate"]
        print(
            f"  cohort: {cohort['attempts']} candidates for {n} patients "
            f"(acceptance {100 * rate if rate is not None else 0:.2f}%, by {cohort['method']})"
        )
    return 0
