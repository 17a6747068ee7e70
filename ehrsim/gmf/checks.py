"""Load-time cross-reference checks: every name a state uses must resolve before any patient runs.

Field types and ranges are checked by the state models themselves; this module checks what one
state cannot see alone: transition targets, the states that ``target_encounter``,
``condition_onset``, ``medication_order``... name (and that they are of the right type), submodule
paths and call cycles, attribute readers without writers, PriorState names, unreachable states and
code systems. Broken references are errors; what may still be intended (an attribute only the
core writes, an unreachable state, an unknown code system) is a warning.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

from ehrsim.gmf.conditions import Attribute, PriorState, _ByCodes
from ehrsim.gmf.transitions import TRANSITION_KEYS, NamedProbability
from ehrsim.gmf.values import Code

if TYPE_CHECKING:
    from ehrsim.gmf.library import Module

#: reference field -> the state type it must name
REFERENCES = {
    "target_encounter": "Encounter",
    "condition_onset": "ConditionOnset",
    "allergy_onset": "AllergyOnset",
    "medication_order": "MedicationOrder",
    "careplan": "CarePlanStart",
    "device": "Device",
}


class Problems(Protocol):
    def error(self, where: str, message: str) -> None: ...
    def tolerable(self, where: str, message: str) -> None: ...
    def warn(self, where: str, message: str) -> None: ...


@cache
def core_attributes() -> frozenset[str]:
    """Attributes the core sets (``core_attributes.json``): modules may read them with no writer."""
    data = json.loads((Path(__file__).with_name("core_attributes.json")).read_text(encoding="utf-8"))
    return frozenset(data["attributes"])


@cache
def known_systems() -> frozenset[str]:
    from ehrsim.record.systems import _table

    return frozenset(_table())


def walk(obj: Any) -> list[BaseModel]:
    """Every model nested in a state definition (fields, tuples, dicts, the parsed transition)."""
    out: list[BaseModel] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            out.append(item)
            stack.extend(item.__dict__.values())
            private = item.__pydantic_private__
            if private:
                stack.extend(private.values())
        elif isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return out


def attributes_written(modules: dict[str, Module]) -> set[str]:
    names: set[str] = set(core_attributes())
    for m in modules.values():
        for s in m.states.values():
            for key in ("assign_to_attribute", "attribute"):
                value = getattr(s, key, None)
                if isinstance(value, str) and s.type != "Observation":
                    names.add(value)
    return names


def attributes_read(state: Any, models: list[BaseModel] | None = None) -> set[str]:
    """Attribute names a state reads: conditions, named probabilities, expressions, value copies."""
    names: set[str] = set()
    for model in walk(state) if models is None else models:
        if isinstance(model, Attribute):
            names.add(model.attribute)
        elif isinstance(model, _ByCodes) and not model.codes and model.referenced_by_attribute:
            names.add(model.referenced_by_attribute)
        elif isinstance(model, NamedProbability):
            names.add(model.attribute)
        expression = (model.__pydantic_private__ or {}).get("_expression")
        if expression is not None:
            names.update(n for n in expression.names if n != "age")
    for key in ("value_attribute", "referenced_by_attribute"):
        value = getattr(state, key, None)
        if isinstance(value, str) and value:
            names.add(value)
    if state.type == "Observation" and isinstance(getattr(state, "attribute", None), str):
        names.add(state.attribute)
    for child in getattr(state, "observations", ()) or ():
        if isinstance(getattr(child, "attribute", None), str):
            names.add(child.attribute)
    return names


def check_module(module: Module, modules: dict[str, Module], written: set[str], problems: Problems) -> None:
    """Every reference of one module (``modules`` is the whole library, for cross-module names)."""
    from ehrsim.gmf.states.control import CallSubmodule

    file = str(module.file)
    for name, state in module.states.items():
        where = f"{file}: {name}"
        for target in dict.fromkeys(state.targets()):
            if target not in module.states and target not in module.broken:
                key = next((k for k in TRANSITION_KEYS if getattr(state, k, None) is not None), "transition")
                if target == getattr(state, "alt_direct_transition", None):
                    key = "alt_direct_transition"
                problems.error(where, f"transition to unknown state {target!r} ({key})")
        for field, wanted in REFERENCES.items():
            ref = getattr(state, field, None)
            if isinstance(ref, str) and ref:
                _check_reference(module, modules, where, field, ref, wanted, problems)
        if isinstance(state, CallSubmodule) and state.submodule not in modules:
            problems.error(where, f"submodule: unknown submodule {state.submodule!r}")
        models = walk(state)
        for model in models:
            if isinstance(model, PriorState):
                for ref in (model.name, model.since):
                    if ref and not _named_anywhere(ref, module, modules):
                        problems.tolerable(where, f"PriorState names no state {ref!r} in any module")
            elif isinstance(model, Code) and model.system not in known_systems():
                problems.warn(where, f"code {model.code!r}: unknown code system {model.system!r}")
        for attribute in sorted(attributes_read(state, models) - written):
            problems.warn(where, f"reads attribute {attribute!r} that no module (nor the core) writes")


def _named_anywhere(ref: str, module: Module, modules: dict[str, Module]) -> bool:
    return ref in module.states or ref in module.broken or any(ref in m.states for m in modules.values())


def _check_reference(
    module: Module, modules: dict[str, Module], where: str, field: str, ref: str, wanted: str, problems: Problems
) -> None:
    if ref in module.broken:
        return  # already reported where it failed to parse
    target = module.states.get(ref)
    if target is not None:
        if target.type != wanted:
            problems.error(where, f"{field}: {ref!r} is {_a(target.type)} state, not {_a(wanted)}")
        return
    # a submodule may name a state of its caller (or the reverse): the run's record is shared
    if any(getattr(m.states.get(ref), "type", None) == wanted for m in modules.values()):
        return
    problems.error(where, f"{field}: no {wanted} state named {ref!r}")


def check_unreachable(module: Module, problems: Problems) -> None:
    if "Initial" not in module.states:
        return
    seen = {"Initial"}
    todo = ["Initial"]
    while todo:
        for target in module.states[todo.pop()].targets():
            if target in module.states and target not in seen:
                seen.add(target)
                todo.append(target)
    for name in module.states:
        if name not in seen:
            problems.warn(f"{module.file}: {name}", "unreachable from Initial")


def check_submodule_cycles(modules: dict[str, Module], problems: Problems) -> None:
    """A module that calls itself, directly or through others, would recurse without end."""
    from ehrsim.gmf.states.control import CallSubmodule

    calls: dict[str, dict[str, str]] = {}  # module path -> callee -> calling state
    for module_path, m in modules.items():
        calls[module_path] = {}
        for name, s in m.states.items():
            if isinstance(s, CallSubmodule) and s.submodule in modules:
                calls[module_path].setdefault(s.submodule, name)
    reported: set[frozenset[str]] = set()
    for start in sorted(calls):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        visited: set[str] = set()
        while stack:
            node, path = stack.pop()
            for callee in calls[node]:
                if callee == start:
                    cycle = frozenset(path)
                    if cycle not in reported:
                        reported.add(cycle)
                        chain = " -> ".join([*path, start])
                        problems.error(
                            f"{modules[start].file}: {calls[start][path[1] if len(path) > 1 else start]}",
                            f"submodule: calls itself through {chain} (endless recursion)",
                        )
                elif callee not in visited:
                    visited.add(callee)
                    stack.append((callee, [*path, callee]))


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'AEIOU' else 'a'} {word}"
