"""ehrsim: a fast, reproducible synthetic EHR simulator that runs GMF (Synthea) modules.

The Python API is first-class: ``generate`` yields native records lazily; ``run`` does what
``ehrsim generate`` does (simulate, export, write metadata).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Settings", "__version__", "generate", "run"]

if TYPE_CHECKING:
    from ehrsim.settings import Settings


def __getattr__(name: str) -> Any:
    # lazy, so `import ehrsim` stays cheap for the CLI and worker processes
    if name == "generate":
        from ehrsim.pipeline import generate

        return generate
    if name == "run":
        from ehrsim.runner import run

        return run
    if name == "Settings":
        from ehrsim.settings import Settings

        return Settings
    raise AttributeError(name)
