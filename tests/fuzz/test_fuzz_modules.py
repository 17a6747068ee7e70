"""Fuzzing module checking and the engine: random modules from the grammar, valid and mutated.

Every case must either load and simulate a few patients without an exception, stop at run time
with a SimulationError that is the module's (never an internal one), or fail to load with a
ModuleError whose problems name the file (and the state touched, when the mutation was inside one).
Counts are printed (run with ``-s``) and kept in ``COUNTS`` for the closing note.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehrsim.engine import loops, simulation
from ehrsim.engine.recorder import patient_uuid_prefix
from ehrsim.errors import ModuleError, SimulationError
from ehrsim.gmf.library import load_library
from ehrsim.record.build import build_record, cut_history
from ehrsim.record.times import from_date
from tests.engine.harness import StubWorld
from tests.fuzz.grammar import SUBMODULE, SUBMODULE_BODY, module
from tests.fuzz.mutations import mutated, to_json

COUNTS: Counter[str] = Counter()
END = dt.date(2026, 1, 1)


def _write(folder: Path, doc: dict[str, Any] | str, path: str) -> Path:
    file = folder / f"{path}.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return file


def _simulate(folder: Path, seed: int) -> None:
    library = load_library([folder])
    loops.install(library)
    patient = {
        "birth_time": from_date(dt.date(2001, 1, 1) + dt.timedelta(days=seed * 3000)),
        "gender": "MF"[seed % 2],
        "race": "white",
        "ethnicity": "nonhispanic",
        "first": "Fuzz",
        "last": "Case",
        "address": {"state": "Massachusetts", "city": "Boston"},
    }
    attributes = {"gender": patient["gender"], "race": "white", "ethnicity": "nonhispanic", "income": 40_000}
    sim = simulation.Simulation(
        library=library,
        modules=library.top_level(),
        patient=patient,
        attributes=attributes,
        rng=np.random.default_rng(seed),
        world=StubWorld(),  # type: ignore[arg-type]
        end_time=from_date(END),
        id_prefix=patient_uuid_prefix(seed, 0),
    )
    try:
        sim.run()
    except SimulationError as exc:
        raise exc.locate(patient=seed, seed=seed) from exc
    record = build_record(sim, seed)
    cut_history(record, from_date(END), 10)
    json.dumps(record, default=str)


def run_case(doc: dict[str, Any], subs: dict[str, Any], state: str | None, what: str) -> str:
    """Load and simulate one case; returns its outcome ("loaded", "rejected" or "stopped")."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        file = _write(folder, to_json(doc), "fuzz")
        _write(folder, SUBMODULE_BODY, SUBMODULE)
        for path, body in subs.items():
            _write(folder, body, path)
        try:
            for seed in (0, 1):
                _simulate(folder, seed)
        except ModuleError as exc:
            assert exc.problems, what
            for problem in exc.problems:
                assert problem.startswith(str(folder)), f"{what}: problem names no file: {problem}"
            in_file = [p for p in exc.problems if p.startswith(f"{file}: ")]
            if state is not None and in_file:  # the touched state is named
                assert any(state in p for p in in_file), f"{what}: {in_file[:3]}"
            return "rejected"
        except SimulationError as exc:
            assert not exc.internal, f"{what}: internal error: {exc}"
            assert exc.module and exc.patient is not None, f"{what}: unlocated: {exc}"
            return "stopped"
    return "loaded"


CASES = st.one_of(
    module().map(lambda m: (m, {}, None, "valid")),
    module().flatmap(mutated),
)


def _fuzz(examples: int) -> Counter[str]:
    counts: Counter[str] = Counter()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(CASES)
    def check(case: tuple[dict[str, Any], dict[str, Any], str | None, str]) -> None:
        outcome = run_case(*case)
        counts["cases"] += 1
        counts[outcome] += 1
        counts[f"{'valid' if case[3] == 'valid' else 'mutated'} {outcome}"] += 1
        progress = os.environ.get("EHRSIM_FUZZ_PROGRESS")  # a file to follow a long run in
        if progress and counts["cases"] % 250 == 0:
            Path(progress).write_text(json.dumps(dict(counts)))

    check()
    return counts


@pytest.fixture(autouse=True)
def _small_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A runaway loop is stopped after 300,000 events instead of 3 million, so a case takes seconds at most."""
    monkeypatch.setattr(simulation, "MAX_EVENTS_PER_LIFE", 300_000)


def _report(counts: Counter[str]) -> None:
    COUNTS.update(counts)
    print("\nfuzz:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), "tracebacks 0")
    assert counts["cases"] == counts["loaded"] + counts["rejected"] + counts["stopped"]
    assert counts["valid loaded"] > 0 and counts["mutated rejected"] > 0


def test_fuzz_modules_fast() -> None:
    _report(_fuzz(200))


@pytest.mark.slow
def test_fuzz_modules_10000() -> None:
    _report(_fuzz(10_000))


def test_fuzz_records_render_in_every_format(tmp_path: Path) -> None:
    """Cases that load go through the real pipeline (history cut, every exporter) without an exception."""
    from ehrsim import pipeline
    from ehrsim.exporters.base import RunContext
    from ehrsim.exporters.registry import exporter_class
    from ehrsim.population import Population
    from ehrsim.settings import Settings

    counts: Counter[str] = Counter()
    worlds: list[Any] = []

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(CASES)
    def check(case: tuple[dict[str, Any], dict[str, Any], str | None, str]) -> None:
        doc, subs, _state, what = case
        with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
            folder = Path(tmp) / "modules"
            _write(folder, to_json(doc), "fuzz")
            _write(folder, SUBMODULE_BODY, SUBMODULE)
            for path, body in subs.items():
                _write(folder, body, path)
            formats = ("json", "fhir", "fhir-ndjson", "csv", "omop")
            run = Settings(
                population=2, seed=5, reference_date=END, modules=(folder,), formats=formats, out=Path(tmp) / "out"
            )
            population = Population(run)
            if worlds:  # the world depends only on seed and state: build it once
                population.__dict__["world"] = worlds[0]
            worlds[:] = [population.world]
            exporters = [
                exporter_class(f)(RunContext(settings=run, world=population.world, out_dir=run.out)) for f in formats
            ]
            try:
                for _record, rendered in pipeline.process(population, range(2), exporters):
                    assert len(rendered) == len(formats)
                counts["rendered"] += 1
            except ModuleError:
                counts["rejected"] += 1
            except SimulationError as exc:
                assert not exc.internal, f"{what}: internal error: {exc}"
                counts["stopped"] += 1

    check()
    print("\nfuzz through exporters:", dict(counts))
    assert counts["rendered"] > 0
