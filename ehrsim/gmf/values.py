"""Value pieces shared by states, transitions and conditions: codes, time units, distributions."""

from __future__ import annotations

import ast
import math
import operator
import re
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationInfo, field_validator, model_validator

from ehrsim.core.rounding import round_to
from ehrsim.errors import SimulationError

SECONDS = {
    "years": 365.25 * 86400.0,
    "months": 30 * 86400.0,
    "weeks": 7 * 86400.0,
    "days": 86400.0,
    "hours": 3600.0,
    "minutes": 60.0,
    "seconds": 1.0,
}
TimeUnit = Literal["years", "months", "weeks", "days", "hours", "minutes", "seconds"]
#: the largest magnitude a module number may have (1e15 days is far beyond any life; sums cannot overflow)
MAX_MAGNITUDE = 1e15
#: a JSON number (never text such as "5" or "soon"), finite and of a sane size; ints are accepted
Number = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
#: a number that cannot be negative (durations, amounts)
Amount = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=0.0, le=MAX_MAGNITUDE)]
#: a probability or weight
Fraction = Annotated[float, Strict(), Field(allow_inf_nan=False, ge=0.0, le=1.0)]
#: a whole number of a sensible size (counts, refills, series)
Count = Annotated[int, Strict(), Field(ge=0, le=100_000)]
#: what an ``exact`` quantity may hold: a number, a text (observations) or a boolean
Scalar = Number | Annotated[str, Strict()] | Annotated[bool, Strict()]


def tolerate(info: ValidationInfo, message: str) -> None:
    """A problem Synthea tolerates: an error when strict, a warning under ``--lenient``."""
    context = info.context if isinstance(info.context, dict) else None
    if context and context.get("lenient"):
        context.setdefault("warnings", []).append(message)
        return
    raise ValueError(message)


class Frozen(BaseModel):
    """Base of every GMF definition: immutable, strict about unknown keys, `remarks` allowed."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False)
    remarks: Any = None


class Code(BaseModel):
    """A coded concept as modules write it; ``code`` is normalised to a string."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    system: Annotated[str, Field(min_length=1)]
    code: Annotated[str, Field(min_length=1)]
    display: str = ""
    value_set: str | None = None
    remarks: Any = None

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    def as_dict(self) -> dict[str, str]:
        """The plain record form ``{"system", "code", "display"}`` (a fresh dict each time: a copy of ``shared``,
        one model read instead of three)."""
        return dict(self.shared)

    @cached_property
    def shared(self) -> dict[str, str]:
        """The record form, built once and shared by every entry (records never mutate codes)."""
        return {"system": self.system, "code": self.code, "display": self.display}


#: a clinical state's codes: at least one (the record, exporters and rules read the first)
Codes = Annotated[tuple[Code, ...], Field(min_length=1)]


def codes_as_dicts(codes: tuple[Code, ...] | list[Code] | None) -> list[dict[str, str]]:
    """Record form of a list of codes (shared code dicts, a fresh list)."""
    if not codes:
        return []
    if len(codes) == 1:  # nearly always: no comprehension frame (hot, once per recorded entry)
        return [codes[0].shared]
    return [c.shared for c in codes]


_REQUIRED = {
    "EXACT": ("value",),
    "UNIFORM": ("low", "high"),
    "GAUSSIAN": ("mean", "standardDeviation"),
    "EXPONENTIAL": ("mean",),
    "TRIANGULAR": ("min", "mode", "max"),
}


class Distribution(Frozen):
    """GMF 2 ``{"kind", "parameters", "round"?}``; checked at load, sampled per patient."""

    kind: Literal["EXACT", "UNIFORM", "GAUSSIAN", "EXPONENTIAL", "TRIANGULAR"]
    parameters: dict[str, Number]
    round: bool = False

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Distribution:
        missing = [p for p in _REQUIRED[self.kind] if p not in self.parameters]
        if missing:
            raise ValueError(f"{self.kind} distribution needs parameter(s) {', '.join(missing)}")
        known = {*_REQUIRED[self.kind], *(("min", "max") if self.kind == "GAUSSIAN" else ())}
        unknown = sorted(set(self.parameters) - known)
        if unknown:
            tolerate(info, f"{self.kind} distribution has unknown parameter(s) {', '.join(unknown)}")
        p = self.parameters
        if self.kind == "UNIFORM" and p["high"] < p["low"]:
            tolerate(info, f"UNIFORM distribution has high {p['high']} < low {p['low']}")
        if self.kind == "GAUSSIAN" and p["standardDeviation"] < 0:
            raise ValueError("GAUSSIAN distribution has a negative standardDeviation")
        if self.kind == "TRIANGULAR" and not p["min"] <= p["mode"] <= p["max"]:
            raise ValueError("TRIANGULAR distribution needs min <= mode <= max")
        if self.kind == "EXPONENTIAL" and p["mean"] <= 0:
            raise ValueError("EXPONENTIAL distribution needs a positive mean")
        return self

    @cached_property
    def _fields(self) -> tuple[dict[str, float], str, bool]:
        """(parameters, kind, round): one model read per draw instead of three (see ``Condition.tester``)."""
        return self.parameters, self.kind, self.round

    def sample(self, rng: np.random.Generator) -> float:
        """One draw. EXPONENTIAL keeps Synthea's +1 shift, which the library's numbers assume."""
        p, kind, rounded = self._fields
        if kind == "EXACT":
            value = p["value"]
        elif kind == "UNIFORM":
            value = p["low"] + (p["high"] - p["low"]) * rng.random()
        elif kind == "GAUSSIAN":
            sd = p["standardDeviation"]  # ``rng.normal``'s own arithmetic (loc + scale * z), without its slow call
            value = p["mean"] + sd * rng.standard_normal() if sd else p["mean"]
            if "min" in p:
                value = max(value, p["min"])
            if "max" in p:
                value = min(value, p["max"])
        elif kind == "EXPONENTIAL":
            value = 1.0 + rng.exponential(p["mean"])
        else:
            value = rng.triangular(p["min"], p["mode"], p["max"]) if p["min"] < p["max"] else p["mode"]
        return float(round(value)) if rounded else float(value)


