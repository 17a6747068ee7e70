"""The patient's state as modules read and set it: attributes, true vital signs, measurements, symptoms.

A mixin of ``Simulation`` (split out by concept, like ``RecordWrites``; no state of its own): the
``gmf.patient.PatientAccess`` methods that are not about the queue, the record or death. Vital signs are
computed lazily by the physiological state (``engine.lifecycle``) and cached between reads.
"""

from __future__ import annotations

import bisect
import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.core import ref_ranges
from ehrsim.engine import care, lifecycle, parameters
from ehrsim.engine.queue import SYMPTOMS
from ehrsim.errors import SimulationError
from ehrsim.gmf.values import SECONDS
from ehrsim.record.times import to_datetime

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology
    from ehrsim.engine.encounters import EncounterDesk
    from ehrsim.engine.recorder import Recorder
    from ehrsim.engine.simulation import Simulation
    from ehrsim.engine.symptoms import Symptoms
    from ehrsim.gmf.run import ModuleRun
    from ehrsim.gmf.transitions import TypeOfCare

YEAR = SECONDS["years"]
FAST_GROWTH = 2 * YEAR  # vitals refresh daily before this age (infant growth), monthly after
ADULT = 18 * YEAR  # creatinine from eGFR by the bedside Schwartz equation before, CKD-EPI after (core/physio_tables.py)
MONTH_TABLE_YEARS = (1800, 2200)  # calendar months ``month_at`` finds by bisection (outside: built from a datetime)


@cache
def _month_starts() -> tuple[float, ...]:
    """UTC start (epoch seconds) of every month of ``MONTH_TABLE_YEARS``, January first: index i is month i % 12 + 1."""
    first, last = MONTH_TABLE_YEARS
    return tuple(
        dt.datetime(year, month, 1, tzinfo=dt.UTC).timestamp() for year in range(first, last) for month in range(1, 13)
    )


