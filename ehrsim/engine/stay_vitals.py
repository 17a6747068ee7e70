"""Vital signs at ED triage, on hospital admission and at acute visits, for any module library.

An emergency visit or a hospital stay without a single vital sign is not care a clinician would recognise (the
chart review found 94 % of our stays and 96 % of Synthea's without one); triage and admission observations are the
standard (ESI handbook, NICE CG50; ``terminology/vitals/stay_vitals.csv``). When a module ends such an encounter, the
core records the listed vital signs it did not record itself, from the physiological state, at the encounter's start
(arrival or admission); a stay beginning in the first days of life (the birth stay) also records the newborn's
weight, length and head circumference (``terminology/vitals/birth_measurements.csv``). They are written after the
module's own entries, so a module's value (a fever, a low saturation) always stands, and they are past results: no
Guard is woken and no latest result is replaced. An admission blood pressure in pregnancy is seen by the prescribing
layer (``prescribing.pregnancy``): a severe-range reading at a delivery admission starts treatment from admission.

An urgent-care visit, or an office visit at which an acute infection is diagnosed
(``vitals/acute_visit_conditions.csv``), is an acute visit (class key ``acute``): the chart review found 84 of 110
pneumonia visits without a temperature, heart rate or respiratory rate. The temperature is written first, so the
rates measured with it carry its fever (``core/fever.py``); with no temperature in the fever window the reading is
afebrile (Mackowiak 1992), and one recorded shortly before (the ED visit before the admission) is carried over.

A prenatal or postnatal office visit (``vitals/prenatal_visits.csv``, key ``prenatal``) records a blood pressure
(Guidelines for Perinatal Care: at every visit). Synthea's pregnancy module records none, so 79 of its 80
pre-eclampsia diagnoses on 300 lives had no reading around them (``care.pregnancy_hypertension_on_raised_reading``);
measured from the state, the reading shows the pre-eclampsia the visit diagnoses.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ehrsim.core import fever, physio_effects
from ehrsim.core.tables import rows
from ehrsim.engine import lifecycle, pregnancy_bp
from ehrsim.prescribing import pregnancy

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

__all__ = ["TRIAGED", "StayVital", "acute_visit", "prenatal_visit", "record", "stay_vitals"]

YEAR = 365.25 * 86400.0
TEMPERATURE = "Body Temperature"
#: classes an acute visit can have (a virtual visit takes no vital sign)
TRIAGED = frozenset({"ambulatory", "urgentcare"})


class StayVital(NamedTuple):
    """A vital sign recorded at the start of a stay of a class (the newborn measurements only in the first days)."""

    panel: dict[str, str] | None  # the panel the result is a component of (blood pressure), or None
    code: dict[str, str]
    vital: str
    unit: str
    min_age: float
    since: float
    max_age: float = float("inf")


@cache
def stay_vitals() -> dict[str, tuple[StayVital, ...]]:
    """Encounter class -> the vital signs recorded at its start."""
    out: dict[str, list[StayVital]] = {}
    for r in rows("vitals/stay_vitals.csv"):
        panel = {"system": "LOINC", "code": r["panel_code"], "display": r["panel_display"]} if r["panel_code"] else None
        since = dt.datetime.fromisoformat(r["since"]).replace(tzinfo=dt.UTC).timestamp() if r["since"] else -1e18
        code = {"system": "LOINC", "code": r["code"], "display": r["display"]}
        max_age = float(r.get("max_age_years") or "inf")
        vital = StayVital(panel, code, r["vital"], r["unit"], float(r["min_age_years"] or 0), since, max_age)
        if r["vital"] == TEMPERATURE:  # first: the rates measured after it carry its fever
            out.setdefault(r["class"], []).insert(0, vital)
        else:
            out.setdefault(r["class"], []).append(vital)
    for r in rows("vitals/birth_measurements.csv"):  # a newborn's weight, length and head circumference
        code = {"system": "LOINC", "code": r["code"], "display": r["display"]}
        out.setdefault(r["class"], []).append(
            StayVital(None, code, r["vital"], r["unit"], 0.0, -1e18, float(r["max_age_years"]))
        )
    return {k: tuple(v) for k, v in out.items()}


@cache
def _acute_conditions() -> frozenset[str]:
    return frozenset(r["code"] for r in rows("vitals/acute_visit_conditions.csv"))


def acute_visit(sim: Simulation, enc: dict[str, Any]) -> bool:
    """An urgent-care visit, or an office visit at which (or for which) an acute infection is diagnosed."""
    if enc["class"] == "urgentcare":
        return True
    acute = _acute_conditions()
    if any(c["code"] in acute for c in enc.get("reason") or ()):
        return True
    enc_id, start = enc["id"], enc["start"]
    for c in reversed(sim.rec.lists["conditions"]):
        if c["encounter"] == enc_id and any(code["code"] in acute for code in c["codes"]):
            return True
        if c["start"] < start - 86400.0:
            break
    return False


@cache
def _prenatal_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in rows("vitals/prenatal_visits.csv"))


def prenatal_visit(enc: dict[str, Any]) -> bool:
    """An office visit coded as a prenatal or postnatal visit."""
    visits = _prenatal_codes()
    return enc["class"] == "ambulatory" and any(c["code"] in visits for c in enc["codes"])


def record(
    sim: Simulation, enc: dict[str, Any], rng: np.random.Generator | None = None, key: str | None = None
) -> None:
    """Record the class's (or ``key``'s) vital signs the encounter lacks (called when a module ends it; at birth for
    the birth stay, with the birth's own stream ``rng``)."""
    wanted = stay_vitals().get(key or enc["class"])
    if not wanted:
        return
    t0 = enc["start"]
    age = (t0 - sim.birth_time) / YEAR
    present = _codes_in(sim, enc)
    panels: dict[str, dict[str, Any]] = {}
    for v in wanted:
        if age < v.min_age or age >= v.max_age or t0 < v.since or v.code["code"] in present:
            continue
        if v.panel is not None and v.panel["code"] in present:
            continue
        if v.vital == TEMPERATURE:
            value = _temperature(sim, t0, rng or sim.rng)
        else:  # the fever found on arrival raises the rates
            value = lifecycle.measure(sim, v.code["code"], v.vital, None, since=t0, rng=rng)
        if value is None:
            continue
        value = round(float(value), 2)
        result = {"value": value, "value_type": "numeric", "unit": v.unit}
        flags = sim.result_flags(v.code["code"], value)
        if v.panel is None:
            _write(sim, enc, {"codes": [dict(v.code)], **result, "components": []}, flags)
            present.add(v.code["code"])  # a newborn's admission weight is not recorded twice
        else:
            panel = panels.setdefault(
                v.panel["code"],
                {"codes": [dict(v.panel)], "value": None, "value_type": "none", "unit": "", "components": []},
            )
            panel["components"].append({"codes": [dict(v.code)], **result, **flags})
    for panel in panels.values():
        _write(sim, enc, panel, {})


def _temperature(sim: Simulation, t0: float, rng: np.random.Generator) -> float:
    """A temperature recorded in the fever window before ``t0`` (the same illness) stands; else an afebrile one."""
    latest = sim.rec.latest_obs
    start = fever.window_start(t0)
    for code in fever.temperature_codes():
        entry = latest.get(code)
        if entry is not None and start <= entry["time"] <= t0 and isinstance(entry.get("value"), int | float):
            return round(float(entry["value"]), 1)
    q = physio_effects.params()
    value = q["afebrile_temperature_mean"] + q["afebrile_temperature_sd"] * float(rng.standard_normal())
    return round(min(max(value, q["afebrile_temperature_min"]), q["afebrile_temperature_max"]), 1)


def _codes_in(sim: Simulation, enc: dict[str, Any]) -> set[str]:
    """Codes (and component codes) of the observations already recorded in the encounter, or at its very start in
    another one (a visit ending as the admission begins: one measurement, not two at one instant)."""
    found: set[str] = set()
    enc_id, start = enc["id"], enc["start"]
    for o in reversed(sim.rec.lists["observations"]):
        if o["encounter"] == enc_id or o["time"] == start:
            found.update(c["code"] for c in o["codes"])
            for comp in o.get("components") or ():
                found.update(c["code"] for c in comp["codes"])
        elif o["time"] < start - 86400.0:  # entries are nearly, not strictly, in time order
            break
    return found


def _write(sim: Simulation, enc: dict[str, Any], fields: dict[str, Any], flags: dict[str, Any]) -> None:
    latest = sim.rec.latest_obs
    codes = [c["code"] for c in fields["codes"]]
    codes += [c["code"] for comp in fields.get("components") or () for c in comp["codes"]]
    before = {code: latest.get(code) for code in codes}
    entry = {"time": enc["start"], "category": "vital-signs", **fields, "report": None, **flags}
    entry = sim.rec.add("observations", entry, enc["id"])
    if fields.get("components"):  # a severe admission blood pressure in pregnancy is treated from admission
        pregnancy.titrate_in_pregnancy(sim.rx, entry, enc["start"])
        pregnancy_bp.observed(sim, entry)  # a raised reading before 20 weeks counts at the next prenatal visit
    for code, prev in before.items():  # a result dated at arrival does not replace a later one
        if prev is not None and prev["time"] > enc["start"]:
            latest[code] = prev
