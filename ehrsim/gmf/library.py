"""Loading a module library: every JSON file under one or more folders, checked all at once.

Strict by default: every problem in every file is collected and raised as one ``ModuleError``
(``file: state: message``). With ``lenient`` the problems Synthea itself tolerates (unknown keys,
several transition keys, weights that do not sum to 1, unknown reasons) become warnings, so
Synthea's own library loads unchanged.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ehrsim.errors import ModuleError
from ehrsim.gmf import checks
from ehrsim.gmf.lookup import LookupTable
from ehrsim.gmf.states import STATE_TYPES, State
from ehrsim.gmf.states.clinical import ConditionOnset
from ehrsim.gmf.transitions import TRANSITION_KEYS, Distributed
from ehrsim.gmf.transitions import LookupTable as LookupTransition
from ehrsim.gmf.values import Code

log = logging.getLogger(__name__)
MODULE_KEYS = {"name", "states", "remarks", "gmf_version", "specialty"}
#: deepest JSON nesting a module may have (Synthea's deepest is far below; conditions recurse at run time)
MAX_NESTING = 100


class Node:
    """A state's hot-path view: bound methods in slots, so the engine skips model attribute lookups."""

    __slots__ = ("name", "next_state", "process", "state")

    def __init__(self, state: State) -> None:
        self.name = state.name
        self.state = state
        self.process = state.process
        transition = state.transition
        self.next_state = transition.next_state if transition is not None else None


@dataclass(frozen=True, eq=False)
class Module:
    """A parsed module: frozen state definitions shared by all patients."""

    path: str  # e.g. "heart/cabg/operation" (relative, no .json)
    file: Path
    name: str
    states: dict[str, State]
    specialty: str | None
    gmf_version: float | None
    sha256: str
    #: ConditionOnset state name -> its codes, for ``reason`` and ``condition_onset`` lookups
    onset_codes: dict[str, tuple[Code, ...]] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    #: states that failed to parse (references to them are not reported again)
    broken: frozenset[str] = frozenset()

    @property
    def submodule(self) -> bool:
        return "/" in self.path


@dataclass
class Library:
    modules: dict[str, Module]
    lookup_tables: dict[str, LookupTable]
    #: problems tolerated under ``lenient`` (repaired or ignored as Synthea does)
    warnings: list[str]
    #: never errors, even strictly: unreachable states, unknown code systems, attributes nothing writes
    notices: list[str] = field(default_factory=list)

    def top_level(self, only: tuple[str, ...] = ()) -> list[Module]:
        """Modules every patient runs from birth, in Synthea's (alphabetical) order."""
        mods = [m for p, m in sorted(self.modules.items()) if not m.submodule]
        if only:
            mods = [
                m for m in mods if any(fnmatch.fnmatch(m.path, pat) or fnmatch.fnmatch(m.name, pat) for pat in only)
            ]
        return mods

    def hashes(self) -> dict[str, str]:
        return {p: m.sha256 for p, m in sorted(self.modules.items())}


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


def _files(folders: list[Path]) -> dict[str, tuple[Path, Path]]:
    """module path -> (file, root); later folders override earlier ones by module path."""
    found: dict[str, tuple[Path, Path]] = {}
    for root in folders:
        if not root.is_dir():
            raise ModuleError([f"{root}: module folder does not exist"])
        for file in sorted(root.rglob("*.json")):
            rel = file.relative_to(root).with_suffix("").as_posix()
            parts = rel.split("/")
            if len(parts) > 1 and parts[0] in ("lookup_tables", "physiology"):
                continue  # data folders beside the modules, not modules
            if any(part.startswith(".") for part in parts):
                continue  # hidden folders (a run's .ehrsim/, editor backups) hold no modules
            found[rel] = (file, root)
    return found


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
        nodes={n: Node(s) for n, s in states.items()},
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


def _check_links(module: Module, modules: dict[str, Module], assigned: set[str], problems: _Problems) -> None:
    checks.check_module(module, modules, assigned, problems)
    checks.check_unreachable(module, problems)
    for name, state in module.states.items():
        where = f"{module.file}: {name}"
        transition = state.transition
        if isinstance(transition, Distributed):
            total = transition.fixed_sum()
            if total is not None and abs(total - 1.0) > 1e-6:
                problems.tolerable(where, f"distributed_transition weights sum to {total:g}, not 1")
        reason = getattr(state, "reason", None)
        if isinstance(reason, str) and reason and reason not in module.onset_codes and reason not in assigned:
            problems.tolerable(where, f"reason {reason!r} names no ConditionOnset state and no assigned attribute")
        for goal in getattr(state, "goals", ()):
            for address in goal.addresses:
                if address not in module.onset_codes and address not in assigned:
                    problems.tolerable(
                        where, f"goals: addresses {address!r} names no ConditionOnset state and no assigned attribute"
                    )


def _assigned(modules: dict[str, Module]) -> set[str]:
    """Every attribute some state (or the core) writes (reasons may name any of them)."""
    return checks.attributes_written(modules)


