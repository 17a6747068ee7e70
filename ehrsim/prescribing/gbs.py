"""Group B streptococcus screening late in pregnancy, and intrapartum penicillin for a positive culture, for any
library's pregnancy.

The core knows a pregnancy from the pregnancy attribute (the physiology's ``pregnancy_start``), whatever codes the
module uses. At a visit (not a stay) in the screening window of the guideline in force (``gbs_screening.csv``: 35-37
weeks from CDC 2002, 36 0/7-37 6/7 from ACOG 2019), a woman not yet cultured in this pregnancy is screened with the
recorded share, and a share of cultures is positive. At the birth (a procedure of ``gbs_codes.csv`` role
``delivery``) a positive culture gets penicillin G through the prescribing layer (an allergy gets the layer's
alternative). Synthea's pregnancy module records a "group B antigen assay" procedure with no result and gives no
prophylaxis (40 of 40 deliveries since 2003 without a culture in 300 lives). A module that handles GBS itself says so
with the ``gbs_positive`` attribute (ehrsim's pregnancy module sets it at conception): then the core does nothing, so
its output is unchanged.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun

WEEK = 7 * 86400.0
OWN_ATTRIBUTE = "gbs_positive"  # a module that sets it screens and treats itself


class Window(NamedTuple):
    since: float  # the guideline's date (POSIX seconds)
    from_s: float  # weeks of pregnancy (from the attribute's onset), in seconds
    until_s: float
    screened: float
    positive: float


@cache
def windows() -> tuple[Window, ...]:
    """The screening guidelines in date order (prescribing/gbs_screening.csv)."""
    out = []
    for r in rows("prescribing/gbs_screening.csv"):
        try:
            since = dt.datetime.fromisoformat(r["from_date"]).replace(tzinfo=dt.UTC).timestamp()
            out.append(
                Window(
                    since,
                    float(r["from_week"]) * WEEK,
                    float(r["until_week"]) * WEEK,
                    float(r["screened"]),
                    float(r["positive"]),
                )
            )
        except ValueError as exc:
            raise ConfigError(f"prescribing/gbs_screening.csv: {r['from_date']}: {exc}") from exc
    return tuple(sorted(out))


@cache
def codes() -> dict[str, dict[str, str]]:
    """role (culture, positive, negative, prophylaxis) -> the code row (prescribing/gbs_codes.csv)."""
    return {r["role"]: r for r in rows("prescribing/gbs_codes.csv")}


def _code(role: str) -> dict[str, str]:
    r = codes()[role]
    return {"system": r["system"], "code": r["code"], "display": r["display"]}


def _in_force(t: float) -> Window | None:
    found = None
    for w in windows():
        if w.since <= t:
            found = w
    return found


def screen_at_visit(sim: Simulation, encounter: str | None, t: float) -> dict[str, Any] | None:
    """A visit in the screening window of a pregnancy not yet cultured: the culture (or none, for the unscreened)."""
    phys, ph = sim.physiology, sim.rx
    start = phys.pregnancy_start
    if start is None or phys.pregnancy_end is not None or OWN_ATTRIBUTE in sim.attributes:
        return None
    window = _in_force(t)
    if window is None or not window.from_s <= t - start < window.until_s or ph.gbs_screened == start:
        return None
    culture = codes()["culture"]["code"]
    if any(o["time"] >= start and o["codes"][0]["code"] == culture for o in sim.rec.lists["observations"]):
        return None  # a module's own culture
    ph.gbs_screened, ph.gbs_positive = start, False  # decided once a pregnancy
    rng = ph.rng()
    if rng.random() >= window.screened:
        return None
    positive = bool(rng.random() < window.positive)
    fields = {
        "time": t,
        "category": "laboratory",
        "codes": [_code("culture")],
        "value": _code("positive" if positive else "negative"),
        "value_type": "code",
        "unit": "",
        "components": [],
        "report": None,
    }
    ph.gbs_positive = positive
    return sim.write("observations", fields, encounter)


class CoreOrder:
    """What the prescriber reads from a MedicationOrder state, for the order the core places (a plain class: the
    engine reads a state's optional fields from its ``__dict__``)."""

    def __init__(self) -> None:
        self.name = "core:gbs_intrapartum_prophylaxis"
        self.assign_to_attribute: str | None = None


ORDER = CoreOrder()
ANTIBIOTIC = "antibiotic"  # the drug class (ingredients.csv) of an antibiotic already given at the delivery
WITHIN_S = 3600.0  # an antibiotic begun in the hour before the delivery (a caesarean's cefazolin) already covers it


@cache
def delivery_codes() -> frozenset[str]:
    """Procedure codes that record a birth (gbs_codes.csv role ``delivery``)."""
    return frozenset(r["code"] for r in rows("prescribing/gbs_codes.csv") if r["role"] == "delivery")


def at_delivery(sim: Simulation, run: ModuleRun, procedure: dict[str, Any]) -> dict[str, Any] | None:
    """A birth after a positive culture the core took: intrapartum penicillin G through the prescribing layer,
    unless an antibiotic was begun in the hour before (the caesarean's cefazolin). Synthea's pregnancy module ends the
    pregnancy attribute at the postnatal visit 6 weeks later, so the birth is told by its procedure."""
    ph = sim.rx
    if not ph.gbs_positive:
        return None
    ph.gbs_positive = False  # once a pregnancy (a birth recorded with two procedures gets one order)
    t = float(procedure["start"])
    products = ph.rx.products
    for med in reversed(sim.rec.lists["medications"]):
        product = products.get(med["codes"][0]["code"])
        if t - WITHIN_S <= med["start"] <= t and product is not None and ANTIBIOTIC in product.classes:
            return None
    row = codes()["prophylaxis"]
    fields = {
        "start": t,
        "stop": t,
        "codes": [_code("prophylaxis")],
        "reason": _pregnancy(sim, run),
        "chronic": False,
        "administered": True,
        "requested": False,
        "dosage": {"amount": float(row["amount"]), "frequency": 1, "period": 1, "unit": "days"},
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return ph.order(run, ORDER, fields, t)


def _pregnancy(sim: Simulation, run: ModuleRun) -> list[dict[str, str]]:
    """The reason of the delivery's penicillin: the latest condition recorded among the delivery visit's reasons (the
    pregnancy, which the birth may just have ended), as ehrsim's delivery module names the pregnancy (s17syn: 29
    orders in 300 lives of Synthea's library had none)."""
    enc = sim.desk.current(run)
    reasons = {c.get("code") for c in (enc.get("reason") or ())} if enc is not None else set()
    for cond in reversed(sim.rec.lists["conditions"]) if reasons else ():
        if cond["codes"][0]["code"] in reasons:
            return [dict(cond["codes"][0])]
    return []


def pregnancy_ended(sim: Simulation) -> None:
    """The pregnancy ended without a recorded birth after a positive culture: nothing more is due."""
    sim.rx.gbs_positive = False
