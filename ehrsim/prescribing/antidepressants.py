"""One antidepressant regimen for depression, owned by the core: optimise, switch, then augment; never back to a drug
that failed.

APA 2010, VA/DoD 2022 and STAR*D order the steps after an inadequate response: raise the dose to the maximum
(strength.py), switch to another drug (nonresponse_switch.csv: SSRI to an SNRI or another SSRI), and after a second
failed trial augment the drug taken with another (augmentation.csv: bupropion XL), or refer (the depression module).
A drug that failed an adequate trial is not given again for depression within ``failed_window_days``
(antidepressant_regimen.csv): before, the core switched duloxetine back to sertraline a few months after sertraline
had failed, and the module's own switch re-ordered the drug the core had just left (the 2,000-life proof run: 119 of
188 patients switched after a trial went back to a drug they had left within 2 years). A failure is one event in the
life's ``prescribing`` list (rule ``antidepressant_nonresponse``, ``ordered`` the failed drug), so the core and a
module's later order read the same history. Functions of the ``Pharmacy``, as result_titration.py.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import parameters, rows
from ehrsim.prescribing import dosing
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

DAY = 86400.0
FAILED = "antidepressant_nonresponse"
AUGMENTED = "antidepressant_augmentation"
FAILED_BEFORE = "antidepressant_failed_before"
GROUP = "depression"


@cache
def switches() -> dict[str, tuple[dict[str, str], ...]]:
    """Ingredient -> the code dicts of the drugs it is switched to at its maximum dose without a response, the
    preferred first."""
    out: dict[str, list[dict[str, str]]] = {}
    for r in rows("prescribing/nonresponse_switch.csv"):
        code = {"system": "RxNorm", "code": r["switch_to_rxcui"], "display": r["switch_to_display"]}
        out.setdefault(r["ingredient"], []).append(code)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _augmenters() -> tuple[tuple[dict[str, str], int], ...]:
    """(code, doses a day) of the drugs added to an antidepressant after a second failed trial, the preferred first."""
    return tuple(
        ({"system": "RxNorm", "code": r["rxcui"], "display": r["display"]}, int(r["doses_a_day"]))
        for r in rows("prescribing/augmentation.csv")
    )


def window() -> float:
    return parameters("prescribing/antidepressant_regimen.csv")["failed_window_days"] * DAY


def for_depression(ph: Pharmacy, med: dict[str, Any]) -> bool:
    """The order is for depression (conditions.csv group), or names no reason (a module that gives none)."""
    reasons = med.get("reason") or ()
    return not reasons or any(GROUP in ph.rx.reason_groups.get(r.get("code", ""), ()) for r in reasons)


def _is_depression(ph: Pharmacy, reason: dict[str, Any]) -> bool:
    return GROUP in ph.rx.reason_groups.get(reason.get("code", ""), ())


def _other_indication(ph: Pharmacy, med: dict[str, Any]) -> bool:
    """The order also names a reason outside depression (duloxetine for diabetic neuropathy)."""
    return any(GROUP not in ph.rx.reason_groups.get(r.get("code", ""), ()) for r in med.get("reason") or ())


def serving(ph: Pharmacy, fields: dict[str, Any], product: Product, t: float, encounter: str | None) -> str | None:
    """A module's antidepressant order for depression while one it would duplicate runs for another indication (or
    the other way round: sertraline for anxiety while duloxetine treats depression): the running drug goes on and
    serves both (renewed now naming both reasons), so neither indication loses its treatment (before, sertraline
    replaced duloxetine taken 7 years for diabetic neuropathy, which had nothing once sertraline stopped; an anxiety
    order replaced a depression regimen with the drug that had failed for it). Returns the running drug's name (the
    module's order is withheld), or None."""
    if not fields.get("chronic") or not fields.get("reason"):
        return None
    depression = for_depression(ph, fields)
    for med, running in ph._current(t):
        if running is None or "antidepressant" not in running.classes or not med.get("chronic"):
            continue
        if not (running is product or running.duplicate_groups & product.duplicate_groups):
            continue
        if not med.get("reason") or all(_is_depression(ph, r) == depression for r in med["reason"]):
            continue  # the same indication only: the new order replaces it (running.replace_duplicates)
        codes = {r.get("code") for r in med["reason"]}
        if any(r.get("code") not in codes for r in fields["reason"]):
            reasons = [*med["reason"], *(r for r in fields["reason"] if r.get("code") not in codes)]
            new = ph.renew(med, t, encounter)
            if new is not None and new is not med:  # a new order: its reasons may name a condition diagnosed now
                new["reason"] = reasons
        return str(med["codes"][0]["display"])
    return None


def still_serving(ph: Pharmacy, entry: dict[str, Any]) -> bool:
    """An order serving two indications (``serving``) that a module ends while one of them is still active goes on:
    the depression module's stop at the end of the continuation phase left the anxiety it also treated with nothing
    (after-run chart read)."""
    reasons = entry.get("reason") or ()
    return len(reasons) > 1 and any(r.get("code") in ph.sim.active["conditions"] for r in reasons)


def failed(ph: Pharmacy, t: float, ever: bool = False) -> set[str]:
    """Ingredients that failed an adequate trial for depression within the window before ``t`` (or ``ever``)."""
    since = float("-inf") if ever else t - window()
    out: set[str] = set()
    for e in ph.events:
        if e["rule"] == FAILED and e["time"] >= since:
            product = ph.rx.products.get(e["ordered"]["code"])
            if product is not None:
                out.update(product.ingredients)
    return out


