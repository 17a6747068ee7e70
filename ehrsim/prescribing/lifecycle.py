"""What happens to orders after they are written: renewals, orders resumed once a drug exists, and
reasons passed to a successor condition. Functions of the ``Pharmacy`` (pharmacy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import parameters
from ehrsim.prescribing import courses, dosing, ingredients, running
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.gmf.run import ModuleRun
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

DAY = 86400.0
STOPPED = {
    "system": "SNOMED-CT",
    "code": "182840001",
    "display": "Drug treatment stopped - medical advice (situation)",
}


def renew(ph: Pharmacy, med: dict[str, Any], t: float, encounter: str | None) -> dict[str, Any] | None:
    """A chronic order renewed at a visit: the decision is taken again for the patient as they are now.

    The module's ordered drug is checked afresh, so an era substitute gives way to the drug once it
    exists, a child who outgrew a weight band gets the adult form, and a new allergy, kidney
    function or interaction applies. Returns the new entry, or None when nothing may be renewed.
    """
    sim = ph.sim
    lasts = running.life(ph, med["codes"][0]["code"], med["start"])
    if lasts and med.get("administered") and t < med["start"] + lasts:
        return med  # an IUS or implant in place is not inserted again before its labelled duration
    planned = med["stop"]  # a planned stop in the future (e.g. 12 months of a P2Y12 inhibitor) is kept
    sim.rec.deactivate("medications", med, t, None)
    ordered = med.get("ordered") or med["codes"][0]
    fields = {k: v for k, v in med.items() if k not in ("id", "n", "encounter", "ordered", "prescribing")}
    fields.update(start=t, stop=planned if planned is not None and planned > t else None, stop_reason=None)
    product = ph.rx.products.get(ordered["code"])
    before = med["codes"][0]
    logged = len(ph.events)
    if product is not None:
        fields["codes"] = [dict(ordered)]
        _module_dosage(fields, med.get("prescribing"))  # a substitute's dose (insulin units) is not the ordered drug's
        dosage = fields.get("dosage")
        if dosage and "mg_per_kg" in dosage:  # a child's weight-based dose is worked out again below
            fields["dosage"] = {k: dosage[k] for k in ("frequency", "period", "unit")} | {"amount": 1.0}
        elif dosage and dosage.get("dose_unit") == "[iU]" and product.code not in ph.rx.insulin:
            # an era insulin gives way to the drug the module ordered: its own dose, not units by weight
            # (s7review: liraglutide renewed as "57 mL daily" after human insulin stood in for it before 2010)
            amount = _ordered_amount(ph, med)
            fields["dosage"] = {k: dosage[k] for k in ("frequency", "period", "unit")} | {"amount": amount or 1.0}
        patient = Patient(sim, t, encounter)
        chosen, problem = ph.choose(product, patient, med.get("reason") or ())
        if chosen is None or (chosen.code != before["code"] and ph._taking(chosen, t)):
            med["stop_reason"] = dict(STOPPED)
            med["prescribing"] = {**(med.get("prescribing") or {}), "stopped": "withheld", "stop_rule": ""}
            rule, reason = (problem[0], problem[1]) if problem else ("duplicate_therapy", "already taken")
            ph.log(t, "withheld", rule, reason, ordered, None, med["id"])
            return None
        if chosen is not product:
            ph._substitute(fields, chosen, ordered, problem, t)
            courses.own_regimen(ph, fields, chosen, product)  # the substitute's own schedule again
        chosen = dosing.paediatric(ph, fields, chosen, patient, ordered, t)
        chosen = dosing.strength(ph, fields, chosen, patient, ordered, t, med)
        dosing.dose(ph, fields, chosen, patient, med)
        ingredients.cap(ph, fields, chosen, patient.age, t)  # e.g. acetaminophen 4 g a day renewed at 65: 3 g
    if fields["codes"][0]["code"] == before["code"]:
        del ph.events[logged:]  # the same decision as last time: nothing new to report
    else:
        if product is not None:  # another drug now: interactions and duplicates as for a new order
            given = ph.rx.products.get(fields["codes"][0]["code"], product)
            duplicate = ingredients.duplicate(ph, given, fields, t)  # e.g. acetaminophen for an NSAID in pregnancy
            if duplicate is not None:  # beside a running order that already gives it: not renewed
                del ph.events[logged:]
                med["stop_reason"] = dict(STOPPED)
                note = med.get("prescribing") or {}
                med["prescribing"] = {**note, "stopped": "withheld", "stop_rule": duplicate[0]}
                ph.log(t, "withheld", duplicate[0], duplicate[1], ordered, None, med["id"])
                return None
            washout = running.stop_interacting(ph, given, t)
            if washout:
                fields["start"] = min(t + washout, sim.end_time)
            running.replace_duplicates(ph, given, t)
        note = fields.get("prescribing") or {}
        ph.log(
            t,
            "renewal_changed",
            note.get("rule") or "renewal_review",
            note.get("reason") or "",
            before,
            fields["codes"][0],
            med["id"],
        )
    young = t - float(med["start"]) < parameters("prescribing/renewal.csv")["min_order_days"] * DAY
    if young and fields["codes"][0]["code"] == before["code"] and fields.get("dosage") == med.get("dosage"):
        # written days ago and nothing changed (s14review: stopped and re-ordered 2 hours later at a same-day
        # wellness visit): the course goes on, no 0-day course; a change of drug or dose is still a new order
        med["stop"] = planned
        sim.rec.activate("medications", med)
        return med
    new = sim.rec.add("medications", fields, encounter)
    sim.rec.activate("medications", new)
    ph._repoint(med, new)
    if product is not None:
        # running orders are reviewed as for a new order: renewed as another drug (2,000 lives: enalapril standing in
        # for lisinopril at a renewal joined a running naproxen and thiazide), or renewed unchanged after another
        # order of the same visit (s18: a thiazide renewed just after an ACE inhibitor was added beside naproxen; the
        # ACE inhibitor's own review ran while the old thiazide order had ended and the new one was not yet written)
        ph.review_for(ph.rx.products.get(fields["codes"][0]["code"], product), new.get("encounter"), t)
    return new


def _module_dosage(fields: dict[str, Any], note: dict[str, Any] | None) -> None:
    """The dose the module ordered, in place of its substitute's: the one kept at the substitution, or none when the
    module gave none and the substitute's schedule was its own (Synthea's warfarin, written without a dosage, came
    back after heparin in a pregnancy with heparin's twice daily, renewed for 40 years: 42 orders in 300 lives)."""
    if not note:
        return
    original = note.get("ordered_dosage")
    if original is not None:
        fields["dosage"] = dict(original)
    elif note.get("regimen"):  # own_regimen wrote the dosage and the module's order had none (_substitute keeps one)
        fields["dosage"] = None


