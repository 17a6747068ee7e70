"""Where the bundled module library and terminology live.

In a source checkout (or editable install) they sit beside the package as ``modules/`` and
``terminology/``; a built wheel carries them inside the package as ``ehrsim/_library/…``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    bundled = _PACKAGE / "_library" / name
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / name


@cache
def modules_dir() -> Path:
    """The default GMF module library (``modules/``)."""
    return _find("modules")


@cache
def terminology_dir() -> Path:
    """Code sets, mappings and population data (``terminology/``)."""
    return _find("terminology")
