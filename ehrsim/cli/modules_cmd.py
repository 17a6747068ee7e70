"""``ehrsim modules lint|graph|list``: check, draw and list GMF modules."""

from __future__ import annotations

import argparse
from pathlib import Path

from ehrsim.errors import ConfigError

#: problems listed per kind before the rest are only counted (``--all`` lists every one)
MAX_LISTED = 50


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("modules", help="check, draw and list GMF modules")
    msub = p.add_subparsers(dest="modules_command", required=True, metavar="ACTION")
    lint = msub.add_parser(
        "lint",
        help="check module files or folders strictly; exit 1 when a module is invalid",
        description="Check GMF modules: every field's type and range, every reference, loops and dead ends. "
        "Example: ehrsim modules lint modules/asthma.json",
    )
    lint.add_argument("paths", nargs="*", type=Path, help="module files or folders (default: the bundled library)")
    lint.add_argument(
        "--root",
        type=Path,
        help="library folder of the files (where submodules and lookup_tables/ are); guessed when omitted",
    )
    lint.add_argument("--lenient", action="store_true", help="tolerate what Synthea tolerates (as warnings)")
    lint.add_argument("--warnings", action="store_true", help="also list warnings (tolerated problems, notices)")
    lint.add_argument("--all", action="store_true", help=f"list every problem (default: the first {MAX_LISTED})")
    lint.set_defaults(func=run_lint)
    graph = msub.add_parser("graph", help="write DOT, HTML (and SVG when Graphviz is installed) for a module")
    graph.add_argument("name", help="module path, e.g. diabetes or cardio/mi")
    graph.add_argument("--modules", action="append", type=Path, default=[], help="module folder (repeatable)")
    graph.add_argument("--lenient", action="store_true", help="tolerate what Synthea tolerates")
    graph.add_argument("-o", "--out", type=Path, default=Path("."), help="folder to write into")
    graph.set_defaults(func=run_graph)
    lst = msub.add_parser("list", help="list modules with state counts")
    lst.add_argument("--modules", action="append", type=Path, default=[], help="module folder (repeatable)")
    lst.add_argument("--lenient", action="store_true", help="tolerate what Synthea tolerates")
    lst.set_defaults(func=run_list)


def _folders(paths: list[Path]) -> list[Path]:
    from ehrsim.paths import modules_dir

    return paths or [modules_dir()]


def _print_capped(label: str, items: list[str], show_all: bool) -> None:
    shown = items if show_all else items[:MAX_LISTED]
    for item in shown:
        print(f"{label}: {item}")
    if len(items) > len(shown):
        print(f"... and {len(items) - len(shown)} more {label}s (--all lists every one)")


def run_lint(args: argparse.Namespace) -> int:
    from ehrsim.errors import ModuleError
    from ehrsim.gmf.graph import lint
    from ehrsim.gmf.library import Library, load_for_files, load_library

    paths: list[Path] = list(args.paths)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise ConfigError(f"no such module file or folder: {', '.join(map(str, missing))}")
    files = [p for p in paths if p.is_file()]
    folders = [p for p in paths if p.is_dir()]
    if args.root is not None and not args.root.is_dir():
        raise ConfigError(f"--root {args.root} is not a folder")
    errors: list[str] = []
    warnings: list[str] = []
    libraries: list[tuple[Library, set[str] | None]] = []
    if folders or not files:
        try:
            library = load_library(_folders(folders), lenient=args.lenient)
            warnings += [*library.warnings, *library.notices]
            libraries.append((library, None))
        except ModuleError as exc:
            errors += exc.problems
            warnings += exc.warnings
    if files:
        file_library, file_errors, file_warnings = load_for_files(files, args.root, lenient=args.lenient)
        errors += file_errors
        warnings += file_warnings
        if file_library is not None:
            wanted = {f.resolve() for f in files}
            libraries.append((file_library, {p for p, m in file_library.modules.items() if m.file.resolve() in wanted}))
    count = 0
    for library, only in libraries:
        for path, module in sorted(library.modules.items()):
            if only is not None and path not in only:
                continue
            count += 1
            for finding in lint(module):
                (errors if finding.severity == "error" else warnings).append(str(finding))
    errors = list(dict.fromkeys(errors))
    warnings = list(dict.fromkeys(warnings))
    _print_capped("error", errors, args.all)
    if args.warnings:
        _print_capped("warning", warnings, args.all)
    what = f"{count} modules" if count or not errors else "modules not loaded"
    print(
        f"{what}, {len(errors)} errors, {len(warnings)} warnings"
        + ("" if args.warnings else " (--warnings lists them)")
    )
    return 1 if errors else 0


def run_graph(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    from ehrsim.gmf.graph import to_dot, to_html
    from ehrsim.gmf.library import load_library
    from ehrsim.output import atomic_write

    library = load_library(_folders(args.modules), lenient=args.lenient)
    module = library.modules.get(args.name)
    if module is None:
        raise ConfigError(f"no module {args.name!r}; try `ehrsim modules list`")
    stem = args.out / args.name.replace("/", "_")
    atomic_write(stem.with_suffix(".dot"), to_dot(module).encode())
    atomic_write(stem.with_suffix(".html"), to_html(module).encode())
    written = [stem.with_suffix(".dot"), stem.with_suffix(".html")]
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg", str(stem.with_suffix(".dot")), "-o", str(stem.with_suffix(".svg"))], check=True)
        written.append(stem.with_suffix(".svg"))
    print("wrote " + ", ".join(str(w) for w in written))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ehrsim.gmf.library import load_library

    library = load_library(_folders(args.modules), lenient=args.lenient)
    for path, module in sorted(library.modules.items()):
        kind = "submodule" if module.submodule else "module"
        print(f"{path}\t{kind}\t{len(module.states)} states")
    return 0
