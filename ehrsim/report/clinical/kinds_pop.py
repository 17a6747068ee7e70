"""Clock, deaths and population rules: office hours, causes of death, age structure, prevalence."""

from __future__ import annotations

import csv
from statistics import fmean

from ehrsim.errors import ConfigError
from ehrsim.record.times import iso
from ehrsim.report.clinical.base import Finding, Rule, register
from ehrsim.report.clinical.view import Entry, PatientView
from ehrsim.report.source import YEAR

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _shown(view: PatientView, t: int) -> str:
    local = view.local(t)
    return f"{WEEKDAYS[local.weekday()]} {local.strftime('%Y-%m-%d %H:%M')} local"


@register
class EncounterHours(Rule):
    """Scheduled visits (wellness, ambulatory) start on weekdays in office hours, local time.

    ``at: stop`` judges when encounters end instead (a live hospital discharge in the daytime): an encounter
    ending at the death, or still in progress at the reference date, is not judged."""

    kind = "encounter_hours"
    required = ("classes", "hours")

    def check(self, view: PatientView) -> Finding:
        lo, hi = self.p["hours"]
        weekdays_only = bool(self.param("weekdays_only", True))
        closed = set(self.param("closed_dates", ()))  # "MM-DD" dates offices are closed (fixed-date holidays)
        at = self.param("at", "start")
        f = Finding()
        for enc in view.entries("encounters"):
            if enc["class"] in self.p["classes"]:
                if at == "stop" and (enc.get("in_progress") or (view.death is not None and enc["stop"] >= view.death)):
                    continue  # ended by the death or by the reference date: not a discharge
                local = view.local(enc[at])
                open_day = (local.weekday() < 5 or not weekdays_only) and local.strftime("%m-%d") not in closed
                if lo <= local.hour < hi and open_day:
                    f.passed()
                else:
                    verb = "discharged" if at == "stop" else "at"
                    f.add(False, f"{enc['class']} encounter {enc['n']} {verb} {_shown(view, enc[at])}")
        return f


@register
class ProcedureHours(Rule):
    """Planned procedures (in ambulatory, wellness or outpatient encounters) happen in daytime hours."""

    kind = "procedure_hours"
    required = ("classes", "hours")

    def check(self, view: PatientView) -> Finding:
        lo, hi = self.p["hours"]
        only = self.data.code_set(self.p["procedure_set"]) if self.param("procedure_set") else None
        f = Finding()
        for proc in view.entries("procedures"):
            enc = view.encounters_by_id.get(proc.get("encounter") or "")
            if only is not None and not only.any(proc.get("codes")):
                continue
            if only is None and (enc is None or enc["class"] not in self.p["classes"]):
                continue
            if lo <= view.local(proc["start"]).hour < hi:
                f.passed()
            else:
                code = (proc.get("codes") or [{}])[0]
                f.add(False, f"{code.get('display', '?')} at {_shown(view, proc['start'])}")
        return f


def _death_age(view: PatientView) -> float | None:
    return view.age(view.death) if view.death is not None else None


@register
class DeathCauseAge(Rule):
    """A cause of death not acceptable in an age band (unknown cause under 65, except sudden infant death)."""

    kind = "death_cause_age"
    required = ("cause_set", "min_age", "max_age")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])

    def check(self, view: PatientView) -> Finding:
        age = _death_age(view)
        if age is None or not self.p["min_age"] <= age < self.p["max_age"]:
            return Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        f = Finding()
        f.add(not self.causes.any(codes), f"died at {age:.1f}: {(codes or [{}])[0].get('display', '?')}")
        return f


