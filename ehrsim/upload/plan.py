"""What to send, in which order: shared resources, then patients, then what points at patients.

Patient bundles are sent as they are. NDJSON files are cut into batch bundles of PUTs, one
resource type at a time in load order, so every reference points at something already loaded.
Each item is read only when it is sent, NDJSON by byte range: memory stays flat however large the
output, and each file is read once to plan and once to send.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from ehrsim.errors import UploadError
from ehrsim.exporters.fhir.exporter import PATIENT_TYPES, SHARED_TYPES
from ehrsim.validate.files import discover, read_bytes

#: resource types in load order: the shared resources first, then targets before what points at them
LOAD_ORDER = SHARED_TYPES + PATIENT_TYPES


@dataclass(frozen=True)
class Item:
    """One request: a bundle file, or the bytes ``[start, stop)`` (whole lines) of an NDJSON file."""

    phase: int  # items of a phase may run together; phases run one after another
    path: Path
    key: str  # stable name for the journal (relative path, plus #chunk for NDJSON)
    span: tuple[int, int] | None = None

    def body(self) -> bytes:
        """The bundle to POST (a collection bundle becomes a transaction of PUTs)."""
        if self.span is None:
            return _as_transaction(read_bytes(self.path))
        start, stop = self.span
        with _open(self.path) as fh:
            fh.seek(start)
            rows = fh.read(stop - start).splitlines()
        return batch_of(orjson.loads(r) for r in rows if r.strip())

    def digest(self, body: bytes) -> str:
        """Journal key: a changed file (another seed, other options) is sent again."""
        return hashlib.sha256(self.key.encode() + b"\0" + body).hexdigest()


def batch_of(resources: Any) -> bytes:
    entries = [
        {
            "fullUrl": f"urn:uuid:{r['id']}",
            "resource": r,
            "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"},
        }
        for r in resources
    ]
    return orjson.dumps({"resourceType": "Bundle", "type": "batch", "entry": entries})


def _as_transaction(data: bytes) -> bytes:
    head = data[:200]
    if b'"collection"' not in head:
        return data
    bundle = orjson.loads(data)
    if bundle.get("type") != "collection":
        return data
    bundle["type"] = "transaction"
    for e in bundle.get("entry", []):
        r = e["resource"]
        e["request"] = {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}
    return orjson.dumps(bundle)


def _type_rank(name: str) -> int:
    stem = name.split(".", 1)[0]
    return LOAD_ORDER.index(stem) if stem in LOAD_ORDER else len(LOAD_ORDER)


def build_plan(paths: list[Path], batch_size: int = 200) -> list[Item]:
    """Items in load order; ``shared*.json`` bundles form phase 0, patient bundles phase 1."""
    files = discover(paths)
    roots = [p if p.is_dir() else p.parent for p in paths]
    items: list[Item] = []
    for path in files:
        key = _relative(path, roots)
        if ".ndjson" in path.name:
            phase = 10 + _type_rank(path.name)
            items.extend(Item(phase, path, f"{key}#{first}", span) for first, span in _chunks(path, batch_size))
        elif path.name.startswith("import") or path.name == "metadata.json":
            continue  # the $import manifest and the run metadata are not data
        else:
            items.append(Item(0 if path.name.startswith("shared") else 1, path, key))
    if not items:
        raise UploadError(f"nothing to upload in {', '.join(map(str, paths))}")
    return sorted(items, key=lambda i: i.phase)  # stable: file order, then chunk order


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _chunks(path: Path, size: int) -> Iterator[tuple[int, tuple[int, int]]]:
    """(first line number, byte span) of each run of ``size`` resources, reading the file once, streaming."""
    offset = start = count = first = 0
    with _open(path) as fh:
        for line in fh:
            if line.strip():
                count += 1
            offset += len(line)
            if count == size:
                yield first, (start, offset)
                first, start, count = first + size, offset, 0
    if count:
        yield first, (start, offset)


def _relative(path: Path, roots: list[Path]) -> str:
    for root in roots:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return path.name
