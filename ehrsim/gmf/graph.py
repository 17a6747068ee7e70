"""Modules as ``networkx`` graphs: lint checks and DOT/HTML drawings."""

from __future__ import annotations

import html
from dataclasses import dataclass

import networkx as nx

from ehrsim.gmf.library import Module


@dataclass(frozen=True)
class Finding:
    module: str
    state: str
    message: str
    severity: str = "warning"  # "error" makes `modules lint` exit 1

    def __str__(self) -> str:
        return f"{self.module}: {self.state}: {self.message}"


def to_graph(module: Module) -> nx.DiGraph:
    """States as nodes (with their type), transitions as edges."""
    g = nx.DiGraph()
    for name, state in module.states.items():
        g.add_node(name, type=state.type, waits=state.waits)
    for name, state in module.states.items():
        for target in state.targets():
            if target in module.states:
                g.add_edge(name, target)
    return g


def lint(module: Module) -> list[Finding]:
    """Unreachable states, states with no path to Terminal, dead ends, loops that never let time pass."""
    g = to_graph(module)
    where = str(module.file)
    findings: list[Finding] = []
    if "Initial" not in g:
        return [Finding(where, "-", "no Initial state", "error")]
    reachable = nx.descendants(g, "Initial") | {"Initial"}
    for name in sorted(set(g) - reachable):
        findings.append(Finding(where, name, "unreachable from Initial"))
    terminals = {n for n, d in g.nodes(data=True) if d["type"] == "Terminal"}
    can_finish = set(terminals)
    for t in terminals:
        can_finish |= nx.ancestors(g, t)
    for name in sorted(reachable - can_finish):
        if g.out_degree(name) == 0:
            findings.append(Finding(where, name, "dead end: no transition leads on", "error"))
        elif not terminals:
            pass
    if not terminals:
        findings.append(Finding(where, "-", "no Terminal state: the module runs for the whole life"))
    instant = g.subgraph(n for n, d in g.nodes(data=True) if not d["waits"] and d["type"] != "CallSubmodule")
    for cycle in nx.simple_cycles(instant):
        members = set(cycle)
        path = " -> ".join(cycle)
        if all(set(g.successors(n)) <= members for n in cycle):  # no way out: loops forever in one instant
            findings.append(
                Finding(where, cycle[0], f"loop with no way out and no Delay, Guard or Encounter: {path}", "error")
            )
        else:  # fine when a Counter or attribute change ends it, but worth a look
            findings.append(Finding(where, cycle[0], f"loop with no Delay, Guard or Encounter: {path}"))
        if len(findings) > 200:
            break
    return findings


def to_dot(module: Module) -> str:
    """Graphviz DOT text (node shape by state type)."""
    shapes = {
        "Initial": "circle",
        "Terminal": "doublecircle",
        "Delay": "box",
        "Guard": "hexagon",
        "Encounter": "house",
        "Death": "octagon",
        "CallSubmodule": "component",
    }
    lines = [f'digraph "{module.path}" {{', "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=10];']
    for name, state in module.states.items():
        label = f"{name}\\n({state.type})"
        lines.append(f'  "{_esc(name)}" [label="{_esc(label)}", shape={shapes.get(state.type, "ellipse")}];')
    for name, state in module.states.items():
        for target in dict.fromkeys(state.targets()):
            lines.append(f'  "{_esc(name)}" -> "{_esc(target)}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_html(module: Module) -> str:
    """A self-contained page: state table with types and transitions (no network needed to view it)."""
    rows = []
    for name, state in module.states.items():
        targets = ", ".join(f'<a href="#{html.escape(t)}">{html.escape(t)}</a>' for t in dict.fromkeys(state.targets()))
        rows.append(
            f'<tr id="{html.escape(name)}"><td>{html.escape(name)}</td><td>{html.escape(state.type)}</td>'
            f"<td>{targets}</td></tr>"
        )
    return (
        "<!doctype html><meta charset='utf-8'><title>{t}</title><style>body{{font:14px sans-serif}}"
        "td{{padding:2px 8px;border-bottom:1px solid #ddd}}</style><h1>{t}</h1>"
        "<table><tr><th>state</th><th>type</th><th>goes to</th></tr>{r}</table>"
        "<h2>DOT</h2><pre>{d}</pre>"
    ).format(t=html.escape(module.name), r="".join(rows), d=html.escape(to_dot(module)))


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
