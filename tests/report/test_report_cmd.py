"""``ehrsim report realism|coherence`` on a hand-made run folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from ehrsim.cli.main import main
from tests.report.records import REFERENCE_DATE, RecordBuilder, diabetic_patient

HEADER = "condition,code,measure,sex,age_low,age_high,target,tolerance,unit,source\n"


def write_run(out: Path, records: list[dict[str, Any]], years_of_history: int = 0) -> Path:
    (out / "json").mkdir(parents=True)
    (out / "json" / "patients.ndjson").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    meta = {"reference_date": REFERENCE_DATE.isoformat(), "options": {"years_of_history": years_of_history}}
    (out / "metadata.json").write_bytes(orjson.dumps(meta))
    return out


@pytest.fixture
def targets(tmp_path: Path) -> Path:
    folder = tmp_path / "targets"
    folder.mkdir()
    (folder / "t.csv").write_text(
        HEADER + "Type 2 diabetes,44054006,prevalence_ever,all,18,120,50,10,percent,"
        '"made up, for the test"\n'
        "Pregnancy,72892002,incidence_per_1000py,F,15,44,50,20,per_1000py,made up\n"
    )
    return folder


def test_realism_writes_markdown_csv_and_svg(tmp_path: Path, targets: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [diabetic_patient(i) if i % 2 else RecordBuilder(i).record() for i in range(40)]
    run = write_run(tmp_path / "run", records)
    prefix = tmp_path / "out" / "realism"
    assert main(["report", "realism", str(run), "--out", str(prefix), "--targets", str(targets)]) == 0
    assert "1/2 target rows within tolerance" in capsys.readouterr().out
    md = (tmp_path / "out" / "realism.md").read_text()
    assert "ehrsim report realism" in md and "Type 2 diabetes" in md and "| ok |" in md
    csv_lines = (tmp_path / "out" / "realism.csv").read_text().splitlines()
    assert len(csv_lines) == 3 and csv_lines[0].startswith("condition,code,measure")
    assert '"made up, for the test"' in csv_lines[1]
    assert ",percent,50,10,40,60,50," in csv_lines[1]  # 20 of 40 adults: 50 %, allowed 40-60
    life = (tmp_path / "out" / "realism_life.csv").read_text()
    assert life.startswith("sex,age_band,measure") and "76.3" in life
    svg = (tmp_path / "out" / "realism.svg").read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "Type 2 diabetes" in svg


def test_realism_default_prefix_is_inside_the_run(tmp_path: Path, targets: Path) -> None:
    run = write_run(tmp_path / "run", [diabetic_patient()])
    assert main(["report", "realism", str(run), "--targets", str(targets)]) == 0
    assert (run / "report" / "realism.md").is_file()


def test_realism_without_json_output_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "metadata.json").write_bytes(orjson.dumps({"reference_date": "2025-01-01"}))
    assert main(["report", "realism", str(tmp_path)]) == 2
    assert "-f json" in capsys.readouterr().err


def test_coherence_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_run(tmp_path / "good", [diabetic_patient(i) for i in range(3)])
    assert main(["report", "coherence", str(good)]) == 0
    bad_record = RecordBuilder(5, gender="M")
    bad_record.condition("72892002", bad_record.at_age(30))
    bad = write_run(tmp_path / "bad", [diabetic_patient(0), bad_record.record()])
    capsys.readouterr()
    assert main(["report", "coherence", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith(bad_record.pid) and "1 of 2 patients" in captured.err
