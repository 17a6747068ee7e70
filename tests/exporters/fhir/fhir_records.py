"""Hand-made native records (docs/record.md) with every entry kind, and a tiny World stub.

Used by the FHIR exporter, validate and upload tests until (and besides) the engine's records.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

from ehrsim.record.times import from_date

NS = uuid.UUID("0b7b6c1e-1111-4c2a-9d8e-000000000001")
DAY = 86_400


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def code(system: str, c: str, display: str) -> dict[str, str]:
    return {"system": system, "code": c, "display": display}


class WorldStub:
    """Two organizations and two practitioners, with the lookups the real World offers."""

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
                "id": uid("org", 1),
                "n": 1,
                "name": "Springfield General Hospital",
                "type": "hospital",
                "address": addr,
                "phone": "555-0100",
                "npi": "9999999901",
            },
            {
                "id": uid("org", 2),
                "n": 2,
                "name": "Elm Street Clinic",
                "type": "clinic",
                "address": dict(addr, line="2 Elm St"),
                "phone": "555-0101",
            },
        ]
        self.practitioners = [
            {
                "id": uid("pract", 1),
                "n": 1,
                "npi": "9999999911",
                "prefix": "Dr.",
                "first": "Ann",
                "last": "Lee",
                "gender": "F",
                "specialty": "GENERAL PRACTICE",
                "organization": uid("org", 1),
                "address": addr,
            },
            {
                "id": uid("pract", 2),
                "n": 2,
                "npi": "9999999912",
                "prefix": "Dr.",
                "first": "Bo",
                "last": "Kim",
                "gender": "M",
                "specialty": "GENERAL PRACTICE",
                "organization": uid("org", 2),
                "address": addr,
            },
        ]

    def organization(self, org_id: str) -> dict[str, Any] | None:
        return next((o for o in self.organizations if o["id"] == org_id), None)

    def practitioner(self, pract_id: str) -> dict[str, Any] | None:
        return next((p for p in self.practitioners if p["id"] == pract_id), None)


REFERENCE_DATE = dt.date(2025, 1, 1)


def make_record(index: int = 0, *, alive: bool = True) -> dict[str, Any]:
    """A 60-year-old with one of every entry kind; ``alive=False`` adds a death."""
    t0 = from_date(dt.date(2020, 3, 4)) + 10 * 3600
    pid = uid("patient", index)
    org1, org2 = uid("org", 1), uid("org", 2)
    pr1, pr2 = uid("pract", 1), uid("pract", 2)
    n = iter(range(1, 1000))

    def ent(kind: str, **fields: Any) -> dict[str, Any]:
        i = next(n)
        return {"id": uid(pid, kind, i), "n": i, **fields}

    diabetes = code("SNOMED-CT", "44054006", "Diabetes mellitus type 2 (disorder)")
    enc1 = ent(
        "enc",
        encounter=None,
        start=t0,
        stop=t0 + 1800,
        **{"class": "wellness"},
        codes=[code("SNOMED-CT", "162673000", "General examination of patient (procedure)")],
        reason=[],
        organization=org2,
        practitioner=pr2,
        discharge=None,
        module="wellness",
    )
    enc2 = ent(
        "enc",
        encounter=None,
        start=t0 + 30 * DAY,
        stop=t0 + 33 * DAY,
        **{"class": "inpatient"},
        codes=[code("SNOMED-CT", "32485007", "Hospital admission (procedure)")],
        reason=[diabetes],
        organization=org1,
        practitioner=pr1,
        discharge=code("NUBC", "01", "Discharged to home care or self care (routine discharge)"),
        module="x",
    )
    cond = ent(
        "cond",
        encounter=enc1["id"],
        start=t0,
        stop=None,
        codes=[diabetes, code("ICD10-CM", "E11.9", "Type 2 diabetes mellitus without complications")],
    )
    cond_old = ent(
        "cond",
        encounter=None,
        start=t0 - 400 * DAY,
        stop=t0 - 300 * DAY,
        codes=[code("SNOMED-CT", "444814009", "Viral sinusitis (disorder)")],
    )
    allergy = ent(
        "allergy",
        encounter=enc1["id"],
        start=t0,
        stop=None,
        codes=[code("SNOMED-CT", "91935009", "Allergy to peanut (finding)")],
        type="allergy",
        category="food",
        reactions=[{"code": code("SNOMED-CT", "271807003", "Eruption of skin (disorder)"), "severity": "moderate"}],
    )
    height = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="vital-signs",
        codes=[code("LOINC", "8302-2", "Body Height")],
        value=172.5,
        value_type="numeric",
        unit="cm",
        components=[],
        report=None,
    )
    bp = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="vital-signs",
        codes=[code("LOINC", "85354-9", "Blood pressure panel with all children optional")],
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
                "value": 81.0,
                "value_type": "numeric",
                "unit": "mm[Hg]",
            },
        ],
        report=None,
    )
    smoke = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="social-history",
        codes=[code("LOINC", "72166-2", "Tobacco smoking status")],
        value=code("SNOMED-CT", "266919005", "Never smoked tobacco (finding)"),
        value_type="code",
        unit="",
        components=[],
        report=None,
    )
    survey = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="survey",
        codes=[code("LOINC", "44261-6", "Patient Health Questionnaire-9 total score")],
        value=4,
        value_type="numeric",
        unit="{score}",
        components=[],
        report=None,
    )
    note = ent(
        "obs",
        encounter=None,
        time=t0,
        category="exam",
        codes=[code("LOINC", "29554-3", "Procedure Narrative")],
        value="normal",
        value_type="text",
        unit="",
        components=[],
        report=None,
    )
    rep_id = uid(pid, "report")
    glucose = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="laboratory",
        codes=[code("LOINC", "2339-0", "Glucose [Mass/volume] in Blood")],
        value=142.0,
        value_type="numeric",
        unit="mg/dL",
        components=[],
        report=rep_id,
    )
    a1c = ent(
        "obs",
        encounter=enc1["id"],
        time=t0,
        category="laboratory",
        codes=[code("LOINC", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")],
        value=7.1,
        value_type="numeric",
        unit="%",
        components=[],
        report=rep_id,
    )
    report = {
        "id": rep_id,
        "n": next(n),
        "encounter": enc1["id"],
        "time": t0,
        "codes": [code("LOINC", "51990-0", "Basic metabolic panel - Blood")],
        "observations": [glucose["id"], a1c["id"]],
    }
    proc = ent(
        "proc",
        encounter=enc2["id"],
        start=t0 + 31 * DAY,
        stop=t0 + 31 * DAY + 3600,
        codes=[code("SNOMED-CT", "73761001", "Colonoscopy (procedure)")],
        reason=[diabetes],
    )
    med = ent(
        "med",
        encounter=enc1["id"],
        start=t0,
        stop=None,
        codes=[code("RxNorm", "860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")],
        reason=[diabetes],
        chronic=True,
        administered=False,
        requested=True,
        dosage={"amount": 1.0, "frequency": 1, "period": 1.0, "unit": "days"},
        as_needed=False,
        duration_days=30.0,
        refills=11,
        instructions=[code("SNOMED-CT", "311504000", "With or after food")],
        stop_reason=None,
    )
    med_given = ent(
        "med",
        encounter=enc2["id"],
        start=t0 + 30 * DAY,
        stop=t0 + 30 * DAY + 600,
        codes=[code("RxNorm", "1796676", "25 ML Protamine sulfate 10 MG/ML Injection")],
        reason=[],
        chronic=False,
        administered=True,
        requested=True,
        dosage=None,
        as_needed=False,
        duration_days=None,
        refills=0,
        instructions=[],
        stop_reason=code("SNOMED-CT", "182840001", "Drug treatment stopped - medical advice"),
    )
    imm = ent(
        "imm", encounter=enc1["id"], time=t0, codes=[code("CVX", "140", "Influenza, seasonal, injectable")], series=1
    )
    plan = ent(
        "plan",
        encounter=enc1["id"],
        start=t0,
        stop=None,
        codes=[code("SNOMED-CT", "698360004", "Diabetes self management plan")],
        activities=[code("SNOMED-CT", "160670007", "Diabetic diet")],
        goals=[
            {
                "text": "Hemoglobin A1c total in Blood < 7.0",
                "addresses": [diabetes],
                "observation": {
                    "codes": [code("LOINC", "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood")],
                    "operator": "<",
                    "value": 7.0,
                },
            }
        ],
        reason=[diabetes],
    )
    device = ent(
        "device",
        encounter=enc2["id"],
        start=t0 + 31 * DAY,
        stop=None,
        codes=[code("SNOMED-CT", "72506001", "Implantable defibrillator, device (physical object)")],
        udi="(01)00844588012345(11)200101(17)450101(10)123456(21)7890",
        manufacturer="Acme",
        model="D-1",
    )
    supply = ent(
        "supply",
        encounter=enc2["id"],
        time=t0 + 31 * DAY,
        codes=[code("SNOMED-CT", "337388004", "Blood glucose testing strips (physical object)")],
        quantity=50,
    )
    imaging = ent(
        "img",
        encounter=enc2["id"],
        time=t0 + 32 * DAY,
        procedure_code=code("SNOMED-CT", "399208008", "Plain chest X-ray (procedure)"),
        uid=f"1.2.840.99999999.{index}.1",
        series=[
            {
                "uid": f"1.2.840.99999999.{index}.1.1",
                "body_site": code("SNOMED-CT", "51185008", "Thoracic structure (body structure)"),
                "modality": code("DICOM-DCM", "CR", "Computed Radiography"),
                "instances": [
                    {
                        "uid": f"1.2.840.99999999.{index}.1.1.1",
                        "title": "Image of chest",
                        "sop_class": code(
                            "DICOM-SOP", "1.2.840.10008.5.1.4.1.1.1", "Computed Radiography Image Storage"
                        ),
                    }
                ],
            }
        ],
    )
    death = None
    if not alive:
        death = {
            "time": t0 + 40 * DAY,
            "codes": [code("SNOMED-CT", "84114007", "Heart failure (disorder)")],
            "encounter": None,
        }
    return {
        "format": 1,
        "index": index,
        "id": pid,
        "patient": {
            "birth_time": from_date(dt.date(1964, 5, 6)),
            "gender": "F",
            "race": "black",
            "ethnicity": "nonhispanic",
            "prefix": "Mrs.",
            "first": "Joan",
            "middle": "Q",
            "last": "O'Brien-Smith",
            "suffix": "",
            "maiden": "Doe",
            "marital": "M",
            "ssn": "999-12-3456",
            "drivers": "S99912345",
            "passport": "",
            "mrn": f"MRN{index:06d}",
            "phone": "555-0123",
            "email": "joan@example.org",
            "language": "english",
            "address": {
                "line": "3 Oak Ave",
                "city": "Springfield",
                "state": "Massachusetts",
                "state_abbr": "MA",
                "county": "Hampden County",
                "fips": "25013",
                "zip": "01101",
                "lat": 42.1,
                "lon": -72.6,
            },
            "birthplace": {"city": "Boston", "state": "Massachusetts", "country": "US"},
            "income": 50000,
            "education": "bs_degree",
            "insurance": "private",
            "organization": org2,
            "practitioner": pr2,
        },
        "alive": alive,
        "death": death,
        "encounters": [enc1, enc2],
        "conditions": [cond_old, cond],
        "allergies": [allergy],
        "medications": [med, med_given],
        "observations": [height, bp, smoke, survey, note, glucose, a1c],
        "reports": [report],
        "procedures": [proc],
        "immunizations": [imm],
        "careplans": [plan],
        "devices": [device],
        "supplies": [supply],
        "imaging_studies": [imaging],
        # the notes transform's output (--notes): one note on the first encounter
        "notes": [
            {
                "id": uid(pid, "note", 1),  # unique per patient, like every other entry id
                "encounter": enc1["id"],
                "time": enc1["stop"],
                "codes": [{"system": "LOINC", "code": "11506-3", "display": "Progress note"}],
                "title": "Office visit progress note",
                "text": "OFFICE VISIT PROGRESS NOTE\n",
            }
        ],
    }


def copy_record(record: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(record)
