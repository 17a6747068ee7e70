"""A whole run: shards of patients simulated and rendered in worker processes, then assembled.

The parent never holds patient records: workers simulate a shard, render it with every exporter,
write whole files and table parts, and report counts. Shards are independent pure functions of
(settings, shard number), which is also the unit a distributed runner (e.g. Dask) would schedule.
"""

from __future__ import annotations

import logging
import math
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import orjson

import ehrsim
from ehrsim import pipeline
from ehrsim.exporters.base import Exporter, RunContext
from ehrsim.exporters.registry import exporter_class
from ehrsim.output import ShardStore, atomic_concat, atomic_write
from ehrsim.population import Population
from ehrsim.record.kinds import ACTIVE_KINDS, KINDS
from ehrsim.settings import Settings

log = logging.getLogger(__name__)
_WORKER: dict[str, Any] = {}  # per-process cache of the shared, read-only run state (worker processes only)


class _Shared:
    """What a process needs to work on shards: population and exporters, built once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.population = Population(settings)
        ctx = RunContext(settings=settings, world=self.population.world, out_dir=settings.out)
        self.exporters: list[Exporter] = [exporter_class(f)(ctx) for f in settings.formats]
        self.store = ShardStore(settings.out)


def _shared(settings: Settings) -> _Shared:
    cached = _WORKER.get("shared")
    if cached is None or cached.settings != settings:
        cached = _WORKER["shared"] = _Shared(settings)
    return cached


def run_shard(settings: Settings, shard: int) -> dict[str, int]:
    """Simulate, render and write one shard; returns its counts. Idempotent."""
    shared = _shared(settings)
    first = shard * settings.shard
    last = min(settings.population, first + settings.shard)
    rows: dict[tuple[int, str], list[bytes]] = {}
    counts: Counter[str] = Counter()
    for record, renders in pipeline.process(shared.population, range(first, last), shared.exporters):
        counts["patients"] += 1
        counts["alive" if record["alive"] else "dead"] += 1
        for kind in KINDS:
            counts[kind] += len(record[kind])
        for i, (exporter, rendered) in enumerate(zip(shared.exporters, renders, strict=True)):
            for rel, data in rendered.files:
                atomic_write(exporter.out / rel, data)
            for table, data in rendered.rows:
                rows.setdefault((i, table), []).append(data)
    for (i, table), chunks in rows.items():
        exporter = shared.exporters[i]
        atomic_write(shared.store.part(exporter.name, table, shard), b"".join(chunks))
    shared.store.mark_done(shard, dict(counts))
    return dict(counts)


def _init_worker() -> None:
    logging.getLogger().setLevel(logging.WARNING)


def run(settings: Settings, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Do a whole run; returns the summary also written to ``OUT/metadata.json``."""
    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    shared = _shared(settings)
    _ = shared.population.modules  # load and check modules before any work is handed out
    store = shared.store
    fingerprint: dict[str, object] = {
        "version": ehrsim.__version__,
        "settings": settings.model_dump(mode="json", exclude={"workers", "out", "dask"}),
    }
    store.check_run(fingerprint)
    shards = math.ceil(settings.population / settings.shard)
    todo = [k for k in range(shards) if not store.is_done(k)]
    if len(todo) < shards:
        log.info("resuming: %d of %d shards already done", shards - len(todo), shards)
        if progress:
            progress(sum(store.counts(k).get("patients", 0) for k in range(shards) if k not in todo))
    workers = min(settings.workers, max(1, len(todo)))
    if settings.dask:
        from ehrsim.distributed import run_on_dask

        run_on_dask(settings, todo, settings.dask, progress)
    elif workers <= 1:
        for k in todo:
            c = run_shard(settings, k)
            if progress:
                progress(c.get("patients", 0))
    else:
        _run_pool(settings, todo, workers, progress)
    totals: Counter[str] = Counter()
    for k in range(shards):
        totals.update(store.counts(k))
    summary: dict[str, Any] = {"counts": dict(totals), "exporters": {}}
    for exporter in shared.exporters:
        headers = exporter.tables()
        for table in sorted(set(headers) | set(exporter.table_files)):
            parts = store.parts(exporter.name, table, shards)
            if parts or table in headers:  # a headerless table with no rows gets no file
                atomic_concat(exporter.out / exporter.table_files.get(table, table), headers.get(table, b""), parts)
        summary["exporters"][exporter.name] = exporter.finish(dict(totals))
    metadata: dict[str, Any] = {
        "ehrsim_version": ehrsim.__version__,
        "seed": settings.seed,
        "reference_date": settings.reference_date.isoformat(),
        "population": settings.population,
        "options": settings.model_dump(mode="json"),
        "modules": shared.population.library.hashes(),
        "module_warnings": len(shared.population.library.warnings),
        "counts": {k: int(v) for k, v in sorted(totals.items())},
        "record_kinds": list(KINDS),
        "lasting_kinds": list(ACTIVE_KINDS),
    }
    for key in ("workers", "out", "dask"):  # the output does not depend on them
        metadata["options"].pop(key, None)
    atomic_write(out / "metadata.json", orjson.dumps(metadata, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    store.clear()
    summary["metadata"] = metadata
    return summary


def _run_pool(settings: Settings, todo: list[int], workers: int, progress: Callable[[int], None] | None) -> None:
    """Feed shards to a process pool lazily: never more than two per worker in flight."""
    pending = iter(todo)
    in_flight: set[Future[dict[str, int]]] = set()
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        for k in pending:
            in_flight.add(pool.submit(run_shard, settings, k))
            if len(in_flight) >= workers * 2:
                break
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in done:
                counts = fut.result()
                if progress:
                    progress(counts.get("patients", 0))
                nxt = next(pending, None)
                if nxt is not None:
                    in_flight.add(pool.submit(run_shard, settings, nxt))


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
