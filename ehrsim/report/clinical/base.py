"""Rule kinds: a small registry of classes, each evaluating one kind of rule over one patient at a time.

A kind sees each patient once (``check``) and returns a :class:`Finding`: how many events of this
patient the rule looked at (0 = not in the denominator) and the offending entries. Population kinds
also return ``values`` that ``measure`` turns into one figure compared with a band.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ehrsim.errors import ConfigError
from ehrsim.record.times import from_date
from ehrsim.report.clinical.data import ClinicalData, RuleDef
from ehrsim.report.clinical.view import PatientView


@dataclass
class Finding:
    events: int = 0  # events of this patient in the denominator (0: patient not in it)
    breaches: list[str] = field(default_factory=list)  # one line per offending event
    values: list[Any] = field(default_factory=list)  # for population measures (numbers, or keys for counts)
    applicable: bool | None = None  # in the patient denominator (default: events > 0)

    @property
    def counted(self) -> bool:
        return self.events > 0 if self.applicable is None else self.applicable

    def add(self, ok: bool, text: str) -> None:
        self.events += 1
        if not ok:
            self.breaches.append(text)

    def passed(self) -> None:
        """Count one event that keeps the rule (hot loops call this and format text only on a breach)."""
        self.events += 1


HOUR = 3600


def date_time(text: str | None, default: int = -(2**62)) -> int:
    """Record time of an ISO date given in a rule's params (``default`` when absent)."""
    if not text:
        return default
    try:
        return from_date(dt.date.fromisoformat(text))
    except ValueError:
        raise ConfigError(f"clinical audit: bad date {text!r} in rule params") from None


class Rule:
    """Base class; subclasses set ``kind`` and implement ``check`` (and ``measure`` for bands)."""

    kind: ClassVar[str] = ""
    required: ClassVar[tuple[str, ...]] = ()

    def __init__(self, rule: RuleDef, data: ClinicalData) -> None:
        missing = [k for k in self.required if k not in rule.params]
        if missing:
            raise ConfigError(f"clinical rule {rule.id} ({rule.kind}) lacks params: {', '.join(missing)}")
        self.rule = rule
        self.data = data
        self.p = rule.params
        self._check_names()
        self.setup()

    def _check_names(self) -> None:
        """``*_set`` params name code sets; ``*_class``, ``class_*`` and ``drug_classes`` name drug classes."""
        for key, value in self.p.items():
            if key.endswith("_set") and isinstance(value, str):
                self.data.code_set(value)
            elif (
                (key.endswith("_class") or key.startswith("class_")) and isinstance(value, str)
            ) or key == "drug_classes":
                for name in [value] if isinstance(value, str) else value:
                    self.data.drug_class(name)

    history_start: float | None = None  # set by the audit when the run cut each life's history

    def setup(self) -> None:
        """Resolve names in params to code sets and drug classes (errors surface at load time)."""

    def param(self, name: str, default: Any = None) -> Any:
        return self.p.get(name, default)

    def check(self, view: PatientView) -> Finding:
        raise NotImplementedError

    band: ClassVar[bool] = False

    def measure(self, values: list[Any]) -> float | None:
        """The population figure compared with ``params.band`` (band kinds only)."""
        return None


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    if cls.kind in REGISTRY:
        raise RuntimeError(f"rule kind {cls.kind!r} registered twice")
    REGISTRY[cls.kind] = cls
    return cls


def build(rule: RuleDef, data: ClinicalData) -> Rule:
    try:
        cls = REGISTRY[rule.kind]
    except KeyError:
        raise ConfigError(
            f"clinical rule {rule.id}: unknown kind {rule.kind!r} (known: {', '.join(sorted(REGISTRY))})"
        ) from None
    return cls(rule, data)
