"""Which strength of a drug to write: the start dose for this patient, then titration at each renewal.

A module names a drug in one strength; a prescriber starts at the labelled start dose for the
patient (lower for the old, for heart failure or poor kidney function, by weight for children),
steps up one strength at a later order or renewal while the treatment target is missed (blood
pressure, HbA1c, LDL-C, PHQ-9) or towards the labelled target dose, and never above the dose
limit that applies. Data: terminology/prescribing/strengths.csv (each drug's RxNorm strengths),
dosing.csv (start, maximum, titration) and dose_limits.csv (what changes them), with sources.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ehrsim.errors import EhrsimError
from ehrsim.paths import terminology_dir

if TYPE_CHECKING:
    from collections.abc import Callable

    from ehrsim.prescribing.patient import Patient

DAY = 86400.0
LIMIT_KINDS = (
    "age_below",
    "age_at_least",
    "ckd_stage_at_least",
    "egfr_below",
    "has_condition",
    "reason_in",
    "given_for",
    "criteria",
)
GROUP_KINDS = ("has_condition", "reason_in", "given_for")
#: the tests a ``criteria`` limit counts (``threshold`` of them must hold): "age_at_least 80;weight_at_most 60;
#: result_at_least 2160-0 1.5" (the latest result of a LOINC code)
CRITERIA = {"age_at_least": 1, "weight_at_most": 1, "result_at_least": 2}


@cache
def parse_criteria(subject: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``criteria`` subject -> ((test, arguments), ...); a malformed subject is an EhrsimError."""
    tests = []
    for part in subject.split(";"):
        name, *args = part.split()
        if CRITERIA.get(name) != len(args):
            raise EhrsimError(f"prescribing/dose_limits.csv: bad criterion {part!r}")
        tests.append((name, tuple(args)))
    return tuple(tests)


@dataclass(frozen=True, slots=True)
class Limit:
    kind: str
    threshold: float
    subject: str
    start: float | None
    max: float | None
    titrate: str
    per_kg: float | None


@dataclass(frozen=True, slots=True)
class Plan:
    drug: str
    #: (strength mg, rxcui), weakest first
    ladder: tuple[tuple[float, str], ...]
    start: float | None  # None: the strength the module ordered
    max: float
    #: "" (no titration), "always" (to the target dose), "vital:NAME" or "obs:LOINC" (while above ``above``),
    #: "obs_below:LOINC" (while a result is below ``above``, e.g. FEV1/FVC)
    titrate: str
    above: float
    step: float  # seconds between steps
    #: share of due titrations a prescriber makes (clinical inertia); 1 when the label sets the pace
    share: float
    limits: tuple[Limit, ...]
    #: seconds on target before one step down (step_down.csv: asthma controllers, NAEPP EPR-3); 0: never stepped down
    down_after: float = 0.0
    #: a per-kg dose uses at most the weight at this BMI (ideal body weight; dose_weight.csv); 0: actual weight
    max_bmi: float = 0.0

    def mg_of(self, code: str) -> float | None:
        return next((mg for mg, c in self.ladder if c == code), None)

    def code_for(self, mg: float) -> str:
        """The strongest strength not above ``mg`` (the weakest when all are above)."""
        best = self.ladder[0][1]
        for strength, code in self.ladder:
            if strength <= mg + 1e-9:
                best = code
        return best

    def step_up(self, mg: float) -> float:
        return next((s for s, _ in self.ladder if s > mg + 1e-9), mg)