def _load_tables(
    modules: dict[str, Module], roots: list[Path], written: set[str], problems: _Problems
) -> dict[str, LookupTable]:
    wanted: dict[str, set[str]] = {}
    where_used: dict[str, str] = {}
    for m in modules.values():
        for name, s in m.states.items():
            if isinstance(s.transition, LookupTransition):
                wanted.setdefault(s.transition.table_name, set()).update(o.transition for o in s.transition.options)
                where_used[s.transition.table_name] = f"{m.file}: {name}"
    tables: dict[str, LookupTable] = {}
    for table_name, transitions in sorted(wanted.items()):
        path = next(
            (r / "lookup_tables" / table_name for r in reversed(roots) if (r / "lookup_tables" / table_name).is_file()),
            None,
        )
        if path is None:
            problems.error(where_used[table_name], f"unknown lookup table {table_name!r}")
            continue
        try:
            table = tables[table_name] = LookupTable(path, transitions)
        except (ValueError, IndexError, StopIteration, OSError, UnicodeDecodeError) as exc:
            problems.error(str(path), f"unreadable lookup table: {exc}")
            continue
        where = where_used[table_name]
        for missing in sorted(transitions - set(table.outputs)):
            problems.tolerable(where, f"lookup table {table_name!r} has no column {missing!r}; its default is used")
        for key in table.keys:
            if key not in ("age", "time") and key not in written:
                problems.warn(where, f"lookup table {table_name!r} column {key!r} is an attribute nothing writes")
    return tables


def load_library(folders: list[Path], *, lenient: bool = False, only: set[Path] | None = None) -> Library:
    """Parse and check every module in ``folders``; raise one ModuleError listing every problem.

    ``only``: load just these files and the submodules they call (to check a file when other
    modules of its library are broken).
    """
    problems = _Problems(lenient)
    files = _files(folders)
    if only is not None:
        files = _closure(files, only)
    modules: dict[str, Module] = {}
    for path, (file, _root) in sorted(files.items()):
        module = _parse_module(path, file, problems)
        if module is not None:
            modules[path] = module
    assigned = _assigned(modules)
    for module in modules.values():
        _check_links(module, modules, assigned, problems)
    checks.check_submodule_cycles(modules, problems)
    tables = _load_tables(modules, folders, assigned, problems)
    if problems.errors:
        raise ModuleError(problems.errors, warnings=[*problems.warnings, *problems.notices])
    for w in problems.warnings:
        log.debug("tolerated: %s", w)
    return Library(modules=modules, lookup_tables=tables, warnings=problems.warnings, notices=problems.notices)


def _submodules_called(file: Path) -> list[str]:
    """Submodule paths a module file calls (read loosely: problems are reported when it is parsed)."""
    try:
        raw = json.loads(file.read_bytes())
    except (OSError, ValueError, RecursionError):
        return []
    states = raw.get("states") if isinstance(raw, dict) else None
    if not isinstance(states, dict):
        return []
    return [s["submodule"] for s in states.values() if isinstance(s, dict) and isinstance(s.get("submodule"), str)]


def _closure(files: dict[str, tuple[Path, Path]], only: set[Path]) -> dict[str, tuple[Path, Path]]:
    todo = [p for p, (f, _r) in files.items() if f.resolve() in only]
    kept: dict[str, tuple[Path, Path]] = {}
    while todo:
        path = todo.pop()
        if path in kept or path not in files:
            continue
        kept[path] = files[path]
        todo.extend(_submodules_called(files[path][0]))
    return kept


def library_root(file: Path) -> Path:
    """The library folder a module file belongs to, so its submodules and lookup tables resolve.

    The nearest ancestor (up to four levels) holding ``lookup_tables/`` or named ``modules``; else the
    nearest from which every submodule the file calls exists; else the file's own folder.
    """
    ancestors = [file.parent, *list(file.parent.parents)[:4]]
    for folder in ancestors:
        if (folder / "lookup_tables").is_dir() or folder.name == "modules":
            return folder
    calls = _submodules_called(file)
    if calls:
        for folder in ancestors:
            if all((folder / f"{c}.json").is_file() for c in calls):
                return folder
    return file.parent


def load_for_files(
    files: list[Path], root: Path | None = None, *, lenient: bool = False
) -> tuple[Library | None, list[str], list[str]]:
    """Check module files inside their library: (library or None, errors, warnings) of those files only.

    The whole library under the root is loaded so that submodules, lookup tables and states named
    across modules resolve, but only problems located in ``files`` are returned.
    """
    problems_errors: list[str] = []
    problems_warnings: list[str] = []
    roots = sorted({(root or library_root(f.resolve())).resolve() for f in files})
    library: Library | None = None
    try:
        library = load_library(roots, lenient=lenient)
        warnings = [*library.warnings, *library.notices]
        errors: list[str] = []
    except ModuleError as exc:
        errors, warnings = exc.problems, exc.warnings
    for f in files:
        if not any(f.resolve().is_relative_to(r) for r in roots):
            errors = [*errors, f"{f}: not inside the module library {roots[0]} (give --root)"]
    wanted = (*(f"{f.resolve()}:" for f in files), *(f"{f}:" for f in files), *(f"{r}/lookup_tables/" for r in roots))
    problems_errors = [p for p in errors if p.startswith(wanted)]
    problems_warnings = [p for p in warnings if p.startswith(wanted)]
    if errors and not problems_errors:  # only other files of the library are broken: check ours anyway
        try:
            library = load_library(roots, lenient=lenient, only={f.resolve() for f in files})
        except ModuleError:
            library = None
    return (library if not problems_errors else None), problems_errors, problems_warnings
