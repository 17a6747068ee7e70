"""Synthea-style keep modules: a GMF module run once on the finished life; the patient is kept
when the module ends in a state named ``Keep``.

As in Synthea, the module is stepped at the end of the life (the reference date, or death) against
the patient's state then: its guards and conditional transitions read active conditions,
medications, observations, attributes and age as the life left them. It runs after the record is
built, so anything the keep module itself would record never reaches the output.

Synthea's "Active Condition" looks codes up in the record's ``present`` map, where procedures are
added and never removed; Synthea's own keep modules (``must_have_cabg.json``) rely on that to ask
"had this procedure". While a keep module runs, every procedure of the life is visible to it the
same way (ehrsim's modules never see this: it is set up and removed around the keep module only).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ehrsim.errors import ConfigError, ModuleError
from ehrsim.gmf.library import Module, _parse_module, _Problems
from ehrsim.gmf.run import ModuleRun

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

KEEP_STATE = "Keep"


def load_keep_module(file: Path, *, lenient: bool) -> Module:
    """Parse a keep module; every problem is listed at once (a ModuleError), like the library's."""
    if not file.is_file():
        raise ConfigError(f"--keep-module {file}: no such file")
    problems = _Problems(lenient)
    module = _parse_module(f"keep/{file.stem}", file, problems)
    for name in ("Initial", KEEP_STATE):
        if module is not None and name not in module.states and name not in module.broken:
            problems.error(str(file), f"a keep module needs a state named {name!r}")
    if module is not None:
        for state in module.states.values():
            if state.type == "CallSubmodule":
                problems.error(f"{file}: {state.name}", "a keep module cannot call submodules")
    if problems.errors or module is None:
        raise ModuleError(problems.errors or [f"{file}: cannot be read as a module"])
    return module


def kept(module: Module, sim: Simulation) -> bool:
    """Step the keep module at the end of ``sim``'s life; True when it reaches ``Keep``."""
    t = min(sim.end_time, sim.death_time) if sim.death_time is not None else sim.end_time
    run = ModuleRun(module, len(sim.runs))
    saved = sim.death_time
    sim.death_time = None  # the engine stops stepping modules of the dead; the keep module reads the finished life
    sim.now = t
    present = sim.active["conditions"]
    added = []
    for procedure in sim.rec.lists["procedures"]:
        for code in procedure["codes"]:
            if code["code"] not in present:
                present[code["code"]] = {"codes": procedure["codes"], "stop": None}
                added.append(code["code"])
    try:
        sim.step(run, t)
    finally:
        sim.death_time = saved
        for code in added:
            del present[code]
    return run.state.name == KEEP_STATE or KEEP_STATE in run.history
