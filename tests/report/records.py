"""Hand-made native records (docs/record.md) for the report tests: small, explicit, coherent by default."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ehrsim.record.kinds import KINDS
from ehrsim.record.times import from_date

REFERENCE_DATE = dt.date(2025, 1, 1)
REFERENCE = from_date(REFERENCE_DATE)
DAY = 86_400
YEAR = 365.25 * DAY


def code(c: str, system: str = "SNOMED-CT", display: str = "") -> dict[str, str]:
    return {"system": system, "code": c, "display": display or f"code {c}"}


class RecordBuilder:
    """Builds one patient's record entry by entry; ``record()`` returns the native dict."""

    def __init__(
        self,
        index: int = 0,
        *,
        gender: str = "F",
        birth: dt.date | int = dt.date(1960, 6, 1),
        death: dt.date | int | None = None,
        death_code: str = "419099009",
        death_encounter: str | None = None,
    ) -> None:
        self.index = index
        self.pid = str(uuid.UUID(int=index + 1))
        self.birth = birth if isinstance(birth, int) else from_date(birth)
        self.death = death if isinstance(death, int) or death is None else from_date(death)
        self.death_code = death_code
        self.death_encounter = death_encounter
        self.gender = gender
        self.n = 0
        self.lists: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}

    def _entry(self, kind: str, **fields: Any) -> dict[str, Any]:
        self.n += 1
        entry = {"id": str(uuid.UUID(int=(self.index + 1) * 1_000_000 + self.n)), "n": self.n, **fields}
        self.lists[kind].append(entry)
        return entry

    def at_age(self, years: float) -> int:
        return int(self.birth + years * YEAR)

    def encounter(
        self, start: int, hours: float = 1, cls: str = "ambulatory", discharge: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return self._entry(
            "encounters",
            start=start,
            stop=int(start + hours * 3600),
            encounter=None,
            **{"class": cls},
            codes=[code("185349003", display="Encounter for check up")],
            reason=[],
            organization="org-1",
            practitioner="pr-1",
            discharge=discharge,
            module="test",
        )

    def condition(
        self, c: str, start: int, stop: int | None = None, enc: dict[str, Any] | None = None, display: str = ""
    ) -> dict[str, Any]:
        return self._entry(
            "conditions", start=start, stop=stop, codes=[code(c, display=display)], encounter=enc["id"] if enc else None
        )

    def medication(
        self,
        c: str,
        start: int,
        reason: list[str],
        enc: dict[str, Any] | None = None,
        stop: int | None = None,
        display: str = "",
        administered: bool = False,
        dosage: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self._entry(
            "medications",
            start=start,
            stop=stop,
            codes=[code(c, "RxNorm", display)],
            reason=[code(r) for r in reason],
            chronic=False,
            administered=administered,
            requested=not administered,
            dosage=dosage,
            as_needed=False,
            duration_days=None,
            refills=0,
            instructions=[],
            stop_reason=None,
            encounter=enc["id"] if enc else None,
        )

    def observation(
        self,
        loinc: str,
        time: int,
        value: Any,
        unit: str = "%",
        enc: dict[str, Any] | None = None,
        category: str = "laboratory",
        **extra: Any,
    ) -> dict[str, Any]:
        value_type = "code" if isinstance(value, dict) else "numeric"
        return self._entry(
            "observations",
            time=time,
            category=category,
            codes=[code(loinc, "LOINC")],
            value=value,
            value_type=value_type,
            unit=unit,
            components=[],
            report=None,
            encounter=enc["id"] if enc else None,
            **extra,
        )

    def blood_pressure(self, time: int, systolic: float, diastolic: float) -> dict[str, Any]:
        """A blood pressure panel with its two components, as the engine records it."""
        return self._entry(
            "observations",
            time=time,
            category="vital-signs",
            codes=[code("85354-9", "LOINC", "Blood pressure panel with all children optional")],
            value=None,
            value_type="none",
            unit="",
            components=[
                {"codes": [code("8480-6", "LOINC")], "value": systolic, "value_type": "numeric", "unit": "mm[Hg]"},
                {"codes": [code("8462-4", "LOINC")], "value": diastolic, "value_type": "numeric", "unit": "mm[Hg]"},
            ],
            report=None,
            encounter=None,
        )

    def immunization(self, cvx: str, time: int, display: str = "") -> dict[str, Any]:
        return self._entry("immunizations", time=time, codes=[code(cvx, "CVX", display)], series=None, encounter=None)

    def allergy(self, c: str, start: int, system: str = "SNOMED-CT") -> dict[str, Any]:
        return self._entry(
            "allergies",
            start=start,
            stop=None,
            codes=[code(c, system)],
            type="allergy",
            category="medication",
            reactions=[],
            encounter=None,
        )

    def procedure(
        self, c: str, start: int, enc: dict[str, Any] | None = None, reason: list[str] | None = None
    ) -> dict[str, Any]:
        return self._entry(
            "procedures",
            start=start,
            stop=start + 1800,
            codes=[code(c)],
            reason=[code(r) for r in reason or ()],
            encounter=enc["id"] if enc else None,
        )

    def record(self) -> dict[str, Any]:
        dead = self.death is not None and self.death <= REFERENCE
        patient = {
            "birth_time": self.birth,
            "gender": self.gender,
            "race": "white",
            "ethnicity": "nonhispanic",
            "prefix": "",
            "first": "Test",
            "middle": "",
            "last": "Patient",
            "suffix": "",
            "maiden": "",
            "marital": "S",
            "ssn": "999-00-0001",
            "drivers": "",
            "passport": "",
            "mrn": str(self.index),
            "phone": "555-0100",
            "email": "test@example.org",
            "language": "english",
            "address": {
                "line": "1 Main St",
                "city": "Boston",
                "state": "Massachusetts",
                "state_abbr": "MA",
                "county": "Suffolk",
                "fips": "25025",
                "zip": "02101",
                "lat": 42.3,
                "lon": -71.0,
            },
            "birthplace": {"city": "Boston", "state": "Massachusetts", "country": "US"},
            "income": 50000,
            "education": "bs_degree",
            "insurance": "private",
            "organization": "org-1",
            "practitioner": "pr-1",
        }
        death = (
            {"time": self.death, "codes": [code(self.death_code)], "encounter": self.death_encounter} if dead else None
        )
        return {
            "format": 1,
            "index": self.index,
            "id": self.pid,
            "patient": patient,
            "alive": not dead,
            "death": death,
            **self.lists,
        }


def diabetic_patient(index: int = 0) -> dict[str, Any]:
    """A coherent record: HbA1c 7.1 % at the visit that diagnoses type 2 diabetes, metformin for it."""
    b = RecordBuilder(index, gender="M", birth=dt.date(1960, 1, 1))
    visit = b.encounter(b.at_age(50), cls="wellness")
    b.observation("4548-4", visit["start"], 7.1, enc=visit)
    b.condition("44054006", visit["start"], enc=visit)
    b.medication("860975", visit["start"], ["44054006"], enc=visit)
    later = b.encounter(b.at_age(52))
    b.observation("33914-3", later["start"], 52.0, unit="mL/min/{1.73_m2}", enc=later)
    b.condition("433144002", later["start"], enc=later)
    return b.record()
