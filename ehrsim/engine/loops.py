"""Fast-forward for self-looping Delays: the "wait a month, maybe get sick, else wait again" pattern.

Synthea's library (and ours) is full of loops such as ``Delay 1 month -> 1 % chance of X, else back
to the Delay`` (directly, or through up to three Simple states) that run for a whole life (covid19
waits 4 days at a time for 80 years). Iterating them
costs thousands of steps per patient. While the chance of staying is constant (until an age or
date threshold, a lookup-table row boundary, or a change to an attribute it reads), the number of
iterations before leaving is geometric, so one draw replaces them all. A fixed-length loop still leaves at
one of its exact grid times ``entry + k * delay``, with the same distribution as iterating; a loop
with a uniform delay leaves after the sum of K uniform draws. One approximation: when a change it
reads wakes a uniform loop early, the wait to its next check is drawn afresh.
"""

from __future__ import annotations

import bisect
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.gmf.conditions import NEVER
from ehrsim.gmf.states.control import Delay, Simple
from ehrsim.gmf.transitions import (
    Complex,
    ComplexOption,
    Conditional,
    ConditionalOption,
    Distributed,
    LookupTable,
    NamedProbability,
    Weighted,
)
from ehrsim.gmf.values import SECONDS, to_seconds

if TYPE_CHECKING:
    from ehrsim.gmf.library import Library
    from ehrsim.gmf.patient import PatientAccess
    from ehrsim.gmf.run import ModuleRun

Plan = tuple[float, float, set[str], list[tuple[str, float]]]  # p_self, horizon, keys read, leave options
MAX_DEPTH = 3  # Simple states a loop may pass through on its way back
ANALYSABLE = Distributed | Complex | Conditional | LookupTable


def install(library: Library) -> int:
    """Give every qualifying Delay node the fast-forward ``process``; returns how many."""
    count = 0
    graphs: dict[str, Graph] = {}
    for module in library.modules.values():
        for name, node in module.nodes.items():
            state = node.state
            if not isinstance(state, Delay):
                continue
            span = _span(state)
            if span is not None and _loops_back(module.states, name, state, 0):
                graph = graphs.get(module.path)
                if graph is None:
                    graph = graphs[module.path] = _graph(module.states, library)
                node.process = LoopingDelay(state, span, graph).process
                count += 1
    return count


def _analysable(state: Any) -> bool:
    return isinstance(state.transition, ANALYSABLE) or (state.transition is not None and len(state.targets()) == 1)


def _loops_back(states: dict[str, Any], home: str, state: Any, depth: int) -> bool:
    """Does ``state`` lead back to ``home`` through Simple states only, all with analysable transitions?"""
    if not _analysable(state):
        return False
    for target in state.targets():
        if target == home:
            return True
        nxt = states.get(target)
        if isinstance(nxt, Simple) and depth < MAX_DEPTH and _loops_back(states, home, nxt, depth + 1):
            return True
    return False


def _span(state: Delay) -> tuple[float, float] | None:
    """(low, high) seconds of the delay when it is fixed or uniform, else None."""
    if state.exact is not None:
        value = to_seconds(float(state.exact.quantity), state.exact.unit or state.unit)
        return (value, value) if value > 0 else None
    if state.range is not None:
        unit = state.range.unit or state.unit
        low, high = to_seconds(state.range.low, unit), to_seconds(state.range.high, unit)
    elif state.distribution is not None and state.distribution.kind in ("EXACT", "UNIFORM"):
        if state.distribution.round:
            return None
        p = state.distribution.parameters
        low = to_seconds(p.get("value", p.get("low", 0.0)), state.unit)
        high = to_seconds(p.get("value", p.get("high", 0.0)), state.unit)
    else:
        return None
    return (low, high) if 0 < low <= high else None


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


#: a weighted option as plain data: (transition, its weight, or the default weight when read from an attribute,
#: that attribute's change key or None, the attribute or None)
WeightSpec = tuple[tuple[str, float, str | None, str | None], ...]


