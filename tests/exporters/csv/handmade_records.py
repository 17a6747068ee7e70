"""Hand-made native records (docs/record.md) and a stand-in world, for exporter tests that must
not depend on the engine. ``records(n)`` is deterministic; patient 1 dies, patient 2 has
diabetes with HbA1c above 9."""

from __future__ import annotations

import uuid
from typing import Any

DAY = 86_400
T0 = 1_577_836_800  # 2020-01-01T00:00:00Z
NS = uuid.UUID("00000000-0000-0000-0000-00000000e451")


def code(system: str, c: str, display: str) -> dict[str, str]:
    return {"system": system, "code": c, "display": display}


T2D = code("SNOMED-CT", "44054006", "Diabetes mellitus type 2 (disorder)")
HBA1C = code("LOINC", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")
EMPLOYED = code("SNOMED-CT", "160903007", "Full-time employment (finding)")


class FakeWorld:
    """Two organizations and three practitioners, with the lookups World offers."""

    def __init__(self) -> None:
        addr = {
            "line": "1 Main St",
            "city": "Springfield",
            "state": "Massachusetts",
            "state_abbr": "MA",
            "zip": "01101",
            "lat": 42.1,
            "lon": -72.5,
        }
        self.organizations = [
            {
                "id": str(uuid.uuid5(NS, f"org{i}")),
                "n": i + 1,
                "name": f"Clinic, No. {i}",
                "type": "clinic",
                "address": addr,
                "phone": "555-0100",
                "npi": f"99900000{i}",
            }
            for i in range(2)
        ]
        self.practitioners = [
            {
                "id": str(uuid.uuid5(NS, f"pr{i}")),
                "n": i + 1,
                "npi": f"99990000{i}",
                "prefix": "Dr.",
                "first": f"Ann{i}",
                "last": "Smith",
                "gender": "F",
                "specialty": "GENERAL PRACTICE",
                "organization": self.organizations[i % 2]["id"],
                "address": addr,
            }
            for i in range(3)
        ]

    def organization(self, oid: str) -> dict[str, Any] | None:
        return next((o for o in self.organizations if o["id"] == oid), None)

    def practitioner(self, pid: str) -> dict[str, Any] | None:
        return next((p for p in self.practitioners if p["id"] == pid), None)


def record(index: int, world: FakeWorld | None = None) -> dict[str, Any]:
    """One patient: 2 encounters and at least one entry of every kind."""
    world = world or FakeWorld()
    n = 0

    def ident() -> tuple[str, int]:
        nonlocal n
        n += 1
        return str(uuid.uuid5(NS, f"{index}-{n}")), n

    org, pract = world.organizations[index % 2]["id"], world.practitioners[index % 3]["id"]
    start = T0 + index * 7 * DAY
    encs = []
    for k, cls in enumerate(("wellness", "emergency" if index % 2 else "inpatient")):
        i, nn = ident()
        encs.append(
            {
                "id": i,
                "n": nn,
                "encounter": None,
                "start": start + k * 30 * DAY,
                "stop": start + k * 30 * DAY + 3600,
                "class": cls,
                "codes": [code("SNOMED-CT", "162673000", "General examination of patient (procedure)")],
                "reason": [T2D] if k else [],
                "organization": org,
                "practitioner": pract,
                "discharge": None,
                "module": "test",
            }
        )
    e1, e2 = encs[0]["id"], encs[1]["id"]

    def entry(**fields: Any) -> dict[str, Any]:
        i, nn = ident()
        return {"id": i, "n": nn, **fields}

    conditions = [
        entry(encounter=e1, start=start - 400 * DAY, stop=None, codes=[T2D]),
        entry(encounter=None, start=start, stop=start + 20 * DAY, codes=[EMPLOYED]),
    ]
    a1c = 9.6 if index == 2 else 6.1
    observations = [
        entry(
            encounter=e1,
            time=start,
            category="laboratory",
            codes=[HBA1C],
            value=a1c,
            value_type="numeric",
            unit="%",
            components=[],
            report=None,
        ),
        entry(
            encounter=e1,
            time=start,
            category="vital-signs",
            codes=[code("LOINC", "85354-9", "Blood pressure panel")],
            value=None,
            value_type="none",
            unit="",
            components=[
                {
                    "codes": [code("LOINC", "8480-6", "Systolic Blood Pressure")],
                    "value": 128.0,
                    "value_type": "numeric",
                    "unit": "mm[Hg]",
                },
                {
                    "codes": [code("LOINC", "8462-4", "Diastolic Blood Pressure")],
                    "value": 82.0,
                    "value_type": "numeric",
                    "unit": "mm[Hg]",
                },
            ],
            report=None,
        ),
        entry(
            encounter=e2,
            time=start + 30 * DAY,
            category="survey",
            codes=[code("LOINC", "72166-2", "Tobacco smoking status")],
            value=code("SNOMED-CT", "266919005", "Never smoked tobacco (finding)"),
            value_type="code",
            unit="",
            components=[],
            report=None,
        ),
        entry(
            encounter=e2,
            time=start + 30 * DAY,
            category="exam",
            codes=[code("LOINC", "29554-3", "Procedure Narrative")],
            value='Note, with "quotes"\nand a line break',
            value_type="text",
            unit="",
            components=[],
            report=None,
        ),
    ]
    record: dict[str, Any] = {
        "format": 1,
        "index": index,
        "id": str(uuid.uuid5(NS, f"patient{index}")),
        "patient": {
            "birth_time": T0 - (30 + index) * 365 * DAY,
            "gender": "MF"[index % 2],
            "race": ("white", "black", "asian", "native", "hawaiian", "other")[index % 6],
            "ethnicity": ("hispanic", "nonhispanic")[index % 2],
            "prefix": "Mr.",
            "first": f"Jo{index}",
            "middle": "",
            "last": "Doe, Jr",
            "suffix": "",
            "maiden": "",
            "marital": "M",
            "ssn": f"999-00-{index:04d}",
            "drivers": "",
            "passport": "",
            "mrn": f"MRN{index}",
            "phone": "555-0101",
            "email": f"jo{index}@example.org",
            "language": "english",
            "address": {
                "line": "2 Elm St",
                "city": "Boston",
                "state": "Massachusetts",
                "state_abbr": "MA",
                "county": "Suffolk County",
                "fips": "25025",
                "zip": "02110",
                "lat": 42.35,
                "lon": -71.06,
            },
            "birthplace": {"city": "Worcester", "state": "Massachusetts", "country": "US"},
            "income": 50000 + index,
            "education": "bs_degree",
            "insurance": "private",
            "organization": org,
            "practitioner": pract,
        },
        "alive": index != 1,
        "death": None,
        "encounters": encs,
        "conditions": conditions,
        "allergies": [
            entry(
                encounter=e1,
                start=start,
                stop=None,
                codes=[code("SNOMED-CT", "91935009", "Allergy to peanut")],
                type="allergy",
                category="food",
                reactions=[{"code": code("SNOMED-CT", "247472004", "Wheal (finding)"), "severity": "mild"}],
            )
        ],
        "medications": [
            entry(
                encounter=e1,
                start=start,
                stop=None,
                codes=[code("RxNorm", "860975", "metformin 500 MG")],
                reason=[T2D],
                chronic=True,
                administered=False,
                requested=True,
                dosage={"amount": 1.0, "frequency": 2, "period": 1.0, "unit": "days"},
                as_needed=False,
                duration_days=None,
                refills=2,
                instructions=[],
                stop_reason=None,
            ),
            entry(
                encounter=e2,
                start=start + 30 * DAY,
                stop=start + 40 * DAY,
                codes=[code("RxNorm", "860975", "metformin 500 MG")],
                reason=[],
                chronic=False,
                administered=False,
                requested=True,
                dosage=None,
                as_needed=False,
                duration_days=10.0,
                refills=0,
                instructions=[],
                stop_reason=None,
            ),
        ],
        "observations": observations,
        "reports": [
            entry(
                encounter=e1, time=start, codes=[code("LOINC", "4548-4", "HbA1c")], observations=[observations[0]["id"]]
            )
        ],
        "procedures": [
            entry(
                encounter=e2,
                start=start + 30 * DAY,
                stop=start + 30 * DAY + 1800,
                codes=[code("SNOMED-CT", "73761001", "Colonoscopy")],
                reason=[],
            )
        ],
        "immunizations": [
            entry(encounter=e1, time=start, codes=[code("CVX", "140", "Influenza, seasonal")], series=None)
        ],
        "careplans": [
            entry(
                encounter=e1,
                start=start,
                stop=None,
                codes=[code("SNOMED-CT", "698360004", "Diabetes self management plan")],
                activities=[],
                goals=[],
                reason=[T2D],
            )
        ],
        "devices": [
            entry(
                encounter=e2,
                start=start + 30 * DAY,
                stop=None,
                codes=[code("SNOMED-CT", "337414009", "Blood glucose meter (physical object)")],
                udi="(01)00000000000000",
                manufacturer="",
                model="",
            )
        ],
        "supplies": [
            entry(
                encounter=e2,
                time=start + 30 * DAY,
                codes=[code("SNOMED-CT", "337388004", "Blood glucose testing strips")],
                quantity=50,
            )
        ],
        "imaging_studies": [
            entry(
                encounter=e2,
                time=start + 30 * DAY,
                procedure_code=code("SNOMED-CT", "399208008", "Plain chest X-ray"),
                uid=f"1.2.840.99999999.{index}",
                series=[
                    {
                        "uid": f"1.2.840.99999999.{index}.1",
                        "body_site": code("SNOMED-CT", "51185008", "Thoracic structure"),
                        "modality": code("DICOM-DCM", "DX", "Digital Radiography"),
                        "instances": [
                            {
                                "uid": f"1.2.840.99999999.{index}.1.{k}",
                                "title": "Image",
                                "sop_class": code(
                                    "DICOM-SOP", "1.2.840.10008.5.1.4.1.1.1.1", "Digital X-Ray Image Storage"
                                ),
                            }
                            for k in (1, 2)
                        ],
                    }
                ],
            )
        ],
    }
    if index == 1:
        record["death"] = {
            "time": start + 31 * DAY,
            "codes": [code("SNOMED-CT", "22298006", "Myocardial infarction")],
            "encounter": e2,
        }
    return record


def records(n: int = 3, world: FakeWorld | None = None) -> list[dict[str, Any]]:
    world = world or FakeWorld()
    return [record(i, world) for i in range(n)]


def write_run(exporter: Any, recs: list[dict[str, Any]]) -> dict[str, Any]:
    """Do what the run's writer does: render every record, assemble each table (header, then rows
    in patient order) and call ``finish``. Returns finish's figures."""
    from ehrsim.output import atomic_write

    parts: dict[str, list[bytes]] = {}
    for rec in recs:
        rendered = exporter.render(rec)
        for rel, data in rendered.files:
            atomic_write(exporter.out / rel, data)
        for table, data in rendered.rows:
            parts.setdefault(table, []).append(data)
    for table, head in exporter.tables().items():
        atomic_write(exporter.out / exporter.table_files[table], head + b"".join(parts.get(table, [])))
    return dict(exporter.finish({"patients": len(recs)}))
