"""Run fixture modules on a hand-built patient, with a trace of every state entered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ehrsim.engine.recorder import patient_uuid_prefix
from ehrsim.engine.simulation import Simulation
from ehrsim.gmf.library import Library, load_library
from ehrsim.record.build import build_record
from ehrsim.record.times import day, from_date

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules" / "states"


class StubWorld:
    """One clinic, one clinician: enough for encounters to have a provider."""

    organizations: ClassVar[list[dict[str, Any]]] = [
        {"id": "org-1", "n": 1, "name": "Fixture Clinic", "type": "clinic"}
    ]
    practitioners: ClassVar[list[dict[str, Any]]] = [
        {"id": "pr-1", "n": 1, "npi": "9999999991", "organization": "org-1"}
    ]

    def provider_for(self, patient: dict[str, Any], kind: str, specialty: str | None, rng: Any) -> tuple[str, str]:
        return "org-1", "pr-1"


def library(folder: Path = FIXTURES) -> Library:
    return load_library([folder])


def simulate(
    *names: str,
    gender: str = "F",
    born: dt.date = dt.date(2000, 1, 1),
    end: dt.date = dt.date(2030, 1, 1),
    seed: int = 0,
    folder: Path = FIXTURES,
    extra: tuple[Path, ...] = (),
) -> tuple[Simulation, dict[str, Any]]:
    lib = load_library([folder, *extra]) if extra else library(folder)
    patient = {
        "birth_time": from_date(born),
        "gender": gender,
        "race": "white",
        "ethnicity": "nonhispanic",
        "first": "Test",
        "last": "Patient",
        "address": {"state": "Massachusetts", "city": "Boston"},
    }
    attributes = {
        "gender": gender,
        "race": "white",
        "ethnicity": "nonhispanic",
        "income": 50_000,
        "education": "bs_degree",
        "insurance_status": "private",
    }
    sim = Simulation(
        library=lib,
        modules=lib.top_level(names),
        patient=patient,
        attributes=attributes,
        rng=np.random.default_rng(seed),
        world=StubWorld(),
        end_time=from_date(end),  # type: ignore[arg-type]
        id_prefix=patient_uuid_prefix(seed, 0),
    )
    sim.trace = []
    sim.run()
    return sim, build_record(sim, 0)


def trace(sim: Simulation, module: str | None = None) -> list[tuple[str, str, str]]:
    """(date, module, state) for every state entered, optionally of one module."""
    assert sim.trace is not None
    return [(day(t), m, s) for t, m, s in sim.trace if module is None or m == module or m.startswith(module + "/")]


def outside_birth_stay(record: dict[str, Any]) -> dict[str, Any]:
    """The record without the core's birth stay and what was recorded in it (tests of one module's entries)."""
    stays = {e["id"] for e in record["encounters"] if e["module"] == "birth"}
    out = dict(record)
    for kind, entries in record.items():
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            out[kind] = [e for e in entries if e.get("id") not in stays and e.get("encounter") not in stays]
    return out