def resume(ph: Pharmacy, t: float, encounter: str | None) -> None:
    """At a visit, chronic orders withheld as not yet approved are prescribed once they may be.

    Only while the module still holds the withheld order (no MedicationEnd replaced it) and its
    reason, if any, is still active; the order goes through every check as a new one would.
    """
    keep = []
    for run, name, held in ph.pending:
        if run.created.get(name) is not held:
            continue  # the module ended it or ordered something else since
        reasons = held.get("reason") or ()
        if reasons and not any(r.get("code") in ph.sim.active["conditions"] for r in reasons):
            continue
        ordered = held.get("ordered") or held["codes"][0]  # a replaced era substitute waits for the drug it stood for
        product = ph.rx.products[ordered["code"]]
        patient = Patient(ph.sim, t)
        chosen, problem = ph.choose(product, patient, held.get("reason") or ())
        if chosen is None:
            if problem is not None and problem[0] == "us_approval":
                keep.append((run, name, held))
            continue
        fields = {k: v for k, v in held.items() if k not in ("id", "prescribing", "ordered")}
        fields.update(start=t, stop=None, stop_reason=None, codes=[dict(ordered)])
        _module_dosage(fields, held.get("prescribing"))  # the module's own dose, not the substitute's
        logged = len(ph.events)
        if chosen is not product:
            ph._substitute(fields, chosen, ordered, problem, t)
            courses.own_regimen(ph, fields, chosen, product)
        chosen = dosing.paediatric(ph, fields, chosen, patient, ordered, t)
        previous = dosing.previous(ph, chosen, t)
        chosen = dosing.strength(ph, fields, chosen, patient, ordered, t, previous)
        dosing.dose(ph, fields, chosen, patient, previous)
        if ph._taking(chosen, t) or ingredients.shares_running(ph, chosen, t):  # started meanwhile
            del ph.events[logged:]
            if chosen is not product and problem is not None and problem[0] == "us_approval":
                keep.append((run, name, held))  # its substitute is already taken: it still waits for its own drug
            continue
        washout = running.stop_interacting(ph, chosen, t)
        if washout:
            fields["start"] = min(t + washout, ph.sim.end_time)
        new = ph.sim.rec.add("medications", fields, encounter)
        ph.sim.activate("medications", new)
        ph._repoint(held, new)
        ph.log(
            t,
            "resumed",
            "us_approval",
            "approved since the order was withheld",
            ordered,
            new["codes"][0],
            new["id"],
        )
        # as for any new order (2,000 lives, patient 1515: a thiazide standing in for amlodipine, resumed after the
        # visit's renewal made enalapril of another thiazide, joined the running naproxen unreviewed)
        ph.review_for(chosen, new.get("encounter"), t)
    ph.pending = keep


