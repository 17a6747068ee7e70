"""Diabetes care of older adults: an individual HbA1c goal, and deintensification when HbA1c is below it.

A prescriber titrated basal insulin and sulfonylureas towards 7 % whatever the patient's age or health, so an
87-year-old with new dementia kept insulin glargine 42 units at HbA1c 7.2 % (CLOSING8 chart reading). ADA
Standards of Care 2024 section 13 relaxes the goal with age and health (table 13.1) and asks that
hypoglycaemia-causing drugs be deintensified when HbA1c is below the individual goal. For any module library:

- every HbA1c-titrated plan (insulin.csv, dosing.csv ``vital:Hemoglobin A1c``) steps up only while HbA1c is above
  the patient's goal: the goal by age (physiology/hba1c_goals.csv, which the physiology's insulin response and our
  diabetes module already use), or the goal of the first matching row of ``older_adult_glycaemia.csv``
  (severe dementia, dementia, 80+ with three coexisting illnesses of ``coexisting_illnesses.csv``);
- in such a patient an HbA1c result below the row's ``deintensify_below`` stops sulfonylureas, prandial insulin and
  DPP-4 inhibitors (rules.csv ``deintensify_*``: kind ``older_adult_below_goal``) and renews basal insulin one
  titration step lower (the physiology's HbA1c then rises with the dose: ``peak_units_per_kg``), or stops it at the
  lowest step;
- in such a patient a module's new course of a glucose-lowering-only drug (``no_new_start``: insulin, sulfonylurea,
  DPP-4 inhibitor) is withheld while the latest HbA1c (within a year) is within the goal.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.physio_drugs import hba1c_goal
from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError

if TYPE_CHECKING:
    from ehrsim.prescribing.patient import Patient
    from ehrsim.prescribing.pharmacy import Pharmacy

HBA1C_LOINC = "4548-4"  # Hemoglobin A1c/Hemoglobin.total in Blood (ours and Synthea's)
HBA1C_MEASURE = "vital:Hemoglobin A1c"
MMSE_LOINC = "72106-8"
YEAR = 365.25 * 86400.0


class Group(NamedTuple):
    name: str
    condition_group: str
    mmse_below: float | None
    age_at_least: float | None
    min_illnesses: int
    goal: float
    deintensify_below: float
    #: drug classes a new course of is withheld while HbA1c is within the goal (no intensification needed)
    no_new_start: frozenset[str]


@cache
def groups() -> tuple[Group, ...]:
    """The rows of ``prescribing/older_adult_glycaemia.csv``, first match wins."""
    out = []
    for r in rows("prescribing/older_adult_glycaemia.csv"):
        try:
            out.append(
                Group(
                    r["group"],
                    r["condition_group"],
                    float(r["mmse_below"]) if r["mmse_below"] else None,
                    float(r["age_at_least"]) if r["age_at_least"] else None,
                    int(r["min_illnesses"] or 0),
                    float(r["goal"]),
                    float(r["deintensify_below"]),
                    frozenset(c for c in r["no_new_start"].split(";") if c),
                )
            )
        except ValueError as exc:
            raise ConfigError(f"prescribing/older_adult_glycaemia.csv: {r.get('group')}: {exc}") from exc
    return tuple(out)


@cache
def _any_no_new_start() -> frozenset[str]:
    return frozenset().union(*(g.no_new_start for g in groups()))


@cache
def illnesses() -> dict[str, str]:
    """Condition code -> the coexisting chronic illness it counts as (ADA table 13.1 footnote)."""
    return {r["code"]: r["illness"] for r in rows("prescribing/coexisting_illnesses.csv")}


def _latest(ph: Pharmacy, code: str, t: float, since: float = -float("inf")) -> float | None:
    obs = ph.sim.latest_observation(code)
    value = obs["value"] if obs is not None and since <= obs["time"] <= t else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def group_of(ph: Pharmacy, age: float, t: float) -> Group | None:
    """The patient's older-adult group now, if any (only diabetic patients are asked)."""
    active = ph.sim.active["conditions"]
    count: int | None = None
    for g in groups():
        if g.condition_group:
            if not any(code in active for code in ph.rx.condition_groups[g.condition_group]):
                continue
            if g.mmse_below is not None:
                mmse = _latest(ph, MMSE_LOINC, t)
                if mmse is None or mmse >= g.mmse_below:
                    continue
        if g.age_at_least is not None and age < g.age_at_least:
            continue
        if g.min_illnesses:
            if count is None:
                table = illnesses()
                count = len({table[c] for c in active if c in table})
            if count < g.min_illnesses:
                continue
        return g
    return None


