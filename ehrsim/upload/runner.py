"""Run an upload: phase by phase, N requests in flight, journal, progress bar and summary."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import httpx
from tqdm import tqdm

from ehrsim.errors import UploadError
from ehrsim.upload.client import Outcome, post_bundle
from ehrsim.upload.journal import Journal
from ehrsim.upload.plan import Item, build_plan

log = logging.getLogger(__name__)


@dataclass
class UploadSummary:
    loaded: int = 0  # items (bundles) the server accepted entirely
    skipped: int = 0  # items the journal says are already loaded
    resources: int = 0  # entries answered 200/201
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item, server's message)

    @property
    def rate(self) -> float:
        return self.resources / self.seconds if self.seconds > 0 else 0.0

    def text(self) -> str:
        lines = [f"FAILED {key}: {message}" for key, message in self.failed[:50]]
        if len(self.failed) > 50:
            lines.append(f"… and {len(self.failed) - 50} more failures")
        lines.append(
            f"loaded {self.loaded}, skipped {self.skipped} (already loaded), failed {len(self.failed)}; "
            f"{self.resources} resources in {self.seconds:.1f} s ({self.rate:.0f} resources/s)"
        )
        return "\n".join(lines)


def parse_headers(raw: list[str]) -> dict[str, str]:
    """``["Authorization: Bearer x"]`` -> dict; values are secrets and are never logged."""
    headers = {}
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise UploadError(f"--header needs 'Name: value' (got a header without a colon: {name.strip()[:20]!r})")
        headers[name.strip()] = value.strip()
    return headers


def upload(
    paths: list[Path],
    server: str,
    *,
    headers: dict[str, str] | None = None,
    concurrency: int = 4,
    journal: Path | None = None,
    retries: int = 5,
    backoff: float = 1.0,
    batch_size: int = 200,
    progress: bool = False,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> UploadSummary:
    """Load every bundle / NDJSON file under ``paths`` into the FHIR server at ``server``."""
    if concurrency < 1:
        raise UploadError("--concurrency must be at least 1")
    plan = build_plan(paths, batch_size)
    url = server.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UploadError(f"--server must be an http(s) base URL, got {server!r}")
    done = Journal(journal, url)
    summary = UploadSummary()
    if headers:
        log.info("sending headers: %s (values hidden)", ", ".join(sorted(headers)))
    start = time.monotonic()
    reached = threading.Event()  # set at the server's first answer: a refused first connection fails fast
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with (
        httpx.Client(
            headers=headers or {}, timeout=httpx.Timeout(300.0, connect=10.0), limits=limits, transport=transport
        ) as client,
        ThreadPoolExecutor(max_workers=concurrency) as pool,
        tqdm(total=len(plan), unit="bundle", disable=not progress, desc="upload") as bar,
    ):

        def send(item: Item) -> tuple[Item, Outcome | None, str]:
            body = item.body()
            digest = item.digest(body)
            if done.done(item.key, digest):
                return item, None, digest
            outcome = post_bundle(
                client, url, body, retries=retries, backoff=backoff, sleep=sleep, label=item.key, reached=reached
            )
            return item, outcome, digest

        for phase, group in groupby(plan, key=lambda i: i.phase):
            failed_before = len(summary.failed)
            for item, outcome, digest in _bounded(pool, send, group, 2 * concurrency):
                bar.update(1)
                if outcome is None:
                    summary.skipped += 1
                    continue
                summary.resources += outcome.entries
                if outcome.ok:
                    summary.loaded += 1
                    done.record(item.key, digest, outcome.entries)
                else:
                    summary.failed.append((item.key, outcome.message))
                    log.error("%s: %s", item.key, outcome.message)
            if phase == 0 and len(summary.failed) > failed_before:
                log.error("the shared bundle failed; patient bundles that point at it would fail too")
                break
    summary.seconds = time.monotonic() - start
    return summary


def _bounded(
    pool: ThreadPoolExecutor, fn: Callable[[Item], tuple[Item, Outcome | None, str]], items: Iterator[Item], limit: int
) -> Iterator[tuple[Item, Outcome | None, str]]:
    """Results of ``fn`` over ``items`` with at most ``limit`` submitted at once (no queue of millions)."""
    pending: set[Future[tuple[Item, Outcome | None, str]]] = set()
    for item in items:
        pending.add(pool.submit(fn, item))
        if len(pending) >= limit:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                yield f.result()
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in finished:
            yield f.result()
