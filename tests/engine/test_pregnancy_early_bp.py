"""Raised readings before 20 weeks of pregnancy count whichever visit recorded them (s17mom), and the prenatal visit
diagnoses on recorded readings, not on the true value."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ehrsim.engine import pregnancy_bp

MODULES = Path(__file__).resolve().parents[2] / "modules"
HOUR = 3600.0


class Sim(SimpleNamespace):
    def set_attribute(self, name: str, value: Any) -> None:
        self.attributes[name] = value


def _sim(weeks: float = 10, start: float = 0.0) -> Sim:
    return Sim(
        attributes={"pregnancy": True, "gestational_weeks": weeks}, physiology=SimpleNamespace(pregnancy_start=start)
    )


def _panel(t: float, systolic: float, diastolic: float) -> dict[str, Any]:
    part = lambda code, v: {"codes": [{"code": code}], "value": v}  # noqa: E731
    return {
        "time": t,
        "codes": [{"code": "85354-9"}],
        "components": [part("8480-6", systolic), part("8462-4", diastolic)],
    }


def test_two_raised_readings_four_hours_apart_at_any_visits_flag_early_hypertension() -> None:
    sim = _sim()
    pregnancy_bp.observed(sim, _panel(100 * HOUR, 141, 77))  # a wellness visit
    assert pregnancy_bp.FLAG not in sim.attributes
    pregnancy_bp.observed(sim, _panel(101 * HOUR, 144, 81))  # within 4 hours: one occasion
    assert pregnancy_bp.FLAG not in sim.attributes
    pregnancy_bp.observed(sim, _panel(104 * HOUR, 138, 92))  # 4 hours after the first: a second occasion
    assert sim.attributes[pregnancy_bp.FLAG] is True


def test_one_severe_reading_flags_and_normal_or_late_readings_do_not() -> None:
    sim = _sim()
    pregnancy_bp.observed(sim, _panel(HOUR, 161, 80))  # an emergency visit for cystitis at 8 weeks (s17mom)
    assert sim.attributes[pregnancy_bp.FLAG] is True
    late = _sim(weeks=20)
    pregnancy_bp.observed(late, _panel(HOUR, 165, 112))
    assert late.attributes == {"pregnancy": True, "gestational_weeks": 20}  # from 20 weeks: gestational hypertension
    normal = _sim()
    pregnancy_bp.observed(normal, _panel(HOUR, 138, 88))
    assert pregnancy_bp.FIRST not in normal.attributes
    not_pregnant = Sim(attributes={"pregnancy": False, "gestational_weeks": 10}, physiology=None)
    pregnancy_bp.observed(not_pregnant, _panel(HOUR, 170, 100))
    assert pregnancy_bp.FLAG not in not_pregnant.attributes


def test_a_raised_reading_of_an_earlier_pregnancy_does_not_count() -> None:
    sim = _sim(start=1000 * HOUR)
    sim.attributes[pregnancy_bp.FIRST] = 10 * HOUR  # the last pregnancy's
    pregnancy_bp.observed(sim, _panel(1100 * HOUR, 142, 80))
    assert pregnancy_bp.FLAG not in sim.attributes and sim.attributes[pregnancy_bp.FIRST] == 1100 * HOUR


def _conditions(node: Any) -> list[dict[str, Any]]:
    out = [node] if isinstance(node, dict) and "condition_type" in node else []
    if isinstance(node, dict):
        for v in node.values():
            out += _conditions(v)
    elif isinstance(node, list):
        for v in node:
            out += _conditions(v)
    return out


def test_prenatal_visit_diagnoses_on_recorded_readings_and_the_early_flag() -> None:
    """Counted on the true value (``Vital Sign``), gestational hypertension was recorded at a visit reading 128/67."""
    states = json.loads((MODULES / "pregnancy" / "prenatal_visit.json").read_text())["states"]
    branches = states["Maternal_Blood_Pressure"]["conditional_transition"]
    to = {b["transition"]: b["condition"] for b in branches if "condition" in b}
    assert not any(c["condition_type"] == "Vital Sign" for c in _conditions(to["High_BP_Count"]))
    assert {"8480-6", "8462-4"} <= {k["code"] for c in _conditions(to["High_BP_Count"]) for k in c.get("codes", ())}
    assert any(c.get("attribute") == pregnancy_bp.FLAG for c in _conditions(to["Chronic_Hypertension"]))
    reset = json.loads((MODULES / "pregnancy.json").read_text())["states"]["Reset_Early_High_BP"]
    assert (reset["attribute"], reset["value"]) == (pregnancy_bp.FLAG, False)


def test_a_visits_triage_vital_signs_count_too(monkeypatch: Any) -> None:
    """s17mom: 141/80 at 12 weeks and 150/78 at a sinusitis visit two weeks later (vital signs the core records for an
    acute visit, engine/stay_vitals) were not seen, and no chronic hypertension was diagnosed."""
    from ehrsim.engine import stay_vitals
    from ehrsim.prescribing import pregnancy

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(pregnancy_bp, "observed", lambda sim, entry: seen.append(entry))
    monkeypatch.setattr(pregnancy, "titrate_in_pregnancy", lambda rx, entry, t: None)
    rec = SimpleNamespace(latest_obs={}, add=lambda kind, entry, enc: {**entry, "encounter": enc})
    panel = _panel(0.0, 150, 78)
    fields = {k: panel[k] for k in ("codes", "components")}
    stay_vitals._write(SimpleNamespace(rec=rec, rx=None), {"id": "e1", "start": HOUR}, fields, {})  # type: ignore[arg-type]
    assert len(seen) == 1 and seen[0]["encounter"] == "e1" and pregnancy_bp.reading(seen[0]) == (150.0, 78.0)
