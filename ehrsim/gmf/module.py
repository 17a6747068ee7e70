"""A parsed module library: ``Module`` (frozen states shared by all patients), its ``Node`` views, ``Library``."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ehrsim.gmf.lookup import LookupTable
from ehrsim.gmf.states import State
from ehrsim.gmf.transitions import Direct
from ehrsim.gmf.values import Code


class Node:
    """A state's hot-path view: bound methods in slots, so the engine skips model attribute lookups."""

    __slots__ = ("name", "next_state", "process", "state", "to", "to_node")

    def __init__(self, state: State) -> None:
        self.name = state.name
        self.state = state
        #: None for a state whose ``process`` is the base class's (always True: Simple, ...): the engine
        #: moves on without the call
        self.process: Callable[[Any, Any, float], bool | None] | None = state.processor
        transition = state.transition
        self.next_state = transition.chooser if transition is not None else None
        #: the target of a direct transition (the engine takes it without a call), else None
        self.to: str | None = transition.to if isinstance(transition, Direct) else None
        #: the node of ``to`` once the module's nodes are linked (``link``): no dict lookup per step
        self.to_node: Node | None = None


def link(nodes: dict[str, Node]) -> dict[str, Node]:
    """Resolve each direct transition's target node (an unknown target stays None: the engine reports it)."""
    for node in nodes.values():
        if node.to is not None:
            node.to_node = nodes.get(node.to)
    return nodes


@dataclass(frozen=True, eq=False)
class Module:
    """A parsed module: frozen state definitions shared by all patients."""

    path: str  # e.g. "heart/cabg/operation" (relative, no .json)
    file: Path
    name: str
    states: dict[str, State]
    specialty: str | None
    gmf_version: float | None
    sha256: str
    #: ConditionOnset state name -> its codes, for ``reason`` and ``condition_onset`` lookups
    onset_codes: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    #: states that failed to parse (references to them are not reported again)
    broken: frozenset[str] = frozenset()

    @property
    def submodule(self) -> bool:
        return "/" in self.path


@dataclass
class Library:
    modules: dict[str, Module]
    lookup_tables: dict[str, LookupTable]
    #: problems tolerated under ``lenient`` (repaired or ignored as Synthea does)
    warnings: list[str]
    #: never errors, even strictly: unreachable states, unknown code systems, attributes nothing writes
    notices: list[str] = field(default_factory=list)

    def top_level(self, only: tuple[str, ...] = ()) -> list[Module]:
        """Modules every patient runs from birth, in Synthea's (alphabetical) order."""
        mods = [m for p, m in sorted(self.modules.items()) if not m.submodule]
        if only:
            mods = [
                m for m in mods if any(fnmatch.fnmatch(m.path, pat) or fnmatch.fnmatch(m.name, pat) for pat in only)
            ]
        return mods

    def hashes(self) -> dict[str, str]:
        return {p: m.sha256 for p, m in sorted(self.modules.items())}

    @cached_property
    def recorded_codes(self) -> frozenset[str]:
        """Every code a state of the library records (its ``codes``): the core leaves to a library the care it
        models itself (``engine.visit_care``)."""
        states = (s for m in self.modules.values() for s in m.states.values())
        return frozenset(str(c.code) for s in states for c in getattr(s, "codes", None) or ())