def goal(ph: Pharmacy, patient: Patient) -> float:
    """The HbA1c goal (%) titration aims at for this patient: by age, or relaxed further by health."""
    g = group_of(ph, patient.age, patient.t)
    by_age = hba1c_goal(patient.age)
    return max(by_age, g.goal) if g is not None else by_age


def threshold(ph: Pharmacy, patient: Patient, measure: str, above: float) -> float:
    """The titration threshold of a plan: an HbA1c plan's threshold is raised to the patient's goal; a systolic
    plan's to ``older_adult_bp.csv`` ``titrate_above`` in severe dementia."""
    if measure == HBA1C_MEASURE:
        return max(above, goal(ph, patient))
    rule = bp_rule()
    if rule is not None and measure == f"obs:{rule.sbp_loinc}" and _severe_dementia(ph, patient.t):
        return max(above, rule.titrate_above)
    return above


def below_goal(ph: Pharmacy, age: float, t: float, since: float = -float("inf")) -> Group | None:
    """The patient's older-adult group when the latest HbA1c result (taken since ``since``) is below its
    ``deintensify_below``."""
    g = group_of(ph, age, t)
    if g is None:
        return None
    value = _latest(ph, HBA1C_LOINC, t, since)
    return g if value is not None and value < g.deintensify_below else None


