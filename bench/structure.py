"""Code-structure figures for closing notes: import cycles and the longest functions.

    python bench/structure.py [--top N]

Import cycles are strongly connected groups of ehrsim modules in the import graph, counted twice:
runtime imports only (module level and function-local, not under ``if TYPE_CHECKING``), and with
type-only imports too. Function-local imports are listed, since they are how a runtime cycle hides.
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(name: str, modules: set[str]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imports(tree: ast.Module) -> list[tuple[str, str]]:
    """(imported name, where: 'top' | 'local' | 'typing') for every ehrsim import."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            here = where
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                here = "typing"
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) and where == "top":
                here = "local"
            if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("ehrsim"):
                for alias in child.names:
                    found.append((f"{child.module}.{alias.name}", here))
            elif isinstance(child, ast.Import):
                found.extend((a.name, here) for a in child.names if a.name.startswith("ehrsim"))
            visit(child, here)

    visit(tree, "top")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    files = sorted((ROOT / "ehrsim").rglob("*.py"))
    trees = {_module_name(f): ast.parse(f.read_text(encoding="utf-8")) for f in files}
    modules = set(trees)
    runtime, typed = nx.DiGraph(), nx.DiGraph()
    local: list[str] = []
    for name, tree in trees.items():
        for target, where in _imports(tree):
            dest = _resolve(target, modules)
            if dest is None or dest == name or (name.startswith(dest + ".") and dest in (name.rsplit(".", 1)[0],)):
                continue
            typed.add_edge(name, dest)
            if where != "typing":
                runtime.add_edge(name, dest)
            if where == "local":
                local.append(f"{name} -> {dest}")
    for label, graph in (("runtime", runtime), ("runtime + type-only", typed)):
        groups = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
        print(f"import cycles ({label}): {len(groups)} group(s)")
        for group in groups:
            print("   ", ", ".join(group))
    print(f"function-local ehrsim imports: {len(local)}")
    for line in sorted(local):
        print("   ", line)
    lengths = []
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lengths.append((node.end_lineno - node.lineno + 1, f"{f.relative_to(ROOT)}:{node.lineno} {node.name}"))
    lengths.sort(reverse=True)
    print(f"longest functions (of {len(lengths)}):")
    for n, where in lengths[: args.top]:
        print(f"   {n:4d}  {where}")


if __name__ == "__main__":
    sys.exit(main())
