"""The cohort expression language: what parses to what, and errors that point at the token."""

from __future__ import annotations

import pytest

from ehrsim.cohort.lang import Age, And, Gender, Has, Not, Or, Vital, parse
from ehrsim.cohort.names import TerminologyNames
from ehrsim.errors import ConfigError, EhrsimError


def test_precedence_and_parentheses() -> None:
    node = parse("alive or dead and not age >= 40")
    assert node == Or((Vital(True), And((Vital(False), Not(Age(">=", 40.0))))))
    node = parse("(alive or dead) and gender == f")
    assert node == And((Or((Vital(True), Vital(False))), Gender("==", "F")))


def test_codes_thresholds_and_windows() -> None:
    node = parse("observation(LOINC:4548-4) > 9 within 1y")
    assert isinstance(node, Has)
    assert node.kind == "observations" and node.codes == {("LOINC", "4548-4")}
    assert (node.op, node.value) == (">", 9.0)
    assert node.within == pytest.approx(365.25 * 86400)
    assert parse("condition(SNOMED-CT:44054006) within 6 months").within == pytest.approx(365.25 * 86400 / 2)  # type: ignore[union-attr]
    assert parse("medication(RxNorm:860975) within 30d").within == 30 * 86400  # type: ignore[union-attr]
    assert parse("condition(ICD10-CM:E11.9)").codes == {("ICD10-CM", "E11.9")}  # type: ignore[union-attr]


def test_names_come_from_the_terminology() -> None:
    node = parse('condition("Diabetes mellitus type 2") and age >= 40', TerminologyNames())
    assert isinstance(node, And) and isinstance(node.terms[0], Has)
    assert ("SNOMED-CT", "44054006") in node.terms[0].codes


def _error(text: str, resolve: TerminologyNames | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse(text, resolve)
    assert isinstance(info.value, EhrsimError)
    return str(info.value)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("condition(SNOMED-CT:72892002) and (age >= 4O", 43, "expected a number, found '4O'"),
        ("condition(SNOMED-CT:1 and age > 3", 23, "expected ')'"),
        ("age >= 40 and", 14, "the end of the expression"),
        ("age >= 40 alive", 11, "expected 'and', 'or' or the end, found 'alive'"),
        ("gender == X", 11, "expected M or F"),
        ("weight > 3", 1, "expected a criterion"),
        ("condition(44054006)", 11, "expected SYSTEM:CODE"),
        ("medication(RxNorm:1) > 3", 22, "only observation(...) takes a value comparison"),
        ("observation(LOINC:4548-4) within 2 fortnights", 36, "duration unit"),
        ("age >= 40 & alive", 11, "unexpected character '&'"),
        ("", 1, "empty expression"),
    ],
)
def test_errors_point_at_the_token(text: str, column: int, words: str) -> None:
    message = _error(text)
    assert words in message
    assert f"at column {column}\n" in message
    lines = message.splitlines()
    assert lines[1] == f"  {text}"
    assert lines[2] == "  " + " " * (column - 1) + "^"


def test_unknown_names_and_systems_are_errors() -> None:
    message = _error('condition("no such disorder")', TerminologyNames())
    assert "no SNOMED-CT or ICD10-CM code named 'no such disorder'" in message and "at column 11" in message
    message = _error("condition(SNOMEDCT:44054006)", TerminologyNames())
    assert "unknown code system 'SNOMEDCT'" in message
