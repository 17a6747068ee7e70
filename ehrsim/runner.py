"""A whole run: shards of patients simulated and rendered in worker processes, then assembled.

The parent never holds patient records: workers simulate a shard, render it with every exporter,
write whole files and table parts, and report counts. Shards are independent pure functions of
(settings, shard number), which is also the unit a distributed runner (e.g. Dask) would schedule.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import orjson

import ehrsim
from ehrsim import pipeline, rundir
from ehrsim.errors import WorkerLost
from ehrsim.exporters.base import Exporter, RunContext
from ehrsim.exporters.csv.options import CsvOptions
from ehrsim.exporters.registry import exporter_class
from ehrsim.output import ShardStore, atomic_concat, atomic_write
from ehrsim.population import Population, module_folders
from ehrsim.record.kinds import ACTIVE_KINDS, KINDS
from ehrsim.settings import COHORT_OPTIONS, Settings

log = logging.getLogger(__name__)
#: a steered cohort's per-patient sampling weights (format-neutral: index and patient id key any format)
WEIGHTS_FILE = "cohort_weights.csv"
WEIGHTS_HEADER = b"index,patient_id,weight\n"
_WORKER: dict[str, Any] = {}  # per-process cache of the shared, read-only run state (worker processes only)


class _Shared:
    """What a process needs to work on shards: population and exporters, built once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.population = Population(settings)
        ctx = RunContext(settings=settings, world=self.population.world, out_dir=settings.out)
        self.exporters: list[Exporter] = [exporter_class(f)(ctx) for f in settings.formats]
        self.store = ShardStore(settings.out)
        self.stamp = modules_stamp(settings)


