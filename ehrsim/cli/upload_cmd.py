"""``ehrsim upload --server URL PATH…``: load FHIR output into a server (shared bundle first)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg,unused-ignore]
    p = sub.add_parser(
        "upload",
        help="load FHIR bundles / NDJSON into a FHIR server; resumable, N requests in flight",
        description="POST every bundle to the server's base URL: shared.json first, then patients. "
        "NDJSON files are sent as batch bundles of PUTs, one resource type at a time. A journal beside "
        "the data records what was loaded, so a rerun skips it; PUTs by id make reloading idempotent.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="an output folder (e.g. OUT/fhir), or files")
    p.add_argument("--server", required=True, help="FHIR base URL, e.g. http://localhost:8080/fhir")
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra HTTP header, repeatable (e.g. 'Authorization: Bearer …'); values are never logged",
    )
    p.add_argument("-c", "--concurrency", type=int, default=4, help="requests in flight (default 4)")
    p.add_argument("--retries", type=int, default=5, help="retries on 429/5xx/connection errors (default 5)")
    p.add_argument("--batch-size", type=int, default=200, help="resources per request for NDJSON (default 200)")
    p.add_argument("--journal", type=Path, help="journal file (default: .ehrsim-upload.jsonl in the first folder)")
    p.add_argument("--force", action="store_true", help="ignore the journal and send everything again")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def default_journal(paths: list[Path]) -> Path:
    first = paths[0]
    return (first if first.is_dir() else first.parent) / ".ehrsim-upload.jsonl"


def run(args: argparse.Namespace) -> int:
    from ehrsim.upload import upload
    from ehrsim.upload.runner import parse_headers

    journal = args.journal or default_journal(args.paths)
    if args.force and journal.exists():
        journal.unlink()
    summary = upload(
        args.paths,
        args.server,
        headers=parse_headers(args.header),
        concurrency=args.concurrency,
        journal=journal,
        retries=args.retries,
        batch_size=args.batch_size,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    print(summary.text())
    return 1 if summary.failed else 0
