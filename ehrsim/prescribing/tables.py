"""The prescribing tables (terminology/prescribing/), read once into plain dicts.

Everything the per-order check needs is precomputed here, so an order costs a few dict lookups:
a product's classes, duplicate groups, route and the time before which it was not yet approved.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from ehrsim.errors import EhrsimError
from ehrsim.paths import terminology_dir
from ehrsim.prescribing.strength import InsulinPlan, Plan, load_insulin, load_plans

ROUTES = {
    "oral_solid": "oral",
    "oral_liquid": "oral",
    "chewable": "oral",
    "sublingual": "oral",
    "odt": "oral",
    "injection": "parenteral",
    "auto_injector": "parenteral",
}
RULE_KINDS = (
    "ckd_stage_at_least",
    "pregnant",
    "age_below",
    "weight_below",
    "has_condition",
    "taking_class",
    "taking_classes",
    "comfort_care",
    "condition_result_below",
    "older_adult_below_goal",
    "primary_prevention",
    "result_at_least",
)
ACTIONS = ("substitute", "withhold", "stop_active")


def _mg_per_unit(display: str) -> float | None:
    """The first "N MG" of an RxNorm tablet/capsule name: the first ingredient's strength."""
    match = re.search(r"([0-9.]+) MG\b", display, re.IGNORECASE)
    return float(match.group(1)) if match else None


def _after_year(year: str) -> float | None:
    """1 January after ``year``: approval years are year-precise, so nothing is ordered before approval."""
    return dt.datetime(int(year) + 1, 1, 1, tzinfo=dt.UTC).timestamp() if year else None


def _from_year(year: str | None) -> float:
    """1 January of ``year`` (an alternative given from that year on), or no limit."""
    return dt.datetime(int(year), 1, 1, tzinfo=dt.UTC).timestamp() if year else float("-inf")


@dataclass(frozen=True, slots=True)
class Product:
    code: str
    display: str
    ingredients: tuple[str, ...]
    classes: frozenset[str]
    #: keys rules are filed under: the classes and ``rxcui:CODE``
    rule_keys: tuple[str, ...]
    duplicate_groups: frozenset[str]
    form: str
    route: str
    dose_unit: str
    mg_per_ml: float | None
    #: mg of the first ingredient in one tablet or capsule (for weight-based doses of solid forms)
    mg_per_unit: float | None
    #: (time before which it was not approved, era alternatives key), latest first; product row then ingredients
    approvals: tuple[tuple[float, str], ...]
    #: (time from which it is withdrawn, era alternatives key)
    withdrawals: tuple[tuple[float, str], ...]

    @property
    def key(self) -> str:
        """The ingredients as one key (paediatric.csv)."""
        return ";".join(self.ingredients)

    def as_code(self) -> dict[str, str]:
        return {"system": "RxNorm", "code": self.code, "display": self.display}


@dataclass(frozen=True, slots=True)
class Rule:
    rule: str
    kind: str
    threshold: float
    #: the condition group (``has_condition``) or drug class (``taking_class``) the rule reads; ``taking_classes``:
    #: ``A|B+C|D`` = taking one of A or B and one of C or D (e.g. an ACE inhibitor or ARB and a diuretic);
    #: for ``age_below`` the year the rule starts (empty: always)
    subject: str
    action: str
    alternatives: str
    rationale: str


@dataclass(frozen=True, slots=True)
class Alternative:
    route: str
    code: str
    min_age: float
    max_age: float
    #: given only from this time (optional ``from_year`` column: e.g. home epinephrine kits, not before they existed)
    since: float = float("-inf")


@dataclass(frozen=True, slots=True)
class Paediatric:
    liquid: str
    mg_per_kg: float
    per_day: int
    max_mg: float