def modules_stamp(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of every file in the module folders: a long-lived worker (e.g. on a Dask
    cluster) notices an edited module between runs with the same settings and reloads it."""
    files = (p for folder in module_folders(settings) if folder.is_dir() for p in sorted(folder.rglob("*")))
    return tuple((str(p), (st := p.stat()).st_size, st.st_mtime_ns) for p in files if p.is_file())


def _shared(settings: Settings) -> _Shared:
    cached = _WORKER.get("shared")
    if cached is None or cached.settings != settings or cached.stamp != modules_stamp(settings):
        cached = _WORKER["shared"] = _Shared(settings)
    return cached


def run_shard(settings: Settings, shard: int) -> dict[str, int]:
    """Simulate, render and write one shard; returns its counts. Idempotent."""
    shared = _shared(settings)
    first = shard * settings.shard
    last = min(settings.population, first + settings.shard)
    counts: Counter[str] = Counter()
    attempts_before = shared.population.attempts
    with shared.store.writer(shard) as parts:  # rows are streamed to the shard's part files
        for record, renders in pipeline.process(shared.population, range(first, last), shared.exporters):
            counts["patients"] += 1
            counts["alive" if record["alive"] else "dead"] += 1
            if "weight" in record:  # a steered cohort: the sampling weights sidecar
                parts.add("cohort", "weights", f"{record['index']},{record['id']},{record['weight']!r}\n".encode())
            for kind in KINDS:
                counts[kind] += len(record[kind])
            for exporter, rendered in zip(shared.exporters, renders, strict=True):
                for rel, data in rendered.files:
                    atomic_write(exporter.out / rel, data)
                for table, data in rendered.rows:
                    parts.add(exporter.name, table, data)
    if shared.population.cohort is not None:
        counts["cohort_attempts"] = shared.population.attempts - attempts_before
    shared.store.mark_done(shard, dict(counts))
    return dict(counts)


def _init_worker() -> None:
    logging.getLogger().setLevel(logging.WARNING)


def fingerprint(settings: Settings, module_hashes: dict[str, str]) -> dict[str, object]:
    """What a resumed run must share with the shards already done: version, settings and module texts."""
    found: dict[str, object] = {
        "version": ehrsim.__version__,
        "settings": options_dump(settings, exclude={"workers", "out", "dask"}),
        "modules": module_hashes,
    }
    if isinstance(settings.storyline, Path):  # an edited storyline file must not resume the old one's run
        found["storyline"] = hashlib.sha256(settings.storyline.read_bytes()).hexdigest()
    return found


def options_dump(settings: Settings, exclude: set[str]) -> dict[str, Any]:
    """The settings as JSON, without the cohort options left at their defaults (so runs without a
    cohort write what they wrote before cohorts existed)."""
    dumped = settings.model_dump(mode="json", exclude=exclude)
    for key, default in COHORT_OPTIONS.items():
        if getattr(settings, key) == default:
            dumped.pop(key, None)
    return dumped


def run(
    settings: Settings, progress: Callable[[int], None] | None = None, *, overwrite: bool = False
) -> dict[str, Any]:
    """Do a whole run; returns the summary also written to ``OUT/metadata.json``.

    The output folder is checked, locked and claimed first (see :mod:`ehrsim.rundir`);
    ``overwrite`` replaces another run's output instead of refusing it.
    """
    out = rundir.check_writable(settings.out)
    # built afresh (not the per-process cache): module files may have changed since the last run
    shared = _WORKER["shared"] = _Shared(settings)
    _ = shared.population.modules  # load and check modules before any work is handed out
    _ = shared.population.cohort  # and the cohort expression and keep module
    folders = [exporter.folder for exporter in shared.exporters]
    rundir.check_subfolders(out, folders)
    with rundir.RunLock(out):
        keep = ("csv",) if CsvOptions.from_settings(settings).csv_append else ()
        rundir.claim(
            out, fingerprint(settings, shared.population.library.hashes()), folders, overwrite=overwrite, keep=keep
        )
        return _run_locked(settings, shared, progress)


def _run_locked(settings: Settings, shared: _Shared, progress: Callable[[int], None] | None) -> dict[str, Any]:
    out = settings.out
    store = shared.store
    shards = math.ceil(settings.population / settings.shard)
    todo = [k for k in range(shards) if not store.is_done(k)]
    resumed = sum(store.counts(k).get("patients", 0) for k in sorted(set(range(shards)) - set(todo)))
    if len(todo) < shards:
        log.warning(
            "resuming the unfinished run in %s: %d of %d shards (%d patients) already done",
            out,
            shards - len(todo),
            shards,
            resumed,
        )
        if progress:
            progress(resumed)
    workers = min(settings.workers, max(1, len(todo)))
    if settings.dask:
        from ehrsim.distributed import run_on_dask

        run_on_dask(settings, todo, settings.dask, progress)
    elif workers <= 1:
        feed(todo, _Inline(settings), 1, progress)
    else:
        _run_pool(settings, todo, workers, progress)
    totals: Counter[str] = Counter()
    for k in range(shards):
        totals.update(store.counts(k))
    summary: dict[str, Any] = {"counts": dict(totals), "exporters": {}, "resumed": resumed}
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
        "options": options_dump(settings, exclude=set()),
        "modules": shared.population.library.hashes(),
        "module_warnings": len(shared.population.library.warnings),
        "counts": {k: int(v) for k, v in sorted(totals.items())},
        "record_kinds": list(KINDS),
        "lasting_kinds": list(ACTIVE_KINDS),
    }
    for key in ("workers", "out", "dask"):  # the output does not depend on them
        metadata["options"].pop(key, None)
    cohort = shared.population.cohort
    if cohort is None or cohort.steering is None:  # an overwritten steered run's sidecar would mislead
        (out / WEIGHTS_FILE).unlink(missing_ok=True)
    if cohort is not None:
        metadata["cohort"] = summary["cohort"] = cohort.summary(totals["patients"], totals["cohort_attempts"])
        if cohort.steering is not None:
            weights = out / WEIGHTS_FILE
            atomic_concat(weights, WEIGHTS_HEADER, store.parts("cohort", "weights", shards))
            total = math.fsum(float(line.rsplit(b",", 1)[1]) for line in weights.read_bytes().splitlines()[1:])
            metadata["cohort"].update(
                weights_file=WEIGHTS_FILE,
                weight_sum=total,
                # the unsteered chance that a candidate matches: sum of weights over candidates tried
                estimated_prevalence=total / totals["cohort_attempts"] if totals["cohort_attempts"] else None,
            )
    atomic_write(out / "metadata.json", orjson.dumps(metadata, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    store.clear()
    summary["metadata"] = metadata
    return summary


class _Inline:
    """An executor that runs each shard in this process as it is submitted (the one-worker case)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def submit(self, shard: int) -> Future[dict[str, int]]:
        future: Future[dict[str, int]] = Future()
        future.set_result(run_shard(self.settings, shard))
        return future


class Submitter(Protocol):
    def submit(self, shard: int) -> Any: ...


def feed(
    todo: list[int],
    executor: Submitter,
    in_flight_limit: int,
    progress: Callable[[int], None] | None,
    wait_any: Callable[[set[Any]], tuple[set[Any], set[Any]]] | None = None,
) -> None:
    """The one shard-feeding loop of local, process-pool and Dask runs.

    Submits shards lazily, never more than ``in_flight_limit`` at once, and reports each finished
    shard's patients to ``progress``. ``wait_any(futures)`` returns ``(done, not_done)`` once at
    least one is done (``concurrent.futures.wait`` or ``dask.distributed.wait`` with
    ``FIRST_COMPLETED``); results are read with ``future.result()``, which re-raises a shard's error.
    """
    waiter = wait_any or (lambda fs: wait(fs, return_when=FIRST_COMPLETED))
    pending = iter(todo)
    in_flight: set[Any] = {executor.submit(k) for k in islice(pending, max(1, in_flight_limit))}
    while in_flight:
        done, not_done = waiter(in_flight)
        in_flight = set(not_done)
        for future in done:
            counts = future.result()
            if progress:
                progress(counts.get("patients", 0))
            nxt = next(pending, None)
            if nxt is not None:
                in_flight.add(executor.submit(nxt))


class _Pool:
    def __init__(self, pool: ProcessPoolExecutor, settings: Settings) -> None:
        self.pool, self.settings = pool, settings

    def submit(self, shard: int) -> Future[dict[str, int]]:
        return self.pool.submit(run_shard, self.settings, shard)


def _run_pool(settings: Settings, todo: list[int], workers: int, progress: Callable[[int], None] | None) -> None:
    """Feed shards to a process pool: never more than two per worker in flight."""
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            feed(todo, _Pool(pool, settings), workers * 2, progress)
    except BrokenProcessPool:
        raise WorkerLost(
            "a worker process died (killed, e.g. by the out-of-memory killer); the shards already finished "
            "are kept: rerun the same command to resume (with fewer workers, -w, if memory is short)"
        ) from None


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
