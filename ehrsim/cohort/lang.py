"""The cohort criteria language (docs/cohorts.md): a tokenizer and a recursive-descent parser.

Hand-written rather than a grammar library: the grammar is a dozen rules, and a hand-written parser
points at the offending token with a column and a caret without any dependency. Parsing happens
once per run; the result is a tree of frozen nodes that ``ehrsim.cohort.evaluate`` walks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ehrsim.errors import ConfigError

KINDS = {
    "condition": "conditions",
    "medication": "medications",
    "procedure": "procedures",
    "observation": "observations",
    "immunization": "immunizations",
    "allergy": "allergies",
}
COMPARATORS = (">=", "<=", "==", "!=", ">", "<")
#: seconds per duration unit (a year is 365.25 days, a month a twelfth of it)
UNITS = {"y": 31_557_600.0, "m": 2_629_800.0, "w": 604_800.0, "d": 86_400.0}
UNIT_WORDS = {
    "y": "y", "yr": "y", "yrs": "y", "year": "y", "years": "y",
    "m": "m", "mo": "m", "month": "m", "months": "m",
    "w": "w", "wk": "w", "week": "w", "weeks": "w",
    "d": "d", "day": "d", "days": "d",
}  # fmt: skip
KEYWORDS = {"and", "or", "not", "within", "age", "gender", "sex", "alive", "dead", *KINDS}

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<string>"[^"]*"|'[^']*')
      | (?P<op>>=|<=|==|!=|>|<|=)
      | (?P<paren>[()])
      | (?P<word>[A-Za-z0-9_.:\-+]+)""",
    re.VERBOSE,
)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)$")
_DURATION = re.compile(r"(\d+(?:\.\d*)?)([A-Za-z]+)$")
_CODE = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*):([A-Za-z0-9_.\-]+)$")


@dataclass(frozen=True)
class Token:
    kind: str  # string, op, paren, word, end
    text: str
    col: int  # 0-based offset in the expression


# --- the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Has:
    """An entry of ``kind`` (a record list) with one of ``codes``, optionally with a value and in a window."""

    kind: str
    codes: frozenset[tuple[str, str]]
    label: str
    op: str | None = None
    value: float | None = None
    within: float | None = None  # seconds before the reference date


@dataclass(frozen=True)
class Age:
    op: str
    years: float


@dataclass(frozen=True)
class Gender:
    op: str  # == or !=
    gender: str


@dataclass(frozen=True)
class Vital:
    alive: bool


@dataclass(frozen=True)
class Not:
    term: Node


@dataclass(frozen=True)
class And:
    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    terms: tuple[Node, ...]


Node = Has | Age | Gender | Vital | Not | And | Or


