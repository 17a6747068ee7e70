"""Targeted cohorts: ``--cohort EXPR`` (docs/cohorts.md), ``--keep-module FILE`` and ``--storyline FILE``, by rejection.

Candidate ``attempt`` for output slot ``index`` is the life drawn from
``SeedSequence([seed, index, attempt])`` (attempt 0 is the unconstrained patient ``index``), so each
slot's accepted patient depends only on (seed, options, index): any shard, worker or Dask task finds
the same one, and the output is byte-identical for any worker count. Each slot tries at most
``cohort_max_attempts`` candidates; a cohort the module graphs can never produce is refused before
any patient is simulated (``static``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ehrsim.cohort.evaluate import decided_early, matches
from ehrsim.cohort.keep import kept, load_keep_module
from ehrsim.cohort.lang import And, Has, Node, Not, Or, parse
from ehrsim.cohort.names import TerminologyNames
from ehrsim.cohort.static import Reach
from ehrsim.cohort.steer import Steering
from ehrsim.cohort.storyline import Storyline
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.library import Library, Module
    from ehrsim.settings import Settings

__all__ = ["Cohort", "parse"]
SEX = {"M": "men", "F": "women"}
log = logging.getLogger(__name__)


def _criteria(node: Node, positive: bool | None = None) -> list[Has]:
    """The code criteria of an expression (``positive``: only those under no ``not``)."""
    if isinstance(node, Has):
        return [node]
    if isinstance(node, Not):
        return [] if positive else _criteria(node.term, positive)
    if isinstance(node, And | Or):
        return [h for t in node.terms for h in _criteria(t, positive)]
    return []


@dataclass(frozen=True)
class Cohort:
    """A run's acceptance rule: the parsed expression and/or the keep module, and the attempt bound."""

    text: str | None
    expr: Node | None
    keep: Module | None
    max_attempts: int
    reach: Reach | None = None
    steering: Steering | None = None
    storyline: Storyline | None = None

    @classmethod
    def from_settings(cls, settings: Settings, library: Library, modules: list[Module]) -> Cohort | None:
        if settings.cohort is None and settings.keep_module is None and settings.storyline is None:
            return None
        expr = parse(settings.cohort, TerminologyNames()) if settings.cohort is not None else None
        keep = load_keep_module(settings.keep_module, lenient=settings.lenient) if settings.keep_module else None
        steering = None
        if expr is not None and settings.cohort_steer > 1.0:
            codes = frozenset(c for h in _criteria(expr, positive=True) if h.kind == "conditions" for c in h.codes)
            steering = Steering(library, codes, settings.cohort_steer) if codes else None
            if steering is None or not steering.toward:
                log.warning("--cohort-steer: no module leads to a condition the cohort asks for; rejection only")
                steering = None
        story = settings.storyline
        storyline = Storyline.load(story, library, modules, settings) if story is not None else None
        reach = Reach(library, modules)
        cohort = cls(settings.cohort, expr, keep, settings.cohort_max_attempts, reach, steering, storyline)
        cohort.check_possible(settings)
        return cohort

    def check_possible(self, settings: Settings) -> None:
        """Refuse a cohort that no candidate can satisfy, from the settings and the module graphs."""
        if self.expr is None:
            return
        genders = [settings.gender] if settings.gender else ["M", "F"]
        reasons = []
        for g in genders:
            if decided_early(self.expr, g, None, self.fact) is not False:
                return
            if decided_early(self.expr, g, None) is False:
                reasons.append(f"it excludes {SEX[g]}")
            else:
                never = sorted(n.label for n in _criteria(self.expr) if self.fact(n, g) is False)
                reasons.append(f"no module can record {', '.join(never)} for {SEX[g]}")
        raise ConfigError(f"--cohort {self.text!r} can never match ({'; '.join(reasons)}); no patient was simulated")

    def fact(self, node: Any, gender: str) -> bool | None:
        return self.reach.fact(node, gender) if self.reach is not None else None

    def rejects_early(self, gender: str, age_now: float) -> bool:
        """True when sex and age at the reference date already rule the candidate out (no life simulated)."""
        return self.expr is not None and decided_early(self.expr, gender, age_now, self.fact) is False

    def keeps(self, sim: Simulation) -> bool:
        return self.keep is None or kept(self.keep, sim)

    def accepts(self, record: dict[str, Any], end_time: int) -> bool:
        return self.expr is None or matches(self.expr, record, end_time)

    def summary(self, patients: int, attempts: int) -> dict[str, Any]:
        """What metadata.json and the run summary say about the selection."""
        story = {"storyline": self.storyline.describe()} if self.storyline is not None else {}
        return {
            "expression": self.text,
            "keep_module": self.keep.name if self.keep else None,
            "method": "steering and rejection" if self.steering is not None else "rejection",
            "steer_factor": self.steering.factor if self.steering is not None else None,
            "max_attempts_per_patient": self.max_attempts,
            "attempts": attempts,
            "acceptance_rate": round(patients / attempts, 6) if attempts else None,
            **story,
        }
