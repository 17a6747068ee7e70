"""A built wheel carries modules/ and terminology/ and generates outside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_carries_the_library_and_runs_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True
    )
    (wheel,) = dist.glob("ehrsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("ehrsim/_library/modules/") and n.endswith(".json") for n in names)
    assert "ehrsim/_library/terminology/systems.csv" in names
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [sys.executable, "-c", "import ehrsim.paths as p; print(p.modules_dir())"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip().startswith(str(target))
    result = subprocess.run(
        [
            str(target / "bin" / "ehrsim") if (target / "bin" / "ehrsim").exists() else sys.executable,
            *([] if (target / "bin" / "ehrsim").exists() else ["-m", "ehrsim.cli.main"]),
            "generate",
            "-p",
            "2",
            "--reference-date",
            "2025-01-01",
            "-w",
            "1",
            "--no-progress",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (work / "output" / "metadata.json").is_file()
    assert (work / "output" / "json" / "patients.ndjson").stat().st_size > 0
