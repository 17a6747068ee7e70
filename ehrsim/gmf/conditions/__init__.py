"""GMF logic (``condition_type``): one small class per type, found through ``CONDITION_TYPES``.

Each condition answers ``test(sim, run, t)``. A blocked Guard does not poll: ``wake_time`` says
when the answer can next change through the passage of time alone (Age, Date, PriorState windows;
``NEVER`` when time cannot change it), and ``reads`` names the patient data whose change can
(``a:<attribute>``, ``c:<code>``, ``v:<vital sign>``, ``symptom``, ``record``); the engine wakes the
Guard exactly then.

By concept: ``base`` (the base class and comparison), ``patient`` (who the patient is and how they
are), ``record`` (what the record and the module's history hold), ``logic`` (combinations and the
registry). Everything is importable from here.
"""

from __future__ import annotations

from ehrsim.gmf.conditions.base import NEVER, Condition, Operator, compare
from ehrsim.gmf.conditions.logic import (
    CONDITION_TYPES,
    And,
    AnyCondition,
    AtLeast,
    AtMost,
    FalseCondition,
    Not,
    Or,
    TrueCondition,
    _Group,
    parse_condition,
)
from ehrsim.gmf.conditions.patient import (
    Age,
    Attribute,
    Date,
    DateParts,
    Gender,
    Race,
    SocioeconomicStatus,
    Symptom,
    VitalSign,
)
from ehrsim.gmf.conditions.record import (
    ActiveAllergy,
    ActiveCarePlan,
    ActiveCondition,
    ActiveMedication,
    Observation,
    PriorState,
    Within,
    _Active,
    _ByCodes,
)

__all__ = [
    "CONDITION_TYPES",
    "NEVER",
    "ActiveAllergy",
    "ActiveCarePlan",
    "ActiveCondition",
    "ActiveMedication",
    "Age",
    "And",
    "AnyCondition",
    "AtLeast",
    "AtMost",
    "Attribute",
    "Condition",
    "Date",
    "DateParts",
    "FalseCondition",
    "Gender",
    "Not",
    "Observation",
    "Operator",
    "Or",
    "PriorState",
    "Race",
    "SocioeconomicStatus",
    "Symptom",
    "TrueCondition",
    "VitalSign",
    "Within",
    "_Active",
    "_ByCodes",
    "_Group",
    "compare",
    "parse_condition",
]
