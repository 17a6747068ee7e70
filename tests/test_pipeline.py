"""The record pipeline: patient -> record transforms -> exporters (the path ``run_shard`` takes)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

import ehrsim
from ehrsim import pipeline
from ehrsim.exporters.base import RunContext
from ehrsim.exporters.csv.exporter import CsvExporter
from ehrsim.exporters.json_record import JsonExporter
from ehrsim.population import Population
from ehrsim.record.build import cut_history
from ehrsim.settings import Settings

INDICES = range(6)


@pytest.fixture(scope="module")
def population() -> Population:
    return Population(Settings(population=6, seed=5, reference_date=dt.date(2025, 1, 1), years_of_history=5))


def _ctx(population: Population) -> RunContext:
    return RunContext(settings=population.settings, world=population.world, out_dir=Path("/nonexistent"))


def test_process_renders_the_records_generate_yields(population: Population) -> None:
    exporter = JsonExporter(_ctx(population))
    out = list(pipeline.process(population, INDICES, [exporter]))
    generated = list(ehrsim.generate(6, seed=5, reference_date=dt.date(2025, 1, 1), years_of_history=5))
    assert [record for record, _ in out] == generated
    for record, (rendered,) in out:
        assert rendered.rows == [("patients", orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))]


def test_the_history_cut_is_the_default_transform(population: Population) -> None:
    whole = list(pipeline.records(population, INDICES, transforms=[]))
    cut = list(pipeline.records(population, INDICES))
    assert cut == [cut_history(copy.deepcopy(r), population.end_time, 5) for r in whole]
    assert sum(len(r["encounters"]) for r in whole) > sum(len(r["encounters"]) for r in cut)


class DropObservations:
    """A transform as a plug-in would write one: it sees the record before every exporter."""

    name = "drop-observations"

    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, record: dict[str, Any], ctx: pipeline.TransformContext) -> dict[str, Any]:
        self.seen.append(ctx.index)
        record["observations"], record["reports"] = [], []
        return record


def test_transforms_run_in_order_before_the_exporters(population: Population) -> None:
    drop = DropObservations()
    transforms = [*pipeline.default_transforms(population.settings), drop]
    out = list(pipeline.process(population, INDICES, [CsvExporter(_ctx(population))], transforms))
    assert drop.seen == list(INDICES)
    tables = {table for _, (rendered,) in out for table, _ in rendered.rows}
    assert "observations" not in tables and "encounters" in tables
    unchanged = list(pipeline.process(population, INDICES, [CsvExporter(_ctx(population))]))
    assert any(table == "observations" for _, (rendered,) in unchanged for table, _ in rendered.rows)


def test_transform_randomness_is_per_patient_and_per_transform(population: Population) -> None:
    ctx = pipeline.TransformContext(population.settings, population.world, 3, population.end_time)
    again = pipeline.TransformContext(population.settings, population.world, 3, population.end_time)
    other = pipeline.TransformContext(population.settings, population.world, 4, population.end_time)
    assert ctx.rng("costs").random(4).tolist() == again.rng("costs").random(4).tolist()
    assert ctx.rng("costs").random(4).tolist() != ctx.rng("notes").random(4).tolist()
    assert ctx.rng("costs").random(4).tolist() != other.rng("costs").random(4).tolist()
