"""Cohorts through ``ehrsim generate``: user errors exit 2 with the caret; resume and Dask give the
same bytes as one uninterrupted local run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ehrsim.runner
from ehrsim.cli.main import main
from ehrsim.errors import WorkerLost
from tests.conftest import FIXTURE_MODULES

MODULES = FIXTURE_MODULES / "cohort"
COHORT = "condition(SNOMED-CT:444814009) or dead"
FILES = ("json/patients.ndjson", "csv/patients.csv", "csv/conditions.csv", "metadata.json")


def _args(out: Path, *extra: str) -> list[str]:
    return [
        "generate", "-p", "6", "-s", "5", "--reference-date", "2025-01-01", "-o", str(out), "--modules",
        str(MODULES), "-w", "1", "--shard-size", "2", "--no-progress", "-f", "json,csv", *extra,
    ]  # fmt: skip


def test_user_errors_exit_2_with_the_offending_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_args(tmp_path / "a", "--cohort", "age >= 40 and and alive")) == 2
    err = capsys.readouterr().err
    assert "expected a criterion" in err and "found 'and' at column 15" in err
    assert "  age >= 40 and and alive\n" in err and "\n                ^" in err
    assert "Traceback" not in err
    assert main(_args(tmp_path / "b", "--cohort", "condition(SNOMED-CT:72892002) and gender == M")) == 2
    assert "can never match" in capsys.readouterr().err
    assert main(_args(tmp_path / "c", "--keep-module", str(tmp_path / "none.json"))) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(_args(tmp_path / "d", "--cohort", "alive", "--cohort-max-attempts", "0")) == 2
    assert "--cohort-max-attempts" in capsys.readouterr().err
    assert main(_args(tmp_path / "e", "--cohort", " ")) == 2
    assert "--cohort: empty expression at column 2" in capsys.readouterr().err


def test_summary_and_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert main(_args(whole, "--cohort", COHORT)) == 0
    assert "cohort: " in capsys.readouterr().out and '"method": "rejection"' in (whole / "metadata.json").read_text()
    real = ehrsim.runner.run_shard

    def dies_at_shard_1(settings, k):  # type: ignore[no-untyped-def]
        if k == 1:
            raise WorkerLost("killed")
        return real(settings, k)

    monkeypatch.setattr(ehrsim.runner, "run_shard", dies_at_shard_1)
    assert main(_args(resumed, "--cohort", COHORT)) == 2
    monkeypatch.setattr(ehrsim.runner, "run_shard", real)
    assert main(_args(resumed, "--cohort", COHORT)) == 0
    for rel in FILES:
        assert (resumed / rel).read_bytes() == (whole / rel).read_bytes(), rel


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_dask_gives_the_same_cohort(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(_args(local, "--cohort", COHORT)) == 0
    args = _args(dask, "--cohort", COHORT, "--dask", "local")
    args[args.index("-w") + 1] = "2"
    assert main(args) == 0
    for rel in FILES:
        assert (dask / rel).read_bytes() == (local / rel).read_bytes(), rel