def deintensify_on_result(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """An HbA1c result below an older adult's deintensification threshold: sulfonylureas stop (the review applies
    rules.csv ``older_adult_below_goal``) and running basal insulin is renewed one step lower (dosing.insulin)."""
    if entry["codes"][0]["code"] != HBA1C_LOINC:
        return
    age = (t - ph.sim.birth_time) / YEAR
    if below_goal(ph, age, t) is None:
        return
    encounter = entry.get("encounter")
    ph._review(encounter, t)
    for med, product in ph._current(t):
        if product is None or not med.get("chronic") or product.code not in ph.rx.insulin or med["start"] >= t:
            continue
        per_kg = (med.get("dosage") or {}).get("units_per_kg")
        if isinstance(per_kg, int | float) and per_kg <= ph.rx.insulin[product.code].step + 1e-9:
            ph._stop(med, t, "stopped", "deintensify_insulin", STOP_REASON)  # at the lowest step: stopped
        else:
            ph.renew(med, t, encounter)


STOP_REASON = "HbA1c below an older adult's goal on the lowest basal insulin dose (ADA Standards 2024 section 13)"
HELD_REASON = "HbA1c within an older adult's goal: no new glucose-lowering drug (ADA Standards 2024 section 13)"


def within_goal_new_start(ph: Pharmacy, product: Any, patient: Patient) -> tuple[str, str, str] | None:
    """A module's new course of a ``no_new_start`` class for an older adult whose latest HbA1c (within a year) is
    within the goal: (rule, reason, "") to withhold it, else None. A drug already taken (a continuation) is not
    held here (its renewal follows the titration)."""
    if not product.classes & _any_no_new_start():  # (most orders: no group lookup on the hot path)
        return None
    g = group_of(ph, patient.age, patient.t)
    if g is None or not product.classes & g.no_new_start:
        return None
    value = _latest(ph, HBA1C_LOINC, patient.t, patient.t - YEAR)
    if value is None or value >= goal(ph, patient):
        return None
    held = product.classes & g.no_new_start
    if any(p is not None and p.classes & held for _, p in ph._current(patient.t)):
        return None  # already on a drug of the class (another insulin): a continuation, not a new course
    return "older_adult_within_goal", HELD_REASON, ""


class BpRule(NamedTuple):
    condition_group: str
    mmse_below: float
    sbp_loinc: str
    sbp_below: float
    classes: frozenset[str]
    reasons: frozenset[str]
    #: a blood-pressure titration in severe dementia steps up only above this systolic (not the plan's 130)
    titrate_above: float


@cache
def bp_rule() -> BpRule | None:
    """The one row of ``prescribing/older_adult_bp.csv`` (antihypertensives scaled back in severe dementia)."""
    for r in rows("prescribing/older_adult_bp.csv"):
        return BpRule(
            r["condition_group"],
            float(r["mmse_below"]),
            r["sbp_loinc"],
            float(r["sbp_below"]),
            frozenset(c for c in r["classes"].split(";") if c),
            frozenset(c for c in r["reasons"].split(";") if c),
            float(r["titrate_above"]),
        )
    return None


def _severe_dementia(ph: Pharmacy, t: float) -> bool:
    """A condition of the row's group active with the latest MMSE below the row's threshold."""
    rule = bp_rule()
    if rule is None:
        return False
    active = ph.sim.active["conditions"]
    if not any(code in active for code in ph.rx.condition_groups[rule.condition_group]):
        return False
    mmse = _latest(ph, MMSE_LOINC, t)
    return mmse is not None and mmse < rule.mmse_below


def _bp_low_in_severe_dementia(ph: Pharmacy, t: float, since: float = -float("inf")) -> bool:
    """Severe dementia with the latest systolic reading (taken after ``since``) below the row's threshold."""
    rule = bp_rule()
    if rule is None or not _severe_dementia(ph, t):
        return False
    obs = ph.sim.latest_observation(rule.sbp_loinc)
    if obs is None or not since < obs["time"] <= t:
        return False
    value = obs["value"]
    return isinstance(value, int | float) and not isinstance(value, bool) and value < rule.sbp_below


def _for_hypertension(product: Any, reasons: Any) -> bool:
    """A drug of the row's classes given for hypertension (or with no reason given)."""
    rule = bp_rule()
    if rule is None or not product.classes & rule.classes:
        return False
    codes = {r.get("code") for r in reasons or ()}
    return not codes or bool(codes & rule.reasons)


BP_HELD = "Systolic below 130 mmHg in severe dementia: antihypertensive scaled back (STOPPFrail v2 2021)"


def bp_new_start(ph: Pharmacy, product: Any, patient: Patient, reasons: Any) -> tuple[str, str, str] | None:
    """A module's new antihypertensive course for hypertension in severe dementia at a systolic below 130: withheld
    (rule, reason, ""); a drug of a class already taken is a continuation (None)."""
    if not _for_hypertension(product, reasons) or not _bp_low_in_severe_dementia(ph, patient.t):
        return None
    held = product.classes & bp_rule().classes  # type: ignore[union-attr]
    if any(p is not None and p.classes & held for _, p in ph._current(patient.t)):
        return None
    return "older_adult_bp_scale_back", BP_HELD, ""


def bp_step_down(ph: Pharmacy, product: Any, patient: Patient, since: float, reasons: Any) -> bool:
    """A renewal of an antihypertensive for hypertension in severe dementia with a systolic reading below 130 taken
    after the order it renews (``since``): one strength lower (dosing.strength)."""
    return _for_hypertension(product, reasons) and _bp_low_in_severe_dementia(ph, patient.t, since)


def scale_back_on_reading(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """A systolic reading below 130 in severe dementia: running antihypertensives for hypertension are renewed one
    strength lower, or stopped at their lowest strength."""
    rule = bp_rule()
    if rule is None or not any(c.get("codes", [{}])[0].get("code") == rule.sbp_loinc for c in entry["components"]):
        return
    if not _bp_low_in_severe_dementia(ph, t):
        return
    for med, product in ph._current(t):
        if product is None or not med.get("chronic") or med["start"] >= t:
            continue
        if not _for_hypertension(product, med.get("reason")):
            continue
        plan = ph.rx.plans.get(product.code)
        lowest = plan is None or plan.mg_of(product.code) == plan.ladder[0][0]
        if lowest:
            ph._stop(med, t, "stopped", "older_adult_bp_scale_back", BP_HELD)
        else:
            ph.renew(med, t, entry.get("encounter"))
