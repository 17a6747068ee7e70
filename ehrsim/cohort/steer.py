"""Cohort steering by importance sampling on fast-forwarded loops (docs/cohorts.md, docs/design.md).

The states of each module from which a target condition's ``ConditionOnset`` can be reached (its
ancestors in the module graph, across ``CallSubmodule`` states) are "toward" states. When a
fixed-length self-looping Delay (``engine/loops.py``) plans its exit, the per-check chance ``A`` of
leaving toward a target is raised to ``A' = A + min((factor - 1) A, p_self / 2)``, taken from the
chance of staying; everything else in the life runs unchanged. The life's likelihood ratio (the
product, over the loop checks that actually happened, of ``p/q`` of each outcome) is its sampling
weight: weighted means over candidates estimate the unsteered ones without bias.

Checks are counted as they are realised: a planned exit that a change, the end of the life or
death cuts short is re-weighted to the stays that did happen (``interrupt``, ``finish``).
One-off choices (a ``distributed_transition``, a ``complex_transition`` option's distributions, or a
``lookup_table_transition``, outside fast-forwarded loops) with options both toward and away from a
target are tilted the same way (``pick``, ``pick_probabilities``). Uniform-length loops are tilted like
fixed ones; their plans keep the stays' check times (drawn as the unsteered plan draws its length)
so a plan cut short counts the stays that happened.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

from ehrsim.gmf.graph import to_graph
from ehrsim.gmf.states.clinical import ConditionOnset
from ehrsim.gmf.transitions import Complex, Distributed, LookupTable

if TYPE_CHECKING:
    from ehrsim.gmf.library import Library

#: at most this share of the chance of staying moves to the toward exits, so staying stays possible
MAX_SHIFT = 0.5


class Steering:
    """The toward states of a library for target condition codes, and the tilt factor (shared, frozen)."""

    def __init__(self, library: Library, codes: frozenset[tuple[str, str]], factor: float) -> None:
        self.factor = factor
        targets: dict[str, set[str]] = {}
        for path, module in library.modules.items():
            targets[path] = {
                name
                for name, s in module.states.items()
                if isinstance(s, ConditionOnset) and any((c.system, str(c.code)) in codes for c in s.codes)
            }
        graphs = {path: to_graph(m) for path, m in library.modules.items()}
        toward: dict[str, set[str]] = {p: set() for p in library.modules}
        changed = True
        while changed:  # callers of submodules that lead to a target lead to it too
            changed = False
            for path, module in library.modules.items():
                goal = set(targets[path])
                for name, s in module.states.items():
                    if s.type == "CallSubmodule" and "Initial" in toward.get(getattr(s, "submodule", ""), ()):
                        goal.add(name)
                found = set(goal)
                for name in goal:
                    found |= nx.ancestors(graphs[path], name)
                if found != toward[path]:
                    toward[path], changed = found, True
        self.toward = {p: frozenset(s) for p, s in toward.items() if s}
        #: id of a distributed transition's options tuple -> the options' indices that lead toward a target
        self.choices: dict[int, frozenset[int]] = {}
        for path, names in self.toward.items():
            for state in library.modules[path].states.values():
                for options in _distributions(state):
                    lead = frozenset(i for i, o in enumerate(options) if o.transition in names)
                    if lead and len(lead) < len(options):
                        self.choices[id(options)] = lead

    def life(self) -> SteeredLife:
        return SteeredLife(self)


def _distributions(state: Any) -> list[tuple[Any, ...]]:
    """The weighted option tuples of a state's distributed transition or complex transition options."""
    transition = state.transition
    if isinstance(transition, Distributed | LookupTable):
        return [transition.options]
    if isinstance(transition, Complex):
        return [o.distributions for o in transition.options if o.transition is None and o.distributions]
    return []


