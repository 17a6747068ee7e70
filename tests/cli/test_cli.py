"""The command line: user errors exit 2 without a traceback; a run writes the documented layout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ehrsim.cli.main import main


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ehrsim.cli.main", *args], capture_output=True, text=True)


def test_bad_option_exits_2_without_traceback(tmp_path: Path) -> None:
    result = _run("generate", "-p", "1", "--age", "old", "-o", str(tmp_path))
    assert result.returncode == 2
    assert "--age must look like MIN-MAX" in result.stderr and "Traceback" not in result.stderr


def test_malformed_module_exits_2_listing_every_problem(tmp_path: Path) -> None:
    mods = tmp_path / "mods"
    mods.mkdir()
    (mods / "bad.json").write_text(
        json.dumps(
            {
                "name": "bad",
                "states": {
                    "Initial": {"type": "Initial", "direct_transition": "Gone"},
                    "Other": {"type": "Simple", "direct_transiton": "Initial"},
                },
            }
        )
    )
    result = _run(
        "generate", "-p", "1", "--modules", str(mods), "-o", str(tmp_path / "out"), "--reference-date", "2025-01-01"
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bad.json: Initial: transition to unknown state 'Gone'" in result.stderr
    assert "bad.json: Other: unknown key 'direct_transiton'" in result.stderr


def test_generate_writes_metadata_and_records(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "generate",
                "-p",
                "3",
                "-s",
                "4",
                "--reference-date",
                "2025-01-01",
                "-o",
                str(out),
                "-w",
                "1",
                "--no-progress",
            ]
        )
        == 0
    )
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["seed"] == 4 and meta["reference_date"] == "2025-01-01" and meta["counts"]["patients"] == 3
    assert meta["modules"]  # module hashes
    lines = (out / "json" / "patients.ndjson").read_bytes().splitlines()
    assert [orjson.loads(line)["index"] for line in lines] == [0, 1, 2]
    assert not (out / ".ehrsim").exists()


def test_output_is_identical_for_any_worker_count_and_shard_size(tmp_path: Path) -> None:
    outs = []
    for workers, shard in (("1", "2"), ("2", "2"), ("2", "5")):
        out = tmp_path / f"w{workers}s{shard}"
        args = [
            "generate",
            "-p",
            "6",
            "-s",
            "9",
            "--reference-date",
            "2025-01-01",
            "-o",
            str(out),
            "-w",
            workers,
            "--shard-size",
            shard,
            "--no-progress",
        ]
        assert main(args) == 0
        outs.append(out)
    first = (outs[0] / "json" / "patients.ndjson").read_bytes()
    assert all((o / "json" / "patients.ndjson").read_bytes() == first for o in outs[1:])
    assert (outs[0] / "metadata.json").read_bytes() == (outs[1] / "metadata.json").read_bytes()


def test_interrupted_run_resumes_from_finished_shards(tmp_path: Path, monkeypatch, capsys, caplog) -> None:  # type: ignore[no-untyped-def]
    import ehrsim.runner
    from ehrsim.errors import WorkerLost
    from ehrsim.runner import run_shard

    out = tmp_path / "out"
    command = [
        "generate", "-p", "4", "-s", "2", "--reference-date", "2025-01-01", "-w", "1", "--shard-size", "2",
        "--no-progress",
    ]  # fmt: skip

    def dies_at_shard_1(s, k):  # type: ignore[no-untyped-def]
        if k == 1:
            raise WorkerLost("killed")
        return run_shard(s, k)

    monkeypatch.setattr(ehrsim.runner, "run_shard", dies_at_shard_1)
    assert main([*command, "-o", str(out)]) == 2  # the run stopped after its first shard
    done: list[int] = []
    monkeypatch.setattr(ehrsim.runner, "run_shard", lambda s, k: (done.append(k), run_shard(s, k))[1])
    capsys.readouterr()
    assert main([*command, "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert "resumed: 2 patients" in printed.out
    assert [r.levelname for r in caplog.records if "resuming the unfinished run" in r.getMessage()] == ["WARNING"]
    assert done == [1]  # the resumed run did only the unfinished shard
    assert len((out / "json" / "patients.ndjson").read_bytes().splitlines()) == 4
    fresh = tmp_path / "fresh"
    assert main([*command, "-o", str(fresh)]) == 0
    assert (fresh / "json" / "patients.ndjson").read_bytes() == (out / "json" / "patients.ndjson").read_bytes()
    assert done == [1, 0, 1]  # and the fresh run did both


def test_dask_local_cluster_gives_the_same_output(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    outs = []
    for extra in ([], ["--dask", "local"]):
        out = tmp_path / ("dask" if extra else "pool")
        assert (
            main(
                [
                    "generate",
                    "-p",
                    "4",
                    "-s",
                    "3",
                    "--reference-date",
                    "2025-01-01",
                    "-o",
                    str(out),
                    "-w",
                    "2",
                    "--shard-size",
                    "1",
                    "--no-progress",
                    *extra,
                ]
            )
            == 0
        )
        outs.append(out)
    assert (outs[0] / "json" / "patients.ndjson").read_bytes() == (outs[1] / "json" / "patients.ndjson").read_bytes()


def test_python_dash_m_ehrsim_runs_the_cli() -> None:
    """`python -m ehrsim` is what users try when the script is not on PATH: it must be the same CLI."""
    result = subprocess.run([sys.executable, "-m", "ehrsim", "--version"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ehrsim ")
