"""The record pipeline: simulate a patient -> record transforms -> exporters.

``process`` is the one path from a patient index to rendered bytes: ``runner.run_shard`` writes
what it yields, ``generate`` yields its records without exporters, and tests call it directly.
Record transforms run between the engine and the exporters, in order, on the native record
(docs/record.md); the history cut (``--years-of-history``) is the first one. This is where
cohort weights, dirty data, costs and notes plug in: a transform is any callable
``(record, ctx) -> record`` with a ``name``, deterministic given the record and ``ctx``, drawing
random numbers only from ``ctx.rng(name)``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ehrsim.errors import ConfigError
from ehrsim.population import Population
from ehrsim.record.build import cut_history
from ehrsim.settings import Settings

if TYPE_CHECKING:
    from ehrsim.core.world import World
    from ehrsim.exporters.base import Exporter, Rendered

Record = dict[str, Any]


@dataclass(frozen=True)
class TransformContext:
    """What a transform may know about the patient's run."""

    settings: Settings
    world: World
    index: int  # the patient's index in the run
    end_time: int  # the reference date as a record time

    def rng(self, name: str) -> np.random.Generator:
        """A generator of its own for transform ``name`` and this patient: independent of the engine's draws."""
        return np.random.default_rng([self.settings.seed, self.index, zlib.crc32(name.encode())])


class RecordTransform(Protocol):
    """Turns one native record into another (or changes it in place and returns it)."""

    name: str

    def __call__(self, record: Record, ctx: TransformContext) -> Record: ...


class HistoryCut:
    """Keeps the last ``years_of_history`` years, and what was still active then (0 = the whole life)."""

    name = "history"

    def __call__(self, record: Record, ctx: TransformContext) -> Record:
        return cut_history(record, ctx.end_time, ctx.settings.years_of_history)


def default_transforms(settings: Settings) -> tuple[RecordTransform, ...]:
    """The transforms every run applies, in order: the history cut, then the notes when ``--notes``."""
    if settings.notes:
        from ehrsim.notes import NotesTransform  # imported only when asked: jinja2 stays off the hot path

        return (HistoryCut(), NotesTransform())
    return (HistoryCut(),)


def records(
    population: Population, indices: Iterable[int], transforms: Sequence[RecordTransform] | None = None
) -> Iterator[Record]:
    """Simulate each patient and apply the transforms (by default ``default_transforms``): native records.

    With a cohort (``--cohort``, ``--keep-module``), slot ``index`` gets the first of its candidates
    (``Population.candidate``) whose final record matches; ``population.attempts`` counts them.
    """
    chain = default_transforms(population.settings) if transforms is None else tuple(transforms)
    settings, world, end_time = population.settings, population.world, population.end_time
    cohort = population.cohort
    for index in indices:
        ctx = TransformContext(settings, world, index, end_time)
        if cohort is None:
            record = population.simulate(index)
            for transform in chain:
                record = transform(record, ctx)
            yield record
            continue
        population.redrawn.clear()
        for attempt in range(cohort.max_attempts):
            population.attempts += 1
            candidate = population.candidate(index, attempt)
            if candidate is None:
                continue
            for transform in chain:
                candidate = transform(candidate, ctx)
            if cohort.accepts(candidate, end_time):
                yield candidate
                break
        else:
            raise ConfigError(_give_up(index, cohort.max_attempts, population))


def _give_up(index: int, attempts: int, population: Population) -> str:
    """Why slot ``index`` found no candidate: the cohort, or the storyline's reasons with their counts."""
    if population.redrawn:
        reasons = ", ".join(f"{n} {why}" for why, n in population.redrawn.most_common())
        return (
            f"no candidate for patient {index} could tell the storyline in {attempts} attempts "
            f"(--cohort-max-attempts): {reasons}"
        )
    return (
        f"no candidate for patient {index} matched the cohort in {attempts} attempts "
        "(--cohort-max-attempts): the cohort is impossible or too rare for rejection with these options"
    )


def process(
    population: Population,
    indices: Iterable[int],
    exporters: Sequence[Exporter],
    transforms: Sequence[RecordTransform] | None = None,
) -> Iterator[tuple[Record, list[Rendered]]]:
    """Each patient's final record and what every exporter rendered from it, in index order."""
    for record in records(population, indices, transforms):
        yield record, [exporter.render(record) for exporter in exporters]


def generate(
    n: int,
    *,
    seed: int = 0,
    reference_date: Any,
    modules: Any = None,
    start: int = 0,
    transforms: Sequence[RecordTransform] | None = None,
    fast_loops: bool = True,
    cohort: str | None = None,
    storyline: str | Path | dict[str, Any] | None = None,
    **options: Any,
) -> Iterator[Record]:
    """Yield ``n`` native patient records lazily, in index order (in this process).

    ``modules``: a folder or list of folders replacing the bundled library; other keyword options
    are ``Settings`` fields; ``transforms`` replaces ``default_transforms``; ``fast_loops=False``
    iterates self-looping Delays instead of fast-forwarding them (see ``Population``); ``cohort``
    keeps only patients matching a cohort expression (docs/cohorts.md; ``keep_module=PATH`` and
    ``cohort_max_attempts`` are ``Settings`` fields too); ``storyline`` is a storyline file, or its
    content as a dict, forcing module states at given ages or dates (docs/storylines.md).

    >>> import datetime, ehrsim
    >>> records = ehrsim.generate(2, seed=1, reference_date=datetime.date(2025, 1, 1))
    """
    if modules is not None:
        options["modules"] = tuple([modules] if isinstance(modules, str | Path) else modules)
    if storyline is not None:
        options["storyline"] = Path(storyline) if isinstance(storyline, str | Path) else storyline
    settings = Settings(population=n, seed=seed, reference_date=reference_date, cohort=cohort, **options)
    yield from records(Population(settings, fast_loops=fast_loops), range(start, start + n), transforms)