class SteeredLife:
    """One candidate's steering: its log-weight and the loop plans not yet realised."""

    __slots__ = ("log_weight", "pending", "steering")

    def __init__(self, steering: Steering) -> None:
        self.steering = steering
        self.log_weight = 0.0
        #: id(run) -> (log-weight applied, log(p_self/q_self), plan time, check length, stays planned,
        #: the stays' times for a uniform-length loop else None)
        self.pending: dict[int, tuple[float, float, float, float, int, Any]] = {}

    @property
    def weight(self) -> float:
        return math.exp(self.log_weight)

    def tilt(
        self, module: str, p_self: float, leave: list[tuple[str, float]]
    ) -> tuple[float, list[tuple[str, float]], float, dict[str, float]] | None:
        """(q_self, q leave, log(p_self/q_self), log(p/q) per exit), or None when nothing leads toward a target."""
        toward = self.steering.toward.get(module)
        if not toward or p_self <= 0.0:
            return None
        a = sum(p for name, p in leave if name in toward)
        if a <= 0.0:
            return None
        shift = min((self.steering.factor - 1.0) * a, MAX_SHIFT * p_self)
        if shift <= 0.0:
            return None
        scale = (a + shift) / a
        q_leave = [(name, p * scale if name in toward else p) for name, p in leave]
        ratios = {name: (-math.log(scale) if name in toward else 0.0) for name, _ in leave}
        q_self = p_self - shift
        return q_self, q_leave, math.log(p_self / q_self), ratios

    def pick(self, options: tuple[Any, ...], sim: Any) -> str | None:
        """A tilted one-off distributed choice (``gmf.transitions.pick_weighted``), or None when not steered.

        Takes the same single uniform draw as an unsteered pick, so no other draw shifts.
        """
        if id(options) not in self.steering.choices:
            return None
        probs, total = [], 0.0
        for o in options:  # as one uniform draw against cumulative weights gives them (leftover to the last)
            w = max(0.0, o.weight(sim))
            lo, total = total, total + w
            probs.append(max(0.0, min(total, 1.0) - min(lo, 1.0)))
        if total < 1.0:
            probs[-1] += 1.0 - total
        return self.pick_probabilities(options, probs, sim)

    def pick_probabilities(self, options: tuple[Any, ...], probs: list[float], sim: Any) -> str | None:
        """A tilted choice among ``options`` with effective probabilities ``probs`` (summing to 1), or None
        when not steered (a lookup-table transition, ``gmf.transitions.LookupTable``, calls it directly)."""
        lead = self.steering.choices.get(id(options))
        if lead is None:
            return None
        a = sum(p for i, p in enumerate(probs) if i in lead)
        rest = 1.0 - a
        shift = min((self.steering.factor - 1.0) * a, MAX_SHIFT * rest)
        if a <= 0.0 or shift <= 0.0:
            return None
        up, down = (a + shift) / a, (rest - shift) / rest
        draw, acc = sim.rng.random(), 0.0
        chosen = len(options) - 1
        for i, p in enumerate(probs):
            acc += p * (up if i in lead else down)
            if draw < acc:
                chosen = i
                break
        self.log_weight -= math.log(up if chosen in lead else down)
        return str(options[chosen].transition)

    def planned(
        self, run: Any, log_self: float, t0: float, step: float, stays: int, exit_log: float, checks: Any = None
    ) -> None:
        """A plan of ``stays`` stays (then, when ``exit_log`` is not None, an exit) was drawn at ``t0``.

        The stays are checks every ``step`` from ``t0``, or (a uniform-length loop) at the times ``checks``.
        """
        applied = stays * log_self + exit_log
        self.log_weight += applied
        self.pending[id(run)] = (applied, log_self, t0, step, stays, checks)

    def realised(self, run: Any) -> None:
        """The plan of ``run`` happened as drawn."""
        self.pending.pop(id(run), None)

    def interrupt(self, run: Any, t: float) -> None:
        """The plan of ``run`` is cut short at ``t``: only the checks before ``t`` were stays."""
        plan = self.pending.pop(id(run), None)
        if plan is not None:
            applied, log_self, t0, step, stays, checks = plan
            if checks is not None:
                done = min(stays, int(checks.searchsorted(t, "left")))
            else:
                done = min(stays, max(0, math.ceil((t - t0) / step - 1e-9)))
            self.log_weight += done * log_self - applied

    def finish(self, end: float) -> None:
        """The life ended at ``end``: plans still pending count the checks up to it."""
        for key in list(self.pending):
            applied, log_self, t0, step, stays, checks = self.pending.pop(key)
            if checks is not None:
                done = min(stays, int(checks.searchsorted(end, "right")))
            else:
                done = min(stays, max(0, math.floor((end - t0) / step + 1e-9) + 1))
            self.log_weight += done * log_self - applied
