"""Every user error named in issue 8 ends in a one-line message and exit 2, never a traceback."""

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
from tests.runs.conftest import generate_args, write_module

ROOT = Path(__file__).resolve().parents[2]


def _ehrsim(*args: str, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "ehrsim.cli.main", *args], capture_output=True, text=True, env=env, timeout=300, **kw
    )


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def _cases(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (arguments, text the message must contain)."""
    mods = write_module(tmp / "modules")
    a_file = tmp / "a_file"
    a_file.write_text("x")
    sub_is_file = tmp / "sub_is_file"
    sub_is_file.mkdir()
    (sub_is_file / "json").write_text("x")
    bad_entry = tmp / "bad_entry.json"
    bad_entry.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": "x"}))
    bad_items = tmp / "bad_items.json"
    bad_items.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": [1, "two"]}))
    not_fhir = tmp / "not_fhir.json"
    not_fhir.write_text(json.dumps({"name": "a config file"}))
    array = tmp / "array.json"
    array.write_text(json.dumps([{"resourceType": "Patient"}]))
    empty = tmp / "empty"
    empty.mkdir()
    fhir = tmp / "fhir"
    fhir.mkdir()
    (fhir / "shared.json").write_text(json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": []}))

    def gen(out: Path | str, *extra: str) -> list[str]:
        return generate_args(Path(out), mods, *extra, population=2, shard=1)

    return {
        "-o names a file": (gen(a_file), "is a file, not a folder"),
        "-o under /proc": (gen("/proc/ehrsim-out"), "cannot go under /proc"),
        "-o under /sys": (gen("/sys/ehrsim-out"), "cannot go under /sys"),
        "format subfolder is a file": (gen(sub_is_file), "is not a folder"),
        "-s >= 2^64": (gen(tmp / "o1", "-s", str(2**64)), "-s/--seed"),
        "--reference-date 9999-12-31": (gen(tmp / "o2", "--reference-date", "9999-12-31"), "--reference-date"),
        "--age 200-300": (gen(tmp / "o3", "--age", "200-300"), "--age"),
        "--age 0-inf": (gen(tmp / "o4", "--age", "0-inf"), "must be finite"),
        '-f ""': (gen(tmp / "o5", "-f", ""), "no output format"),
        "-p 0": ([*gen(tmp / "o6"), "-p", "0"], "-p/--population"),
        "validate: entry not a list": (["validate", str(bad_entry)], "Bundle.entry must be a list of objects"),
        "validate: entry items not objects": (["validate", str(bad_items)], "Bundle.entry must be a list of objects"),
        "validate: non-FHIR object": (["validate", str(not_fhir)], "not a FHIR resource"),
        "validate: JSON array": (["validate", str(array)], "a JSON array"),
        "validate: empty folder": (["validate", str(empty)], "no FHIR files"),
        "upload: connection refused": (
            ["upload", "--server", f"http://127.0.0.1:{_refused_port()}/fhir", "--no-progress", str(fhir)],
            "cannot connect",
        ),
    }


def test_each_user_error_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    failures = []
    for name, (args, expected) in _cases(tmp_path).items():
        result = _ehrsim(*args)
        errors = [line for line in result.stderr.splitlines() if line.startswith("ehrsim: error:")]
        if result.returncode != 2 or "Traceback" in result.stderr or not errors or expected not in result.stderr:
            failures.append(f"{name}: rc {result.returncode}\n{result.stdout[-500:]}\n{result.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)


def test_output_piped_to_a_closed_reader_ends_quietly(tmp_path: Path) -> None:
    mods = write_module(tmp_path / "modules")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = generate_args(tmp_path / "out", mods, population=2, shard=1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ehrsim.cli.main", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert (tmp_path / "out" / "metadata.json").exists()


def _unwritable(path: Path):  # type: ignore[no-untyped-def]
    real = os.access

    def access(p, mode, *a, **kw):  # type: ignore[no-untyped-def]
        return False if Path(p) == path else real(p, mode, *a, **kw)

    return access


@pytest.mark.parametrize("where", ["folder", "subfolder"])
def test_unwritable_output_folder_or_subfolder(tmp_path: Path, monkeypatch, capsys, where: str) -> None:  # type: ignore[no-untyped-def]
    # root may write anywhere, so the permission is simulated where ehrsim asks for it
    out = tmp_path / "out"
    (out / "json").mkdir(parents=True)
    target = out if where == "folder" else out / "json"
    monkeypatch.setattr(os, "access", _unwritable(target))
    assert main(generate_args(out, write_module(tmp_path / "m"), population=2)) == 2
    err = capsys.readouterr().err
    assert err.startswith("ehrsim: error:") and "not writable" in err and str(target) in err


def die(settings, shard):  # type: ignore[no-untyped-def]
    os._exit(9)  # as the out-of-memory killer would end a worker


def test_a_killed_worker_says_rerunning_resumes(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ehrsim.runner, "run_shard", die)
    args = generate_args(tmp_path / "out", write_module(tmp_path / "m"), population=4, shard=1)
    args[args.index("-w") + 1] = "2"
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "worker process died" in err and "rerun the same command to resume" in err