@register
class DeathDisposition(Rule):
    """A death during a hospital stay ends that stay with an 'expired' disposition, after a real stay."""

    kind = "death_disposition"
    required = ("classes", "expired_set")

    def setup(self) -> None:
        self.expired = self.data.code_set(self.p["expired_set"])
        certification = self.param("certification_set")  # the certification encounter is not a stay
        self.certification = self.data.code_set(certification) if certification else None

    def _stay(self, enc: Entry | None, places: set[str]) -> bool:
        return (
            enc is not None
            and enc["class"] in places
            and (self.certification is None or not self.certification.any(enc.get("codes")))
        )

    def check(self, view: PatientView) -> Finding:
        if view.death is None:
            return Finding()
        death = view.record.get("death") or {}
        places = {*self.p["classes"], *self.param("transfer_classes", [])}
        # A death soon after a stay's end is judged as a death in it (a module that discharged and killed);
        # one later came after a discharge alive (e.g. home from the emergency department, died next day).
        grace = float(self.param("after_stop_hours", 24)) * 3600
        stays = [
            e
            for e in view.entries("encounters")
            if self._stay(e, places) and e["start"] <= view.death <= e["stop"] + grace
        ]
        linked: Entry | None = view.encounters_by_id.get(death.get("encounter") or "")
        if linked is not None and self._stay(linked, places):
            stays.append(linked)
        if not stays:
            return Finding()
        enc = max(stays, key=lambda e: e["start"])
        if enc["class"] not in self.p["classes"]:
            return Finding()  # moved on (e.g. to hospice) and died there: that stay is the place of death
        disposition = enc.get("discharge")
        hours = (enc["stop"] - enc["start"]) / 3600
        ok = disposition is not None and self.expired.match(disposition) and hours > 0
        f = Finding()
        f.add(
            ok,
            f"{enc['class']} stay of {hours:.1f} h ending {iso(enc['stop'])}, discharge "
            f"{(disposition or {}).get('display', 'none')}",
        )
        return f


@register
class DeathCertification(Rule):
    """The death certification encounter is the pronouncement: at the death, never an office visit."""

    kind = "death_certification"
    required = ("certification_set", "office_classes")

    def setup(self) -> None:
        self.certification = self.data.code_set(self.p["certification_set"])

    def check(self, view: PatientView) -> Finding:
        f = Finding()
        if view.death is None:
            return f
        for enc in view.entries("encounters"):
            if self.certification.any(enc.get("codes")):
                office = enc["class"] in self.p["office_classes"]
                f.add(
                    enc["start"] == view.death and not office,
                    f"{enc['class']} certification encounter {enc['n']} at {_shown(view, enc['start'])}, "
                    f"death {_shown(view, view.death)}",
                )
        return f


class _Share(Rule):
    band = True

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if values else None


@register
class AgeShare(_Share):
    """Share of the living population in an age range (census)."""

    kind = "age_share"
    required = ("min_age", "max_age", "band")

    def check(self, view: PatientView) -> Finding:
        if not view.alive:
            return Finding()
        age = view.age(view.reference_time)
        return Finding(events=1, values=[1.0 if self.p["min_age"] <= age < self.p["max_age"] else 0.0])


@register
class AgePyramid(Rule):
    """The living population's age bands against the census (largest gap in percentage points)."""

    kind = "age_pyramid"
    band = True
    required = ("bands", "census_file", "band")

    def setup(self) -> None:
        path = self.data.folder.parent / self.p["census_file"]
        if not path.is_file():
            raise ConfigError(f"clinical rule {self.rule.id}: census file {path} not found")
        with open(path, newline="", encoding="utf-8") as fh:
            rows = [
                (float(r["age_from"]), float(r["age_to"]), float(r["male"]) + float(r["female"]))
                for r in csv.DictReader(fh)
            ]
        total = sum(n for _, _, n in rows)
        # a census band across a rule band boundary (15-20 vs 18) is shared by its overlap
        self.expected = [
            sum(n * max(0.0, min(b, hi) - max(a, lo)) / (b - a) for a, b, n in rows) / total
            for lo, hi in self.p["bands"]
        ]

    def check(self, view: PatientView) -> Finding:
        if not view.alive:
            return Finding()
        return Finding(events=1, values=[view.age(view.reference_time)])

    def shares(self, ages: list[float]) -> list[float]:
        return [sum(1 for a in ages if lo <= a < hi) / len(ages) for lo, hi in self.p["bands"]]

    def measure(self, values: list[float]) -> float | None:
        if not values:
            return None
        return max(abs(s - e) for s, e in zip(self.shares(values), self.expected, strict=True))

    def detail(self, values: list[float]) -> str:
        if not values:
            return ""
        parts = [
            f"{lo:g}-{hi:g}: {100 * s:.1f} % (census {100 * e:.1f} %)"
            for (lo, hi), s, e in zip(self.p["bands"], self.shares(values), self.expected, strict=True)
        ]
        return "; ".join(parts)


@register
class DeathAgeMax(Rule):
    """The oldest age at death in the population (people reach the life table's old ages)."""

    kind = "death_age_max"
    band = True
    required = ("band",)

    def check(self, view: PatientView) -> Finding:
        age = _death_age(view)
        return Finding(events=1, values=[age]) if age is not None else Finding()

    def measure(self, values: list[float]) -> float | None:
        return max(values) if len(values) >= int(self.param("min_deaths", 1)) else None


