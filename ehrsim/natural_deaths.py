"""Background mortality for module libraries that have no natural-death module (``--natural-deaths``).

Deaths that no disease module explains come from ehrsim's ``modules/natural_causes.json`` (US life
table by age and sex, scaled to leave room for the diseases modules kill from; the certified cause is
drawn from CDC WONDER shares by ``core/deaths.py``). Synthea's library has no such module (Synthea
turns natural-cause death off by default), so run alone its very old barely die. The option says
whether ehrsim's module joins the chosen library as a core module:

- ``auto`` (default): added when no module of the library is named ``natural_causes`` (its file name,
  in any folder). ehrsim's bundled library has it, so its output is unchanged.
- ``on``: always run ehrsim's module (replacing a library's own ``natural_causes`` module).
- ``off``: never add it (a library's own ``natural_causes`` module still runs).

Added to another library, the module reads its yearly probabilities from
``terminology/deaths/added_natural_causes/`` instead of its own tables: those fill only the gap between
the US life table and the deaths Synthea's modules already cause (measured with ``--natural-deaths off``;
zero where its modules alone kill faster than the life table), so deaths are not counted twice.

With it comes ``terminology/deaths/external_causes/external_causes.json``: deaths from injury, overdose, suicide and
homicide at 1-44 at the rates ehrsim's own library has, added whatever the library's disease modules already cause
(those modules alone exceed the life table at 1-64, so the gap-filling deaths above never brought the external causes
that lead US deaths at those ages). ehrsim's own library gets these deaths through its natural-cause module and never
runs it.
"""

from __future__ import annotations

import logging
from typing import Literal

from ehrsim.errors import ConfigError
from ehrsim.gmf.library import Library, load_library
from ehrsim.gmf.lookup import LookupTable
from ehrsim.paths import modules_dir, terminology_dir

NaturalDeaths = Literal["auto", "on", "off"]
MODES: tuple[str, ...] = ("auto", "on", "off")
#: the module's path in ehrsim's library, and the file name that marks a library's own natural-death module
MODULE = "natural_causes"
#: deaths from external causes at 1-44, added with the natural-death module to another library
EXTERNAL = "external_causes"

log = logging.getLogger(__name__)


def natural_modules(library: Library) -> list[str]:
    """Paths of the library's modules named ``natural_causes`` (in any folder)."""
    return [p for p in library.modules if p.rsplit("/", 1)[-1] == MODULE]


def wanted(library: Library, mode: str) -> bool:
    """Whether ehrsim's natural-death module must be added to ``library`` under ``mode``."""
    if mode not in MODES:
        raise ConfigError(f"--natural-deaths must be one of {', '.join(MODES)}, not {mode!r}")
    own = natural_modules(library)
    if mode == "off" or (mode == "auto" and own):
        return False
    # under "on", ehrsim's own library (or a copy of its module at the same path) already runs it
    return not (own == [MODULE] and library.modules[MODULE].sha256 == _bundled().modules[MODULE].sha256)


def _bundled() -> Library:
    """ehrsim's natural-death module with its lookup tables, loaded alone from the bundled library."""
    return load_library([modules_dir()], only={(modules_dir() / f"{MODULE}.json").resolve()})


def _external() -> Library:
    """The external-cause module with its lookup tables (terminology/deaths/external_causes/)."""
    return load_library([terminology_dir() / "deaths" / EXTERNAL])


def _added_tables(tables: dict[str, LookupTable]) -> dict[str, LookupTable]:
    """The module's tables for another library: the gap to the life table (``added_natural_causes/``)."""
    folder = terminology_dir() / "deaths" / "added_natural_causes"
    return {
        name: LookupTable(folder / name, set(table.outputs)) if (folder / name).is_file() else table
        for name, table in tables.items()
    }


def with_natural_deaths(library: Library, mode: str) -> Library:
    """``library`` with ehrsim's natural-death module added as a core (top-level) module when ``mode`` wants it."""
    if not wanted(library, mode):
        return library
    extra, external = _bundled(), _external()
    if EXTERNAL in library.modules:
        raise ConfigError(
            f"the module library already has a module {EXTERNAL!r}, the path of ehrsim's external-cause death module; "
            "rename it or run with --natural-deaths off"
        )
    clash = sorted((set(extra.lookup_tables) | set(external.lookup_tables)) & set(library.lookup_tables))
    replaced = natural_modules(library)
    if clash and not replaced:
        raise ConfigError(
            f"the module library already has lookup table(s) {', '.join(clash)} used by ehrsim's natural-death "
            "module; rename them or run with --natural-deaths off"
        )
    modules = {p: m for p, m in library.modules.items() if p not in replaced}
    if replaced:
        log.info("--natural-deaths on: ehrsim's natural-death module replaces %s", ", ".join(replaced))
    modules.update(extra.modules)
    modules.update(external.modules)
    log.info(
        "natural deaths: ehrsim's %s and %s modules added to the library (--natural-deaths %s)", MODULE, EXTERNAL, mode
    )
    return Library(
        modules=modules,
        lookup_tables={**library.lookup_tables, **_added_tables(extra.lookup_tables), **external.lookup_tables},
        warnings=library.warnings,
        notices=library.notices,
    )
