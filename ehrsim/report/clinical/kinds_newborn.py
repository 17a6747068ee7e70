"""The newborn's first days: the birth stay, the care given in it, early weight loss and the NICU for preterm babies.

The birth stay is the inpatient encounter that starts within ``stay_start_hours`` (default 24) of the patient's own
birth; a mother's delivery admission is never it (that is later in her life). A life whose history was cut
(``--years-of-history``) is judged only when the cut leaves its birth in the record.
"""

from __future__ import annotations

import itertools

from ehrsim.record.times import DAY, iso
from ehrsim.report.clinical.base import HOUR, Finding, Rule, date_time, register
from ehrsim.report.clinical.view import Entry, PatientView

WEEK = 7 * DAY


def birth_stay(view: PatientView, within_hours: float = 24.0) -> Entry | None:
    """The inpatient stay beginning at (or within hours of) the patient's birth, or None."""
    stays = [
        e
        for e in view.entries("encounters")
        if e.get("class") == "inpatient" and 0 <= e["start"] - view.birth <= within_hours * HOUR
    ]
    return min(stays, key=lambda e: e["start"]) if stays else None


class _Newborn(Rule):
    """Patients born between ``born_from`` and ``born_until`` whose birth is in the record."""

    def setup(self) -> None:
        self.born_from = date_time(self.param("born_from"))
        self.born_until = date_time(self.param("born_until"), 2**62)
        self.within = float(self.param("stay_start_hours", 24))

    def judged(self, view: PatientView) -> bool:
        if not self.born_from <= view.birth < self.born_until or view.end - view.birth < DAY:
            return False
        return self.history_start is None or view.birth >= self.history_start


@register
class BirthStayPresent(_Newborn):
    """Every person born (in the hospital-birth era) has a birth stay; the share born elsewhere is the tolerance."""

    kind = "birth_stay_present"

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if not self.judged(view):
            return f
        f.add(birth_stay(view, self.within) is not None, f"born {iso(view.birth)[:10]}: no inpatient stay at birth")
        return f