@register
class Prevalence(_Share):
    """Share of living people in an age range ever diagnosed with a condition."""

    kind = "prevalence"
    required = ("condition_set", "min_age", "max_age", "band")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        if not view.alive or not self.p["min_age"] <= view.age(view.reference_time) < self.p["max_age"]:
            return Finding()
        has = any(c["start"] <= view.reference_time for c in view.conditions_in(self.conditions))
        return Finding(events=1, values=[1.0 if has else 0.0])


@register
class DeathCauseShare(_Share):
    """Share of deaths in an age band (optional ``sex``) with a cause in a set (external causes among young deaths,
    heart failure among women's deaths)."""

    kind = "death_cause_share"
    required = ("cause_set", "min_age", "max_age", "band")

    def setup(self) -> None:
        self.causes = self.data.code_set(self.p["cause_set"])

    def check(self, view: PatientView) -> Finding:
        age = _death_age(view)
        if age is None or not self.p["min_age"] <= age < self.p["max_age"]:
            return Finding()
        if self.param("sex") not in (None, view.sex):
            return Finding()
        codes = (view.record.get("death") or {}).get("codes") or []
        return Finding(events=1, values=[1.0 if self.causes.any(codes) else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= int(self.param("min_deaths", 1)) else None


@register
class ConditionMortalityRatio(Rule):
    """Deaths of people with a condition (from its first diagnosis) over the deaths expected at the death rates of
    people of the same 10-year age band without it: the excess mortality a disease carries (diabetes ~1.8x)."""

    kind = "condition_mortality_ratio"
    band = True
    required = ("condition_set", "min_age", "band")

    def setup(self) -> None:
        self.conditions = self.data.code_set(self.p["condition_set"])

    def check(self, view: PatientView) -> Finding:
        onset = min((c["start"] for c in view.conditions_in(self.conditions)), default=None)
        values: list[tuple[int, bool, float, int]] = []
        lo = int(self.p["min_age"]) // 10 * 10
        while view.at_age(lo) < view.end:
            start, stop = max(view.at_age(lo), view.at_age(self.p["min_age"])), min(view.at_age(lo + 10), view.end)
            cut = min(max(onset, start), stop) if onset is not None else stop  # time with the condition: cut..stop
            died = int(view.death is not None and stop == view.end)
            if cut > start:
                values.append((lo, False, (cut - start) / YEAR, died if cut == stop else 0))
            if stop > cut:
                values.append((lo, True, (stop - cut) / YEAR, died))
            lo += 10
        return Finding(events=1, values=values) if values else Finding()

    def _counts(self, values: list[tuple[int, bool, float, int]]) -> tuple[int, float]:
        years: dict[tuple[int, bool], float] = {}
        deaths: dict[tuple[int, bool], int] = {}
        for band, has, py, died in values:
            years[band, has] = years.get((band, has), 0.0) + py
            deaths[band, has] = deaths.get((band, has), 0) + died
        observed = sum(d for (_, has), d in deaths.items() if has)
        expected = sum(
            years[band, True] * deaths.get((band, False), 0) / years[band, False]
            for band, has in years
            if has and years.get((band, False))
        )
        return observed, expected

    def measure(self, values: list[tuple[int, bool, float, int]]) -> float | None:
        observed, expected = self._counts(values)
        if observed < int(self.param("min_deaths", 1)) or expected <= 0:
            return None
        return observed / expected

    def detail(self, values: list[tuple[int, bool, float, int]]) -> str:
        observed, expected = self._counts(values)
        return f"{observed} deaths with the condition, {expected:.1f} expected at the rates of people without it"


@register
class DrugUseShare(_Share):
    """Share of living people in an age range taking a drug class on the reference date (NHANES: use in the past 30
    days), so a drug started for prevention is also stopped as often as in the population (statins at 75+)."""

    kind = "drug_use_share"
    required = ("drug_class", "min_age", "max_age", "band")

    def check(self, view: PatientView) -> Finding:
        ref = view.reference_time
        if not view.alive or not self.p["min_age"] <= view.age(ref) < self.p["max_age"]:
            return Finding()
        if self.param("sex") and view.sex != self.p["sex"]:
            return Finding()
        taking = any(view.active(m, ref) for m in view.meds_of(self.p["drug_class"]))
        return Finding(events=1, values=[1.0 if taking else 0.0])

    def measure(self, values: list[float]) -> float | None:
        return fmean(values) if len(values) >= int(self.param("min_people", 1)) else None