def _error(text: str, col: int, message: str) -> ConfigError:
    caret = " " * col + "^"
    return ConfigError(f"--cohort: {message} at column {col + 1}\n  {text}\n  {caret}")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise _error(text, pos, f"unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class Parser:
    """expr := and ('or' and)* ; and := unary ('and' unary)* ; unary := 'not' unary | '(' expr ')' | atom."""

    def __init__(self, text: str, resolve: NameResolver | None = None) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.resolve = resolve

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def error(self, message: str, tok: Token | None = None) -> ConfigError:
        tok = tok or self.tok
        found = "the end of the expression" if tok.kind == "end" else repr(tok.text)
        return _error(self.text, tok.col, message.replace("{found}", found))

    def take(self) -> Token:
        tok = self.tok
        self.i += 1
        return tok

    def word(self, *words: str) -> bool:
        return self.tok.kind == "word" and self.tok.text.lower() in words

    def expect(self, text: str, what: str) -> Token:
        if self.tok.text != text:
            raise self.error(f"expected {what}, found {{found}}")
        return self.take()

    # -- grammar
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression")
        node = self.expr()
        if self.tok.kind != "end":
            raise self.error("expected 'and', 'or' or the end, found {found}")
        return node

    def expr(self) -> Node:
        terms = [self.conj()]
        while self.word("or"):
            self.take()
            terms.append(self.conj())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def conj(self) -> Node:
        terms = [self.unary()]
        while self.word("and"):
            self.take()
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def unary(self) -> Node:
        if self.word("not"):
            self.take()
            return Not(self.unary())
        if self.tok.text == "(":
            self.take()
            node = self.expr()
            self.expect(")", "')'")
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.tok
        name = tok.text.lower() if tok.kind == "word" else ""
        if name in KINDS:
            return self.has(KINDS[name])
        if name == "age":
            self.take()
            op = self.comparator()
            return Age(op, self.number())
        if name in ("gender", "sex"):
            self.take()
            op = self.comparator()
            if op not in ("==", "!="):
                raise self.error("gender compares with == or !=, not " + op, self.tokens[self.i - 1])
            value = self.tok
            if value.kind != "word" or value.text.upper() not in ("M", "F"):
                raise self.error("expected M or F, found {found}")
            self.take()
            return Gender(op, value.text.upper())
        if name in ("alive", "dead"):
            self.take()
            return Vital(name == "alive")
        expected = "a criterion (condition(...), medication(...), age, gender, alive, dead, not, '(')"
        raise self.error(f"expected {expected}, found {{found}}")

    def has(self, kind: str) -> Has:
        kind_tok = self.take()
        self.expect("(", f"'(' after {kind_tok.text}")
        code_tok = self.tok
        if code_tok.kind == "string":
            if self.resolve is None:
                raise self.error("names need the terminology; give SYSTEM:CODE", code_tok)
            label = code_tok.text[1:-1]
            try:
                codes = self.resolve(kind, label)
            except LookupError as exc:
                raise self.error(str(exc), code_tok) from None
        elif code_tok.kind == "word" and (m := _CODE.match(code_tok.text)):
            label = code_tok.text
            codes = frozenset({(m.group(1), m.group(2))})
            if self.resolve is not None:
                try:
                    self.resolve.check_system(m.group(1))
                except LookupError as exc:
                    raise self.error(str(exc), code_tok) from None
        else:
            raise self.error('expected SYSTEM:CODE or a "name", found {found}')
        self.take()
        self.expect(")", "')'")
        op = value = None
        if self.tok.kind == "op":
            if kind != "observations":
                raise self.error("only observation(...) takes a value comparison")
            op = self.comparator()
            value = self.number()
        within = None
        if self.word("within"):
            self.take()
            within = self.duration()
        return Has(kind, codes, label, op, value, within)

    def comparator(self) -> str:
        tok = self.tok
        if tok.kind != "op":
            raise self.error("expected a comparison (>=, <=, ==, !=, >, <), found {found}")
        self.take()
        return "==" if tok.text == "=" else tok.text

    def number(self) -> float:
        tok = self.tok
        if tok.kind != "word" or not _NUMBER.match(tok.text):
            raise self.error("expected a number, found {found}")
        self.take()
        return float(tok.text)

    def duration(self) -> float:
        tok = self.tok
        m = _DURATION.match(tok.text) if tok.kind == "word" else None
        if m:
            amount, unit = m.group(1), m.group(2).lower()
            unit_tok = tok
        elif tok.kind == "word" and _NUMBER.match(tok.text) and not tok.text.startswith(("-", "+")):
            amount = tok.text
            self.take()
            unit_tok = self.tok
            unit = unit_tok.text.lower() if unit_tok.kind == "word" else ""
        else:
            raise self.error("expected a duration such as 2y, 6m, 4w or 30d, found {found}")
        if unit not in UNIT_WORDS:
            raise self.error("expected a duration unit (y, m, w, d), found {found}", unit_tok)
        self.take()
        return float(amount) * UNITS[UNIT_WORDS[unit]]


class NameResolver:
    """Looks names up in the terminology (``ehrsim.cohort.names``); a protocol for the parser."""

    def __call__(self, kind: str, name: str) -> frozenset[tuple[str, str]]:
        raise NotImplementedError

    def check_system(self, system: str) -> None:
        raise NotImplementedError


def parse(text: str, resolve: NameResolver | None = None) -> Node:
    """Parse a cohort expression; a ConfigError points at the offending token."""
    return Parser(text, resolve).parse()
