"""organizations.csv and providers.csv from the run's world; the payer and claim files get
their header only until ehrsim has an insurance and cost model."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ehrsim.exporters.csv.lines import flat_line


def organization_lines(world: Any, line: Callable[[Any], bytes] = flat_line) -> Iterator[bytes]:
    for org in getattr(world, "organizations", None) or []:
        a = org.get("address") or {}
        yield line(
            [
                org["id"],
                org.get("name", ""),
                a.get("line", ""),
                a.get("city", ""),
                a.get("state_abbr") or a.get("state", ""),
                a.get("zip", ""),
                a.get("lat"),
                a.get("lon"),
                org.get("phone", ""),
                None,
                None,
            ]
        )


def provider_lines(world: Any, line: Callable[[Any], bytes] = flat_line) -> Iterator[bytes]:
    for pr in getattr(world, "practitioners", None) or []:
        a = pr.get("address") or {}
        name = " ".join(x for x in (pr.get("first", ""), pr.get("last", "")) if x)
        yield line(
            [
                pr["id"],
                pr.get("organization") or "",
                name,
                pr.get("gender", ""),
                pr.get("specialty", ""),
                a.get("line", ""),
                a.get("city", ""),
                a.get("state_abbr") or a.get("state", ""),
                a.get("zip", ""),
                a.get("lat"),
                a.get("lon"),
                None,
                None,
            ]
        )
