"""An order written with no reason whose indication the record shows: contraception, a known allergy (any library).

An EHR links an order to its indication. Synthea's library names no reason for its contraceptives (1,200 pills,
rings, patches, injections, implants and intrauterine systems in 300 lives: 150 women with no indication for any)
nor for the epinephrine auto-injector and antihistamines of its allergy visits (s17syn). ehrsim's library names
them: its contraception module holds a "Contraception (finding)" while a method is used (the ICD-10-CM Z30
encounter for contraceptive management), and its allergy module orders for the allergy.

- A hormonal contraceptive with a progestin (estradiol alone is hormone therapy) written with no reason is for
  contraception: the finding is recorded, or the active one reused, and named; it ends at the first wellness visit
  at which no order naming it is running (a yearly pack ended and ordered again at one visit keeps one finding).
  Only in a library none of whose states records the finding (ehrsim's records and ends its own).
- An antihistamine or epinephrine written with no reason while an allergy is active is for the latest allergy.

No random draw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import codes

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation

#: SNOMED CT 13197004 Contraception (finding), the reason ehrsim's contraception module names (codes/core.csv)
CONTRACEPTION = ("SNOMED-CT", "13197004")
#: prescribing classes (ingredients.csv): a contraceptive is a hormonal contraceptive with a progestin
CONTRACEPTIVE = frozenset({"hormonal_contraceptive", "progestin"})
#: drugs for an allergy: prescribing class antihistamine, ingredient epinephrine (ingredients.csv)
FOR_ALLERGY_CLASS = "antihistamine"
FOR_ALLERGY_INGREDIENT = "epinephrine"


def name_reason(sim: Simulation, entry: dict[str, Any]) -> None:
    """Name the indication of a written order that has no reason, when the record shows it."""
    if entry.get("id") is None or entry.get("reason"):
        return
    product = sim.rx.rx.products.get(entry["codes"][0]["code"])
    if product is None:
        return
    if product.classes >= CONTRACEPTIVE:
        if CONTRACEPTION[1] in sim.library.recorded_codes:
            return  # a library that records the finding names it itself (ehrsim's contraception module)
        held = sim.active["conditions"].get(CONTRACEPTION[1])
        if held is None:
            t = float(entry["start"])
            fields = {"start": t, "stop": None, "onset": t, "codes": [codes.code(*CONTRACEPTION)]}
            held = sim.rec.add("conditions", fields, entry.get("encounter"))
            sim.activate("conditions", held)
        entry["reason"] = [dict(held["codes"][0])]
    elif FOR_ALLERGY_CLASS in product.classes or FOR_ALLERGY_INGREDIENT in product.ingredients:
        allergies = sim.active["allergies"].values()
        latest = max(allergies, key=lambda a: a["start"], default=None)
        if latest is not None:
            entry["reason"] = [dict(latest["codes"][0])]


def review(sim: Simulation, t: float) -> None:
    """At a wellness visit, the contraception finding ends when no order naming it is still running (pills, ring,
    patch, an injection's visit, an implant or intrauterine system in place)."""
    code = CONTRACEPTION[1]
    held = sim.active["conditions"].get(code)
    if held is None or code in sim.library.recorded_codes:  # the library's own finding is its to end
        return
    for med in reversed(sim.rec.lists["medications"]):
        if med["start"] < held["start"]:
            break
        if (med["stop"] is None or med["stop"] > t) and any(r.get("code") == code for r in med.get("reason") or ()):
            return
    sim.deactivate("conditions", held, t, None)
