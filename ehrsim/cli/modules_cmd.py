"""``ehrsim modules lint|graph|list``: check, draw and list GMF modules."""

from __future__ import annotations

import argparse
from pathlib import Path

from ehrsim.errors import ConfigError, ModuleError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("modules", help="check, draw and list GMF modules")
    msub = p.add_subparsers(dest="modules_command", required=True, metavar="ACTION")
    lint = msub.add_parser("lint", help="load strictly and check graphs; exit 1 when a module is invalid")
    lint.add_argument("paths", nargs="*", type=Path, help="module folders (default: the bundled library)")
    lint.add_argument("--lenient", action="store_true", help="tolerate what Synthea tolerates (as warnings)")
    lint.add_argument("--warnings", action="store_true", help="also list tolerated problems and graph warnings")
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


def run_lint(args: argparse.Namespace) -> int:
    from ehrsim.gmf.graph import lint
    from ehrsim.gmf.library import load_library

    try:
        library = load_library(_folders(args.paths), lenient=args.lenient)
    except ModuleError as exc:
        print(exc)
        return 1
    errors = 0
    for _path, module in sorted(library.modules.items()):
        for finding in lint(module):
            if finding.severity == "error":
                errors += 1
                print(f"error: {finding}")
            elif args.warnings:
                print(f"warning: {finding}")
    if args.warnings:
        for w in library.warnings:
            print(f"tolerated: {w}")
    print(f"{len(library.modules)} modules, {errors} problems, {len(library.warnings)} tolerated")
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
