"""The audit as a whole: its data, its tallies, its files and its command line."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import orjson
import pytest

from ehrsim.cli.main import main
from ehrsim.errors import ConfigError
from ehrsim.paths import terminology_dir
from ehrsim.report.clinical import audit, default_clinical, load_clinical
from ehrsim.report.clinical.base import REGISTRY
from ehrsim.report.source import RunInfo
from tests.report.clinical.helpers import ADVAIR, AMOXICILLIN, EPIPEN, med
from tests.report.records import REFERENCE, REFERENCE_DATE, RecordBuilder, diabetic_patient

HERE = Path(__file__).parent
SYNTHEA = terminology_dir().parent.parent / "shared" / "synthea" / "modules"  # Synthea's library, when present
CLINICAL = terminology_dir() / "clinical"


def test_every_rule_has_a_test_that_names_it() -> None:
    text = "".join(p.read_text() for p in HERE.glob("test_rules_*.py"))
    named = set(re.findall(r'"([a-z]+\.[a-z0-9_]+)"', text))
    coherence = {
        f"coherence.{c}"
        for c in re.findall(
            r'"(lifespan|encounter_overlap|references|medication_reasons|'
            r'labs_agree|sex_age_limits|chronic_endings)"',
            text,
        )
    }
    missing = [r.id for r in default_clinical().rules if r.id not in named | coherence]
    assert not missing, f"rules without a test: {missing}"


def test_every_rule_builds_and_cites_a_source() -> None:
    data = default_clinical()
    assert {r.kind for r in data.rules} <= set(REGISTRY)
    for r in data.rules:
        assert r.rationale and r.source and 0 <= r.tolerance <= 1, r.id
        assert r.url.startswith("https://") or r.group == "coherence", r.id


def _library_displays() -> dict[tuple[str, str], set[str]]:
    """(system, code) -> displays our library (terminology/codes, terminology/coherence, modules) and Synthea's emit."""
    out: dict[tuple[str, str], set[str]] = {}
    for path in [*(terminology_dir() / "codes").glob("*.csv"), *(terminology_dir() / "coherence").glob("*.csv")]:
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if row.get("system") and row.get("code") and row.get("display"):
                out.setdefault((row["system"], row["code"]), set()).add(row["display"].lower())

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("code"), str | int) and isinstance(node.get("display"), str) and node.get("system"):
                out.setdefault((node["system"], str(node["code"])), set()).add(node["display"].lower())
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for folder in (terminology_dir().parent / "modules", SYNTHEA):
        for path in folder.rglob("*.json"):
            walk(json.loads(path.read_text(encoding="utf-8")))
    return out


def test_code_set_displays_agree_with_the_library() -> None:
    library = _library_displays()
    rows = list(csv.DictReader((CLINICAL / "code_sets.csv").open(encoding="utf-8")))
    checked = 0
    for row in rows:
        if not row["code"]:
            re.compile(row["pattern"])
            continue
        known = library.get((row["system"], row["code"]))
        if known:
            checked += 1
            assert row["display"].lower() in known or any(row["display"].lower() in k for k in known), row
    assert checked >= 40  # most codes are ones our library emits


def test_drug_classes_by_display() -> None:
    data = default_clinical()

    def classes(display: str) -> set[str]:
        return {n for n, c in data.drug_classes.items() if c.match(display)}

    assert {"penicillins", "antibiotics", "solid_oral_forms"} <= classes(AMOXICILLIN[1])
    assert "inhaled_corticosteroids" in classes(ADVAIR[1])
    assert "inhaled_corticosteroids" not in classes("fluticasone propionate 0.05 MG/ACTUAT Metered Dose Nasal Spray")
    assert "epinephrine_adult_autoinjector" in classes(EPIPEN[1])
    assert "epinephrine_adult_autoinjector" not in classes("0.3 ML epinephrine 0.5 MG/ML Auto-Injector")  # 0.15 mg
    assert "solid_oral_forms" not in classes("acetaminophen 160 MG Chewable Tablet")
    assert "statin_high" in classes("atorvastatin 80 MG Oral Tablet")
    assert "statin_high" not in classes("atorvastatin 20 MG Oral Tablet")
    assert "arni" in classes("sacubitril 97 MG / valsartan 103 MG Oral Tablet")


def _rules_file(tmp_path: Path, rules: list[dict]) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rules": rules}))
    return path