@dataclass(frozen=True, slots=True)
class Tables:
    products: dict[str, Product]
    #: allergy code -> (classes to avoid, classes to avoid only after a severe reaction)
    allergens: dict[str, tuple[frozenset[str], frozenset[str]]]
    rules: dict[str, tuple[Rule, ...]]
    #: ordered class -> ((class active, action, rule id, rationale, washout seconds), ...)
    interactions: dict[str, tuple[tuple[str, str, str, str, float], ...]]
    alternatives: dict[str, tuple[Alternative, ...]]
    #: ingredients joined by ";" (as in products.csv) -> liquid form and weight-based dose
    paediatric: dict[str, Paediatric]
    #: ingredients -> ((reason condition codes, dose), ...): a dose by the order's reason (strep throat)
    paediatric_reason: dict[str, tuple[tuple[frozenset[str], Paediatric], ...]]
    ckd_stage: dict[str, int]
    pregnancy: frozenset[str]
    #: condition group (conditions.csv ``group``: coronary_disease, heart_failure) -> codes
    condition_groups: dict[str, frozenset[str]]
    #: condition code -> the groups it belongs to (alternatives ``GROUP|CONDITION_GROUP`` by the order's reason)
    reason_groups: dict[str, frozenset[str]]
    #: drug classes a ``taking_class`` rule reads: ordering one re-checks the running orders
    review_classes: frozenset[str]
    #: class -> drug classes a ``taking_classes`` rule reads it for: ordering it re-checks running orders of those
    review_targets: dict[str, frozenset[str]]
    #: condition codes whose onset makes active orders be checked again
    triggers: frozenset[str]
    #: eGFR result codes, and (eGFR below, CKD stage) from the worst stage down
    egfr_codes: frozenset[str]
    #: care plan codes of hospice / comfort care (comfort_care.csv): starting one re-checks the running orders
    comfort_care: frozenset[str]
    #: result codes a ``condition_result_below`` or ``result_at_least`` rule reads (an MMSE, potassium): a new result
    #: re-checks the running orders
    result_triggers: frozenset[str]
    #: a ``result_at_least`` code -> its lowest threshold: a result below it re-checks nothing (most potassium results)
    result_floors: dict[str, float]
    gfr_stages: tuple[tuple[float, int], ...]
    #: rxcui -> the strength plan of its drug (strengths.csv, dosing.csv, dose_limits.csv)
    plans: dict[str, Plan]
    #: rxcui -> basal insulin dosing by weight (insulin.csv)
    insulin: dict[str, InsulinPlan]
    #: (ended condition code, drug class) -> candidate (successor reason code, days from the condition's onset or 0),
    #: in file order: the first one recorded as an active condition is taken (a stroke with or without residual deficit)
    successors: dict[tuple[str, str], tuple[tuple[dict[str, str], float], ...]]
    #: rxcui -> seconds a long-acting device or implant lasts once given (durations.csv)
    durations: dict[str, float]

    def stage_of_egfr(self, egfr: float) -> int:
        """The KDIGO G stage (3-5) an eGFR result implies, 0 when 60 or above."""
        for below, stage in self.gfr_stages:
            if egfr < below:
                return stage
        return 0


