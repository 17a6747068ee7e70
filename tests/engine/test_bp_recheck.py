"""A child's high blood pressure at a wellness visit is measured again within 3 weeks (engine/bp_recheck.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ehrsim.engine import bp_recheck
from ehrsim.engine.queue import CALLBACK
from ehrsim.engine.simulation import Simulation
from tests.prescribing.helpers import at, patient

DAY = 86400.0


def _bp(sim: Simulation, enc_id: str, sbp: float, dbp: float) -> None:
    comp = [
        {"codes": [{"system": "LOINC", "code": "8480-6", "display": "Systolic"}], "value": sbp, "unit": "mm[Hg]"},
        {"codes": [{"system": "LOINC", "code": "8462-4", "display": "Diastolic"}], "value": dbp, "unit": "mm[Hg]"},
    ]
    panel = {"system": "LOINC", "code": "85354-9", "display": "Blood pressure panel with all children optional"}
    fields = {"time": sim.now, "category": "vital-signs", "codes": [panel], "value": None, "value_type": "none"}
    sim.write("observations", {**fields, "unit": "", "components": comp, "report": None}, enc_id)


def _run_callbacks(sim: Simulation) -> list[float]:
    """Run the core's call-backs in time order (as Simulation.run does); their times."""
    times = []
    while sim.queue.heap:
        t, kind, _order, _seq, _kind, obj = min(sim.queue.heap)
        sim.queue.heap.remove(min(sim.queue.heap))
        if kind == CALLBACK:
            sim.now = t
            times.append(t)
            obj(sim, t)
    return times


def _rechecks(sim: Simulation) -> list[dict[str, Any]]:
    return [e for e in sim.rec.lists["encounters"] if e["module"] == "bp_recheck"]


def test_a_high_reading_at_a_well_visit_is_rechecked_at_an_office_visit_within_3_weeks() -> None:
    sim = patient(dt.date(2010, 1, 1), gender="M")
    t = at(sim, dt.date(2020, 3, 2))
    _bp(sim, "well", 124, 70)  # a 10-year-old boy: 95th percentile 119/80 (Fourth Report, 50th height percentile)
    bp_recheck.after_wellness(sim, {"id": "well", "start": t}, t)
    _run_callbacks(sim)
    (visit,) = _rechecks(sim)
    assert visit["class"] == "ambulatory" and 18 * DAY <= visit["start"] - t <= 21 * DAY
    (panel,) = [o for o in sim.rec.lists["observations"] if o["encounter"] == visit["id"]]
    assert {c["codes"][0]["code"] for c in panel["components"]} == {"8480-6", "8462-4"}


def test_no_recheck_after_a_normal_reading_or_when_measured_again_since() -> None:
    normal = patient(dt.date(2010, 1, 1), gender="M")
    t = at(normal, dt.date(2020, 3, 2))
    _bp(normal, "well", 105, 62)
    bp_recheck.after_wellness(normal, {"id": "well", "start": t}, t)
    assert not normal.queue.heap
    rechecked = patient(dt.date(2010, 1, 1), gender="M")
    t = at(rechecked, dt.date(2020, 3, 2))
    _bp(rechecked, "well", 124, 70)
    bp_recheck.after_wellness(rechecked, {"id": "well", "start": t}, t)
    at(rechecked, dt.date(2020, 3, 12))
    _bp(rechecked, "module's recheck", 112, 66)  # the library rechecked it itself
    _run_callbacks(rechecked)
    adult = patient(dt.date(2000, 1, 1), gender="M")
    t = at(adult, dt.date(2020, 3, 2))
    _bp(adult, "well", 150, 95)  # 20 years old: adult care, not this rule
    bp_recheck.after_wellness(adult, {"id": "well", "start": t}, t)
    assert not _rechecks(rechecked) and not adult.queue.heap