BASE = {"id": "x.y", "kind": "duplicate_results", "description": "d", "rationale": "r", "source": "s", "tolerance": 0}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{**BASE, "kind": "nope"}], "unknown kind"),
        ([{k: v for k, v in BASE.items() if k != "source"}], "lacks source"),
        ([BASE, BASE], "appears twice"),
        (
            [{**BASE, "kind": "allergy_drug", "params": {"allergy_set": "nope", "drug_class": "penicillins"}}],
            "unknown code set",
        ),
        ([{**BASE, "kind": "drug_pair", "params": {"class_a": "arni", "class_b": "nope"}}], "unknown drug class"),
        ([{**BASE, "kind": "vaccine_months"}], "lacks params"),
        ([], "no rules"),
        ([{**BASE, "judge": "vote"}], "judge must be one of"),
        ([{**BASE, "judge": "binomial"}], "needs a tolerance above 0"),
    ],
)
def test_bad_rules_are_clear_errors(tmp_path: Path, rules: list[dict], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        data = load_clinical(rules_file=_rules_file(tmp_path, rules))
        audit([], RunInfo(REFERENCE), data)


def test_counts_examples_and_denominators() -> None:
    records = []
    for i in range(8):
        b = RecordBuilder(i)
        b.allergy("91936005", b.at_age(10))
        if i < 7:  # 7 of 8 allergic patients get a penicillin twice
            med(b, AMOXICILLIN, b.at_age(20))
            med(b, AMOXICILLIN, b.at_age(21))
        records.append(b.record())
    records.append(RecordBuilder(20).record())  # not allergic: outside the denominator
    (result,) = audit(records, RunInfo(REFERENCE), only=["rx.penicillin_allergy"]).results
    assert (result.patients, result.patients_breaking, result.events_breaking) == (8, 7, 14)
    assert [label for label, _ in result.examples] == ["0", "1", "2", "3", "4"]
    assert len(result.examples[0][1]) == 2 and result.rate == 7 / 8 and result.status == "FAIL"


def write_run(out: Path, records: list[dict]) -> Path:
    (out / "json").mkdir(parents=True)
    (out / "json" / "patients.ndjson").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    (out / "metadata.json").write_bytes(orjson.dumps({"reference_date": REFERENCE_DATE.isoformat(), "options": {}}))
    return out


def _allergic_run(tmp_path: Path) -> Path:
    b = RecordBuilder(1)
    b.allergy("91936005", b.at_age(10))
    b.condition("43878008", b.at_age(20))
    med(b, AMOXICILLIN, b.at_age(20), reason=["43878008"])
    return write_run(tmp_path / "run", [diabetic_patient(0), b.record()])


def test_cli_writes_markdown_and_csv_and_fails_over_tolerance(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    run = _allergic_run(tmp_path)
    prefix = tmp_path / "out" / "clinical"
    assert main(["report", "clinical", str(run), "--out", str(prefix)]) == 1
    out = capsys.readouterr().out
    assert "FAIL rx.penicillin_allergy: 1/1 patients (tolerance 0)" in out
    md = (tmp_path / "out" / "clinical.md").read_text()
    assert "ehrsim report clinical" in md and "`rx.penicillin_allergy` | FAIL" in md and "patient 1:" in md
    rows = list(csv.DictReader((tmp_path / "out" / "clinical.csv").open()))
    row = next(r for r in rows if r["rule"] == "rx.penicillin_allergy")
    assert (row["status"], row["denominator_patients"], row["patients_breaking"]) == ("FAIL", "1", "1")
    assert row["examples"].startswith("1: amoxicillin") and row["url"].startswith("https://")
    assert len(rows) == len(default_clinical().rules)


def test_cli_fail_on_and_only(tmp_path: Path) -> None:
    run = _allergic_run(tmp_path)
    assert main(["report", "clinical", str(run), "--fail-on", "none"]) == 0
    assert (run / "report" / "clinical.md").is_file()
    assert main(["report", "clinical", str(run), "--fail-on", "rx.penicillin_allergy"]) == 1
    assert main(["report", "clinical", str(run), "--fail-on", "coherence"]) == 0  # a group: all of them pass
    assert main(["report", "clinical", str(run), "--only", "coherence,rx.sulfonamide_allergy"]) == 0
    assert main(["report", "clinical", str(run), "--only", "no.such_rule"]) == 2
    assert main(["report", "clinical", str(tmp_path / "missing")]) == 2


def test_cli_custom_rules_file(tmp_path: Path) -> None:
    run = _allergic_run(tmp_path)
    rules = _rules_file(tmp_path, [{**BASE, "id": "rec.duplicate_results"}])
    assert main(["report", "clinical", str(run), "--rules", str(rules)]) == 0
    assert "rec.duplicate_results" in (run / "report" / "clinical.csv").read_text()


def test_binomial_rules_report_their_interval_and_p_value(tmp_path: Path) -> None:
    from ehrsim.report.clinical.output import write_clinical
    from tests.report.clinical.helpers import BIKTARVY

    records = []
    for i, days in enumerate([3 * 365, 20, 20, 20]):  # 1 of 4 untreated after a year: over 10 %, not significantly
        b = RecordBuilder(i)
        b.condition("86406008", b.at_age(40))
        med(b, BIKTARVY, b.at_age(40) + days * 86_400)
        records.append(b.record())
    report = audit(records, RunInfo(REFERENCE), only=["care.hiv_treated", "rx.penicillin_allergy"])
    md, table = write_clinical(report, tmp_path / "c")
    row = next(r for r in csv.DictReader(table.open()) if r["rule"] == "care.hiv_treated")
    assert (row["status"], row["judge"], row["rate"], row["p_value"]) == ("pass", "binomial", "0.2500", "0.3439")
    assert (row["ci_low"], row["ci_high"]) == ("0.0063", "0.8059")
    other = next(r for r in csv.DictReader(table.open()) if r["rule"] == "rx.penicillin_allergy")
    assert (other["judge"], other["ci_low"], other["p_value"]) == ("share", "", "")
    assert "25.0 % (tolerance 10.0 %; 95 % CI 0.6 %-80.6 %, one-sided binomial p 0.344)" in md.read_text()
