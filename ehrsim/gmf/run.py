"""A patient's progress through one top-level module: a tiny record, separate from the frozen definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ehrsim.gmf.library import Module, Node


class ModuleRun:
    """Where one patient is in one module (and the submodules it called).

    ``history`` keeps only the last time each state was entered: all that PriorState needs,
    instead of Synthea's clone of every visited state.
    """

    __slots__ = (
        "anchor",
        "created",
        "done",
        "encounter",
        "encounter_state",
        "forced",
        "history",
        "joined",
        "module",
        "order",
        "pending",
        "redirect",
        "stack",
        "state",
        "token",
        "top",
        "waiting_wellness",
        "wake",
    )

    def __init__(self, module: Module, order: int) -> None:
        self.top = module
        self.module = module
        self.order = order
        self.state: Node = module.nodes["Initial"]
        self.stack: list[tuple[Module, Node]] = []
        self.history: dict[str, float] = {}
        self.wake: float | None = None
        self.encounter: dict[str, Any] | None = None
        self.encounter_state: str | None = None
        self.pending: dict[str, list[tuple[Any, float]]] = {}
        self.created: dict[str, dict[str, Any]] = {}
        self.redirect: str | None = None
        self.waiting_wellness = False
        self.joined: str | None = None  # the wellness visit this module last took part in (once per visit)
        self.done = False
        self.anchor = 0.0  # grid time of a fast-forwarded Delay loop (engine.loops)
        self.forced: str | None = None  # its planned exit
        self.token = 0  # the sequence number of its live queue entry; older entries are stale

    def __repr__(self) -> str:
        return f"ModuleRun({self.top.path}:{self.state.name})"
