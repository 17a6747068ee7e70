"""One patient's life: runs the event queue, and implements ``gmf.patient.PatientAccess`` for states.

No I/O and no module-level state: everything a life needs is in this object and its collaborators
(``EventQueue``, ``Recorder``, ``EncounterDesk``, ``Symptoms``; ``care`` and ``lifecycle`` are the core's
own events). The run loop, stepping and death are here; what states read and set about the patient is in
``engine.patient_state``, record writes in ``engine.record_writes`` (mixins, split by concept). Modules
sleeping in a Delay cost one queue entry; Guards on age or date sleep until the exact moment they can pass.
"""

from __future__ import annotations

import heapq
import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.core import clock, deaths, latent
from ehrsim.engine import birth, care, end_of_life, in_person, lifecycle
from ehrsim.engine.encounters import EncounterDesk
from ehrsim.engine.patient_state import PatientState
from ehrsim.engine.queue import CALLBACK, DEATH, LIFECYCLE, MODULE, SYMPTOMS, WELLNESS, EventQueue
from ehrsim.engine.record_writes import RecordWrites
from ehrsim.engine.recorder import Recorder
from ehrsim.engine.symptoms import Symptoms
from ehrsim.errors import EhrsimError, SimulationError
from ehrsim.gmf.run import ModuleRun
from ehrsim.prescribing import Pharmacy

if TYPE_CHECKING:
    from ehrsim.core.world import World
    from ehrsim.gmf.library import Library, Module
    from ehrsim.gmf.states.control import CallSubmodule

log = logging.getLogger(__name__)

MAX_STEPS_PER_INSTANT = 20_000
#: queue events one instant or one life may take before the modules are judged to loop without end
MAX_EVENTS_PER_INSTANT = 100_000
MAX_EVENTS_PER_LIFE = 3_000_000