def succeed(ph: Pharmacy, med: dict[str, Any], product: Product, condition: dict[str, Any], t: float) -> bool:
    """Pass the order's reason from the ended condition to its successor; False when none applies."""
    code = condition["codes"][0]["code"]
    candidates = next(
        (ph.rx.successors[code, cls] for cls in sorted(product.classes) if (code, cls) in ph.rx.successors),
        None,
    )
    if candidates is None:
        return False
    active = ph.sim.active["conditions"]
    successor, max_days = next((c for c in candidates if c[0]["code"] in active), candidates[0])
    until = None
    if max_days:
        until = float(condition["start"]) + max_days * 86400.0
        if until <= t:
            return False
    # the prescription is rewritten for the successor (its reason must be diagnosed by the order's start)
    sim = ph.sim
    sim.rec.deactivate("medications", med, t, None)
    fields = {k: v for k, v in med.items() if k not in ("id", "n", "encounter")}
    fields.update(start=t, stop=until, stop_reason=None)  # a planned stop (renewals keep it)
    fields["reason"] = [dict(successor) if r.get("code") == code else r for r in med.get("reason") or ()]
    new = sim.rec.add("medications", fields, condition.get("encounter") or med.get("encounter"))
    sim.rec.activate("medications", new)
    ph._repoint(med, new)
    ph.log(
        t,
        "reason_passed",
        "reason_successor",
        f"{successor['display']} follows",
        med["codes"][0],
        new["codes"][0],
        new["id"],
    )
    return True


def _ordered_amount(ph: Pharmacy, med: dict[str, Any]) -> float | None:
    """The amount per dose the module's MedicationOrder asked for, found through the state that holds ``med``."""
    for run in ph.sim.runs:
        for name, held in run.created.items():
            if held is not med:
                continue
            for module in (run.module, run.top, *(m for m, _ in run.stack)):
                node = module.nodes.get(name)
                prescription = getattr(getattr(node, "state", None), "prescription", None)
                dosage = getattr(prescription, "dosage", None)
                if dosage is not None:
                    return float(dosage.amount)
    return None


def reopens(previous: dict[str, Any], fields: dict[str, Any], t: float) -> bool:
    """A module ended an order within a day of writing it and orders the same drug and dose again now (a titration
    renewal at a result, then the module's own stop and re-order at the same visit): no 0-day course is left behind
    (``rx.same_day_reorder``); the course goes on."""
    if previous["stop"] is None or previous["stop"] > t or previous["stop"] - float(previous["start"]) >= DAY:
        return False
    same = previous["codes"][0]["code"] == fields["codes"][0]["code"] and previous.get("dosage") == fields.get("dosage")
    return same and previous.get("chronic") == fields.get("chronic")


def reopen(ph: Pharmacy, run: ModuleRun, state: Any, ended: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The order a module ended within a day of writing it goes on: it was ordered again unchanged at once."""
    ended["stop"], ended["stop_reason"] = fields["stop"], None
    ph.sim.activate("medications", ended)
    run.created[state.name] = ended
    ph._holders[id(run)] = run
    if state.assign_to_attribute:
        ph.sim.set_attribute(state.assign_to_attribute, ended)
    return ended