def _approved(ph: Pharmacy, code: str, t: float) -> Product | None:
    target = ph.rx.products.get(code)
    if target is None or any(t < before for before, _ in target.approvals):
        return None
    return target


def next_drug(ph: Pharmacy, ingredient: str, t: float, tried: set[str]) -> dict[str, str] | None:
    """The first drug of the ingredient's switch list approved at ``t`` whose ingredient has not failed."""
    for switch in switches().get(ingredient, ()):
        target = _approved(ph, switch["code"], t)
        if target is not None and not tried.intersection(target.ingredients):
            return switch
    return None


def on_failure(ph: Pharmacy, med: dict[str, Any], product: Product, t: float, encounter: str | None) -> None:
    """The antidepressant ``med`` failed at its maximum dose: switch it after a first failure, augment it after a
    second (whenever the first failed) or when it also serves another indication (duloxetine for neuropathic pain
    goes on); once augmented, the next step is the psychiatrist's (the depression module refers)."""
    tried, ever = failed(ph, t), failed(ph, t, ever=True)
    if not tried.intersection(product.ingredients):
        ph.log(t, "titration", FAILED, "no response at the maximum dose", med["codes"][0], None, med["id"])
        tried.update(product.ingredients)
        ever.update(product.ingredients)
    if _augmentation(ph, t) is not None:
        return
    ingredient = product.ingredients[0] if product.ingredients else ""
    second = len(ever) >= 2  # a second drug failed, in this episode or an earlier one: augment, no third switch
    switch = next_drug(ph, ingredient, t, tried) if not second and not _other_indication(ph, med) else None
    if switch is not None:
        med["ordered"] = dict(switch)  # from now on the course is the other drug (renewals keep it)
        ph.renew(med, t, encounter)
        return
    augment(ph, med, t, encounter, tried)


@cache
def _augmenting() -> frozenset[str]:
    """Ingredients of the augmentation drugs (a titrated order is another strength of the same drug)."""
    return frozenset(r["ingredient"] for r in rows("prescribing/augmentation.csv"))


def _augmentation(ph: Pharmacy, t: float) -> dict[str, Any] | None:
    """The running augmentation order for depression, if any."""
    names = _augmenting()
    for med, product in ph._current(t):
        if product is not None and names.intersection(product.ingredients) and for_depression(ph, med):
            return med
    return None


def augment(ph: Pharmacy, med: dict[str, Any], t: float, encounter: str | None, tried: set[str]) -> None:
    """Add the first approved augmentation drug not failed and not taken to the antidepressant ``med``."""
    taking = {i for m, p in ph._current(t) if p is not None for i in p.ingredients}
    for code, doses in _augmenters():
        target = _approved(ph, code["code"], t)
        if target is None or tried.intersection(target.ingredients) or taking.intersection(target.ingredients):
            continue
        patient = Patient(ph.sim, t, encounter)
        if ph.problem(target, patient) is not None:
            continue
        fields = {k: v for k, v in med.items() if k not in ("id", "n", "encounter", "ordered", "prescribing")}
        reasons = [r for r in med.get("reason") or () if _is_depression(ph, r)]
        fields.update(
            reason=reasons or list(med.get("reason") or ()),  # for depression, not the drug's other indication
            start=t,
            stop=None,
            stop_reason=None,
            codes=[dict(code)],
            dosage={"amount": 1.0, "frequency": doses, "period": 1.0, "unit": "days"},
        )
        dosing.dose(ph, fields, target, patient)
        entry = ph.sim.rec.add("medications", fields, encounter)
        ph.sim.rec.activate("medications", entry)
        ph.log(t, "added", AUGMENTED, f"augments {med['codes'][0]['display']}", code, code, entry["id"])
        ph.review_for(target, encounter, t)
        return


def answer_order(ph: Pharmacy, fields: dict[str, Any], product: Product, t: float) -> Product:
    """A module's chronic order for depression of a drug that failed within the window is given as the regimen's
    next drug (the depression module's first drug of a recurrent episode, its own switch before the PHQ-9)."""
    if not fields.get("chronic") or "antidepressant" not in product.classes or not for_depression(ph, fields):
        return product
    tried = failed(ph, t)
    if not tried.intersection(product.ingredients):
        return product
    ingredient = product.ingredients[0] if product.ingredients else ""
    switch = next_drug(ph, ingredient, t, tried)
    target = ph.rx.products.get(switch["code"]) if switch is not None else None
    if target is None:
        return product
    ordered = dict(fields["codes"][0])
    reason = f"{ingredient} failed an adequate trial within 2 years"
    fields["codes"] = [target.as_code()]  # the course is the other drug: renewals keep it (no ``ordered``)
    if fields.get("dosage") is not None:  # one unit a day: its strength plan sets the dose (duloxetine 3 x 20 mg)
        fields["dosage"] = {**fields["dosage"], "amount": 1.0}
    fields["prescribing"] = {"action": "substituted", "rule": FAILED_BEFORE, "reason": reason, "ordered": ordered}
    ph.log(t, "substituted", FAILED_BEFORE, reason, ordered, fields["codes"][0])
    return target