class Simulation(PatientState, RecordWrites):
    """Simulates one life from birth to death or the reference time."""

    def __init__(
        self,
        *,
        library: Library,
        modules: list[Module],
        patient: dict[str, Any],
        attributes: dict[str, Any],
        rng: np.random.Generator,
        world: World,
        end_time: int,
        id_prefix: str,
    ) -> None:
        self.library = library
        self.patient = patient
        self.attributes = attributes
        self.rng = rng
        self.world = world
        self.birth_time = float(patient["birth_time"])
        self.end_time = float(end_time)
        self.rec = Recorder(id_prefix)
        self.active = self.rec.active
        self.desk = EncounterDesk(self)
        self.symptoms = Symptoms()
        self.death_time: float | None = None
        self.death_cause: list[dict[str, str]] = []
        self.death_encounter: str | None = None
        #: attribute -> when a module first set it true, for attributes that stand for a latent disease (core.latent)
        self.latent_onsets: dict[str, float] = {}
        self._latent_names = latent.attribute_codes()
        self.now = self.birth_time
        self.queue = EventQueue()
        self._watchers = self.queue.watchers  # the same dict: "is anyone watching?" is a hot-path test
        self._month: tuple[float, float, tuple[int, float]] = (0.0, 0.0, (0, 0.0))
        self._vitals: dict[str, float] = {}
        self._vitals_at = -np.inf
        self.pinned_vitals: dict[str, float] = {}
        self.physiology = lifecycle.new_physiology(self)
        self.rx = Pharmacy(self)  # checks every medication order (ehrsim/prescribing)
        self.runs = [ModuleRun(m, i) for i, m in enumerate(modules)]
        #: when a list, every state entered is appended as (time, module path, state name): for tests
        self.trace: list[tuple[float, str, str]] | None = None
        #: a cohort's importance sampling for this life (``ehrsim.cohort.steer.SteeredLife``), read by engine.loops
        self.steer: Any = None
        self.immunizations_given: dict[str, int] = {}
        self.immunizations_last: dict[str, int] = {}
        self.immunizations_first: dict[str, float] = {}  # series key -> age in days at its first dose
        #: [entries counted, CVX code -> time of its latest dose] (``care._latest_doses``)
        self.latest_doses: list[Any] = [0, {}]
        #: visit_care row -> whether the patient takes what it offers (drawn at the first offer)
        self.visit_care_uptake: dict[str, bool] = {}
        self.product_draw = 0.0  # the patient's fixed draw for vaccine products in use together (care.plan_vaccines)
        self.birth_plan: Any = None  # the newborn's birth (``core.birth_stay.BirthPlan``), set at birth
        self.birth_stay: dict[str, Any] | None = None  # the birth stay's encounter, for a hospital birth
        # local time, vaccine plans and certified causes of death draw from their own streams spawned from the patient's
        # Generator, so they never shift the draws the modules make
        self.zone = clock.zone_for_state((patient.get("address") or {}).get("state_abbr"))
        clock_rng, self.vaccine_rng, self.cause_rng = rng.spawn(3)
        self.clock_rng = clock.ClockDraws(clock_rng)

    # --- the queue --------------------------------------------------------------------------

    def schedule(self, run: ModuleRun, t: float) -> None:
        """Wake ``run`` at ``t`` (replacing any earlier wake-up it had). ``EventQueue.push``, inlined (hot)."""
        queue, now = self.queue, self.now
        queue.seq = seq = queue.seq + 1
        heapq.heappush(queue.heap, (now if now > t else t, MODULE, run.order, seq, MODULE, run))
        run.token = seq

    def park(self, run: ModuleRun) -> None:
        """The run cannot proceed by time alone: it has no queue entry until something wakes it."""
        self.queue.park(run)

    def watch(self, run: ModuleRun, keys: frozenset[str]) -> None:
        """Wake ``run`` when any of ``keys`` changes (see ``notify``)."""
        self.queue.watch(run, keys)

    def notify(self, key: str) -> None:
        """Patient data ``key`` changed: blocked Guards that read it re-check now."""
        for run in self.queue.woken(key):
            self.schedule(run, self.now)

    def schedule_core(self, t: float, kind: int) -> None:
        """Queue one of the core's own events (``engine.queue`` kinds) at ``t``."""
        self.queue.push(t, kind, 0, None)

    def run(self) -> None:
        """Simulate the whole life."""
        for run in self.runs:
            self.schedule(run, self.birth_time)
        self.schedule_core(self.birth_time, LIFECYCLE)
        care.schedule_next_wellness(self, self.birth_time)
        care.plan_vaccines(self)
        birth.admit(self)
        queue, pop = self.queue.heap, heapq.heappop
        events = same_instant = 0
        last: ModuleRun | None = None  # the run stepped last, to name when the events run away
        while queue:
            t, kind, _order, seq, _kind, obj = pop(queue)
            if t > self.end_time or (self.death_time is not None and t > self.death_time):
                break
            events += 1
            if t == self.now:
                same_instant += 1
                if same_instant > MAX_EVENTS_PER_INSTANT or events > MAX_EVENTS_PER_LIFE:
                    self._runaway(obj if kind == MODULE else last, events, same_instant)
            else:
                same_instant = 0
                if events > MAX_EVENTS_PER_LIFE:
                    self._runaway(obj if kind == MODULE else last, events, same_instant)
            self.now = t
            if kind == MODULE:
                if obj.token == seq and not obj.done:
                    last = obj
                    self.step(obj, t)
            elif kind == LIFECYCLE:
                lifecycle.update(self, t)
            elif kind == WELLNESS:
                if obj is None:
                    care.wellness_visit(self, t)
                else:
                    care.vaccine_visit(self, t, obj)
            elif kind == SYMPTOMS:
                care.symptom_visit(self, t)
            elif kind == DEATH:
                self._record_death(t)
            elif kind == CALLBACK:
                obj(self, t)
            if self.death_time is not None and self.death_time <= t:
                break
        self.desk.close_all(min(self.end_time, self.death_time or self.end_time), alive=self.death_time is None)
        if self.death_time is None:  # alive: admissions after a hospice DNR order record it too (at death: care)
            end_of_life.carry_code_status(self, self.end_time)
        in_person.office_visits(self.rec.lists)  # a telehealth visit with an examination or a test was in person

    def release(self) -> None:
        """The life is over and its record built: drop the desk's and the pharmacy's links back to this
        object, so reference counting frees the whole life at once instead of leaving its ~6,000 objects
        for the cyclic GC's full passes (a tenth of the CPU time per patient on Synthea's library)."""
        del self.desk.sim, self.rx.sim

    # --- stepping modules -------------------------------------------------------------------

    def step(self, run: ModuleRun, t: float) -> None:
        """Run states until one blocks (Synthea's ``process`` loop, with exact times); any failure becomes a
        SimulationError naming module and state. One function, not a wrapper around the loop: it is the hot path."""
        try:
            steps = 0
            history, trace = run.history, self.trace
            while not run.done and self.death_time is None:
                node = run.state
                process = node.process
                if process is not None:  # None: a state that only passes on (Simple)
                    outcome = process(self, run, t)
                    if outcome is False:
                        return
                    if outcome is None:
                        continue
                nxt = run.redirect
                target = None
                if nxt is None:
                    target = node.to_node  # set only with ``to``: a direct transition takes no call
                    nxt = node.to
                    if nxt is None:
                        nxt = node.next_state(self, run, t)  # type: ignore[misc]
                else:
                    run.redirect = None
                if target is None:
                    try:
                        target = run.module.nodes[nxt]
                    except KeyError:
                        raise SimulationError(f"transition to unknown state {nxt!r}") from None
                run.state = target
                history[nxt] = t
                if trace is not None:
                    trace.append((t, run.module.path, nxt))
                steps += 1
                if steps > MAX_STEPS_PER_INSTANT:
                    raise SimulationError(f"loops through {steps} states without time passing (add a Delay)")
        except SimulationError as exc:
            exc.locate(module=run.module.path, state=run.state.name)
            raise
        except EhrsimError as exc:
            raise SimulationError(str(exc), module=run.module.path, state=run.state.name) from exc
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise SimulationError(message, module=run.module.path, state=run.state.name, internal=True) from exc

    def _runaway(self, obj: Any, events: int, same_instant: int) -> None:
        what = (
            f"{same_instant} events in one instant: modules wake each other without time passing"
            if same_instant > MAX_EVENTS_PER_INSTANT
            else f"{events} events in one life: a loop with a very short Delay?"
        )
        if isinstance(obj, ModuleRun):
            raise SimulationError(what, module=obj.module.path, state=obj.state.name)
        raise SimulationError(what)

    def _enter(self, run: ModuleRun, name: str, t: float) -> None:
        try:
            run.state = run.module.nodes[name]
        except KeyError:
            raise SimulationError(f"transition to unknown state {name!r}") from None
        run.history[name] = t
        if self.trace is not None:
            self.trace.append((t, run.module.path, name))

    def call_submodule(self, run: ModuleRun, state: CallSubmodule, t: float) -> None:
        module = self.library.modules[state.submodule]
        run.stack.append((run.module, run.state))
        run.module = module
        self._enter(run, "Initial", t)

    def terminate(self, run: ModuleRun, t: float) -> bool | None:
        if run.stack:
            caller, call_node = run.stack.pop()
            run.module = caller
            nxt = call_node.next_state(self, run, t)  # type: ignore[misc]
            self._enter(run, nxt, t)
            return None
        run.done = True
        self.desk.release(run, t)
        return False

    # --- death ----------------------------------------------------------------------------------

    def die(self, t: float, cause: list[dict[str, str]]) -> None:
        if self.death_time is not None or t > self.end_time:
            return
        t = care.death_after_admission(self, t)
        self.death_cause = cause
        if t <= self.now:
            self._record_death(self.now)
        else:  # a terminal diagnosis: modules may read how long is left (as Synthea's core sets it), but an injury or
            # overdose dying hours later is no terminal diagnosis (Synthea's hospice module admitted such victims)
            if not (cause and deaths.injury(cause[0].get("code"))):
                self.set_attribute("days_until_death", int((t - self.now) // 86400))
            self.schedule_core(t, DEATH)

    def _record_death(self, t: float) -> None:
        if self.death_time is not None:
            return
        self.death_time = t
        care.death_certificate(self, t)


if TYPE_CHECKING:
    from ehrsim.gmf.patient import PatientAccess

    _IMPLEMENTS: type[PatientAccess] = Simulation  # mypy checks that the engine keeps the states' contract