def _rows(name: str) -> list[dict[str, str]]:
    path = terminology_dir() / "prescribing" / name
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def class_groups(subject: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """``A|B+C`` -> (((A, B), (C,)), (A, B, C)): every group must be taken, any class of a group will do."""
    groups = tuple(tuple(c for c in g.split("|") if c) for g in subject.split("+"))
    return groups, tuple(c for g in groups for c in g)


def _review_targets(rules: dict[str, list[Rule]]) -> dict[str, frozenset[str]]:
    """class -> the drug classes whose running orders a ``taking_classes`` rule re-checks when it is started."""
    out: dict[str, set[str]] = {}
    for drug_class, rule_list in rules.items():
        for r in rule_list:
            if r.kind == "taking_classes":
                for c in class_groups(r.subject)[1]:
                    out.setdefault(c, set()).add(drug_class)
    return {c: frozenset(v) for c, v in out.items()}


@cache
def tables() -> Tables:
    """Load and cross-check the prescribing tables (a missing reference is an EhrsimError)."""
    ingredients = {r["ingredient"]: r for r in _rows("ingredients.csv")}
    classes = {r["class"]: r for r in _rows("classes.csv")}
    products: dict[str, Product] = {}
    for r in _rows("products.csv"):
        ings = _split(r["ingredients"])
        missing = [i for i in ings if i not in ingredients]
        if missing:
            raise EhrsimError(f"prescribing/products.csv: {r['rxcui']} names unknown ingredients {missing}")
        form = r["form"]
        cls: set[str] = set()
        for i in ings:
            for c in _split(ingredients[i]["classes"]):
                forms = _split(classes[c]["forms"]) if c in classes else ()
                if not forms or form in forms:
                    cls.add(c)
        approvals = []
        if r["us_approval_year"]:
            approvals.append((_after_year(r["us_approval_year"]), r["rxcui"]))
        approvals += [(_after_year(ingredients[i]["us_approval_year"]), i) for i in ings]
        withdrawals = [
            (_after_year(ingredients[i]["us_withdrawn_year"]), i) for i in ings if ingredients[i]["us_withdrawn_year"]
        ]
        products[r["rxcui"]] = Product(
            code=r["rxcui"],
            display=r["display"],
            ingredients=ings,
            classes=frozenset(cls),
            rule_keys=(*sorted(cls), f"rxcui:{r['rxcui']}"),
            duplicate_groups=frozenset(g for c in cls if (g := classes.get(c, {}).get("duplicate_group"))),
            form=form,
            route=ROUTES.get(form, "other"),
            dose_unit=r["dose_unit"],
            mg_per_ml=float(r["mg_per_ml"]) if r["mg_per_ml"] else None,
            mg_per_unit=_mg_per_unit(r["display"]) if form in ("oral_solid", "chewable") else None,
            approvals=tuple(sorted(((t, k) for t, k in approvals if t is not None), reverse=True)),
            withdrawals=tuple((t, k) for t, k in withdrawals if t is not None),
        )
    allergens = {
        r["code"]: (frozenset(_split(r["avoid_classes"])), frozenset(_split(r["caution_classes"])))
        for r in _rows("allergens.csv")
    }
    alternatives: dict[str, list[Alternative]] = {}
    for r in _rows("alternatives.csv"):
        if None in r or (r.get("from_year") and not r["from_year"].isdigit()):
            raise EhrsimError(f"prescribing/alternatives.csv: {r['group']}: extra fields (quote commas)")
        if r["rxcui"] not in products:
            raise EhrsimError(f"prescribing/alternatives.csv: {r['group']} names {r['rxcui']}, not in products.csv")
        alternatives.setdefault(r["group"], []).append(
            Alternative(
                r["route"],
                r["rxcui"],
                float(r["min_age_years"] or 0.0),
                float(r["max_age_years"] or 1e9),
                _from_year(r.get("from_year")),
            )
        )
    rules: dict[str, list[Rule]] = {}
    for r in _rows("rules.csv"):
        if r["kind"] not in RULE_KINDS or r["action"] not in ACTIONS:
            raise EhrsimError(f"prescribing/rules.csv: {r['rule']} has unknown kind or action")
        if r["alternatives"] and r["alternatives"] not in alternatives:
            raise EhrsimError(f"prescribing/rules.csv: {r['rule']} names unknown alternatives {r['alternatives']}")
        rules.setdefault(r["drug_class"], []).append(
            Rule(
                r["rule"],
                r["kind"],
                float(r["threshold"] or 0),
                r["subject"],
                r["action"],
                r["alternatives"],
                r["rationale"],
            )
        )
    interactions: dict[str, list[tuple[str, str, str, str, float]]] = {}
    for r in _rows("interactions.csv"):
        rule = f"interaction_{r['ordered_class']}_{r['active_class']}"
        washout = float(r["washout_hours"] or 0) * 3600.0
        interactions.setdefault(r["ordered_class"], []).append(
            (r["active_class"], r["action"], rule, r["rationale"], washout)
        )
    paediatric = {}
    paediatric_rows: list[tuple[str, str, Paediatric]] = []
    for r in _rows("paediatric.csv"):
        if r["liquid_rxcui"] not in products:
            raise EhrsimError(f"prescribing/paediatric.csv: {r['liquid_rxcui']} is not in products.csv")
        paed = Paediatric(
            r["liquid_rxcui"], float(r["mg_per_kg_per_dose"]), int(r["doses_per_day"]), float(r["max_mg_per_dose"])
        )
        if r["reason_group"]:
            paediatric_rows.append((r["ingredients"], r["reason_group"], paed))
        else:
            paediatric[r["ingredients"]] = paed
    conditions = _rows("conditions.csv")
    ckd = {r["code"]: int(r["ckd_stage"]) for r in conditions if r["ckd_stage"]}
    pregnancy = frozenset(r["code"] for r in conditions if r["pregnancy"])
    groups: dict[str, set[str]] = {}
    for r in conditions:
        if r["group"]:
            groups.setdefault(r["group"], set()).add(r["code"])
    known = {c for r in ingredients.values() for c in _split(r["classes"])}
    for rule_list in rules.values():
        for checked in rule_list:
            if checked.kind == "age_below" and checked.subject and not checked.subject.isdigit():
                raise EhrsimError(f"prescribing/rules.csv: {checked.rule} needs a start year in subject")
            if checked.kind == "taking_classes" and not all(c in known for c in class_groups(checked.subject)[1]):
                raise EhrsimError(f"prescribing/rules.csv: {checked.rule} names an unknown class in {checked.subject}")
            if checked.kind == "condition_result_below" and not _groups_known(checked.subject, groups, (0, 2)):
                raise EhrsimError(f"prescribing/rules.csv: {checked.rule} needs GROUP:RESULT_CODE[:UNLESS] in subject")
            if checked.kind == "primary_prevention" and not (
                _groups_known(checked.subject, groups, (0,)) and checked.subject.partition(":")[2].isdigit()
            ):
                raise EhrsimError(f"prescribing/rules.csv: {checked.rule} needs GROUP:YEAR in subject")
            if checked.kind == "has_condition" and checked.subject not in groups:
                raise EhrsimError(
                    f"prescribing/rules.csv: {checked.rule} names unknown condition group {checked.subject}"
                )
    return Tables(
        products=products,
        allergens=allergens,
        rules={k: tuple(v) for k, v in rules.items()},
        interactions={k: tuple(v) for k, v in interactions.items()},
        alternatives={k: tuple(v) for k, v in alternatives.items()},
        paediatric=paediatric,
        paediatric_reason={
            key: tuple((frozenset(groups[g]), p) for k, g, p in paediatric_rows if k == key)
            for key in {k for k, _, _ in paediatric_rows}
        },
        ckd_stage=ckd,
        pregnancy=pregnancy,
        condition_groups={k: frozenset(v) for k, v in groups.items()},
        reason_groups={
            code: frozenset(g for g, codes in groups.items() if code in codes) for code in set().union(*groups.values())
        },
        review_classes=frozenset(r.subject for v in rules.values() for r in v if r.kind == "taking_class"),
        review_targets=_review_targets(rules),
        triggers=frozenset(c for c, s in ckd.items() if s >= 3)
        | pregnancy
        | {c for g in {r.subject for v in rules.values() for r in v if r.kind == "has_condition"} for c in groups[g]},
        egfr_codes=frozenset(r["code"] for r in _rows("egfr.csv")),
        comfort_care=frozenset(r["code"] for r in _rows("comfort_care.csv")),
        result_triggers=frozenset(
            r.subject.split(":")[1] for v in rules.values() for r in v if r.kind == "condition_result_below"
        )
        | {
            c
            for v in rules.values()
            for r in v
            if r.kind == "result_at_least"
            for c in r.subject.split(":")[0].split(";")
        },
        result_floors=_result_floors(rules),
        gfr_stages=tuple(
            sorted(((float(r["egfr_below"]), int(r["stage"])) for r in _rows("gfr_stages.csv")), reverse=False)
        ),
        plans=load_plans(set(products), set(groups)),
        insulin=load_insulin(set(products)),
        successors=load_successors(),
        durations={r["rxcui"]: float(r["years"]) * 365.25 * 86400.0 for r in _rows("durations.csv")},
    )


def load_successors() -> dict[tuple[str, str], tuple[tuple[dict[str, str], float], ...]]:
    """successors.csv: the candidates of each (ended condition, drug class), in file order."""
    out: dict[tuple[str, str], tuple[tuple[dict[str, str], float], ...]] = {}
    for r in _rows("successors.csv"):
        code = {"system": r["successor_system"], "code": r["successor_code"], "display": r["successor_display"]}
        key = (r["ended_code"], r["drug_class"])
        out[key] = (*out.get(key, ()), (code, float(r["max_days"] or 0)))
    return out


def _groups_known(subject: str, groups: dict[str, set[str]], at: tuple[int, ...]) -> bool:
    """A ``:``-separated subject has at least two parts, and those at the positions ``at`` (when present) name
    known condition groups."""
    parts = subject.split(":")
    return len(parts) >= 2 and all(parts[i] in groups for i in at if i < len(parts))


def _result_floors(rules: dict[str, list[Rule]]) -> dict[str, float]:
    """Result code -> the lowest threshold of the ``result_at_least`` rules reading it."""
    out: dict[str, float] = {}
    for v in rules.values():
        for r in v:
            if r.kind == "result_at_least":
                for code in r.subject.split(":")[0].split(";"):
                    out[code] = min(out.get(code, r.threshold), r.threshold)
    return out
