"""Storylines: ``--storyline FILE`` forces named module states at given ages or dates (docs/storylines.md).

A storyline is a list of events ``(module, state, age | date)``. For each life, every event becomes
one queue event that moves the module's run to the state at that time (``engine.force``), so the
state records its entries as usual and the module carries on from there; everything else in the
life is simulated. A life is only kept when the storyline can be told exactly:

- the patient is alive at every event's time (and born before it; the reference date is after it);
- the module did not enter the named state before its time (the event is its first occurrence).

Other lives are re-drawn like a cohort's candidates (``ehrsim.cohort``): this conditions the life
on survival and on the state not happening earlier, which is what "onset at 45" means. What the
module graphs or the options make impossible is refused before any patient is simulated.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from ehrsim.engine import force
from ehrsim.errors import ConfigError
from ehrsim.gmf.graph import to_graph
from ehrsim.gmf.values import SECONDS
from ehrsim.record.times import from_date

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.library import Library, Module
    from ehrsim.settings import Settings

EVENT_KEYS = {"module", "state", "age", "date", "name", "encounter"}
#: a date without a time of day is placed at local noon: the same calendar date in UTC and every US zone
NOON = dt.time(12, 0)
# reasons a life does not tell the storyline (counted per slot for the error message)
DIED = "died before an event"
OUTSIDE = "an event falls before birth or after the reference date"
EARLY = "reached a named state before its time"
LATE = "could not enter a named state at its time (its visit waited for another one)"


@dataclass(frozen=True)
class Event:
    """One forced state: at ``age`` years or on ``when`` (local, or with an offset); see ``time``."""

    number: int  # 1-based, as in the file
    module: str
    state: str
    age: float | None = None
    when: dt.datetime | None = None  # naive: the patient's local time
    name: str | None = None
    encounter: str | None = None  # an Encounter state of the module opened at that time first

    @property
    def label(self) -> str:
        at = f"age {self.age:g}" if self.age is not None else f"{self.when.isoformat() if self.when else '?'}"
        return f"{self.module}:{self.state} at {at}"

    def time(self, birth_time: float, zone: Any) -> float:
        """The event's record time for a patient born at ``birth_time`` living in ``zone``.

        A date, or the day an age is reached (the birthday for a whole number of years), is placed at
        local noon; a date-time is kept as given (in local time when it has no offset).
        """
        if self.when is not None:
            return (self.when if self.when.tzinfo is not None else self.when.replace(tzinfo=zone)).timestamp()
        assert self.age is not None
        birth = dt.datetime.fromtimestamp(birth_time, zone).date()  # the local birthday (FHIR's birthDate)
        if self.age.is_integer():
            year = birth.year + int(self.age)
            try:
                day = birth.replace(year=year)
            except ValueError:  # born on 29 February: the birthday is 28 February in common years
                day = birth.replace(year=year, day=28)
        else:
            day = dt.datetime.fromtimestamp(birth_time + self.age * SECONDS["years"], zone).date()
        return dt.datetime.combine(day, NOON, tzinfo=zone).timestamp()


@dataclass(frozen=True)
class Storyline:
    """The events of a storyline file, checked against the run's modules and options."""

    file: str  # the file's path, or "storyline" for one given as a mapping (Python API)
    events: tuple[Event, ...]

    @classmethod
    def load(
        cls, source: Path | Mapping[str, Any], library: Library, modules: list[Module], settings: Settings
    ) -> Storyline:
        """From a file, or a mapping of the same shape (``{"events": [...]}``) given to the Python API."""
        if isinstance(source, Mapping):
            storyline = cls("storyline", parse_data("storyline", source))
        else:
            storyline = cls(str(source), parse_file(Path(source)))
        storyline.check(library, modules, settings)
        return storyline

    def check(self, library: Library, modules: list[Module], settings: Settings) -> None:
        """Refuse what no life can tell: unknown or unreachable states, events outside every life."""
        running = {m.path for m in modules}
        for e in self.events:
            where = f"{self.file}: event {e.number}"
            module = library.modules.get(e.module)
            if module is None:
                close = difflib.get_close_matches(e.module, list(library.modules), n=3)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                raise ConfigError(f"{where}: unknown module {e.module!r}{hint}")
            if module.submodule:
                raise ConfigError(
                    f"{where}: {e.module!r} is a submodule; name a state of the top-level module that calls it"
                )
            if e.module not in running:
                raise ConfigError(f"{where}: module {e.module!r} is not run (--only-modules)")
            _check_states(where, e, module)
            _check_time(where, e, settings)
        deaths = [e for e in self.events if library.modules[e.module].states[e.state].type == "Death"]
        for death in deaths:
            for e in self.events:
                if e is not death and _surely_after(e, death):
                    raise ConfigError(
                        f"{self.file}: event {e.number} ({e.label}) comes after the death of event {death.number}"
                    )
        seen: dict[tuple[str, float | dt.datetime | None], int] = {}
        for e in self.events:
            key = (e.module, e.age if e.age is not None else e.when)
            if key in seen:
                raise ConfigError(
                    f"{self.file}: events {seen[key]} and {e.number} move module {e.module!r} at the same time"
                )
            seen[key] = e.number

    def describe(self) -> dict[str, Any]:
        """What metadata.json says about the storyline."""
        return {"file": self.file, "events": [e.label for e in self.events]}

    def outside(self, birth_time: float, zone: Any, end_time: float) -> bool:
        """True when an event of this patient falls before birth or after the reference date (no life simulated)."""
        return any(not birth_time <= e.time(birth_time, zone) <= end_time for e in self.events)

    def life(self, sim: Simulation) -> StoryLife:
        """Schedule the events in ``sim`` (before ``sim.run()``); the returned object says how the life went."""
        return StoryLife(self, sim)


