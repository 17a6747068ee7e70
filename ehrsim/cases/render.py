"""Case pages (HTML and Markdown, student and instructor), the index pages and the Moodle XML quiz.

Templates are data (``terminology/cases/templates/``); the stylesheet and the reveal script are
inlined, and the timeline is inline SVG, so every page works offline as a single file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
from markupsafe import Markup

from ehrsim import __version__
from ehrsim.cases.build import HIDDEN
from ehrsim.cases.spec import CaseSpec
from ehrsim.paths import terminology_dir

_TEMPLATES = terminology_dir() / "cases" / "templates"


@jinja2.pass_context
def _mask(ctx: Any, text: str) -> str:
    """The ``mask`` filter: the render's own masker (the diagnosis hidden in student pages)."""
    return str(ctx["mask"](text))


@cache
def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["mask"] = _mask
    return env


def masker(case: dict[str, Any], hide: bool, terms: tuple[str, ...] = ()) -> Callable[[str], str]:
    """Replaces the case's diagnosis (its display, the display without its semantic tag, the spec's
    ``hide_terms`` as whole words) when hidden."""
    if not hide:
        return lambda text: text
    display = case["diagnosis"]["display"]
    bare = re.sub(r"\s*\([^()]*\)$", "", display)
    words = sorted({display, bare, *terms}, key=len, reverse=True)
    pattern = re.compile("|".join(rf"\b{re.escape(d)}\b" if d in terms else re.escape(d) for d in words), re.I)
    return lambda text: pattern.sub(HIDDEN, text)


def render_case(case: dict[str, Any], spec: CaseSpec, figure: tuple[str, str], instructor: bool) -> tuple[str, str]:
    """(HTML, Markdown) of one case."""
    hide = spec.hide_diagnosis and not instructor
    common = {
        "case": case,
        "title": spec.title,
        "sections": spec.sections,
        "instructor": instructor,
        "hide": spec.hide_diagnosis,
        "version": __version__,
    }
    mask = masker(case, hide, spec.hide_terms.get(case["diagnosis"]["code"], ()))
    html_env, md_env = _env(True), _env(False)
    html = html_env.get_template("case.html.j2").render(
        **common,
        css=Markup((_TEMPLATES / "style.css").read_text(encoding="utf-8")),
        js=Markup((_TEMPLATES / "reveal.js").read_text(encoding="utf-8")),
        figure_svg=Markup(figure[0]),
        figure_desc=mask(figure[1]),
        mask=mask,
    )
    md = md_env.get_template("case.md.j2").render(**common, mask=mask)
    return html, md


def render_index(cases: list[dict[str, Any]], spec: CaseSpec, instructor: bool) -> str:
    return (
        _env(True)
        .get_template("index.html.j2")
        .render(
            cases=cases,
            title=spec.title,
            instructor=instructor,
            hide=spec.hide_diagnosis,
            version=__version__,
            css=Markup((_TEMPLATES / "style.css").read_text(encoding="utf-8")),
        )
    )


def moodle_xml(cases: list[dict[str, Any]], spec: CaseSpec) -> str:
    """Moodle XML: one multiple-choice question per case question, distractors from the other cases' answers.

    A question with fewer than two distinct distractors is a short-answer question instead.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    lines.append(
        f'  <question type="category"><category><text>$course$/{escape(spec.title)}</text></category></question>'
    )
    by_kind: dict[str, list[str]] = {}
    for case in cases:
        for q in case["questions"]:
            by_kind.setdefault(q["kind"], [])
            if q["answer"] not in by_kind[q["kind"]]:
                by_kind[q["kind"]].append(q["answer"])
    for case in cases:
        mask = masker(case, spec.hide_diagnosis, spec.hide_terms.get(case["diagnosis"]["code"], ()))
        stem = (
            f"Case {case['number']}: {case['age']}-year-old {case['sex']}, first seen {case['start_date']}"
            + (f" ({mask(', '.join(case['stages'][0]['reason']))})" if case["stages"][0]["reason"] else "")
            + ". "
        )
        for i, q in enumerate(case["questions"], 1):
            others = [a for a in by_kind[q["kind"]] if a != q["answer"]][:3]
            name = f"{case['slug']} q{i} {q['kind']}"
            text = escape(stem + q["text"])
            if len(others) >= 2:
                lines.append('  <question type="multichoice">')
                lines.append(f"    <name><text>{escape(name)}</text></name>")
                lines.append(f'    <questiontext format="html"><text>{text}</text></questiontext>')
                lines.append(f"    <generalfeedback><text>{escape(q['detail'])}</text></generalfeedback>")
                lines.append("    <single>true</single><shuffleanswers>true</shuffleanswers>")
                lines.append(f'    <answer fraction="100"><text>{escape(q["answer"])}</text></answer>')
                for other in others:
                    lines.append(f'    <answer fraction="0"><text>{escape(other)}</text></answer>')
            else:
                lines.append('  <question type="shortanswer">')
                lines.append(f"    <name><text>{escape(name)}</text></name>")
                lines.append(f'    <questiontext format="html"><text>{text}</text></questiontext>')
                lines.append(f"    <generalfeedback><text>{escape(q['detail'])}</text></generalfeedback>")
                lines.append(f'    <answer fraction="100"><text>{escape(q["answer"])}</text></answer>')
            lines.append("  </question>")
    lines.append("</quiz>")
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