class PatientState:
    """``Simulation``'s methods for attributes, vitals and symptoms (see ``engine/simulation.py`` for the rest)."""

    if TYPE_CHECKING:  # provided by Simulation
        attributes: dict[str, Any]
        birth_time: float
        now: float
        rng: np.random.Generator
        rec: Recorder
        desk: EncounterDesk
        symptoms: Symptoms
        physiology: Physiology
        pinned_vitals: dict[str, float]
        _watchers: dict[str, Any]
        _month: tuple[float, float, tuple[int, float]]
        _vitals: dict[str, float]
        _vitals_at: float
        latent_onsets: dict[str, float]
        _latent_names: dict[str, str]

        def notify(self, key: str) -> None: ...
        def schedule_core(self, t: float, kind: int) -> None: ...

    @property
    def _sim(self) -> Simulation:
        """This object as the ``Simulation`` it is part of (what ``care`` and ``lifecycle`` take)."""
        return self  # type: ignore[return-value]

    # --- attributes, vitals, symptoms ---------------------------------------------------------

    def set_attribute(self, name: str, value: Any) -> None:
        if value is True and name in care.PREGNANCY_ATTRIBUTES and self.attributes.get(name) is not True:
            care.pregnancy_started(self._sim)
        if name in lifecycle.PREGNANCY_ATTRIBUTES:
            lifecycle.pregnancy_changed(self._sim, value)
        if value is True and name in self._latent_names and name not in self.latent_onsets:
            self.latent_onsets[name] = self.now
        if value is None:
            self.attributes.pop(name, None)
        else:
            self.attributes[name] = value
        key = "a:" + name
        if key in self._watchers:
            self.notify(key)

    def update_attributes(self, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            if self.attributes.get(name) != value:
                self.set_attribute(name, value)

    def attribute_number(self, name: str, t: float) -> float:
        if name == "age":
            return (t - self.birth_time) / SECONDS["years"]
        value = self.attributes.get(name)
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SimulationError(f"expression needs attribute {name!r} as a number, found {value!r}") from None

    @property
    def vitals(self) -> dict[str, float]:
        """True vital signs, recomputed lazily (only when something reads them): at most daily while a child
        under 2 grows fast (so the 1-month visit does not repeat the newborn's measurements), then monthly."""
        refresh = SECONDS["days"] if self.now - self.birth_time < FAST_GROWTH else SECONDS["months"]
        adult = self.birth_time + ADULT  # creatinine follows the adult equation from here: never a child's value after
        if self.now - self._vitals_at >= refresh or self._vitals_at < adult <= self.now:
            self._vitals = lifecycle.vitals(self._sim, self.now)
            self._vitals.update(self.pinned_vitals)
            self._vitals_at = self.now
        return self._vitals

    def set_vital(self, name: str, value: float) -> None:
        """A module sets a true value. A variable of the physiological state adopts it and drifts
        back to what the body dictates (``Physiology.impose``); any other stays until changed."""
        if name not in self.pinned_vitals and name in lifecycle.STATE_VARIABLES:
            self._vitals_at = -np.inf
            _ = self.vitals  # the true values now, from which the module's value is an offset
            self.physiology.impose(name, value, self.now)
            self._vitals_at = -np.inf
        else:
            self.pinned_vitals[name] = value
        self.vitals[name] = value
        if self._watchers:
            self.notify(f"v:{name}")

    def invalidate_vitals(self) -> None:
        """Something the physiological state reads changed: recompute the true values when next read."""
        self._vitals_at = -np.inf

    def measure(self, loinc: str | None, vital_sign: str | None, declared: tuple[float, float] | None) -> Any:
        """A result read from the physiological state now, with noise and rounding (None when the
        code is not a state variable): see ``core/labs.py``."""
        return lifecycle.measure(self._sim, loinc, vital_sign, declared)

    def adopt_range(self, loinc: str, declared: tuple[float, float]) -> None:
        """A module's range for a state variable moves the state into it now (see ``lifecycle.adopt_range``)."""
        lifecycle.adopt_range(self._sim, loinc, declared)

    def result_flags(self, loinc: str | None, value: Any) -> dict[str, Any]:
        """Reference range and interpretation flag of a numeric result now."""
        return ref_ranges.flags(loinc, value, (self.now - self.birth_time) / YEAR, self.physiology.sex)

    def set_symptom(self, symptom: str, cause: str, value: float, t: float) -> None:
        self.symptoms.set(symptom, cause, value)
        self.symptoms.log.append((t, symptom, cause, value, None))
        if self._watchers:
            self.notify("symptom")
        if self.symptoms.needs_visit():
            self.schedule_core(t, SYMPTOMS)

    def symptom_total(self) -> float:
        """Sum over symptoms of the worst level from any cause (Synthea's trigger for a sick visit)."""
        return self.symptoms.total

    def symptom_level(self, symptom: str) -> float:
        return self.symptoms.level(symptom)

    def month_at(self, t: float) -> tuple[int, float]:
        """(calendar month at ``t``, start of the next month): cached, Date logic asks often."""
        cached = self._month  # (start, next month's start, the answer): the answer is kept, not rebuilt per call
        if cached[0] <= t < cached[1]:
            return cached[2]
        starts = _month_starts()  # a new month (~500 a life): found by bisection, no datetime built
        i = bisect.bisect_right(starts, t) - 1
        # a time within a millisecond of a month's start takes the datetime path, which rounds to microseconds
        if 0 <= i < len(starts) - 1 and starts[i] + 1e-3 < t < starts[i + 1] - 1e-3:
            nxt = starts[i + 1]
            self._month = (starts[i], nxt, (i % 12 + 1, nxt))
            return self._month[2]
        now = to_datetime(t)
        start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
        nxt = dt.datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=dt.UTC).timestamp()
        self._month = (start.timestamp(), nxt, (now.month, nxt))
        return self._month[2]

    def ses_category(self) -> str:
        return lifecycle.ses_category(self._sim)

    def latest_observation(self, code: str) -> dict[str, Any] | None:
        return self.rec.latest_obs.get(code)

    def imaging_study(self, run: ModuleRun, state: Any, t: float) -> None:
        care.imaging_study(self._sim, run, state, t)

    # --- encounters (delegated) ------------------------------------------------------------------

    def open_encounter(self, run: ModuleRun, state: Any, t: float) -> bool:
        return self.desk.open(run, state, t)

    def join_wellness(self, run: ModuleRun, state: Any, t: float) -> bool:
        return self.desk.join_wellness(run, state, t)

    def end_encounter(self, run: ModuleRun, state: Any, t: float) -> None:
        self.desk.end(run, state, t)

    def type_of_care(self, transition: TypeOfCare, t: float) -> str:
        draw = self.rng.random()
        p = parameters.care()
        if t >= p.telemedicine_start:
            if draw < p.ambulatory_from_telemedicine:
                return transition.ambulatory
            return transition.telemedicine if draw < p.telemedicine_cumulative else transition.emergency
        return transition.ambulatory if draw < p.ambulatory_before_telemedicine else transition.emergency
