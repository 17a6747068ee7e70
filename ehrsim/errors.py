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

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in modules:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))
