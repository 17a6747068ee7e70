"""A JSON-lines journal of loaded items, so a rerun skips them (and a changed file is resent)."""

from __future__ import annotations

import threading
from pathlib import Path

import orjson


class Journal:
    def __init__(self, path: Path | None, server: str) -> None:
        self.path = path
        self.server = server.rstrip("/")
        self._done: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        if path is not None and path.exists():
            for line in path.read_bytes().splitlines():
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue  # a line cut short by an interrupted run
                if row.get("server") == self.server:
                    self._done.add((row["key"], row["sha256"]))

    def done(self, key: str, digest: str) -> bool:
        return (key, digest) in self._done

    def record(self, key: str, digest: str, entries: int) -> None:
        with self._lock:
            self._done.add((key, digest))
            if self.path is None:
                return
            row = {"server": self.server, "key": key, "sha256": digest, "entries": entries}
            with open(self.path, "ab") as fh:
                fh.write(orjson.dumps(row) + b"\n")
