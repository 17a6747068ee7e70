"""One life's event queue and the Guards waiting on patient data: a collaborator of ``Simulation``.

Entries are ``(time, kind, order, sequence, kind, payload)``: at equal times the core's events come
first, then modules in module order. A module run holds a ``token`` (the sequence number of its
live entry); older entries for it are stale and skipped, so re-scheduling never searches the heap.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ehrsim.gmf.run import ModuleRun

# event kinds and their priority at equal times: the core first, then modules in module order
LIFECYCLE, WELLNESS, MODULE, SYMPTOMS, DEATH = 0, 1, 2, 3, 4
#: a callable ``(sim, t)`` scheduled from outside the engine (a storyline's forced state, ``engine.force``)
CALLBACK = 5

Event = tuple[float, int, int, int, int, Any]


class EventQueue:
    """The heap of events and, per patient-data key, the module runs whose Guards read it."""

    __slots__ = ("heap", "seq", "watchers")

    def __init__(self) -> None:
        self.heap: list[Event] = []
        self.seq = 0
        self.watchers: dict[str, list[tuple[ModuleRun, int]]] = {}

    def push(self, t: float, kind: int, order: int, obj: Any) -> int:
        self.seq += 1
        heapq.heappush(self.heap, (t, kind, order, self.seq, kind, obj))
        return self.seq

    def park(self, run: ModuleRun) -> None:
        """The run cannot proceed by time alone: it has no live entry until something wakes it."""
        self.seq += 1
        run.token = self.seq

    def watch(self, run: ModuleRun, keys: frozenset[str]) -> None:
        """Remember to wake ``run`` (as it is now) when any of ``keys`` changes."""
        entry = (run, run.token)
        for key in keys:
            self.watchers.setdefault(key, []).append(entry)

    def woken(self, key: str) -> Iterator[ModuleRun]:
        """The runs still waiting on ``key``; lazily, so a run the caller re-schedules is not yielded twice."""
        for run, token in self.watchers.pop(key, ()):
            if run.token == token and not run.done:
                yield run
