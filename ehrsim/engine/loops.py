"""Fast-forward for self-looping Delays: the "wait a month, maybe get sick, else wait again" pattern.

Synthea's library is full of loops such as ``Delay 1 month -> 1 % chance of X, else back to the
Delay`` that run for a whole life (covid19 waits 4 days at a time for 80 years). Iterating them
costs thousands of steps per patient. While the chance of staying is constant (until an age or
date threshold, a lookup-table row boundary, or a change to an attribute it reads), the number of
iterations before leaving is geometric, so one draw replaces them all. The loop still leaves at
one of its exact grid times ``entry + k * delay``, with the same distribution as iterating.
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Any

from ehrsim.gmf.conditions import NEVER
from ehrsim.gmf.states.control import Delay
from ehrsim.gmf.transitions import Complex, Conditional, Distributed, LookupTable, Weighted
from ehrsim.gmf.values import SECONDS, to_seconds

if TYPE_CHECKING:
    from ehrsim.engine.runs import ModuleRun
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.library import Library

Plan = tuple[float, float, set[str], list[tuple[str, float]]]  # p_self, horizon, keys read, leave options


def install(library: Library) -> int:
    """Give every qualifying Delay node the fast-forward ``process``; returns how many."""
    count = 0
    for module in library.modules.values():
        for name, node in module.nodes.items():
            state = node.state
            if (
                isinstance(state, Delay)
                and name in state.targets()
                and isinstance(state.transition, Distributed | Complex | Conditional | LookupTable)
            ):
                span = _fixed_span(state)
                if span:
                    node.process = LoopingDelay(state, span).process
                    count += 1
    return count


def _fixed_span(state: Delay) -> float | None:
    if state.exact is not None:
        return to_seconds(float(state.exact.quantity), state.exact.unit or state.unit)
    if state.range is not None and state.range.low == state.range.high:
        return to_seconds(state.range.low, state.range.unit or state.unit)
    if state.distribution is not None and state.distribution.kind == "EXACT":
        return to_seconds(state.distribution.parameters["value"], state.unit)
    return None


def _effective(weighted: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Probabilities as one uniform draw against cumulative weights gives them (leftover to the last)."""
    out: list[tuple[str, float]] = []
    total = 0.0
    for target, w in weighted:
        lo, total = total, total + max(0.0, w)
        out.append((target, max(0.0, min(total, 1.0) - min(lo, 1.0))))
    if weighted and total < 1.0:
        out[-1] = (out[-1][0], out[-1][1] + 1.0 - total)
    return out


def _weights(options: tuple[Weighted, ...], sim: Simulation, keys: set[str]) -> list[tuple[str, float]]:
    pairs = []
    for o in options:
        attribute = getattr(o.distribution, "attribute", None)
        if attribute is not None:
            keys.add(f"a:{attribute}")
        pairs.append((o.transition, o.weight(sim)))
    return _effective(pairs)


def plan(state: Delay, sim: Simulation, run: ModuleRun, t: float) -> Plan:
    """Chance of looping back now, until when it holds, and the data it depends on."""
    transition = state.transition
    keys: set[str] = set()
    horizon = NEVER
    if isinstance(transition, Distributed):
        probs = _weights(transition.options, sim, keys)
    elif isinstance(transition, Conditional | Complex):
        probs = []
        chosen: Any = transition.options[-1]
        for option in transition.options:
            if option.condition is not None:
                keys |= option.condition.reads()
                horizon = min(horizon, option.condition.wake_time(sim, t))
        for option in transition.options:
            if option.condition is None or option.condition.test(sim, run, t):
                chosen = option
                break
        distributions = getattr(chosen, "distributions", None)
        if distributions is not None and getattr(chosen, "transition", None) is None:
            probs = _weights(distributions, sim, keys)
        else:
            probs = [(chosen.transition, 1.0)]
    else:
        assert isinstance(transition, LookupTable)
        table = sim.library.lookup_tables[transition.table_name]
        found = table.probabilities(sim, t) or {}
        probs = _effective([(o.transition, found.get(o.transition, o.default_probability)) for o in transition.options])
        keys |= {f"a:{k}" for k in table.keys if k not in ("age", "time")}
        if "age" in table.keys:
            years = (t - sim.birth_time) / SECONDS["years"]
            horizon = min(horizon, sim.birth_time + (math.floor(years) + 1) * SECONDS["years"])
        if "time" in table.keys:
            edges = table.edges[table.keys.index("time")] or []
            i = bisect.bisect_right(edges, t * 1000.0)
            if i < len(edges):
                horizon = min(horizon, edges[i] / 1000.0 + 0.001)
    p_self = sum(p for target, p in probs if target == state.name)
    leave = [(target, p) for target, p in probs if target != state.name and p > 0]
    return p_self, horizon, keys, leave


class LoopingDelay:
    """``process`` for a fixed-length Delay that may loop back to itself."""

    __slots__ = ("span", "state")

    def __init__(self, state: Delay, span: float) -> None:
        self.state = state
        self.span = span

    def process(self, sim: Simulation, run: ModuleRun, t: float) -> bool:
        span = self.span
        if run.wake is None:  # entering: the first check is one span away
            run.anchor = run.wake = t + span
            run.forced = None
            sim.schedule(run, run.wake)
            return False
        if t < run.wake:  # woken early by a change it reads: re-plan from the next grid time
            run.anchor = run.wake = run.anchor + math.ceil((t - run.anchor) / span - 1e-9) * span
            run.forced = None
            sim.schedule(run, run.wake)
            return False
        if run.forced is not None:  # the planned exit is due
            run.redirect, run.forced, run.wake = run.forced, None, None
            return True
        p_self, horizon, keys, leave = plan(self.state, sim, run, t)
        if p_self <= 0.0 or not leave:
            if p_self >= 1.0 - 1e-12 and not leave:
                return self._stay_until(sim, run, t, horizon, keys)
            run.wake = None
            return True  # leaves now: the transition is drawn as usual
        if p_self >= 1.0 - 1e-12:
            return self._stay_until(sim, run, t, horizon, keys)
        k = int(sim.rng.geometric(1.0 - p_self))  # checks until the first exit (>= 1)
        exit_time = t + (k - 1) * span
        if exit_time >= horizon:
            return self._stay_until(sim, run, t, horizon, keys)
        total = sum(p for _, p in leave)
        draw, acc, target = sim.rng.random() * total, 0.0, leave[-1][0]
        for name, p in leave:
            acc += p
            if draw < acc:
                target = name
                break
        if k == 1:
            run.redirect, run.wake = target, None
            return True
        run.anchor = run.wake = exit_time
        run.forced = target
        sim.schedule(run, exit_time)
        if keys:
            sim.watch(run, frozenset(keys))
        return False

    def _stay_until(self, sim: Simulation, run: ModuleRun, t: float, horizon: float, keys: set[str]) -> bool:
        run.forced = None
        if horizon == NEVER:
            run.anchor = t
            run.wake = math.inf
            sim.park(run)
        else:
            run.anchor = run.wake = t + max(1, math.ceil((horizon - t) / self.span - 1e-9)) * self.span
            sim.schedule(run, run.wake)
        if keys:
            sim.watch(run, frozenset(keys))
        return False
