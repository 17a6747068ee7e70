"""Atomic file writes and the shard layout that makes runs resumable and worker-count independent.

A run is cut into shards of ``shard_size`` consecutive patients. A shard's table rows go to
``OUT/.ehrsim/parts/<format>/<table>/<shard>.part`` and a ``<shard>.done`` marker (with its
counts) is written last, so an interrupted run resumes at the first unfinished shard. When all
shards are done, each table is assembled (header + parts in shard order) with one atomic rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO

import orjson

STATE_DIR = ".ehrsim"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_concat(path: Path, header: bytes, parts: Iterable[Path]) -> None:
    """Assemble a table from its header and parts, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(header)
            for part in parts:
                with open(part, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ShardStore:
    """Where shard parts and completion markers live for one output folder."""

    def __init__(self, out: Path) -> None:
        self.root = out / STATE_DIR

    def done_marker(self, shard: int) -> Path:
        return self.root / "done" / f"{shard:07d}.json"

    def is_done(self, shard: int) -> bool:
        return self.done_marker(shard).is_file()

    def part(self, fmt: str, table: str, shard: int) -> Path:
        return self.root / "parts" / fmt / table / f"{shard:07d}.part"

    def mark_done(self, shard: int, counts: dict[str, int]) -> None:
        atomic_write(self.done_marker(shard), orjson.dumps(counts))

    def counts(self, shard: int) -> dict[str, int]:
        return dict(orjson.loads(self.done_marker(shard).read_bytes()))

    def parts(self, fmt: str, table: str, shards: int) -> list[Path]:
        return [p for k in range(shards) if (p := self.part(fmt, table, k)).is_file()]

    def writer(self, shard: int) -> PartWriter:
        return PartWriter(self, shard)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class PartWriter:
    """A shard's table parts, streamed to temporary files as rows come and renamed into place at the end.

    A worker thus holds one patient's rows at a time, not a whole shard's (memory stays flat
    whatever the shard size), and a shard that fails leaves no part behind.
    """

    def __init__(self, store: ShardStore, shard: int) -> None:
        self.store, self.shard = store, shard
        self.open: dict[tuple[str, str], tuple[Path, Path, IO[bytes]]] = {}

    def add(self, fmt: str, table: str, data: bytes) -> None:
        entry = self.open.get((fmt, table))
        if entry is None:
            path = self.store.part(fmt, table, self.shard)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            entry = self.open[(fmt, table)] = (path, Path(tmp), os.fdopen(fd, "wb", buffering=1 << 16))
        entry[2].write(data)

    def commit(self) -> None:
        for path, tmp, fh in self.open.values():
            fh.close()
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        self.open.clear()

    def abort(self) -> None:
        for _, tmp, fh in self.open.values():
            fh.close()
            tmp.unlink(missing_ok=True)
        self.open.clear()

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()
