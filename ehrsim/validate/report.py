"""Problems found by the checks, and the readable report the CLI prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One finding: ``severity`` is ``error`` (counts against the exit code) or ``warning``."""

    check: str  # input | structure | reference | us-core | plausibility ("input": not FHIR at all)
    where: str  # file[:line] and the resource, e.g. "a.json Observation/12ab"
    message: str
    severity: str = "error"


@dataclass
class Report:
    files: int = 0
    resources: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: at most this many problems of one check are kept (all are counted)
    keep: int = 200
    counted: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, problem: Problem) -> None:
        key = (problem.check, problem.severity)
        self.counted[key] += 1
        if self.counted[key] <= self.keep:
            self.problems.append(problem)

    @property
    def errors(self) -> int:
        return sum(n for (_, sev), n in self.counted.items() if sev == "error")

    @property
    def not_fhir(self) -> int:
        """Documents that are not FHIR at all (a user error rather than a finding in FHIR output)."""
        return self.counted[("input", "error")]

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def text(self) -> str:
        """Problems grouped by check, then one summary line."""
        lines = []
        for check in ("input", "structure", "reference", "us-core", "plausibility"):
            found = [p for p in self.problems if p.check == check]
            for p in found:
                lines.append(f"{p.severity.upper():7} {check:12} {p.where}: {p.message}")
            shown = len(found)
            total = self.counted[(check, "error")] + self.counted[(check, "warning")]
            if total > shown:
                lines.append(f"        {check:12} … and {total - shown} more")
        errors, warnings = self.errors, sum(n for (_, s), n in self.counted.items() if s == "warning")
        verdict = "OK" if self.ok else "FAILED"
        lines.append(
            f"{verdict}: {self.files} file(s), {self.resources} resource(s), {errors} error(s), {warnings} warning(s)"
        )
        return "\n".join(lines)
