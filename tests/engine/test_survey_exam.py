"""The survey exam (record ``latent.exam``): everyone alive at the end of the run, read from the state (BP as
NHANES reads it at one visit)."""

from __future__ import annotations

import datetime as dt
import statistics

import numpy as np

from ehrsim.core import labs, physio_effects
from ehrsim.core.exam import EXAM_CODES, VISIT_READ, YEAR, survey_exam
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
        visit = dict(VISIT_READ)
        for code, value in exam["values"].items():
            analyte = labs.analyte_for(code, None)
            assert analyte is not None
            if code not in visit:  # BP: the visit's reading (next test)
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


def test_the_exam_reads_bp_as_one_visits_mean_the_rest_as_the_state() -> None:
    """s17htn: NHANES classifies hypertension on one visit's mean BP; a true-value exam missed the people whose usual
    pressure is just under 140/90 and who read above it on the day (NHANES counts them, mostly unaware)."""
    sim, _ = simulate("simple", gender="F", born=dt.date(1950, 3, 1), end=END, seed=0)
    t = from_date(END)
    active = sim.rec.active
    args = (sim.physiology, sim.birth_time, t, sim.attributes, active["conditions"], active["medications"], [])
    q = physio_effects.params()
    deviations: dict[str, list[float]] = {code: [] for code, _ in VISIT_READ}
    exams = [survey_exam(*args, np.random.default_rng(seed)) for seed in range(200)]
    state = sim.physiology.update((t - sim.birth_time) / YEAR, sim.attributes, t, active["conditions"],
                                  active["medications"], [])  # fmt: skip
    for seed, exam in enumerate(exams):
        expected = np.random.default_rng(seed)
        for code, key in VISIT_READ:
            analyte = labs.analyte_for(code, None)
            assert analyte is not None
            value = exam["values"][code]
            assert value == round(state[analyte.variable] + expected.normal(0.0, q[key]))
            deviations[code].append(value - state[analyte.variable])
        assert exam["values"]["4548-4"] == exams[0]["values"]["4548-4"]  # HbA1c, LDL-C...: the state, no draw
    for code, key in VISIT_READ:
        assert abs(statistics.pstdev(deviations[code]) - q[key]) < 0.2 * q[key]