def _check_states(where: str, e: Event, module: Module) -> None:
    if e.state not in module.states:
        close = difflib.get_close_matches(e.state, list(module.states), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigError(f"{where}: module {e.module!r} has no state {e.state!r}{hint}")
    if e.state != "Initial" and e.state not in nx.descendants(to_graph(module), "Initial"):
        raise ConfigError(f"{where}: module {e.module!r} cannot reach state {e.state!r} from Initial")
    if e.encounter is not None:
        visit = module.states.get(e.encounter)
        if visit is None or visit.type != "Encounter" or getattr(visit, "wellness", False):
            raise ConfigError(
                f"{where}: field 'encounter' must name a (non-wellness) Encounter state of {e.module!r}, "
                f"found {e.encounter!r}"
            )


def _check_time(where: str, e: Event, settings: Settings) -> None:
    reference_date = settings.reference_date
    reference = from_date(reference_date)
    if e.when is not None:
        # a local date-time is at least 4 hours behind UTC in every US zone (EDT); an aware one is exact
        earliest = e.when.timestamp() if e.when.tzinfo else e.when.replace(tzinfo=dt.UTC).timestamp() + 4 * 3600
        if earliest > reference:
            raise ConfigError(f"{where}: {e.when.isoformat()} is after the reference date {reference_date}")
        oldest_birth = reference - (settings.age_max + 1) * SECONDS["years"]
        if earliest + 24 * 3600 < oldest_birth:
            raise ConfigError(
                f"{where}: {e.when.date()} is before the birth of every patient "
                f"(--age at most {settings.age_max:g} at {reference_date})"
            )
    if e.age is not None and e.age >= settings.age_max + 1:
        raise ConfigError(
            f"{where}: no patient reaches age {e.age:g} (--age at most {settings.age_max:g} at {reference_date})"
        )


def _surely_after(e: Event, death: Event) -> bool:
    if e.age is not None and death.age is not None:
        return e.age > death.age
    if e.when is not None and death.when is not None:
        return e.when.replace(tzinfo=None) - death.when.replace(tzinfo=None) > dt.timedelta(days=1)
    return False


class StoryLife:
    """One candidate's storyline: forces each event's state and notes why the life cannot tell it."""

    __slots__ = ("fired", "problem", "times")

    def __init__(self, storyline: Storyline, sim: Simulation) -> None:
        self.fired = 0  # events whose state was entered at their exact time (checked once the modules stepped)
        self.problem: str | None = None
        self.times: list[float] = []
        for e in storyline.events:
            t = e.time(sim.birth_time, sim.zone)
            self.times.append(t)
            force.at(sim, t, self._action(e))

    def _action(self, event: Event) -> Any:
        def fire(sim: Simulation, t: float) -> None:
            run = force.run_of(sim, event.module)
            assert run is not None  # checked against the run's modules
            entered = run.history.get(event.state)
            if entered is not None and entered < t:  # it happened before its time: this life cannot tell it
                self.problem = EARLY
                sim.end_time = t  # nothing more of this life is needed
                return
            if entered is None:
                force.force_state(sim, run, event.state, t, event.encounter)
                force.at(sim, t, check)  # after the module has stepped at t
            else:  # the module entered it at this very instant by itself
                self.fired += 1

        def check(sim: Simulation, t: float) -> None:
            run = force.run_of(sim, event.module)
            if run is not None and run.history.get(event.state) == t:
                self.fired += 1
            elif self.problem is None:
                self.problem = LATE
                sim.end_time = t

        return fire

    def verdict(self, death_time: float | None) -> str | None:
        """None when every event happened at its time, else the reason the life is re-drawn."""
        if self.problem is not None:
            return self.problem
        if self.fired < len(self.times) or (death_time is not None and any(death_time < t for t in self.times)):
            return DIED
        return None


def parse_file(path: Path) -> tuple[Event, ...]:
    """Read a storyline file (``.toml`` or ``.json``); every problem names the file and the field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"--storyline {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        if path.suffix.lower() == ".json":
            data: Any = json.loads(text)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_data(str(path), data)


def parse_data(name: str, data: Any) -> tuple[Event, ...]:
    """The events of a parsed storyline; ``name`` (the file) starts every message."""
    if not isinstance(data, Mapping) or not isinstance(data.get("events"), list) or not data["events"]:
        raise ConfigError(f"{name}: needs a non-empty list 'events' (TOML: [[events]] tables)")
    unknown = sorted(set(data) - {"events", "description"})
    if unknown:
        raise ConfigError(f"{name}: unknown field {unknown[0]!r} (expected 'events', 'description')")
    return tuple(_event(name, i, raw) for i, raw in enumerate(data["events"], start=1))


def _event(name: str, number: int, raw: Any) -> Event:
    where = f"{name}: event {number}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: must be a table/object with 'module', 'state' and 'age' or 'date'")
    unknown = sorted(set(raw) - EVENT_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown field {unknown[0]!r} (expected {', '.join(sorted(EVENT_KEYS))})")
    for key in ("module", "state"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"{where}: field {key!r} must be a non-empty string, found {raw.get(key)!r}")
    if ("age" in raw) == ("date" in raw):
        raise ConfigError(f"{where}: give exactly one of 'age' (years) and 'date' (YYYY-MM-DD or a date-time)")
    age = when = None
    if "age" in raw:
        age = raw["age"]
        if isinstance(age, bool) or not isinstance(age, int | float) or not math.isfinite(age) or not 0 <= age <= 130:
            raise ConfigError(f"{where}: field 'age' must be a number of years from 0 to 130, found {age!r}")
        age = float(age)
    else:
        when = _when(where, raw["date"])
    for key in ("name", "encounter"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(f"{where}: field {key!r} must be a string, found {raw[key]!r}")
    encounter = raw["encounter"].strip() if "encounter" in raw else None
    return Event(number, raw["module"].strip(), raw["state"].strip(), age, when, raw.get("name"), encounter)


def _when(where: str, value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, NOON)
    if isinstance(value, str):
        try:
            if len(value.strip()) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(value.strip()), NOON)
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: field 'date' must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM], found {value!r}")
