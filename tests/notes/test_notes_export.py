"""--notes end to end: the record schema, FHIR DocumentReference and the OMOP note table."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import duckdb
import jsonschema

from ehrsim.cli.main import main
from ehrsim.record.schema import record_schema


def test_notes_flow_to_the_record_fhir_and_omop(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["generate", "-p", "3", "-s", "7", "--reference-date", "2025-01-01", "--notes", "-f", "json,fhir,omop,notes"]
    assert main([*args, "-o", str(out)]) == 0
    records = [json.loads(line) for line in (out / "json" / "patients.ndjson").read_text().splitlines()]
    validator = jsonschema.Draft202012Validator(record_schema())
    n_notes = 0
    for rec in records:
        validator.validate(rec)
        assert len(rec["notes"]) == len(rec["encounters"])
        n_notes += len(rec["notes"])
    assert n_notes > 0
    by_id = {n["id"]: n for r in records for n in r["notes"]}
    docs = []
    for path in (out / "fhir").glob("*.json"):
        bundle = json.loads(path.read_text())
        docs += [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == "DocumentReference"]
    assert len(docs) == n_notes
    for doc in docs:
        note = by_id[doc["id"]]
        assert doc["category"][0]["coding"][0]["code"] == "clinical-note"
        assert doc["type"]["coding"][0]["system"] == "http://loinc.org"
        assert base64.b64decode(doc["content"][0]["attachment"]["data"]).decode() == note["text"]
        assert doc["context"]["encounter"][0]["reference"].endswith(note["encounter"])
    con = duckdb.connect(str(out / "omop" / "omop.duckdb"), read_only=True)
    rows = con.execute(
        "select count(*), count(visit_occurrence_id), min(note_type_concept_id), max(note_type_concept_id) from note"
    ).fetchone()
    assert rows[:2] == (n_notes, n_notes)
    query = (
        "select note_title, note_type_concept_id, visit_concept_id"
        " from note join visit_occurrence using (visit_occurrence_id)"
    )
    for title, note_type, visit in con.execute(query).fetchall():
        # EHR inpatient note / EHR emergency room note / EHR outpatient note (terminology/notes/note_types.csv); a
        # death certification note takes the type of the visit it is written in (a death in a stay or in the ED)
        expected = 32829 if "discharge summary" in title else 32826 if title.startswith("Emergency") else 32834
        if title == "Death certification note":
            expected = {9201: 32829, 9203: 32826}.get(visit, 32834)
        assert note_type == expected, (title, note_type)
    joined = con.execute("select count(*) from note join visit_occurrence using (visit_occurrence_id)").fetchone()
    assert joined == (n_notes,)
    # Synthea-style text: one file per patient, the most recent note first, notes apart by a blank line
    texts = sorted((out / "notes").glob("*.txt"))
    assert len(texts) == sum(1 for r in records if r["notes"])
    for rec in records:
        if not rec["notes"]:
            continue
        path = next(p for p in texts if p.name.endswith(f"_{rec['id']}.txt"))
        text = path.read_text(encoding="utf-8")
        assert text == "\n".join(n["text"].rstrip("\n") + "\n" for n in reversed(rec["notes"]))
        assert text.index(rec["notes"][-1]["text"].rstrip("\n")) == 0


def test_notes_format_needs_notes(tmp_path: Path, capsys: Any) -> None:
    args = ["generate", "-p", "1", "-s", "7", "--reference-date", "2025-01-01", "-f", "notes", "-o", str(tmp_path)]
    assert main(args) == 2
    assert "--notes" in capsys.readouterr().err


def test_without_notes_no_note_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["generate", "-p", "1", "-s", "7", "--reference-date", "2025-01-01", "-f", "omop", "-o", str(out)]) == 0
    assert not (out / "omop" / "note.csv").exists()
