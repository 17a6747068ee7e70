"""The patient's running orders: what is taken now, and what a new order stops or replaces.

Interactions that stop a running drug (with the washout before the new one may start), duplicate
therapy, and long-acting devices still in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    durations = ph.rx.durations
    lasts = durations[product.code]
    running = next((e for e, p in current(ph, t) if p is product and t < e["start"] + lasts), None)
    if running is not None:
        return running
    conceived = ph.last_conception
    for e in reversed(ph.sim.rec.lists["medications"]):
        given = durations.get(e["codes"][0]["code"])
        if given is None or not e.get("administered") or not e["start"] <= t < e["start"] + given:
            continue
        if e.get("chronic") and e["stop"] is not None and e["stop"] <= t:
            continue  # a device the module removed (MedicationEnd)
        if conceived is not None and conceived > e["start"]:
            continue  # removed for (or by) a pregnancy since
        return e
    return None


def taking(ph: Pharmacy, chosen: Product, t: float) -> bool:
    """Already on this drug or one of its duplicate group (a switch to it would duplicate)."""
    return any(
        p is chosen or (p is not None and chosen.duplicate_groups & p.duplicate_groups) for _, p in current(ph, t)
    )


def active_class(ph: Pharmacy, cls: str, t: float) -> bool:
    return any(product is not None and cls in product.classes for _, product in current(ph, t))


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
