"""Antibiotic prophylaxis the core gives at a surgical procedure, whatever module records the procedure.

A caesarean section recorded by any library since ACOG's 2010 opinion is preceded by cefazolin within the hour
before the incision (``surgical_prophylaxis.csv``), unless the module gave an antibiotic itself in that hour:
Synthea's pregnancy module never does (22 of 22 caesareans since 2011 in 300 lives). After an allergy to it the
procedure's own alternative is ordered (clindamycin 900 mg, ACOG PB 199), not the layer's general one (aztreonam);
the order goes through the prescribing layer either way.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun

ANTIBIOTIC = "antibiotic"  # the drug class (ingredients.csv) of any antibiotic the module may have given


class Bundle(NamedTuple):
    since: float
    rxcui: str
    within: float  # seconds before the incision
    allergy_rxcui: str  # given instead after an allergy to the first (clindamycin after a beta-lactam allergy)
    allergy_amount: float


class CoreOrder:
    """What the prescriber reads from a MedicationOrder state, for an order the core places. A plain class, not a
    tuple: the engine reads a state's optional fields from its ``__dict__`` (record_writes.add_entry)."""

    def __init__(self) -> None:
        self.name = "core:surgical_prophylaxis"
        self.assign_to_attribute: str | None = None


ORDER = CoreOrder()


@cache
def bundles() -> dict[str, Bundle]:
    """Procedure code -> the prophylaxis due with it (prescribing/surgical_prophylaxis.csv)."""
    out = {}
    for r in rows("prescribing/surgical_prophylaxis.csv"):
        try:
            since = dt.datetime.fromisoformat(r["from_date"]).replace(tzinfo=dt.UTC).timestamp()
            within = float(r["within_minutes"]) * 60.0
            out[r["code"]] = Bundle(since, r["rxcui"], within, r["allergy_rxcui"], float(r["allergy_amount"] or 1))
        except ValueError as exc:
            raise ConfigError(f"prescribing/surgical_prophylaxis.csv: {r['code']}: {exc}") from exc
    return out


def give(sim: Simulation, run: ModuleRun, procedure: dict[str, Any]) -> dict[str, Any] | None:
    """Cefazolin (or the allergy alternative) at the incision when no antibiotic was given in the hour before."""
    bundle = bundles().get(procedure["codes"][0]["code"])
    t = float(procedure["start"])
    if bundle is None or t < bundle.since:
        return None
    products = sim.rx.rx.products
    for med in reversed(sim.rec.lists["medications"]):
        product = products.get(med["codes"][0]["code"])
        if t - bundle.within <= med["start"] <= t and product is not None and ANTIBIOTIC in product.classes:
            return None  # the module's own prophylaxis
    product, amount = products[bundle.rxcui], 1.0
    problem = sim.rx.problem(product, Patient(sim, t))
    if problem is not None and problem[0].startswith("allergy_") and bundle.allergy_rxcui:
        product, amount = products[bundle.allergy_rxcui], bundle.allergy_amount  # the procedure's own alternative
    fields = {
        "start": t,
        "stop": t,
        "codes": [product.as_code()],
        "reason": [dict(c) for c in procedure.get("reason") or ()],
        "chronic": False,
        "administered": True,
        "requested": False,
        "dosage": {"amount": amount, "frequency": 1, "period": 1, "unit": "days"},
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
    }
    return sim.rx.order(run, ORDER, fields, t)
