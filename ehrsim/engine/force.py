"""Moving a module run to a named state at a given time: what a storyline event does (``ehrsim.cohort.storyline``).

The move is a transition like any other: the run leaves whatever it was doing (its Delay or Guard,
its open encounter, a called submodule, or Terminal) and enters the named state at ``t``; the
state's ``process`` then records its entries normally and the module continues from there. Kept
apart from ``simulation.py`` so the hot path is untouched: a storyline schedules one ``CALLBACK``
queue event per forced state (``engine.queue``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ehrsim.engine.queue import CALLBACK

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun


def at(sim: Simulation, t: float, action: Callable[[Simulation, float], None]) -> None:
    """Call ``action(sim, t)`` at ``t``, after the modules due at that same instant have stepped."""
    sim.queue.push(t, CALLBACK, 0, action)


def run_of(sim: Simulation, module_path: str) -> ModuleRun | None:
    """The run of top-level module ``module_path`` in this life (None when the life does not run it)."""
    for run in sim.runs:
        if run.top.path == module_path:
            return run
    return None


def force_state(sim: Simulation, run: ModuleRun, name: str, t: float, via: str | None = None) -> None:
    """Enter state ``name`` of ``run``'s top-level module at ``t`` and let the module continue from it.

    ``via``: an Encounter state of the module entered first, so the named state's entries belong to
    that visit; it opens at ``t`` exactly (no clinic-hours placement), unless another visit is open.
    """
    if sim.steer is not None:  # a steered loop plan cut short: only the checks before t happened
        sim.steer.interrupt(run, t)
    desk = sim.desk
    if run.encounter is not None:
        desk.end(run, None, t)  # the module leaves its visit, as at Terminal
    run.encounter_state = None
    if run in desk.waiters:
        desk.waiters.remove(run)
    if run.waiting_wellness:
        run.waiting_wellness = False
        if run in desk.wellness_waiters:
            desk.wellness_waiters.remove(run)
    run.stack.clear()
    run.module = run.top
    run.wake = run.forced = run.redirect = None
    run.done = False
    first = via or name
    run.state = run.top.nodes[first]
    run.history[first] = t
    if sim.trace is not None:
        sim.trace.append((t, run.top.path, first))
    if via is not None:
        run.redirect = name  # the Encounter state, once open, leads to the named state
        desk.placed[run] = t  # and opens at t: ``EncounterDesk.local_start`` keeps a time already placed
    sim.schedule(run, t)  # replaces its pending wake-up; stale watchers see a new token
