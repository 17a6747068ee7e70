"""Whether a product may be given to this patient now, and what to give instead (the layer's rules).

Approval era, withdrawal, allergy class, the rules of rules.csv (kidney stage, pregnancy, age, a condition,
a drug class taken, weight) and withholding interactions; the first listed alternative without a problem
replaces the ordered drug (alternatives.csv).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ehrsim.prescribing import ingredients, older_adults, running
from ehrsim.prescribing.tables import class_groups
from ehrsim.record.times import from_date

if TYPE_CHECKING:
    from ehrsim.prescribing.patient import Patient
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product, Rule


def choose(
    ph: Pharmacy, product: Product, patient: Patient, reasons: Any = ()
) -> tuple[Product | None, tuple[str, str, str] | None]:
    """(product to give or None, (rule, reason, alternatives group) when the ordered one is not given).

    A group ``GROUP|CONDITION_GROUP`` is used instead of ``GROUP`` when the order is for a condition of
    that group (e.g. cystitis before cephalexin gets ampicillin, not penicillin V).
    """
    found = problem(ph, product, patient)
    if found is None:
        return product, None
    rx = ph.rx
    group = found[2]
    for reason in reasons:
        code = reason.get("code")
        specific = next(
            (f"{group}|{g}" for g in sorted(rx.reason_groups.get(code, ())) if f"{group}|{g}" in rx.alternatives),
            None,
        )
        if specific is not None:
            group = specific
            break
    for alt in rx.alternatives.get(group, ()):
        if alt.route not in ("any", product.route) or not alt.min_age <= patient.age < alt.max_age:
            continue
        if patient.t < alt.since:
            continue  # an alternative of a later era (e.g. home epinephrine kits from the 1970s)
        candidate = rx.products[alt.code]
        if problem(ph, candidate, patient) is None:
            return candidate, found
    return None, found


def problem(ph: Pharmacy, product: Product, patient: Patient) -> tuple[str, str, str] | None:
    """Why ``product`` must not be given now: (rule id, reason, alternatives group), or None."""
    rx = ph.rx
    t = patient.t
    if product.approvals and t < product.approvals[0][0]:
        pending = [key for since, key in product.approvals if t < since]
        keys = (*pending, product.code, *product.ingredients)  # a new form of an old drug: the drug's era group
        group = next((f"era:{k}" for k in keys if f"era:{k}" in rx.alternatives), "")
        return "us_approval", f"{pending[-1]} not yet approved in the US", group
    for since, key in product.withdrawals:
        if t >= since:
            return "us_withdrawn", f"{key} withdrawn from the US market", f"era:{key}"
    avoid, _caution = patient.allergy(rx)
    if avoid:
        hit = product.classes & avoid
        if hit:
            cls = min(hit)
            return f"allergy_{cls}", f"allergy: {cls.replace('_', ' ')} class", f"allergy:{cls}"
    for key in product.rule_keys:
        for rule in rx.rules.get(key, ()):
            if applies(ph, rule, patient, product):
                return rule.rule, rule.rationale, rule.alternatives if rule.action == "substitute" else ""
        for active_class, action, rule_id, rationale, _washout in rx.interactions.get(key, ()):
            if action == "withhold" and running.active_class(ph, active_class, t, besides=product):
                return rule_id, rationale, ""
    return None


def admit(ph: Pharmacy, fields: dict[str, Any], chosen: Product, age: float, t: float) -> tuple[str, str] | None:
    """The checks a drug the layer puts in place of a running or renewed order passes, as a new order does once its
    drug is chosen (pharmacy._order): an ingredient a running order already gives (a short acetaminophen course in
    place of an NSAID beside chronic acetaminophen is not written), the interacting drugs it stops (and the washout
    before it starts), the duplicates it replaces and the daily maximum summed over every order of an ingredient.
    (rule, reason) when it is not to be written. The lead's proof run (2,000 lives, seed 1, #195): acetaminophen
    325 mg in place of ibuprofen joined a chronic acetaminophen 3 g a day (4.3 g a day at 57)."""
    duplicate = ingredients.duplicate(ph, chosen, fields, t)
    if duplicate is not None:
        return duplicate
    washout = running.stop_interacting(ph, chosen, t)
    if washout:
        fields["start"] = min(t + washout, ph.sim.end_time)
        if fields["stop"] is not None:
            fields["stop"] = max(fields["stop"], fields["start"])
    running.replace_duplicates(ph, chosen, t)
    return ingredients.cap(ph, fields, chosen, age, t)


def applies(ph: Pharmacy, rule: Rule, patient: Patient, product: Product | None = None) -> bool:
    """Whether one rules.csv row holds for the patient now (for ``product``: a drug already taken may have a higher
    limit than one to start)."""
    kind = rule.kind
    if kind == "result_at_least":
        return result_at_least(ph, rule, patient.t, product)
    if kind == "ckd_stage_at_least":
        return patient.ckd_stage(ph.rx) >= rule.threshold
    if kind == "pregnant":
        return patient.pregnant(ph.rx)
    if kind == "age_below":
        if rule.subject and patient.t < from_date(dt.date(int(rule.subject), 1, 1)):
            return False  # a rule of a later era (``subject``: the year it starts), e.g. Reye syndrome 1982
        return patient.age < rule.threshold
    if kind == "has_condition":
        if rule.threshold and patient.t >= from_date(dt.date(int(rule.threshold), 1, 1)):
            return False  # a contraindication of its era, lifted on 1 January of ``threshold``
        active = ph.sim.active["conditions"]
        return any(code in active for code in ph.rx.condition_groups[rule.subject])
    if kind == "taking_class":
        return running.active_class(ph, rule.subject, patient.t)
    if kind == "comfort_care":  # hospice enrolment: preventive drugs stop (comfort_care.csv care plans)
        careplans = ph.sim.active["careplans"]
        under_way = getattr(ph.sim.desk.lock, "encounter", None)  # or a module's hospice stay under way
        hospice = under_way is not None and under_way.get("class") == "hospice"
        return hospice or any(code in careplans for code in ph.rx.comfort_care)
    if kind == "condition_result_below":  # e.g. dementia with the latest MMSE below 10 (severe dementia)
        group, result, *unless = rule.subject.split(":")
        if unless and ever_had(ph, unless[0]):
            return False  # (``GROUP:RESULT:UNLESS``: not when a condition of UNLESS was ever recorded, e.g. ASCVD)
        active = ph.sim.active["conditions"]
        if not any(code in active for code in ph.rx.condition_groups[group]):
            return False
        obs = ph.sim.latest_observation(result)
        value = obs["value"] if obs is not None and obs["time"] <= patient.t else None
        return isinstance(value, int | float) and not isinstance(value, bool) and value < rule.threshold
    if kind == "older_adult_below_goal":  # an older adult's HbA1c below the deintensification threshold (ADA 13)
        return older_adults.below_goal(ph, patient.age, patient.t) is not None
    if kind == "primary_prevention":  # e.g. aspirin from 70 without ASCVD, from 2019 (``subject`` GROUP:YEAR)
        group, _, year = rule.subject.partition(":")
        if patient.age < rule.threshold or patient.t < from_date(dt.date(int(year), 1, 1)):
            return False
        return not ever_had(ph, group)
    if kind == "taking_classes":  # e.g. an NSAID with an ACE inhibitor or ARB and a diuretic
        groups = class_groups(rule.subject)[0]
        return all(any(running.active_class(ph, c, patient.t) for c in group) for group in groups)
    return patient.chart_weight() < rule.threshold  # weight_below: a device band, by the chart weight


def result_at_least(ph: Pharmacy, rule: Rule, t: float, product: Product | None) -> bool:
    """The latest result of the rule's codes within its days is at or above the threshold: ``subject`` is
    ``LOINC[;LOINC]:DAYS:CONTINUE_AT`` (a potassium of 5.0 or more starts no mineralocorticoid antagonist, one of 5.5
    or more stops a running one: 2022 AHA/ACC/HFSA heart failure guideline 7.3.3)."""
    codes, days, keep_below = rule.subject.split(":")
    found = None
    for code in codes.split(";"):
        obs = ph.sim.latest_observation(code)
        if (
            obs is not None
            and t - float(days) * 86400.0 <= obs["time"] <= t
            and (found is None or obs["time"] > found["time"])
        ):
            found = obs
    value = found["value"] if found is not None else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    taken = product is not None and any(
        p is not None and p.ingredients == product.ingredients for _, p in running.current(ph, t)
    )
    return value >= (float(keep_below) if taken else rule.threshold)


def ever_had(ph: Pharmacy, group: str) -> bool:
    """Whether a condition of the group was ever recorded (an MI or stroke years ago still makes aspirin secondary
    prevention)."""
    codes = ph.rx.condition_groups[group]
    return any(c["codes"][0]["code"] in codes for c in ph.sim.rec.lists["conditions"])
