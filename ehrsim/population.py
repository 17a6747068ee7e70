"""Populations: seeds per patient, the lazily-built world and library, and one patient's simulation.

Every patient's randomness comes from ``SeedSequence([root_seed, index])``: one numpy Generator
and one seeded Faker per patient, so any patient can be simulated alone, in any process, in any
order, and the output is byte-identical whatever the worker count.
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from faker import Faker

from ehrsim.cohort import Cohort
from ehrsim.cohort.evaluate import YEAR
from ehrsim.cohort.storyline import OUTSIDE
from ehrsim.core import clock, demographics
from ehrsim.core.world import World, build_world
from ehrsim.engine import loops
from ehrsim.engine.recorder import patient_uuid_prefix
from ehrsim.engine.simulation import Simulation
from ehrsim.errors import ConfigError, EhrsimError, SimulationError
from ehrsim.gmf.library import Library, Module, load_library
from ehrsim.natural_deaths import with_natural_deaths
from ehrsim.paths import modules_dir
from ehrsim.record.build import build_record
from ehrsim.record.times import from_date
from ehrsim.settings import Settings

MAX_ATTEMPTS_ALIVE = 50
YOUNG_GC_THRESHOLD = 20_000  # allocations between young collections once the long-lived data is frozen


def module_folders(settings: Settings) -> list[Path]:
    """``--modules`` replaces the default library; ``--add-modules`` folders are layered on top."""
    base = list(settings.modules) or [modules_dir()]
    return [*base, *settings.add_modules]


@dataclass
class Population:
    """Everything shared by the patients of one run (built once per process).

    ``fast_loops`` (an engine option, on by default): self-looping Delays ("wait a month, maybe get
    sick, else wait again") leave after one geometric draw instead of iterating (``engine/loops.py``).
    Exit times have the same distribution either way, but the draws differ, so switching it off
    changes the output; it is for checking the fast-forward against plain iteration.
    """

    settings: Settings
    fast_loops: bool = True
    #: cohort candidates simulated or rejected in this process so far (for the run's acceptance rate)
    attempts: int = 0
    #: lives simulated in this process so far (the long-lived data is frozen after the first, see ``_settle``)
    lives: int = field(default=0, init=False, repr=False)
    #: why the current slot's candidates were re-drawn for a storyline (for the give-up message)
    redrawn: Counter[str] = field(default_factory=Counter)

    @cached_property
    def library(self) -> Library:
        library = load_library(module_folders(self.settings), lenient=self.settings.lenient)
        library = with_natural_deaths(library, self.settings.natural_deaths)
        if self.fast_loops:
            loops.install(library)
        return library

    @cached_property
    def modules(self) -> list[Module]:
        mods = self.library.top_level(self.settings.only_modules)
        if self.settings.only_modules and not mods:
            raise ConfigError(f"--only-modules {', '.join(self.settings.only_modules)} matches no top-level module")
        return mods

    @cached_property
    def world(self) -> World:
        return build_world(self.settings.seed, self.settings.state)

    @cached_property
    def faker(self) -> Faker:
        return Faker("en_US")

    @property
    def end_time(self) -> int:
        return from_date(self.settings.reference_date)

    @cached_property
    def cohort(self) -> Cohort | None:
        """The run's cohort rule (``--cohort``, ``--keep-module``), or None; checked against the modules."""
        return Cohort.from_settings(self.settings, self.library, self.modules)

    def simulate(self, index: int) -> dict[str, Any]:
        """Simulate patient ``index`` (re-drawn up to 50 times with ``only_alive``): the whole-life record.

        Record transforms (the history cut first) are applied by ``ehrsim.pipeline``.
        """
        s = self.settings
        for attempt in range(MAX_ATTEMPTS_ALIVE if s.only_alive else 1):
            sim = self._life(index, attempt)
            if sim is not None and (sim.death_time is None or not s.only_alive):
                break
        assert sim is not None  # without a cohort every life is simulated
        record = self._record(sim, index)
        sim.release()
        return record

    def candidate(self, index: int, attempt: int) -> dict[str, Any] | None:
        """Candidate ``attempt`` for output slot ``index`` of a cohort run: its record, or None when
        its sex or age, ``only_alive`` or the keep module already rule it out (``ehrsim.cohort``)."""
        cohort = self.cohort
        assert cohort is not None
        sim = self._life(index, attempt, cohort)
        if sim is None or (self.settings.only_alive and sim.death_time is not None):
            return None
        record = self._record(sim, index)
        if sim.steer is not None:
            record["weight"] = sim.steer.weight
        kept = cohort.keeps(sim)
        sim.release()
        return record if kept else None

    def _life(self, index: int, attempt: int, cohort: Cohort | None = None) -> Simulation | None:
        """Life ``attempt`` of patient ``index``, from ``SeedSequence([seed, index(, attempt)])``."""
        s = self.settings
        self._settle()
        entropy = [s.seed, index] if attempt == 0 else [s.seed, index, attempt]
        seq = np.random.SeedSequence(entropy)
        rng = np.random.default_rng(seq)
        self.faker.seed_instance(int(seq.generate_state(1, dtype=np.uint64)[0]))
        person, attributes = demographics.draw_person(
            rng,
            self.faker,
            reference_time=self.end_time,
            age_min=s.age_min,
            age_max=s.age_max,
            gender=s.gender,
            state=s.state,
        )
        if cohort is not None and cohort.rejects_early(person["gender"], (self.end_time - person["birth_time"]) / YEAR):
            return None
        story = cohort.storyline if cohort is not None else None
        if story is not None:
            zone = clock.zone_for_state((person.get("address") or {}).get("state_abbr"))
            if story.outside(person["birth_time"], zone, self.end_time):
                self.redrawn[OUTSIDE] += 1
                return None
        org, practitioner = self.world.provider_for(person, "wellness", None, rng)
        person["organization"], person["practitioner"] = org, practitioner
        attributes.setdefault("gender", person["gender"])
        attributes.setdefault("race", person["race"])
        attributes.setdefault("ethnicity", person["ethnicity"])
        sim = Simulation(
            library=self.library,
            modules=self.modules,
            patient=person,
            attributes=attributes,
            rng=rng,
            world=self.world,
            end_time=self.end_time,
            id_prefix=patient_uuid_prefix(s.seed, index),
        )
        if cohort is not None and cohort.steering is not None:
            sim.steer = cohort.steering.life()
        told = story.life(sim) if story is not None else None
        try:
            sim.run()
        except SimulationError as exc:
            raise exc.locate(patient=index, seed=s.seed) from exc.__cause__
        except Exception as exc:  # outside any module state: the core's, or ehrsim's bug
            message = f"{type(exc).__name__}: {exc}"
            internal = not isinstance(exc, EhrsimError)
            raise SimulationError(message, patient=index, seed=s.seed, internal=internal) from exc
        if sim.steer is not None:
            sim.steer.finish(sim.end_time if sim.death_time is None else min(sim.death_time, sim.end_time))
        if told is not None and (why := told.verdict(sim.death_time)) is not None:
            self.redrawn[why] += 1
            sim.release()
            return None
        return sim

    def _settle(self) -> None:
        """Once, before the second life: move what lives as long as the process out of the cyclic GC.

        The library, the world and the tables the first life loaded lazily are some 200,000 objects that
        never become garbage; without ``gc.freeze`` every full collection (one every few patients) walks
        them all again, about a sixth of the CPU time per patient on Synthea's library. Frozen objects are
        still freed by reference counting; the first life's own cycles (young objects, and few of them:
        ``Simulation.release``) are collected just before by a young-generation pass, not a full one, which
        would walk the long-lived objects once more to find nothing (~0.14 s per process).
        A life makes almost no cyclic garbage (``Simulation.release``), so the young generation is
        collected every 20,000 allocations instead of 700 (a few per cent of the CPU time).
        """
        self.lives += 1
        if self.lives == 2:
            gc.collect(1)
            gc.freeze()
            gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])

    def _record(self, sim: Simulation, index: int) -> dict[str, Any]:
        s = self.settings
        try:
            return build_record(sim, index)
        except EhrsimError as exc:
            raise SimulationError(str(exc), patient=index, seed=s.seed) from exc
        except Exception as exc:  # a bug: say which patient reproduces it
            message = f"building the record failed: {type(exc).__name__}: {exc}"
            raise SimulationError(message, patient=index, seed=s.seed, internal=True) from exc
