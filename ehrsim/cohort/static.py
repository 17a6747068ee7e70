"""What the module graphs say before any patient is simulated: conditions a sex can never get.

A breadth-first walk of every top-level module (and the submodules it calls) from ``Initial``,
skipping conditional options whose condition is false for that sex (a ``Gender`` guard, alone or
inside ``And``/``Or``/``Not``) and options after one that is always taken. A condition code some
module records but no state reachable for a sex records is impossible for that sex, unless the
core records it too (``terminology/codes/core.csv``). Everything else is left undecided (None).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ehrsim.cohort.lang import Has
from ehrsim.core.tables import rows
from ehrsim.gmf import conditions as gc
from ehrsim.gmf.library import Library, Module
from ehrsim.gmf.states.clinical import ConditionOnset
from ehrsim.gmf.transitions import Complex, ComplexOption, Conditional


def _given(cond: Any, gender: str) -> bool | None:
    """A GMF condition's value when only the patient's sex is known (None: depends on more)."""
    if cond is None:
        return True
    if isinstance(cond, gc.Gender):
        return cond.gender == gender
    if isinstance(cond, gc.Not):
        inner = _given(cond.condition, gender)
        return None if inner is None else not inner
    if isinstance(cond, gc.And | gc.Or):
        values = [_given(c, gender) for c in cond.conditions]
        stop = isinstance(cond, gc.Or)
        if stop in values:
            return stop
        return None if None in values else not stop
    return None


def _next(state: Any, gender: str) -> list[str]:
    transition = state.transition
    if transition is None:
        return []
    if isinstance(transition, Conditional | Complex):
        out: list[str] = []
        for option in transition.options:
            value = _given(option.condition, gender)
            if value is False:
                continue
            if isinstance(option, ComplexOption) and option.transition is None:
                out.extend(d.transition for d in option.distributions or ())
            elif option.transition is not None:
                out.append(option.transition)
            if value is True:
                break
        return out
    return list(state.targets())


class Reach:
    """Condition codes reachable per sex in a library's top-level modules."""

    def __init__(self, library: Library, modules: list[Module]) -> None:
        self.library = library
        self.modules = modules

    def _walk(self, gender: str) -> set[tuple[str, str]]:
        codes: set[tuple[str, str]] = set()
        seen: set[tuple[str, str]] = set()
        todo = [(m.path, "Initial") for m in self.modules]
        while todo:
            path, name = todo.pop()
            if (path, name) in seen:
                continue
            seen.add((path, name))
            module = self.library.modules.get(path)
            state: Any = module.states.get(name) if module else None
            if state is None:
                continue
            if state.type == "ConditionOnset":
                codes.update((c.system, str(c.code)) for c in state.codes)
            if state.type == "CallSubmodule":
                todo.append((state.submodule, "Initial"))
            todo.extend((path, target) for target in _next(state, gender))
        return codes

    @cached_property
    def by_gender(self) -> dict[str, set[tuple[str, str]]]:
        return {g: self._walk(g) for g in ("M", "F")}

    @cached_property
    def recorded(self) -> set[tuple[str, str]]:
        """Every condition code any module records, reachable or not, minus the core's own."""
        codes = {
            (c.system, str(c.code))
            for m in self.library.modules.values()
            for s in m.states.values()
            if isinstance(s, ConditionOnset)
            for c in s.codes
        }
        return codes - {(r["system"], r["code"]) for r in rows("codes/core.csv")}

    def fact(self, node: Has, gender: str) -> bool | None:
        """False when no code of a condition criterion can be recorded for ``gender``; else None."""
        if node.kind != "conditions" or not node.codes <= self.recorded:
            return None
        return None if node.codes & self.by_gender[gender] else False
