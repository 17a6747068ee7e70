"""The patient's running orders: what is taken now, and what a new order stops or replaces.

Interactions that stop a running drug (with the washout before the new one may start), duplicate
therapy, and long-acting devices still in place.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

from ehrsim.core.tables import rows

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Product


def current(ph: Pharmacy, t: float) -> list[tuple[dict[str, Any], Product | None]]:
    """Active, ongoing orders (single administrations are never active) with their products."""
    seen: set[int] = set()
    out = []
    for entry in ph.sim.active["medications"].values():
        if id(entry) in seen or (entry["stop"] is not None and entry["stop"] <= t):
            continue
        seen.add(id(entry))
        out.append((entry, ph.rx.products.get(entry["codes"][0]["code"])))
    return out


def in_place(ph: Pharmacy, product: Product, t: float) -> dict[str, Any] | None:
    """The running order of this long-acting device or implant still within its labelled duration; else the last
    insertion of any listed device or implant still within its own duration. An insertion a library records as a
    one-off administration (Synthea's contraceptive modules) ends with its visit, yet the device stays in place:
    a yearly change of method is not a removal and a new insertion (28 of 96 re-insertions within 2 years)."""
    running = next(
        (e for e, p in current(ph, t) if p is product and t < e["start"] + (life(ph, p.code, e["start"]) or 0.0)), None
    )
    if running is not None:
        return running
    conceived = ph.last_conception
    for e in reversed(ph.sim.rec.lists["medications"]):
        given = life(ph, e["codes"][0]["code"], e["start"])
        if given is None or not e.get("administered") or not e["start"] <= t < e["start"] + given:
            continue
        if e.get("chronic") and e["stop"] is not None and e["stop"] <= t:
            continue  # a device the module removed (MedicationEnd)
        if conceived is not None and conceived > e["start"]:
            continue  # removed for (or by) a pregnancy since
        return e
    return None


@cache
def _life_eras() -> dict[str, tuple[tuple[float, float], ...]]:
    """Device rxcui -> (from time, seconds) of label extensions, oldest first (prescribing/device_life_eras.csv)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for r in rows("prescribing/device_life_eras.csv"):
        since = dt.datetime.fromisoformat(r["from_date"]).replace(tzinfo=dt.UTC).timestamp()
        out.setdefault(r["rxcui"], []).append((since, float(r["years"]) * 365.25 * 86400.0))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def life(ph: Pharmacy, code: str, inserted: float) -> float | None:
    """Seconds a device inserted at ``inserted`` stays in place: its label then (Mirena 5, 7 from 2021, 8 from 2022)."""
    lasts = ph.rx.durations.get(code)
    if lasts is None:
        return None
    for since, seconds in _life_eras().get(code, ()):
        if inserted >= since:
            lasts = seconds
    return lasts


@cache
def removals() -> dict[str, str]:
    """Device rxcui -> the SNOMED CT code of the procedure that removes it (prescribing/durations.csv)."""
    return {r["rxcui"]: r["removal"] for r in rows("prescribing/durations.csv")}


def keeps_device(ph: Pharmacy, entry: dict[str, Any], t: float) -> bool:
    """A module ends (MedicationEnd) a device still within its labelled life with no removal recorded in the day
    before and no pregnancy since the insertion: the device stays in place. Synthea's contraceptive modules clear
    the method at each yearly change (364 days after an IUS insertion) without a removal; the device ends at its
    labelled life, or when a removal is recorded (our module records one, then ends the order)."""
    code = entry["codes"][0]["code"]
    lasts = life(ph, code, entry["start"])
    if not lasts or not entry.get("administered") or entry.get("chronic") or t >= entry["start"] + lasts:
        return False
    conceived = ph.last_conception
    if conceived is not None and conceived > entry["start"]:
        return False  # removed for (or by) a pregnancy
    removal = removals().get(code)
    for p in reversed(ph.sim.rec.lists["procedures"]):
        if p["start"] < t - 86400.0:
            break
        if p["codes"][0]["code"] == removal:
            return False
    return True


def taking(ph: Pharmacy, chosen: Product, t: float) -> bool:
    """Already on this drug or one of its duplicate group (a switch to it would duplicate)."""
    return any(
        p is chosen or (p is not None and chosen.duplicate_groups & p.duplicate_groups) for _, p in current(ph, t)
    )


def active_class(ph: Pharmacy, cls: str, t: float, besides: Product | None = None) -> bool:
    """A running order of the class; ``besides``: not counting orders of that same drug (any strength), which a new
    order of it continues (sacubitril/valsartan re-ordered to titrate it is no ARB added to the ARNI)."""
    return any(
        product is not None
        and cls in product.classes
        and (besides is None or product.ingredients != besides.ingredients)
        for _, product in current(ph, t)
    )


def stop_interacting(ph: Pharmacy, chosen: Product, t: float) -> float:
    """Stop running orders the new one must not overlap; returns the washout before it may start."""
    washout = 0.0
    for key in chosen.classes:
        for active, action, rule, rationale, wait in ph.rx.interactions.get(key, ()):
            if action != "stop_active":
                continue
            for entry, product in current(ph, t):
                if product is not None and active in product.classes:
                    ph._stop(entry, t, "stopped", rule, rationale)
            if wait:  # also when the module itself stopped it just before: wait out the rest
                washout = max(washout, since_stopped(ph, active, t, wait))
    return washout


def since_stopped(ph: Pharmacy, cls: str, t: float, wait: float) -> float:
    """How long the new order must still wait after the last order of ``cls`` stopped (0 if long ago)."""
    latest = -float("inf")
    for entry in ph.sim.rec.lists["medications"]:  # only for orders with a washout (rare)
        stop = entry["stop"]
        if stop is not None and t - wait < stop <= t:
            product = ph.rx.products.get(entry["codes"][0]["code"])
            if product is not None and cls in product.classes:
                latest = max(latest, stop)
    return max(0.0, latest + wait - t)


def replace_duplicates(ph: Pharmacy, chosen: Product, t: float) -> None:
    """A new order of the same drug or duplicate group replaces the older one."""
    for entry, product in current(ph, t):
        if product is None:
            continue
        if product is chosen or chosen.duplicate_groups & product.duplicate_groups:
            group = min(chosen.duplicate_groups & product.duplicate_groups, default="same drug")
            ph.replace(entry, t, "duplicate_therapy", f"duplicate therapy: {group.replace('_', ' ')}")


def written_now(ph: Pharmacy, chosen: Product, t: float, stop: float | None) -> bool:
    """A running order of this very product was written at this instant (by another order of the same visit) and
    lasts as long as an order stopping at ``stop`` would."""
    return any(
        p is chosen and entry["start"] == t and (entry["stop"] is None or (stop is not None and stop <= entry["stop"]))
        for entry, p in current(ph, t)
    )
