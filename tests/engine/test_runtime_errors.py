"""Run-time problems become SimulationErrors naming module, state, patient and seed; never a traceback."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from ehrsim.cli.main import main
from ehrsim.engine import simulation
from ehrsim.errors import SimulationError
from tests.engine.harness import simulate

T = {"type": "Terminal"}


def _module(folder: Path, name: str, states: dict[str, Any]) -> None:
    (folder / f"{name}.json").write_text(json.dumps({"name": name, "states": states}))


TEXT_AS_NUMBER = {
    "Initial": {"type": "Initial", "direct_transition": "Set"},
    "Set": {"type": "SetAttribute", "attribute": "w", "value": "heavy", "direct_transition": "Vital"},
    "Vital": {
        "type": "VitalSign",
        "vital_sign": "Body Weight",
        "unit": "kg",
        "expression": "#{w} * 2",
        "direct_transition": "T",
    },
    "T": T,
}


def test_text_where_a_number_is_needed_names_module_state_patient_and_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    modules = tmp_path / "modules"  # not the folder holding the output (its .ehrsim/run.json is JSON too)
    modules.mkdir()
    _module(modules, "textnum", TEXT_AS_NUMBER)
    rc = main(
        [
            "generate",
            "-p",
            "1",
            "-s",
            "7",
            "--modules",
            str(tmp_path / "modules"),
            "-o",
            str(tmp_path / "out"),
            "-f",
            "json",
            "--no-progress",
            "-w",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip() == (
        "ehrsim: error: module textnum, state 'Vital', patient 0, seed 7: expression needs "
        "attribute 'w' as a number, found 'heavy'"
    )


def test_an_internal_error_exits_1_with_a_report_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ehrsim.gmf.states.control import Simple

    original = Simple.process

    def broken(self: Any, sim: Any, run: Any, t: float) -> bool:
        if self.name != "S":  # the core's own modules (natural causes) have Simple states too
            return original(self, sim, run, t)
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(Simple, "process", broken)
    (tmp_path / "modules").mkdir()
    _module(
        tmp_path / "modules",
        "plain",
        {
            "Initial": {"type": "Initial", "direct_transition": "S"},
            "S": {"type": "Simple", "direct_transition": "T"},
            "T": T,
        },
    )
    rc = main(
        [
            "generate",
            "-p",
            "1",
            "-s",
            "3",
            "--modules",
            str(tmp_path / "modules"),
            "-o",
            str(tmp_path / "out"),
            "-f",
            "json",
            "--no-progress",
            "-w",
            "1",
        ]
    )
    err = capsys.readouterr().err
    assert rc == 1
    assert "module plain, state 'S', patient 0, seed 3: ZeroDivisionError: division by zero" in err
    assert "please report it" in err and "Traceback" not in err


def test_modules_that_wake_each_other_in_one_instant_are_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulation, "MAX_EVENTS_PER_INSTANT", 2_000)
    attr = {"condition_type": "Attribute", "attribute": "ping"}
    _module(
        tmp_path,
        "a",
        {
            "Initial": {"type": "Initial", "direct_transition": "On"},
            "On": {"type": "SetAttribute", "attribute": "ping", "value": True, "direct_transition": "Wait"},
            "Wait": {"type": "Guard", "allow": {**attr, "operator": "==", "value": False}, "direct_transition": "On"},
        },
    )
    _module(
        tmp_path,
        "b",
        {
            "Initial": {"type": "Initial", "direct_transition": "Wait"},
            "Wait": {"type": "Guard", "allow": {**attr, "operator": "==", "value": True}, "direct_transition": "Off"},
            "Off": {"type": "SetAttribute", "attribute": "ping", "value": False, "direct_transition": "Wait"},
        },
    )
    with pytest.raises(SimulationError, match="modules wake each other without time passing") as err:
        simulate("a", "b", folder=tmp_path)
    assert err.value.module in ("a", "b") and not err.value.internal


def test_an_instant_loop_through_states_is_stopped(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "spin",
        {
            "Initial": {"type": "Initial", "direct_transition": "Count"},
            "Count": {"type": "Counter", "attribute": "n", "action": "increment", "direct_transition": "Again"},
            "Again": {
                "type": "Simple",
                "conditional_transition": [
                    {
                        "condition": {"condition_type": "Attribute", "attribute": "n", "operator": "<", "value": -1},
                        "transition": "T",
                    },
                    {"transition": "Count"},
                ],
            },
            "T": T,
        },
    )
    with pytest.raises(SimulationError, match="without time passing") as err:
        simulate("spin", folder=tmp_path)
    assert err.value.module == "spin" and err.value.state in ("Count", "Again")


def test_simulation_error_survives_pickling_between_processes() -> None:
    exc = SimulationError("boom", module="m", state="s", patient=4, seed=9, internal=True)
    back = pickle.loads(pickle.dumps(exc))
    assert (back.module, back.state, back.patient, back.seed, back.internal) == ("m", "s", 4, 9, True)
    assert str(back) == str(exc) and back.exit_code == 1


def test_death_during_a_wellness_visit(tmp_path: Path) -> None:
    """Found by the fuzzer: a Death state inside a wellness visit crashed closing the visit."""
    _module(
        tmp_path,
        "dies",
        {
            "Initial": {"type": "Initial", "direct_transition": "Checkup"},
            "Checkup": {"type": "Encounter", "wellness": True, "direct_transition": "Die"},
            "Die": {"type": "Death", "direct_transition": "T"},
            "T": T,
        },
    )
    sim, record = simulate("dies", folder=tmp_path)
    assert sim.death_time is not None
    wellness = [e for e in record["encounters"] if e["start"] <= sim.death_time]
    assert wellness and all(e["stop"] <= sim.death_time for e in record["encounters"])
