"""A run owns its output folder: another run's output is refused, --overwrite replaces it, a lock keeps runs apart."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import ehrsim.runner
from ehrsim.cli.main import main
from ehrsim.errors import WorkerLost
from ehrsim.output import STATE_DIR
from tests.runs.conftest import generate_args, write_module


def test_a_second_run_into_a_used_folder_is_refused(tmp_path: Path, tiny: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "S"
    assert main(generate_args(out, tiny, population=6)) == 0
    assert main(generate_args(out, tiny, "-s", "2", population=2)) == 2
    err = capsys.readouterr().err
    assert "already holds another run's output" in err and "--overwrite" in err
    assert len((out / "json" / "patients.ndjson").read_bytes().splitlines()) == 6  # untouched


def test_overwrite_replaces_every_format_folder(tmp_path: Path, tiny: Path) -> None:
    out = tmp_path / "S"
    assert main(generate_args(out, tiny, "-f", "json,fhir", population=6)) == 0
    assert len(list((out / "fhir").glob("*.json"))) > 6
    assert main(generate_args(out, tiny, "-f", "fhir", "--overwrite", population=2, shard=1)) == 0
    assert not (out / "json").exists()  # the earlier run's other format is gone too, not left to mix
    bundles = [p for p in (out / "fhir").glob("*.json") if p.name != "shared.json"]
    assert json.loads((out / "metadata.json").read_text())["population"] == 2
    assert len(bundles) == 2  # the first run's 6 patient bundles were removed, not mixed with these


def test_resume_after_a_module_edit_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    modules = write_module(tmp_path / "modules")
    out = tmp_path / "S"
    real = ehrsim.runner.run_shard

    def dies_at_shard_1(s, k):  # type: ignore[no-untyped-def]
        if k == 1:
            raise WorkerLost("killed")
        return real(s, k)

    monkeypatch.setattr(ehrsim.runner, "run_shard", dies_at_shard_1)
    assert main(generate_args(out, modules)) == 2
    monkeypatch.setattr(ehrsim.runner, "run_shard", real)
    write_module(modules, code="44054006")  # the module text changes between the runs
    capsys.readouterr()
    assert main(generate_args(out, modules)) == 2
    err = capsys.readouterr().err
    assert "unfinished run made with other module files" in err and "--overwrite" in err
    assert not (out / "metadata.json").exists()
    # --overwrite restarts cleanly: every patient carries the new module
    assert main(generate_args(out, modules, "--overwrite")) == 0
    records = [json.loads(line) for line in (out / "json" / "patients.ndjson").read_text().splitlines()]
    assert len(records) == 6
    assert {c["codes"][0]["code"] for r in records for c in r["conditions"]} == {"44054006"}


def test_a_locked_folder_is_in_use_and_a_dead_owner_lock_is_taken_over(tmp_path: Path, tiny: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "S"
    lock = out / STATE_DIR / "lock"
    lock.parent.mkdir(parents=True)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname()}))
        assert main(generate_args(out, tiny)) == 2
        err = capsys.readouterr().err
        assert f"is in use by another ehrsim run (pid {sleeper.pid}" in err
    finally:
        sleeper.kill()
        sleeper.wait()
    assert lock.exists()  # the refused run left the owner's lock alone
    assert main(generate_args(out, tiny)) == 0  # the owner is dead: its lock is stale
    assert not (out / STATE_DIR).exists()


def test_lock_is_released_when_a_run_fails(tmp_path: Path, tiny: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "S"
    monkeypatch.setattr(ehrsim.runner, "run_shard", lambda s, k: (_ for _ in ()).throw(WorkerLost("killed")))
    assert main(generate_args(out, tiny)) == 2
    assert not (out / STATE_DIR / "lock").exists() and (out / STATE_DIR / "run.json").exists()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_dask_runs_more_shards_than_it_keeps_in_flight_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    modules = write_module(tmp_path / "modules")
    local, dask = tmp_path / "local", tmp_path / "dask"
    # 2 workers keep 4 shards in flight; 12 shards of one patient used to lose the 5th
    assert main(generate_args(local, modules, "-f", "json,csv", population=12, shard=1)) == 0
    dask_args = generate_args(dask, modules, "-f", "json,csv", "--dask", "local", population=12, shard=1)
    dask_args[dask_args.index("-w") + 1] = "2"
    assert main(dask_args) == 0
    for rel in ("json/patients.ndjson", "csv/patients.csv", "csv/conditions.csv", "metadata.json"):
        assert (dask / rel).read_bytes() == (local / rel).read_bytes(), rel


def test_csv_append_adds_to_an_earlier_run_on_purpose(tmp_path: Path, tiny: Path) -> None:
    out = tmp_path / "S"
    assert main(generate_args(out, tiny, "-f", "json,csv", population=2)) == 0
    assert main(generate_args(out, tiny, "-f", "csv", "-s", "6", "--csv-append", population=3)) == 0
    assert len((out / "csv" / "patients.csv").read_text().splitlines()) == 1 + 2 + 3
    # but a format folder of the earlier run that this run writes again is still refused
    assert main(generate_args(out, tiny, "-f", "json,csv", "-s", "7", "--csv-append", population=1)) == 2


def test_overwrite_starts_over_even_an_identical_unfinished_run(tmp_path: Path, tiny: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "S"
    real = ehrsim.runner.run_shard
    monkeypatch.setattr(ehrsim.runner, "run_shard", lambda s, k: real(s, k) if k == 0 else _raise())
    assert main(generate_args(out, tiny)) == 2
    done: list[int] = []
    monkeypatch.setattr(ehrsim.runner, "run_shard", lambda s, k: (done.append(k), real(s, k))[1])
    assert main(generate_args(out, tiny, "--overwrite")) == 0
    assert done == [0, 1, 2]


def _raise() -> dict[str, int]:
    raise WorkerLost("killed")


def test_a_long_lived_worker_reloads_a_module_edited_between_runs(tmp_path: Path) -> None:
    import datetime as dt

    from ehrsim.runner import run_shard
    from ehrsim.settings import Settings

    modules = write_module(tmp_path / "modules")
    settings = Settings(
        population=2, seed=1, reference_date=dt.date(2025, 1, 1), modules=(modules,), out=tmp_path / "S", shard_size=1
    )

    def codes(shard: int) -> set[str]:
        part = next((tmp_path / "S" / STATE_DIR / "parts" / "json").rglob(f"{shard:07d}.part"))
        return {c["codes"][0]["code"] for line in part.read_text().splitlines() for c in json.loads(line)["conditions"]}

    run_shard(settings, 0)  # as a Dask worker would, keeping its loaded library between shards
    write_module(modules, code="44054006")
    run_shard(settings, 1)
    assert codes(0) == {"38341003"} and codes(1) == {"44054006"}
