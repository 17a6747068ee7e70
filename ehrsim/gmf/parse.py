"""Parsing one module file: JSON, nesting depth and every state, with each problem collected (``_Problems``)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ehrsim.gmf.module import Module, Node, link
from ehrsim.gmf.states import STATE_TYPES, State
from ehrsim.gmf.states.clinical import ConditionOnset
from ehrsim.gmf.transitions import TRANSITION_KEYS

MODULE_KEYS = {"name", "states", "remarks", "gmf_version", "specialty"}
#: deepest JSON nesting a module may have (Synthea's deepest is far below; conditions recurse at run time)
MAX_NESTING = 100


class _Problems:
    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.notices: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def tolerable(self, where: str, message: str) -> None:
        (self.warnings if self.lenient else self.errors).append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        """Worth a look but never an error (unreachable states, unknown code systems...)."""
        self.notices.append(f"{where}: {message}")


def _read_json(file: Path, problems: _Problems) -> tuple[bytes, Any] | None:
    """(bytes, parsed JSON), or None after reporting why it cannot be read."""
    where = str(file)
    try:
        text = file.read_bytes()
    except OSError as exc:
        problems.error(where, f"cannot read: {exc.strerror or exc}")
        return None
    try:
        return text, json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.error(where, f"not valid JSON: {exc}")
    except RecursionError:
        state = _deepest_state(text)
        problems.error(f"{where}: {state}" if state else where, "JSON nested too deeply to be a module")
    return None


_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"(?:\s*:)?|[{}\[\]]')


def _deepest_state(text: bytes) -> str | None:
    """The state whose body first nests past ``MAX_NESTING`` (a text scan: the parser gave up)."""
    keys: list[bytes | None] = []  # the key each open container is the value of
    pending: bytes | None = None
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in (b"{", b"["):
            keys.append(pending)
            pending = None
            if len(keys) > MAX_NESTING:
                if len(keys) > 2 and keys[1] == b'"states"' and keys[2]:
                    return json.loads(keys[2]).strip() or None
                return None
        elif token in (b"}", b"]"):
            if keys:
                keys.pop()
            pending = None
        elif token.endswith(b":"):  # a key (a string value leaves ``pending`` as it was)
            pending = token.rstrip(b": \t\r\n")
    return None


def _parse_state(raw: dict[str, Any], name: str, where: str, problems: _Problems) -> State | None:
    kind = raw.get("type")
    cls = STATE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        problems.error(where, f"unknown state type {kind!r} (valid: {', '.join(sorted(STATE_TYPES))})")
        return None
    data = dict(raw, name=name)
    present = [k for k in TRANSITION_KEYS if k in data]
    if len(present) > 1:
        problems.tolerable(where, f"{len(present)} transitions ({', '.join(present)}); only {present[0]} is used")
        for k in present[1:]:
            data.pop(k)
    for _attempt in range(20):
        context: dict[str, Any] = {"lenient": problems.lenient, "warnings": []}
        try:
            state = cls.model_validate(data, context=context)
            for w in context["warnings"]:
                problems.tolerable(where, w)
            return state
        except RecursionError:
            problems.error(where, "nested too deeply (conditions inside conditions without end?)")
            return None
        except ValidationError as exc:
            extras = [e for e in exc.errors() if e["type"] == "extra_forbidden"]
            others = [e for e in exc.errors() if e["type"] != "extra_forbidden"]
            key = next((k for k in TRANSITION_KEYS if k in data), "transition")
            for e in others:
                shown = [key if p == "options" and i == 0 else p for i, p in enumerate(e["loc"])]
                path = ".".join(str(p) for p in shown)
                message = str(e["msg"]).removeprefix("Value error, ")
                problems.error(where, f"{path + ': ' if path else ''}{message}")
            for e in extras:
                problems.tolerable(where, f"unknown key {'.'.join(str(p) for p in e['loc'])!r}")
            if others or not extras or not problems.lenient:
                return None
            for e in extras:
                loc: tuple[Any, ...] = tuple(e["loc"])
                if loc and loc[0] == "options":  # raised while building the transition
                    loc = (next(k for k in TRANSITION_KEYS if k in data), *loc[1:])
                _delete(data, loc)
    problems.error(where, "could not be repaired in lenient mode")
    return None


def _delete(data: Any, loc: tuple[Any, ...]) -> None:
    for part in loc[:-1]:
        if (isinstance(data, dict) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        ):
            data = data[part]
        else:
            return  # a union branch name in the location: nothing to delete here
    if isinstance(data, dict):
        data.pop(loc[-1], None)


def _parse_module(path: str, file: Path, problems: _Problems) -> Module | None:
    where = str(file)
    read = _read_json(file, problems)
    if read is None:
        return None
    text, raw = read
    if not isinstance(raw, dict) or not isinstance(raw.get("states"), dict):
        problems.error(where, "a module is an object with a 'states' object")
        return None
    too_deep = [
        (name, key)
        for name, body in raw["states"].items()
        if isinstance(body, dict)
        for key, value in body.items()
        if _depth(value) > MAX_NESTING
    ]
    for name, key in too_deep:
        problems.error(f"{where}: {name}", f"{key}: nested more than {MAX_NESTING} levels deep")
    if too_deep:
        return None
    for key in sorted(set(raw) - MODULE_KEYS):
        problems.tolerable(where, f"unknown module key {key!r}")
    version = raw.get("gmf_version")
    if version is not None and (not isinstance(version, int | float) or version > 2):
        problems.error(where, f"gmf_version {version!r} is not supported (1 or 2)")
    states: dict[str, State] = {}
    broken: set[str] = set()
    for name, body in raw["states"].items():
        if not isinstance(body, dict):
            problems.error(f"{where}: {name}", "a state must be an object")
            broken.add(name)
            continue
        state = _parse_state(body, name, f"{where}: {name}", problems)
        if state is not None:
            states[name] = state
        else:
            broken.add(name)
    if "Initial" not in raw["states"]:
        problems.error(where, "no state named 'Initial'")
    onsets = {n: s.codes for n, s in states.items() if isinstance(s, ConditionOnset)}
    return Module(
        path=path,
        file=file,
        name=str(raw.get("name", path)),
        states=states,
        specialty=raw.get("specialty"),
        gmf_version=version,
        sha256=hashlib.sha256(text).hexdigest(),
        onset_codes=onsets,
        nodes=link({n: Node(s) for n, s in states.items()}),
        broken=frozenset(broken),
    )


def _depth(raw: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest = 0
    stack = [(raw, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return deepest
