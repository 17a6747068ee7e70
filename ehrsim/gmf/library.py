"""Loading a module library: every JSON file under one or more folders, checked all at once.

Strict by default: every problem in every file is collected and raised as one ``ModuleError``
(``file: state: message``). With ``lenient`` the problems Synthea itself tolerates (unknown keys,
several transition keys, weights that do not sum to 1, unknown reasons) become warnings, so
Synthea's own library loads unchanged.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ehrsim.errors import ModuleError
from ehrsim.gmf import checks
from ehrsim.gmf.lookup import LookupTable
from ehrsim.gmf.module import Library, Module, Node
from ehrsim.gmf.parse import _parse_module, _Problems
from ehrsim.gmf.transitions import Distributed
from ehrsim.gmf.transitions import LookupTable as LookupTransition

#: ``Library``, ``Module``, ``Node`` live in ``gmf.module``, one file's parsing in ``gmf.parse`` (re-exported)
__all__ = ["Library", "Module", "Node", "_Problems", "_parse_module", "library_root", "load_for_files", "load_library"]

log = logging.getLogger(__name__)


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
