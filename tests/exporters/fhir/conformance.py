"""Access to the independent checkers and servers in ../shared/tools (tests skip without them)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ehrsim.exporters.base import RunContext
from ehrsim.exporters.fhir.exporter import FhirExporter, FhirNdjsonExporter
from ehrsim.runner import run
from ehrsim.settings import Settings
from tests.exporters.fhir.fhir_records import REFERENCE_DATE, WorldStub, make_record

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
TOOLS = SHARED / "tools"
SYNTHEA_MODULES = SHARED / "synthea" / "modules"

needs_tools = pytest.mark.skipif(
    not (TOOLS / "fhir-check").exists() or shutil.which("node") is None,
    reason="../shared/tools (fhir-check, fhir-server) or node is not available",
)


def fhir_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TOOLS / "fhir-check"), *map(str, paths)], capture_output=True, text=True, timeout=900, check=False
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def fhir_server(medplum: bool = False) -> Iterator[str]:
    """A real FHIR server on loopback; yields its base URL and stops it (by its pid) afterwards."""
    args = [str(TOOLS / "fhir-server"), "start", str(free_port())] + (["--medplum"] if medplum else [])
    started = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False)
    if started.returncode != 0:
        pytest.fail(f"fhir-server did not start: {started.stderr[-2000:]}")
    pid, base = started.stdout.split()[-2:]
    try:
        yield base
    finally:
        subprocess.run([str(TOOLS / "fhir-server"), "stop", pid], check=False)


def handmade_output(out: Path, n: int, **options: Any) -> Path:
    """``n`` hand-made patients through both FHIR exporters, written the way a run writes them."""
    settings = Settings(reference_date=REFERENCE_DATE, out=out, **options)
    ctx = RunContext(settings=settings, world=WorldStub(), out_dir=out)  # type: ignore[arg-type]
    bundles, ndjson = FhirExporter(ctx), FhirNdjsonExporter(ctx)
    bundles.out.mkdir(parents=True, exist_ok=True)
    ndjson.out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        record = make_record(i, alive=i % 3 != 0)
        for name, data in bundles.render(record).files:
            (bundles.out / name).write_bytes(data)
        for table, data in ndjson.render(record).rows:
            with open(ndjson.out / ndjson.table_files[table], "ab") as fh:
                fh.write(data)
    bundles.finish({})
    ndjson.finish({})
    return out


def engine_output(out: Path, n: int, modules: tuple[Path, ...] = (), **options: Any) -> Path:
    """``n`` generated patients in ``fhir`` and ``fhir-ndjson``."""
    settings = Settings(
        population=n,
        seed=7,
        reference_date=REFERENCE_DATE,
        out=out,
        formats=("fhir", "fhir-ndjson"),
        modules=modules,
        **options,
    )
    run(settings)
    return out
