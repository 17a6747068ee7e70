"""The survey exam (record ``latent.exam``): everyone alive at the end of the run, read from the state."""

from __future__ import annotations

import datetime as dt

from ehrsim.core import labs
from ehrsim.core.exam import EXAM_CODES, YEAR
from ehrsim.record.times import from_date
from tests.engine.harness import simulate

END = dt.date(2025, 1, 1)


def test_the_living_have_an_exam_equal_to_their_state_at_the_reference_date() -> None:
    for seed, born in ((0, dt.date(1950, 3, 1)), (1, dt.date(1985, 7, 1))):
        sim, record = simulate("simple", gender="M" if seed else "F", born=born, end=END, seed=seed)
        exam = record["latent"]["exam"]
        t = from_date(END)
        assert exam["time"] == t
        assert set(exam["values"]) == set(EXAM_CODES)
        age = (t - sim.birth_time) / YEAR
        active = sim.rec.active
        state = sim.physiology.update(
            age, sim.attributes, t, active["conditions"], active["medications"], sim.rec.lists["medications"]
        )
        for code, value in exam["values"].items():
            analyte = labs.analyte_for(code, None)
            assert analyte is not None
            assert value == round(state[analyte.variable], analyte.decimals)
        # BMI straight from the anthropometric track (no condition moves it here), not a recorded result
        assert exam["values"]["39156-5"] == round(sim.physiology.bmi(age), 1)
        # the state ten years earlier differs: the exam is taken at the reference date
        younger = sim.physiology.update(age - 10, sim.attributes, t - 10 * YEAR, {}, {}, [])
        assert round(younger["BMI"], 1) != exam["values"]["39156-5"] or younger["LDL"] != state["LDL"]


def test_the_dead_have_no_exam() -> None:
    _, record = simulate("death", born=dt.date(1950, 1, 1), end=END, seed=2)
    assert record["death"] is not None
    assert "exam" not in record["latent"]
