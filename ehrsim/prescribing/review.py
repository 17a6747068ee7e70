"""When the patient changes: running orders checked again, ended with their reason, or switched.

A new condition, allergy or an eGFR result in CKD stage 3+ re-checks the running orders (a drug it
contraindicates is stopped, and its alternative started); a condition that ends ends the orders given
for it, unless the drug treats what the condition leaves behind (successors.csv) or is continued after
remission (continuation.csv).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.prescribing import checks, courses, lifecycle, running
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product


def review(ph: Pharmacy, encounter: str | None, t: float, only: frozenset[str] | None = None) -> None:
    """Stop (or switch) every ongoing order (of the ``only`` classes) the patient's state now contraindicates."""
    patient = Patient(ph.sim, t)
    for med, product in running.current(ph, t):
        if product is None or (only is not None and not product.classes & only):
            continue
        chosen, problem = checks.choose(ph, product, patient, med.get("reason") or ())
        if problem is None:
            continue
        planned = med["stop"]  # a course's planned end (a 5-day NSAID) is kept by its switch, not made open-ended
        if med["start"] >= t:  # written this very instant (a renewal): it is withdrawn, not stopped
            ph.sim.rec.lists["medications"].remove(med)
            ph.sim.deactivate("medications", med, t, None)
            ph.log(t, "withheld", problem[0], problem[1], med["codes"][0], None)
        else:
            ph._stop(med, t, "stopped", problem[0], problem[1])
        if chosen is not None and not running.taking(ph, chosen, t):
            switch(ph, med, chosen, problem, encounter, t, planned)


def ended(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """A condition ended: the ongoing orders given for it (no planned stop) end too.

    Unless the drug treats what the condition leaves behind (successors.csv: a statin, aspirin or
    beta-blocker after a myocardial infarction goes on for its history; a P2Y12 inhibitor until 12
    months after the infarction): then the order's reason becomes the successor condition. An order naming another
    reason still active goes on for it.
    """
    code = entry["codes"][0]["code"]
    for med, product in running.current(ph, t):
        reasons = med.get("reason") or ()
        if med["stop"] is None and any(r.get("code") == code for r in reasons):
            if any(r.get("code") != code and r.get("code") in ph.sim.active["conditions"] for r in reasons):
                continue  # it serves another condition still active (duloxetine for neuropathy and depression)
            if product is not None and lifecycle.succeed(ph, med, product, entry, t):
                continue
            if product is not None and courses.continue_after(ph, med, product, entry, t):
                continue  # e.g. an antidepressant goes on after remission (the module may stop it earlier)
            ph._stop(med, t, "ended", "reason_ended", f"{entry['codes'][0].get('display', code)} ended")


_UNIT_DOSES = frozenset({"{tablet}", "{capsule}"})


def _unit_of_form(fields: dict[str, Any], chosen: Product) -> None:
    """One tablet of the switched-to tablet, not one capsule: the stopped drug's unit-dose unit follows the new
    product's form (s18old: donepezil 10 mg tablet ordered as "1 {capsule}" in place of the donepezil/memantine
    capsule in 3 of 150 lives aged 55-95)."""
    dosage = fields.get("dosage")
    if dosage is None:
        return
    unit = dosage.get("dose_unit")
    if unit in _UNIT_DOSES and chosen.dose_unit in _UNIT_DOSES and unit != chosen.dose_unit:
        fields["dosage"] = {**dosage, "dose_unit": chosen.dose_unit}


def switch(
    ph: Pharmacy,
    med: dict[str, Any],
    chosen: Product,
    problem: tuple[str, str, str],
    encounter: str | None,
    t: float,
    planned: float | None = None,
) -> None:
    """Start ``chosen`` in place of the stopped ``med`` until its planned end (``planned``; None: open-ended);
    whoever held the old entry holds the new one."""
    sim = ph.sim
    fields = {k: v for k, v in med.items() if k not in ("id", "n", "encounter", "prescribing")}
    fields.update(start=t, stop=planned if planned is not None and planned > t else None, stop_reason=None)
    ordered = med.get("ordered") or med["codes"][0]
    fields["ordered"] = dict(ordered)
    ph._substitute(fields, chosen, med["codes"][0], problem, t)
    courses.own_regimen(ph, fields, chosen, ph.rx.products.get(med["codes"][0]["code"]))
    _unit_of_form(fields, chosen)
    fields["ordered"] = dict(ordered)
    refused = checks.admit(ph, fields, chosen, Patient(sim, t).age, t)
    if refused is not None:  # the running orders already give it (or no dose of it fits): nothing is started
        ph.log(t, "withheld", refused[0], refused[1], fields["codes"][0], None, med["id"])
        return
    new = sim.rec.add("medications", fields, encounter)
    sim.activate("medications", new)
    ph._repoint(med, new)
