"""One mutation of a valid module: each returns (module, submodules, state touched or None, what it did)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.grammar import ODD_VALUES, SUBMODULE

DEEP = "__deep_not_conditions__"
Case = tuple[dict[str, Any], dict[str, Any], str | None, str]
Path_ = tuple[Any, ...]


def _paths(node: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every key/index path inside a JSON value (containers and leaves)."""
    out: list[Path_] = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((*prefix, k))
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((*prefix, i))
            out.extend(_paths(v, (*prefix, i)))
    return out


def _parent(doc: Any, path: Path_) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


def _state_of(path: Path_) -> str | None:
    return path[1] if len(path) > 1 and path[0] == "states" else None


@st.composite
def mutated(draw: st.DrawFn, module: dict[str, Any]) -> Case:
    doc = copy.deepcopy(module)
    subs: dict[str, Any] = {}
    kind = draw(
        st.sampled_from(
            (
                "replace",
                "replace",
                "delete",
                "dangling",
                "self_loop",
                "instant_cycle",
                "negative_delay",
                "huge_delay",
                "recursive_submodule",
                "deep_nesting",
                "rename_key",
            )
        )
    )
    names = [n for n in doc["states"] if n != "Initial"]
    paths = _paths(doc)
    if kind in ("replace", "delete", "rename_key"):
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        if kind == "replace":
            parent[path[-1]] = draw(st.sampled_from(ODD_VALUES))
        elif kind == "delete":
            if isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.pop(path[-1])
        elif isinstance(parent, dict):
            parent[f"{path[-1]}_typo"] = parent.pop(path[-1])
        return doc, subs, _state_of(path), f"{kind} {'/'.join(map(str, path))}"
    state = draw(st.sampled_from(names))
    body = doc["states"][state]
    if kind == "dangling":
        refs = [
            k
            for k in (
                "target_encounter",
                "condition_onset",
                "medication_order",
                "careplan",
                "allergy_onset",
                "device",
                "reason",
                "submodule",
                "direct_transition",
            )
            if k in body
        ]
        key = draw(st.sampled_from(refs)) if refs else "direct_transition"
        if key not in body:
            for k in [k for k in body if k.endswith("_transition")]:
                del body[k]
        body[key] = "Nowhere"
    elif kind in ("self_loop", "instant_cycle"):
        for k in [k for k in body if k.endswith("_transition")]:
            del body[k]
        if body.get("type") == "Terminal":
            body["type"] = "Simple"
        if kind == "self_loop":
            doc["states"][state] = {"type": "Simple", "direct_transition": state}
        else:
            doc["states"][state] = {"type": "Simple", "direct_transition": "Cycle_B"}
            doc["states"]["Cycle_B"] = {"type": "Simple", "direct_transition": state}
        doc["states"]["Initial"]["direct_transition"] = state
    elif kind in ("negative_delay", "huge_delay"):
        quantity = (
            draw(st.sampled_from((-1, -1e9)))
            if kind == "negative_delay"
            else draw(st.sampled_from((1e300, 10**30, 1e15, 1e-300)))
        )
        doc["states"][state] = {
            "type": "Delay",
            "exact": {"quantity": quantity, "unit": "seconds"},
            "direct_transition": state,
        }
    elif kind == "recursive_submodule":
        depth = draw(st.integers(1, 30))
        doc["states"][state] = {"type": "CallSubmodule", "submodule": "fuzz/r0", "direct_transition": "Terminal"}
        doc["states"]["Initial"]["direct_transition"] = state
        for i in range(depth):
            nxt = f"fuzz/r{i + 1}" if i + 1 < depth else draw(st.sampled_from(("fuzz/r0", SUBMODULE)))
            subs[f"fuzz/r{i}"] = {
                "name": f"r{i}",
                "states": {
                    "Initial": {"type": "Initial", "direct_transition": "Call"},
                    "Call": {"type": "CallSubmodule", "submodule": nxt, "direct_transition": "Terminal"},
                    "Terminal": {"type": "Terminal"},
                },
            }
    else:  # deep_nesting
        depth = draw(st.sampled_from((40, 97, 150, 5000, 200_000)))
        # written as text by ``to_json`` (json.dumps itself cannot nest this deep)
        doc["states"][state] = {"type": "Guard", "allow": {DEEP: depth}, "direct_transition": "Terminal"}
    return doc, subs, state, kind


def to_json(doc: Any) -> str:
    """JSON text, expanding a ``{DEEP: n}`` marker into n nested Not conditions."""
    text = json.dumps(doc)
    marker = json.dumps({DEEP: 0})[:-2]  # '{"__deep_not_conditions__": '
    while marker in text:
        start = text.index(marker)
        end = text.index("}", start)
        depth = int(text[start + len(marker) : end])
        nested = '{"condition_type": "Not", "condition": ' * depth + '{"condition_type": "True"}' + "}" * depth
        text = text[:start] + nested + text[end + 1 :]
    return text
