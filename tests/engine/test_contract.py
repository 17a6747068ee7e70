"""The states' contract with the engine: gmf/ reaches a patient only through ``PatientAccess``."""

from __future__ import annotations

import ast
from pathlib import Path

from ehrsim.engine.simulation import Simulation
from ehrsim.gmf.patient import PatientAccess

GMF = Path(__file__).resolve().parents[2] / "ehrsim" / "gmf"


def _protocol_members() -> set[str]:
    names = {n for n in vars(PatientAccess) if not n.startswith("_")}
    return names | set(PatientAccess.__annotations__)


def test_simulation_has_every_member_of_the_contract() -> None:
    missing = [
        n
        for n in sorted(_protocol_members())
        if not hasattr(Simulation, n) and n not in Simulation.__init__.__code__.co_names
    ]
    assert not missing


def test_gmf_never_imports_the_engine() -> None:
    offenders = []
    for path in GMF.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ehrsim.engine"):
                offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


def test_states_use_only_the_contract() -> None:
    """Every ``sim.<name>`` in gmf/ is a member of PatientAccess (so the API stays written down)."""
    members = _protocol_members()
    used: dict[str, str] = {}
    for path in GMF.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sim":
                used.setdefault(node.attr, f"{path.name}:{node.lineno}")
    outside = {name: where for name, where in used.items() if name not in members}
    assert not outside
    assert {"add_entry", "schedule", "set_attribute", "rng"} <= set(used)
