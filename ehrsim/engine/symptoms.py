"""Symptom levels by cause, and the running total that triggers a sick visit: a collaborator of ``Simulation``."""

from __future__ import annotations

from ehrsim.engine import parameters


class Symptoms:
    """Per symptom, the level from each cause; the total sums each symptom's worst level."""

    __slots__ = ("by_cause", "check_pending", "last_total", "log", "total", "worst")

    def __init__(self) -> None:
        #: every change as (time, symptom, cause, level, addressing encounter id or None): the record's ``symptoms``
        self.log: list[tuple[float, str, str, float, str | None]] = []
        self.by_cause: dict[str, dict[str, float]] = {}
        self.worst: dict[str, float] = {}
        self.total = 0.0
        self.check_pending = False  # a sick-visit check is queued
        self.last_total = 0.0  # the total after the last sick visit

    def set(self, symptom: str, cause: str, value: float) -> None:
        causes = self.by_cause.setdefault(symptom, {})
        causes[cause] = value
        worst = max(causes.values())
        self.total += worst - self.worst.get(symptom, 0.0)
        self.worst[symptom] = worst

    def level(self, symptom: str) -> float:
        return self.worst.get(symptom, 0.0)

    def address(self, symptom: str, t: float, encounter: str) -> None:
        """A visit dealt with this symptom: its levels drop to 0 (logged against that visit)."""
        for cause, value in self.by_cause[symptom].items():
            if value > 0.0:
                self.log.append((t, symptom, cause, 0.0, encounter))
        self.by_cause[symptom] = dict.fromkeys(self.by_cause[symptom], 0.0)
        self.total -= self.worst.pop(symptom, 0.0)

    def needs_visit(self) -> bool:
        """True once when the total first passes the threshold since the last check was queued."""
        if self.check_pending or self.total <= parameters.care().symptom_visit_threshold:
            return False
        self.check_pending = True
        return True