def _weight_spec(options: tuple[Weighted, ...]) -> WeightSpec:
    """Built once per transition: ``_weights`` then reads no model fields (see ``Condition.tester``)."""
    out: list[tuple[str, float, str | None, str | None]] = []
    for o in options:
        d = o.distribution
        if isinstance(d, NamedProbability):
            out.append((o.transition, d.default, f"a:{d.attribute}", d.attribute))
        else:
            out.append((o.transition, d, None, None))
    return tuple(out)


def _weights(spec: WeightSpec, sim: PatientAccess, keys: set[str]) -> list[tuple[str, float]]:
    """``Weighted.weight`` of each option (an attribute's number, else the default) and the keys read."""
    pairs = []
    for transition, weight, key, attribute in spec:
        if attribute is not None:
            keys.add(key)  # type: ignore[arg-type]  # set with the attribute
            weight = _number_or(sim.attributes.get(attribute, weight), weight)
        pairs.append((transition, weight))
    return _effective(pairs)


def _number_or(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


# how a state's transition is analysed (``Probe`` kinds): resolved once per node at install, not per check
DIRECT, FIXED, WEIGHTED, CHOICE, LOOKUP = range(5)
#: (kind, what the kind needs, is it a Simple state): DIRECT and FIXED carry their constant probabilities,
#: WEIGHTED its ``WeightSpec``, CHOICE per option (its transition, its ``WeightSpec`` when it picks by weights,
#: its condition's tester, waker and the keys it reads), LOOKUP (transition, its table or None when not loaded,
#: probabilities by row, each option's (transition, default probability))
Probe = tuple[int, Any, bool]
#: per module: state name -> its probe
Graph = dict[str, Probe]


def _graph(states: dict[str, Any], library: Library) -> Graph:
    return {
        n: (*_probe(s.transition, (s.targets() or [None])[0], library), isinstance(s, Simple))
        for n, s in states.items()
    }


def _probe(transition: Any, first_target: str | None, library: Library) -> tuple[int, Any]:
    if isinstance(transition, Distributed):
        if any(isinstance(o.distribution, NamedProbability) for o in transition.options):
            return WEIGHTED, _weight_spec(transition.options)
        return FIXED, _effective([(o.transition, o.distribution) for o in transition.options])  # type: ignore[misc]
    if isinstance(transition, Conditional | Complex):
        return CHOICE, tuple(_choice(o) for o in transition.options)
    if isinstance(transition, LookupTable):
        defaults = tuple((o.transition, o.default_probability) for o in transition.options)
        return LOOKUP, (transition, library.lookup_tables.get(transition.table_name), {}, defaults)
    return DIRECT, [(first_target or "", 1.0)]


def _choice(option: ConditionalOption | ComplexOption) -> tuple[Any, ...]:
    # a complex option's distributions count only without a transition (``ComplexOption.pick``)
    spec = None
    if isinstance(option, ComplexOption) and option.distributions is not None and option.transition is None:
        spec = _weight_spec(option.distributions)
    condition = option.condition
    if condition is None:
        return (option.transition, spec, None, None, frozenset())
    return (option.transition, spec, condition.tester, condition.waker, condition.reads())


def _transition_probs(
    kind: int, data: Any, sim: PatientAccess, run: ModuleRun, t: float, keys: set[str]
) -> tuple[list[tuple[str, float]], float]:
    """Where one transition goes now, with probabilities, and until when that holds."""
    horizon = NEVER
    if kind <= FIXED:
        return data, horizon
    if kind == WEIGHTED:
        return _weights(data, sim, keys), horizon
    if kind == CHOICE:
        chosen: Any = data[-1]
        for option in data:  # only options up to the chosen one can change the choice
            _, _, tester, waker, reads = option
            if tester is None:
                chosen = option
                break
            keys |= reads
            wake = waker(sim, t)
            if wake < horizon:
                horizon = wake
            if tester(sim, run, t):
                chosen = option
                break
        if chosen[1] is not None:
            return _weights(chosen[1], sim, keys), horizon
        return [(chosen[0], 1.0)], horizon
    transition, table, memo, defaults = data
    if table is None:  # not loaded: fails here as the transition itself would
        table = sim.library.lookup_tables[transition.table_name]
    found = table.probabilities(sim, t)
    # the table caches its rows' dicts for the whole run, so their identity stands for their content
    probs = memo.get(id(found))
    if probs is None:
        row = found or {}
        probs = _effective([(target, row.get(target, default)) for target, default in defaults])
        memo[id(found)] = probs
    keys |= table.attr_keys
    if "age" in table.keys:
        years = (t - sim.birth_time) / SECONDS["years"]
        horizon = min(horizon, sim.birth_time + (math.floor(years) + 1) * SECONDS["years"])
    if "time" in table.keys:
        edges = table.edges[table.keys.index("time")] or []
        i = bisect.bisect_right(edges, t * 1000.0)
        if i < len(edges):
            horizon = min(horizon, edges[i] / 1000.0 + 0.001)
    return probs, horizon


def plan(home: str, graph: Graph, sim: PatientAccess, run: ModuleRun, t: float) -> Plan:
    """Chance of looping back to ``home`` now (through Simple states), until when it holds, what it reads."""
    keys: set[str] = set()
    p_self = 0.0
    horizon = NEVER
    leave: dict[str, float] = {}
    pending: list[tuple[str, float, int]] = [(home, 1.0, 0)]
    while pending:
        current, weight, depth = pending.pop()
        kind, data, _ = graph[current]
        probs, until = _transition_probs(kind, data, sim, run, t, keys)
        if until < horizon:
            horizon = until
        for target, p in probs:
            if p <= 0:
                continue
            if target == home:
                p_self += weight * p
                continue
            nxt = graph.get(target)
            if nxt is not None and nxt[2] and depth < MAX_DEPTH:
                pending.append((target, weight * p, depth + 1))
            else:
                leave[target] = leave.get(target, 0.0) + weight * p
    return p_self, horizon, keys, sorted(leave.items())


def _skip_doubles(rng: np.random.Generator, n: int) -> bool:
    """Move ``rng`` on past ``n`` doubles without drawing them, when that leaves it exactly where drawing them
    (``rng.uniform(low, high, n)``: one 64-bit output each) would; False (nothing done) when it cannot.

    A loop whose chance of leaving is tiny (p_self near 1) draws a geometric count of delays in the millions
    (ehrsim's library: ~850,000 uniform draws a life, ~6 % of its CPU) only to find them past the horizon.
    ``PCG64.advance`` jumps the state; it also clears the buffered 32-bit half-output, so a generator holding one
    is left to draw."""
    bits = rng.bit_generator
    if not isinstance(bits, np.random.PCG64) or bits.state["has_uint32"]:
        return False
    bits.advance(n)
    return True


class LoopingDelay:
    """``process`` for a fixed or uniform Delay that may loop back to itself."""

    __slots__ = ("graph", "high", "low", "name")

    def __init__(self, state: Delay, span: tuple[float, float], graph: Graph) -> None:
        self.name = state.name
        self.low, self.high = span
        self.graph = graph

    def _spans(self, sim: PatientAccess, k: int) -> float:
        """Total length of ``k`` successive delays."""
        if k <= 0:
            return 0.0
        if self.low == self.high:
            return k * self.low
        if k == 1:  # the same draw and value as ``rng.uniform`` (low + (high - low) * u), without its slow call
            return self.low + (self.high - self.low) * float(sim.rng.random())
        return float(sim.rng.uniform(self.low, self.high, k).sum())

    def _beyond(self, t: float, k: int, horizon: float) -> bool:
        """Do ``k`` successive delays from ``t`` certainly end at or after ``horizon``, whatever their draws?

        Each uniform delay is at least ``low`` and rounding is monotone, so their float sum is at least that of ``k``
        times ``low`` (within a relative 1e-12 even for 1e9 terms); the 1e-6 margin leaves no doubt."""
        return self.low != self.high and k > 1 and t + k * self.low * (1.0 - 1e-6) >= horizon

    def process(self, sim: PatientAccess, run: ModuleRun, t: float) -> bool:
        steer: Any = getattr(sim, "steer", None)  # a cohort's importance sampling (ehrsim.cohort.steer), usually None
        if run.wake is None:  # entering: the first check is one delay away
            run.anchor = run.wake = t + self._spans(sim, 1)
            run.forced = None
            sim.schedule(run, run.wake)
            return False
        if t < run.wake:  # woken early by a change it reads: re-plan from the next check
            if steer is not None:
                steer.interrupt(run, t)
            if self.low == self.high:
                run.wake = run.anchor + math.ceil((t - run.anchor) / self.low - 1e-9) * self.low
            else:
                run.wake = t + self._spans(sim, 1) * float(sim.rng.random())
            run.anchor = run.wake
            run.forced = None
            sim.schedule(run, run.wake)
            return False
        if steer is not None:
            steer.realised(run)
        if run.forced is not None:  # the planned exit is due
            run.redirect, run.forced, run.wake = run.forced, None, None
            return True
        p_self, horizon, keys, leave = plan(self.name, self.graph, sim, run, t)
        if p_self >= 1.0 - 1e-12 or not leave:
            return self._stay_until(sim, run, t, horizon, keys)
        tilt = steer.tilt(run.module.path, p_self, leave) if steer is not None else None
        if tilt is not None:
            p_self, leave = tilt[0], tilt[1]
        k = 1 if p_self <= 0.0 else int(sim.rng.geometric(1.0 - p_self))  # checks until the first exit
        checks = None  # a steered uniform loop's check times (the stays), for its weight
        if tilt is not None and self.low != self.high and k > 1:
            spans = sim.rng.uniform(self.low, self.high, k - 1)
            exit_time = t + float(spans.sum())
            checks = t + np.concatenate(([0.0], np.cumsum(spans[:-1])))
        elif tilt is None and self._beyond(t, k - 1, horizon) and _skip_doubles(sim.rng, k - 1):
            exit_time = horizon  # the k - 1 delays end past the horizon whatever they are: their draws are skipped
        else:
            exit_time = t + self._spans(sim, k - 1)
        if exit_time >= horizon:
            if tilt is not None:
                if checks is None and self.low != self.high:
                    checks = np.array([t])
                if checks is not None:  # the stays before the horizon; the rest of the plan is dropped
                    checks = checks[: max(1, int(checks.searchsorted(horizon)))]
                    steer.planned(run, tilt[2], t, self.low, len(checks), 0.0, checks)
                else:
                    stays = max(1, math.ceil((horizon - t) / self.low - 1e-9))
                    steer.planned(run, tilt[2], t, self.low, stays, 0.0)
            return self._stay_until(sim, run, t, horizon, keys)
        total = sum(p for _, p in leave)
        draw, acc, target = sim.rng.random() * total, 0.0, leave[-1][0]
        for name, p in leave:
            acc += p
            if draw < acc:
                target = name
                break
        if tilt is not None:
            steer.planned(run, tilt[2], t, self.low, k - 1, tilt[3][target], checks)
        if k == 1:
            if tilt is not None:
                steer.realised(run)
            run.redirect, run.wake = target, None
            return True
        run.anchor = run.wake = exit_time
        run.forced = target
        sim.schedule(run, exit_time)
        if keys:
            sim.watch(run, frozenset(keys))
        return False

    def _stay_until(self, sim: PatientAccess, run: ModuleRun, t: float, horizon: float, keys: set[str]) -> bool:
        """No exit before ``horizon``: sleep to the first check at or after it (or until a change)."""
        run.forced = None
        if horizon == NEVER:
            run.anchor = t
            run.wake = math.inf
            sim.park(run)
        else:
            if self.low == self.high:
                wake = t + max(1, math.ceil((horizon - t) / self.low - 1e-9)) * self.low
            else:
                wake = t
                while wake < horizon:
                    n = max(1, math.ceil((horizon - wake) / self.low))
                    sums = wake + sim.rng.uniform(self.low, self.high, n).cumsum()
                    i = int(sums.searchsorted(horizon))
                    wake = float(sums[min(i, n - 1)])
            run.anchor = run.wake = wake
            sim.schedule(run, run.wake)
        if keys:
            sim.watch(run, frozenset(keys))
        return False