class Exact(Frozen):
    """GMF 1 ``exact``: a fixed quantity (a number, or text for observations)."""

    quantity: Scalar
    unit: str | None = None


class NumericExact(Exact):
    """An ``exact`` that must be a number (vital signs, symptoms)."""

    quantity: Number


class TimeExact(Exact):
    """An ``exact`` time span: a non-negative number of a known time unit."""

    quantity: Amount
    unit: TimeUnit | None = None


class Range(Frozen):
    """GMF 1 ``range``: uniform between low and high, optionally rounded to ``decimals``."""

    low: Number
    high: Number
    unit: str | None = None
    decimals: Annotated[int, Strict(), Field(ge=0, le=15)] | None = None

    @model_validator(mode="after")
    def _order(self, info: ValidationInfo) -> Range:
        if self.high < self.low:
            tolerate(info, f"range high {self.high} < low {self.low}")
        return self

    @cached_property
    def _fields(self) -> tuple[float, float, int | None]:
        """(low, high - low, decimals): one model read per draw instead of four (see ``Condition.tester``)."""
        return self.low, self.high - self.low, self.decimals

    def sample(self, rng: np.random.Generator) -> float:
        low, span, decimals = self._fields
        value = low + span * rng.random()
        # + 0.0: a small negative value rounds to -0.0 (``round`` keeps the sign), which no result reports (a DXA
        # T-score of "-0.0" in the s16old review; clinical audit rule rec.no_negative_zero)
        return round_to(value, decimals) + 0.0 if decimals is not None else value


class TimeRange(Range):
    """A ``range`` time span: non-negative bounds in a known time unit."""

    low: Amount
    high: Amount
    unit: TimeUnit | None = None


def to_seconds(quantity: float, unit: str | None) -> float:
    """A duration in seconds (a year is 365.25 days, a month 30: Synthea's double conversion)."""
    if unit is None or unit not in SECONDS:
        raise ValueError(f"unknown time unit {unit!r}")
    return quantity * SECONDS[unit]


# --- expressions --------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"#\{([^}]+)\}")
_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.Mod: operator.mod,
}


class Expression:
    """A small safe subset of the CQL arithmetic GMF ``expression`` fields hold: ``220 - #{age}``.

    Placeholders name person attributes (``age`` is the age in years). Parsed once at load time.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.names = _PLACEHOLDER.findall(text)
        python = _PLACEHOLDER.sub(lambda m: f"_v{self.names.index(m.group(1))}", text)
        try:
            self._tree = ast.parse(python, mode="eval").body
        except SyntaxError as exc:
            raise ValueError(f"cannot parse expression {text!r}: {exc.msg}") from exc
        self._check(self._tree)
        if not self.names and "#" in text:
            raise ValueError(f"expression {text!r} has a malformed #{{attribute}} placeholder")

    def _check(self, node: ast.AST) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            self._check(node.left)
            self._check(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            self._check(node.operand)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)
        ):
            if not abs(node.value) <= MAX_MAGNITUDE:
                raise ValueError(f"number {node.value} in expression {self.text!r} is too large")
        elif isinstance(node, ast.Name) and node.id.startswith("_v"):
            pass
        else:
            raise ValueError(f"unsupported element in expression {self.text!r} (only arithmetic on #{{attributes}})")

    def evaluate(self, values: list[float]) -> float:
        """The value for these attribute values; arithmetic failures are the module's (SimulationError)."""
        try:
            result = self._evaluate(values)
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise SimulationError(f"expression {self.text!r} cannot be computed for {values}: {exc}") from None
        if not math.isfinite(result):
            raise SimulationError(f"expression {self.text!r} gives {result} for {values}")
        return result

    def _evaluate(self, values: list[float]) -> float:
        def ev(node: ast.AST) -> float:
            if isinstance(node, ast.BinOp):
                return float(_BINOPS[type(node.op)](ev(node.left), ev(node.right)))
            if isinstance(node, ast.UnaryOp):
                v = ev(node.operand)
                return -v if isinstance(node.op, ast.USub) else v
            if isinstance(node, ast.Constant):
                return float(node.value)  # type: ignore[arg-type]
            assert isinstance(node, ast.Name)
            return float(values[int(node.id[2:])])

        return ev(self._tree)
