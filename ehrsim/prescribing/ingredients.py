"""Duplicate therapy by ingredient, and the maximum daily dose summed over every running order of an ingredient.

The class check (classes.csv duplicate groups) sees two statins; it did not see acetaminophen twice: an as-needed
acetaminophen 325 mg course for severe pain added to a chronic acetaminophen 500 mg gave up to 5.6 g a day at 87
(CLOSING8 chart 4). ``ingredient_limits.csv`` says, per ingredient, what a new order sharing it with a running one
does (``keep_running``: a short course of a drug the running order already gives is not written; ``replace``: the
new order replaces the running one) and the labelled maximum a day (a lower one from an age), checked on the sum of
all running orders of the ingredient; a new order above it is given fewer doses a day, or withheld.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows
from ehrsim.errors import EhrsimError
from ehrsim.prescribing import running

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product

ACTIONS = ("keep_running", "replace")
_SECONDS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0, "weeks": 604800.0, "months": 2629800.0}
_UNIT_DOSES = ("{tablet}", "{capsule}", "{patch}", "{lozenge}", "{suppository}")


@dataclass(frozen=True, slots=True)
class Limit:
    ingredient: str
    duplicate_action: str
    max_mg: float | None
    max_mg_older: float | None
    older_from: float

    def limit(self, age: float) -> float | None:
        if self.max_mg_older is not None and age >= self.older_from:
            return self.max_mg_older
        return self.max_mg


@cache
def limits() -> dict[str, Limit]:
    """ingredient -> its duplicate action and maximum a day (prescribing/ingredient_limits.csv)."""
    out = {}
    for r in rows("prescribing/ingredient_limits.csv"):
        if r["duplicate_action"] not in ACTIONS or not r["source"]:
            raise EhrsimError(f"prescribing/ingredient_limits.csv: {r['ingredient']}: bad action or no source")
        try:
            out[r["ingredient"]] = Limit(
                r["ingredient"],
                r["duplicate_action"],
                float(r["max_mg_a_day"]) if r["max_mg_a_day"] else None,
                float(r["max_mg_a_day_older"]) if r["max_mg_a_day_older"] else None,
                float(r["older_from_age"]) if r["older_from_age"] else math.inf,
            )
        except ValueError as exc:
            raise EhrsimError(f"prescribing/ingredient_limits.csv: {r['ingredient']}: {exc}") from exc
    return out


@cache
def _strength(display: str, ingredient: str) -> tuple[float, bool] | None:
    """(mg of ``ingredient`` in one unit, or in one mL when the second is True) read from an RxNorm display."""
    words = re.escape(ingredient.split(" ")[0])
    found = re.search(rf"\b{words}[a-z ,]*? ([\d.]+) MG(/ML)?", display, re.IGNORECASE)
    if found is None:
        return None
    return float(found.group(1)), found.group(2) is not None


def mg_a_day(dosage: dict[str, Any] | None, product: Product, ingredient: str) -> float | None:
    """The mg of ``ingredient`` a day an order's dosage gives; None when it cannot be told (then not judged)."""
    if not dosage:
        return None
    amount = dosage.get("amount")
    period = float(dosage.get("period") or 0) * _SECONDS.get(str(dosage.get("unit") or ""), 0.0)
    if not isinstance(amount, int | float) or period <= 0:
        return None
    unit = dosage.get("dose_unit")
    strength = _strength(product.display, ingredient)
    if unit == "mg" and dosage.get("mg_of", product.ingredients[0]) == ingredient:
        mg = float(amount)
    elif strength is None:
        return None
    elif unit == "mL" and strength[1]:
        mg = float(amount) * strength[0]
    elif unit in _UNIT_DOSES and not strength[1]:
        mg = float(dosage.get("units_per_dose") or amount) * strength[0]
    else:
        return None
    return mg * float(dosage.get("frequency") or 1) * 86400.0 / period


def duplicate(ph: Pharmacy, chosen: Product, fields: dict[str, Any], t: float) -> tuple[str, str] | None:
    """Settle a new order sharing a listed ingredient with a running one: (rule, reason) when the new order is not
    to be written (the running order already gives it); else running orders it duplicates are stopped (replaced)."""
    table = limits()
    mine = set(chosen.ingredients)
    if not mine & table.keys():
        return None
    for entry, product in running.current(ph, t):
        if product is None:
            continue
        shared = sorted(mine & set(product.ingredients) & table.keys())
        if not shared:
            continue
        ing = shared[0]
        reason = f"duplicate therapy: {ing} in {product.display} already taken"
        short = not fields.get("chronic") and (entry["stop"] is None or (fields["stop"] or math.inf) <= entry["stop"])
        if table[ing].duplicate_action == "keep_running" and mine <= set(product.ingredients) and short:
            return "duplicate_ingredient", reason
        if product is not chosen and not chosen.duplicate_groups & product.duplicate_groups:
            ph.replace(entry, t, "duplicate_ingredient", f"duplicate therapy: {ing} in {chosen.display}")
    return None


def cap(ph: Pharmacy, fields: dict[str, Any], chosen: Product, age: float, t: float) -> tuple[str, str] | None:
    """Keep the sum of every running order of a listed ingredient within its maximum a day: fewer doses a day
    (or one unit a dose) for the new order, recorded; (rule, reason) when no dose of it fits."""
    table = limits()
    for ing in chosen.ingredients:
        limit = table[ing].limit(age) if ing in table else None
        if limit is None:
            continue
        new = mg_a_day(fields.get("dosage"), chosen, ing)
        if new is None:
            continue
        others = 0.0
        for entry, product in running.current(ph, t):
            if product is not None and ing in product.ingredients and entry is not fields:
                others += mg_a_day(entry.get("dosage"), product, ing) or 0.0
        if others + new <= limit * 1.001:
            continue
        dosage = dict(fields["dosage"])
        allowed = limit - others
        per_day_per_freq = new / float(dosage.get("frequency") or 1)  # mg a day one dose in each period gives
        frequency = math.floor(allowed / per_day_per_freq + 1e-9) if per_day_per_freq > 0 else 0
        reason = f"{ing} {others + new:g} mg a day above the maximum of {limit:g} mg"
        if frequency < 1 and dosage.get("dose_unit") in _UNIT_DOSES and float(dosage.get("amount") or 0) > 1:
            per_unit = per_day_per_freq / float(dosage.get("units_per_dose") or dosage["amount"])
            dosage["amount"] = 1.0
            dosage.pop("units_per_dose", None)
            per_day_per_freq = per_unit
            frequency = math.floor(allowed / per_unit + 1e-9)
        if frequency < 1:
            return "max_daily_dose", f"{reason}: no dose fits"
        dosage["frequency"] = frequency
        fields["dosage"] = dosage
        note = fields.get("prescribing") or {}
        fields["prescribing"] = {**note, "dose_capped": f"{reason}: {frequency * per_day_per_freq:g} mg a day"}
        ph.log(t, "dose_capped", "max_daily_dose", reason, fields["codes"][0], fields["codes"][0])
    return None


def shares_running(ph: Pharmacy, chosen: Product, t: float) -> bool:
    """A running order already gives a listed ingredient of ``chosen`` (a waiting order's substitute is not added)."""
    mine = set(chosen.ingredients) & limits().keys()
    return bool(mine) and any(p is not None and mine & set(p.ingredients) for _, p in running.current(ph, t))
