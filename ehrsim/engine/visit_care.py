"""Care a wellness visit gives when the module library does not model it (any library).

Synthea's library never examines a diabetic's feet (ADA: at least yearly), leaves many diabetics without a statin
and all with kidney disease without an SGLT2 inhibitor, and leaves underweight and obese children without evaluation
or nutrition care; ehrsim's library does all of it in its modules.
Each row of ``engine/visit_care.csv`` names a state (an active condition, or a result recorded at this visit within
limits), an age window and the procedure the visit then records or the drug it orders (through the prescribing
layer, which may withhold it). A row applies only when no state of the library records one of its
``library_codes``: a library that models this care keeps its own (its timing and its share of patients missed), and
nothing is recorded twice. A procedure row without library codes (alcohol counselling after a positive AUDIT-C, whose
code Synthea's library records for other reasons) applies to every library, and a procedure the library recorded
within ``not_within_days`` stands for it. A row may be for one sex (the AUDIT-C's threshold is 3 in women, 4 in men).
A result row's procedure is recorded when the result is known, not before it. No random draw, except a row's
uptake (a share of patients who take a drug offered): drawn once per life from the patient's generator when the row
first applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.record.times import from_date

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

DAY = 86400.0
YEAR = 365.25 * DAY
KINDS = ("procedure", "medication")
#: a medication row's order, as a MedicationOrder writes it (a chronic daily tablet, renewed at wellness visits)
DAILY = {"amount": 1, "frequency": 1, "period": 1.0, "unit": "days"}


@dataclass
class _Orderer:
    """The prescribing layer's view of who orders: the core at the open wellness visit (``desk.current``)."""

    name: str
    encounter: None = None
    assign_to_attribute: None = None
    created: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VisitCare:
    name: str
    kind: str  # "procedure" recorded, or "medication" ordered
    min_age: float  # years
    max_age: float  # years (exclusive)
    sex: str  # "M" or "F", or "" for both
    since: float  # record time
    conditions: tuple[str, ...]  # any of them active (the first found is the procedure's reason)
    with_conditions: tuple[str, ...]  # and, when listed, any of these too (type 2 diabetes with CKD stage 3-4)
    result: str  # LOINC of a result recorded in this visit ("" when the row reads conditions)
    at_least: float
    below: float
    procedure: tuple[tuple[str, str], ...]  # (key, value) pairs of the code dict
    not_within: float  # seconds since the same procedure
    unless_taking: frozenset[str]  # a medication row: not while a drug of these prescribing classes or ingredients
    uptake: dict[str, float]  # sex -> share of patients who take the care when offered (1: everyone, no draw)
    library_codes: frozenset[str]


def _float(value: str, default: float) -> float:
    return float(value) if value.strip() else default


@cache
def table() -> tuple[VisitCare, ...]:
    out = []
    for r in rows("engine/visit_care.csv"):
        try:
            care = VisitCare(
                r["name"],
                r["kind"],
                _float(r["min_age"], 0.0),
                _float(r["max_age"], float("inf")),
                r["sex"].strip(),
                float(from_date(dt.date.fromisoformat(r["since"]))) if r["since"].strip() else float("-inf"),
                tuple(c for c in r["conditions"].split(";") if c),
                tuple(c for c in r["with_conditions"].split(";") if c),
                r["result"].strip(),
                _float(r["at_least"], float("-inf")),
                _float(r["below"], float("inf")),
                (("system", r["system"]), ("code", r["code"]), ("display", r["display"])),
                _float(r["not_within_days"], 0.0) * DAY,
                frozenset(c for c in r["unless_taking"].split(";") if c),
                {"M": _float(r["uptake_male"], 1.0), "F": _float(r["uptake_female"], 1.0)},
                frozenset(c for c in r["library_codes"].split(";") if c),
            )
        except ValueError as exc:
            raise ConfigError(f"engine/visit_care.csv: {r['name']}: {exc}") from exc
        shared = care.kind == "procedure" and care.not_within > 0  # a library's own procedure at the visit stands
        if bool(care.conditions) == bool(care.result) or not (care.library_codes or shared) or care.kind not in KINDS:
            raise ConfigError(
                f"engine/visit_care.csv: {r['name']}: needs conditions or a result, library_codes (or a procedure's"
                f" not_within_days), a kind in {KINDS}"
            )
        if care.sex not in ("", "M", "F"):
            raise ConfigError(f"engine/visit_care.csv: {r['name']}: sex {care.sex!r} is not M, F or empty")
        out.append(care)
    return tuple(out)


