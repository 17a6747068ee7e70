"""Module attributes that stand for a latent disease (terminology/physiology/latent_attributes.csv).

A module such as osteoporosis keeps the true state (bone loss reached osteoporosis) in an attribute and
records the condition only when a test finds it. Surveys such as NHANES measure everyone, diagnosed or
not, so the record's ``latent`` block names when each such state began: the truth to compare with them.
"""

from __future__ import annotations

from functools import cache

from ehrsim.core.tables import rows

__all__ = ["attribute_codes", "conditions"]


@cache
def attribute_codes() -> dict[str, str]:
    """Attribute name -> SNOMED CT code of the disease it stands for."""
    return {r["attribute"]: r["code"] for r in rows("physiology/latent_attributes.csv")}


def conditions(onsets: dict[str, float], end_time: float) -> dict[str, int]:
    """code -> onset time of the latent states noted by ``end_time`` (``onsets``: attribute -> first time true)."""
    codes = attribute_codes()
    return {codes[name]: int(t) for name, t in onsets.items() if t <= end_time}