@register
class BirthStayHas(_Newborn):
    """Every birth stay (of a newborn born since ``born_from``) records an entry of ``set``: a medication, procedure,
    observation or immunization whose encounter is the stay (vitamin K, the newborn screen)."""

    kind = "birth_stay_has"
    required = ("set",)

    def setup(self) -> None:
        super().setup()
        self.wanted = self.data.code_set(self.p["set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        stay = birth_stay(view, self.within) if self.judged(view) else None
        if stay is None:
            return f
        for kind in ("medications", "procedures", "observations", "immunizations"):
            if any(e.get("encounter") == stay["id"] and self.wanted.any(e.get("codes")) for e in view.entries(kind)):
                f.passed()
                return f
        f.add(False, f"birth stay {iso(stay['start'])[:10]} without {self.wanted.name}")
        return f


@register
class EarlyWeightBelowBirth(_Newborn):
    """A weight charted from ``from_days`` to ``to_days`` of life (default 2-5) is below the birth weight (the first
    weight in the first day): newborns lose about 5-7 % by days 2-4 and regain it by 10-14 days."""

    kind = "early_weight_below_birth"
    required = ("set",)

    def setup(self) -> None:
        super().setup()
        self.weight = self.data.code_set(self.p["set"])
        self.window = (float(self.param("from_days", 2)) * DAY, float(self.param("to_days", 5)) * DAY)

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if not self.judged(view):
            return f
        weights = [(t, v) for t, v, _ in view.values(self.weight) if t - view.birth <= self.window[1]]
        at_birth = [v for t, v in weights if t - view.birth < DAY]
        if not at_birth:
            return f
        for t, v in weights:
            if self.window[0] <= t - view.birth:
                day = (t - view.birth) / DAY
                f.add(v < at_birth[0], f"{iso(t)[:10]} day {day:.1f}: {v} kg, at birth {at_birth[0]}")
        return f


@register
class NicuForPreterm(_Newborn):
    """A newborn whose gestational age charted in the first day is under ``below_weeks`` (34) stays in hospital from
    birth until at least ``min_pma_weeks`` (35) weeks postmenstrual age (AAP 2008: discharge at about 36-37 weeks).
    The age is in completed weeks, so the newborn may be up to 6 days older: the stay must cover the rest counted
    from the end of that week."""

    kind = "nicu_for_preterm"
    required = ("gestation_set", "below_weeks", "min_pma_weeks")

    def setup(self) -> None:
        super().setup()
        self.gestation = self.data.code_set(self.p["gestation_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if not self.judged(view):
            return f
        ages = [v for t, v, _ in view.values(self.gestation) if 0 <= t - view.birth < DAY]
        if not ages or ages[0] >= self.p["below_weeks"]:
            return f
        needed = (float(self.p["min_pma_weeks"]) - (ages[0] + 1)) * WEEK
        stay = birth_stay(view, self.within)
        if stay is not None and stay.get("in_progress"):
            return f  # still in the unit at the reference date
        lasted = (view.stop_of(stay) - stay["start"]) if stay is not None else 0.0
        died = view.death is not None and stay is not None and view.death <= view.stop_of(stay)
        ok = died or lasted >= needed
        f.add(ok, f"born at {ages[0]:g} weeks: stay of {lasted / DAY:.1f} days (needs {needed / DAY:.0f})")
        return f


@register
class InfantDeathsPreterm(_Newborn):
    """The share of infant deaths (under 1 year, birth in the record) whose gestational age charted in the birth
    stay (``gestation_set``) was under ``below_weeks`` lies within ``band``: preterm birth carries most infant deaths,
    so a share near the preterm share of births means the death chance ignores gestation. At least ``min_deaths``
    (default 20) deaths are needed to judge it (n/a)."""

    kind = "infant_deaths_preterm_share"
    band = True
    required = ("gestation_set", "below_weeks", "band")

    def setup(self) -> None:
        super().setup()
        self.gestation = self.data.code_set(self.p["gestation_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if view.alive or view.end - view.birth >= 365.25 * DAY or not self.born_from <= view.birth < self.born_until:
            return f
        if self.history_start is not None and view.birth < self.history_start:
            return f
        charted = [v for t, v, _ in view.values(self.gestation) if t - view.birth <= self.within * HOUR]
        if charted:
            f.passed()
            f.values.append(1.0 if charted[0] < self.p["below_weeks"] else 0.0)
        return f

    def measure(self, values: list[float]) -> float | None:
        return sum(values) / len(values) if len(values) >= self.param("min_deaths", 20) else None


@register
class LongBirthStayWeighed(_Newborn):
    """A birth stay lasting ``min_days`` or more (a NICU stay) records a weight of ``weight_set`` at least every
    ``max_gap_days`` from admission to discharge: growth in the unit is followed on the preterm chart (Fenton 2013).
    A stay still in progress at the record's end or ended by death is judged up to its end."""

    kind = "long_birth_stay_weighed"
    required = ("weight_set", "min_days", "max_gap_days")

    def setup(self) -> None:
        super().setup()
        self.weights = self.data.code_set(self.p["weight_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        stay = birth_stay(view, self.within) if self.judged(view) else None
        if stay is None:
            return f
        start, stop = stay["start"], view.stop_of(stay)
        if stop - start < float(self.p["min_days"]) * DAY:
            return f
        times = [start, *sorted(t for t, _, o in view.values(self.weights) if o.get("encounter") == stay["id"]), stop]
        gap = max(b - a for a, b in itertools.pairwise(times))
        n = len(times) - 2
        f.add(gap <= float(self.p["max_gap_days"]) * DAY, f"stay of {(stop - start) / DAY:.0f} days: {n} weights")
        return f