def give(sim: Simulation, enc: dict[str, Any], t: float) -> None:
    """Record the care this wellness visit owes (after the modules' part of it, so its results are known)."""
    age = (t - sim.birth_time) / YEAR
    recorded = sim.library.recorded_codes
    sex = sim.patient["gender"]
    for care in table():
        if not care.min_age <= age < care.max_age or t < care.since or care.library_codes & recorded:
            continue
        if care.sex and care.sex != sex:
            continue
        reason: list[dict[str, str]] = []
        when = t
        if care.conditions:
            active = sim.active["conditions"]
            held = next((active[c] for c in care.conditions if c in active), None)
            if held is None or (care.with_conditions and not any(c in active for c in care.with_conditions)):
                continue
            reason = [dict(held["codes"][0])]
        else:
            latest = sim.rec.latest_obs.get(care.result)
            value = None if latest is None or latest.get("encounter") != enc["id"] else latest.get("value")
            if latest is None or not isinstance(value, int | float) or isinstance(value, bool):
                continue
            if not care.at_least <= value < care.below:
                continue
            when = max(t, float(latest["time"]))  # the care follows the result (a score known hours into the visit)
        code = dict(care.procedure)
        if care.kind == "medication":
            if not _taking(sim, care.unless_taking, t) and _accepts(sim, care):
                _order(sim, care, code, reason, t)
            continue
        if _done_within(sim, code["code"], when, care.not_within):
            continue
        sim.write("procedures", {"start": when, "stop": when, "codes": [code], "reason": reason}, enc["id"])


def _accepts(sim: Simulation, care: VisitCare) -> bool:
    """Whether this patient takes what the row offers: one draw per life, at the first offer."""
    share = care.uptake.get(sim.patient["gender"], 1.0)
    if share >= 1.0:
        return True
    accepts = sim.visit_care_uptake.get(care.name)
    if accepts is None:
        accepts = sim.visit_care_uptake[care.name] = bool(sim.rng.random() < share)
    return accepts


def _taking(sim: Simulation, drugs: frozenset[str], t: float) -> bool:
    """A drug of these prescribing classes or ingredients is taken at ``t``."""
    products = sim.rx.rx.products
    for med in sim.active["medications"].values():
        product = products.get(med["codes"][0]["code"])
        if product is None or (med["stop"] is not None and med["stop"] <= t):
            continue
        if drugs & product.classes or drugs.intersection(product.ingredients):
            return True
    return False


def _order(sim: Simulation, care: VisitCare, code: dict[str, str], reason: list[dict[str, str]], t: float) -> None:
    """A chronic order at the open wellness visit, checked like a module's MedicationOrder (it may be withheld)."""
    fields = {
        "start": t,
        "stop": None,
        "codes": [code],
        "reason": reason,
        "chronic": True,
        "administered": False,
        "requested": True,
        "dosage": dict(DAILY),
        "as_needed": False,
        "duration_days": 365.0,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    orderer = _Orderer(care.name)
    sim.prescribe(orderer, orderer, fields, t)  # type: ignore[arg-type]


def _done_within(sim: Simulation, code: str, t: float, seconds: float) -> bool:
    """The procedure is in the record less than ``seconds`` before ``t`` (the record is about in time order)."""
    for p in reversed(sim.rec.lists["procedures"]):
        if t - p["start"] >= seconds + 2 * DAY:  # a little past the window: entries of a day may be out of order
            return False
        if p["codes"][0]["code"] == code and t - p["start"] < seconds:
            return True
    return False