def _rows(name: str) -> list[dict[str, str]]:
    with open(terminology_dir() / "prescribing" / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(value: str) -> float | None:
    return float(value) if value else None


def load_plans(products: set[str], groups: set[str]) -> dict[str, Plan]:
    """rxcui -> the plan of its drug, for every strength listed (a missing reference is an EhrsimError)."""
    ladders: dict[str, list[tuple[float, str]]] = {}
    for r in _rows("strengths.csv"):
        if r["rxcui"] not in products:
            raise EhrsimError(f"prescribing/strengths.csv: {r['rxcui']} is not in products.csv")
        ladders.setdefault(r["drug"], []).append((float(r["strength_mg"]), r["rxcui"]))
    limits: dict[str, list[Limit]] = {}
    for r in _rows("dose_limits.csv"):
        if r["kind"] not in LIMIT_KINDS or (r["kind"] in GROUP_KINDS and r["subject"] not in groups):
            raise EhrsimError(f"prescribing/dose_limits.csv: {r['drug']} has an unknown kind or condition group")
        if r["kind"] == "criteria":
            parse_criteria(r["subject"])
        limits.setdefault(r["drug"], []).append(
            Limit(
                r["kind"],
                float(r["threshold"] or 0),
                r["subject"],
                _num(r["start_mg"]),
                _num(r["max_mg"]),
                r["titrate_on"],
                _num(r["per_kg_mg"]),
            )
        )
    down = {r["drug"]: float(r["after_days"]) * DAY for r in _rows("step_down.csv")}
    ideal = {r["drug"]: float(r["max_bmi"]) for r in _rows("dose_weight.csv")}
    plans: dict[str, Plan] = {}
    for r in _rows("dosing.csv"):
        drug = r["drug"]
        if drug not in ladders:
            raise EhrsimError(f"prescribing/dosing.csv: {drug} has no strengths in strengths.csv")
        plan = Plan(
            drug=drug,
            ladder=tuple(sorted(ladders[drug])),
            start=_num(r["start_mg"]),
            max=float(r["max_mg"]),
            titrate=r["titrate_on"],
            above=float(r["titrate_above"] or 0),
            step=float(r["step_days"] or 0) * DAY,
            share=float(r["titrate_share"] or 1.0),
            limits=tuple(limits.pop(drug, ())),
            down_after=down.pop(drug, 0.0),
            max_bmi=ideal.pop(drug, 0.0),
        )
        for _, code in plan.ladder:
            plans[code] = plan
    if limits:
        raise EhrsimError(f"prescribing/dose_limits.csv: no dosing.csv row for {sorted(limits)}")
    if down or ideal:
        raise EhrsimError(f"prescribing/step_down.csv or dose_weight.csv: no dosing.csv row for {sorted(down | ideal)}")
    return plans


def choose(
    plan: Plan,
    patient: Patient,
    applies: Callable[[Limit], bool],
    above: Callable[[str, float, float], bool],
    chance: Callable[[float], bool],
    ordered_mg: float | None,
    previous: tuple[float, float] | None,
    on_target: Callable[[str, float, float], bool] | None = None,
) -> tuple[float, str]:
    """(strength in mg, why) for an order now; ``previous`` is (mg, start time) of the order it continues.

    ``applies`` tells whether a limit holds for the patient; ``above(measure, threshold, since)``
    whether the treatment target is missed on a result taken since the last dose change; ``on_target`` (same
    arguments) whether a result since then shows it met, for a plan that steps down when controlled;
    ``chance(share)`` whether this prescriber acts on it now (clinical inertia, ``Plan.share``).
    """
    start, cap, titrate, per_kg, held = plan.start, plan.max, plan.titrate, None, []
    for limit in plan.limits:
        if applies(limit):
            held.append(f"{limit.kind.replace('_', ' ')} {limit.subject or f'{limit.threshold:g}'}")
            start = limit.start if limit.start is not None else start
            cap = min(cap, limit.max) if limit.max is not None else cap
            titrate = limit.titrate or titrate
            per_kg = limit.per_kg or per_kg
    why = "; ".join(held)
    if previous is None:
        mg = start if start is not None else (ordered_mg or plan.ladder[0][0])
        if per_kg:
            weight, height = patient.weight(), patient.height()
            if plan.max_bmi and height:  # ideal body weight: an obese patient is not dosed on fat mass
                weight = min(weight, plan.max_bmi * (height / 100.0) ** 2)
            mg = per_kg * weight
        reason = f"start dose ({why})" if why else "start dose"
    else:
        mg, since = previous
        reason = "dose continued"
        due = titrate and patient.t - since >= plan.step and mg < cap and above(titrate, plan.above, since)
        if due and (titrate == "always" or plan.share >= 1.0 or chance(plan.share)):
            mg = plan.step_up(mg)
            side = "below" if titrate.startswith("obs_below:") else "above"
            target = "target dose" if titrate == "always" else f"{titrate.split(':', 1)[1]} {side} {plan.above:g}"
            reason = f"titrated up: {target}"
        elif (
            plan.down_after
            and on_target is not None
            and mg > plan.ladder[0][0] + 1e-9
            and patient.t - since >= plan.down_after
            and on_target(titrate, plan.above, since)
        ):
            mg = max((s for s, _ in plan.ladder if s < mg - 1e-9), default=mg)
            reason = f"stepped down: {titrate.split(':', 1)[1]} on target for {plan.down_after / DAY:.0f} days"
    if mg > cap:
        mg, reason = cap, f"dose limit ({why})" if why else "dose limit"
    return mg, reason


@dataclass(frozen=True, slots=True)
class InsulinPlan:
    """A basal insulin dose in units by body weight, raised at later orders while HbA1c is above target."""

    start: float  # units/kg/day
    step: float
    max: float
    titrate: str
    above: float
    #: injections a day at least (regular insulin before each meal; an order once a day covers one meal)
    doses: int = 1


def load_insulin(products: set[str]) -> dict[str, InsulinPlan]:
    plans = {}
    for r in _rows("insulin.csv"):
        if r["rxcui"] not in products:
            raise EhrsimError(f"prescribing/insulin.csv: {r['rxcui']} is not in products.csv")
        plans[r["rxcui"]] = InsulinPlan(
            float(r["start_units_per_kg"]),
            float(r["step_units_per_kg"]),
            float(r["max_units_per_kg"]),
            r["titrate_on"],
            float(r["titrate_above"] or 0),
            int(r.get("min_doses_a_day") or 1),
        )
    return plans
