"""The small exception family every ehrsim failure belongs to.

User errors (bad modules, bad options, unwritable output) derive from :class:`EhrsimError`;
the CLI turns them into a one-paragraph message and exit code 2, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable


class EhrsimError(Exception):
    """Base class of every error ehrsim raises on purpose."""


class ConfigError(EhrsimError):
    """An option or setting is invalid (bad date, unknown format, impossible age range...)."""


class ExportError(EhrsimError):
    """An exporter could not write or load its output."""


class WorkerLost(EhrsimError):
    """A worker process died mid-run; finished shards are kept, so rerunning resumes."""


class UploadError(EhrsimError):
    """A FHIR server could not be reached or refused the data."""


class ModuleError(EhrsimError):
    """One or more GMF modules are malformed.

    Carries every problem found, each as ``file: state: message``, so an author fixes them all
    in one pass instead of one per run.
    """

    def __init__(self, problems: Iterable[str], warnings: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        #: what was only worth a warning (for `modules lint`; not part of the message)
        self.warnings = list(warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in modules:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class SimulationError(EhrsimError):
    """A patient could not be simulated: names the module, state, patient index and seed.

    ``internal`` marks an unexpected exception inside ehrsim (a bug to report, CLI exit 1); otherwise
    a module asked for something only visible at run time (text where a number is needed, a loop
    that never lets time pass), which the module's author fixes (exit 2).
    """

    def __init__(
        self,
        message: str,
        *,
        module: str | None = None,
        state: str | None = None,
        patient: int | None = None,
        seed: int | None = None,
        internal: bool = False,
    ) -> None:
        self.message = message
        self.module = module
        self.state = state
        self.patient = patient
        self.seed = seed
        self.internal = internal
        super().__init__(message)

    @property
    def exit_code(self) -> int:
        return 1 if self.internal else 2

    def locate(
        self,
        *,
        module: str | None = None,
        state: str | None = None,
        patient: int | None = None,
        seed: int | None = None,
    ) -> SimulationError:
        """Fill in where it happened (the innermost caller knows the state, the outermost the patient)."""
        self.module = self.module or module
        self.state = self.state or state
        self.patient = self.patient if self.patient is not None else patient
        self.seed = self.seed if self.seed is not None else seed
        return self

    def __str__(self) -> str:
        where = []
        if self.module:
            where.append(f"module {self.module}")
        if self.state:
            where.append(f"state {self.state!r}")
        if self.patient is not None:
            where.append(f"patient {self.patient}")
        if self.seed is not None:
            where.append(f"seed {self.seed}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        if self.internal:
            text += "\n  this is a bug in ehrsim: please report it with the command you ran (and -vv output)"
        return text

    def __reduce__(self) -> tuple[object, ...]:  # keep every field across process boundaries
        return (
            _rebuild_simulation_error,
            (self.message, self.module, self.state, self.patient, self.seed, self.internal),
        )


def _rebuild_simulation_error(
    message: str, module: str | None, state: str | None, patient: int | None, seed: int | None, internal: bool
) -> SimulationError:
    return SimulationError(message, module=module, state=state, patient=patient, seed=seed, internal=internal)
