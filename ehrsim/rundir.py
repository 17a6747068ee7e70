"""A run owns its output folder: checked before any work, locked while it runs, never mixed with another run.

The folder may hold one finished run (``metadata.json`` and its format folders) or one unfinished
run (``.ehrsim/run.json``, the fingerprint of the settings, module hashes and ehrsim version that
its finished shards were made with). A run may resume only an unfinished run with the same
fingerprint; anything else is refused unless ``overwrite`` replaces it. A lock file
(``.ehrsim/lock``, holding the pid and host) keeps two runs out of one folder at once; a lock
left by a process that no longer exists on this host is taken over.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from ehrsim.errors import ConfigError
from ehrsim.output import STATE_DIR, atomic_write

log = logging.getLogger(__name__)

#: folders a run must never write into: kernel pseudo file systems
FORBIDDEN = (Path("/proc"), Path("/sys"), Path("/dev"))
#: the format folders of the built-in exporters (an earlier run may have written any of them)
BUILTIN_FOLDERS = ("json", "fhir", "fhir-ndjson", "csv", "omop", "notes")
METADATA = "metadata.json"


def check_writable(out: Path) -> Path:
    """Create ``out`` if needed and make sure files can be written in it; returns it."""
    resolved = out.resolve()
    for forbidden in FORBIDDEN:
        if resolved == forbidden or forbidden in resolved.parents:
            raise ConfigError(f"-o {out}: output cannot go under {forbidden} (a kernel pseudo file system)")
    if out.exists() and not out.is_dir():
        raise ConfigError(f"-o {out} is a file, not a folder; give a folder for the output")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create output folder {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"output folder {out} is not writable")
    return out


def check_subfolders(out: Path, folders: list[str]) -> None:
    """Each format folder that exists must be a writable folder (checked before any work is done)."""
    for name in [STATE_DIR, *folders]:
        path = out / name
        if path.exists() and (not path.is_dir() or not os.access(path, os.W_OK | os.X_OK)):
            what = "is not a folder" if not path.is_dir() else "is not writable"
            raise ConfigError(f"output subfolder {path} {what}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class RunLock:
    """``OUT/.ehrsim/lock``: one run per output folder; stale locks of dead local processes are taken over."""

    def __init__(self, out: Path) -> None:
        self.path = out / STATE_DIR / "lock"
        self.held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "host": socket.gethostname()}
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and owner.get("host") == me["host"] and not _alive(int(owner.get("pid", 0))):
                    log.warning("taking over the stale lock of process %s in %s", owner.get("pid"), self.path.parent)
                    self.path.unlink(missing_ok=True)
                    continue
                if owner is None:
                    continue  # being written by its owner right now: look again
                raise ConfigError(
                    f"output folder {self.path.parent.parent} is in use by another ehrsim run "
                    f"(pid {owner.get('pid')} on {owner.get('host')}); wait for it to finish or choose another "
                    f"folder with -o (if that run is gone, delete {self.path})"
                ) from None
            with os.fdopen(fd, "wb") as fh:
                fh.write(orjson.dumps(me))
            self.held = True
            return
        raise ConfigError(f"could not lock output folder {self.path.parent.parent}; delete {self.path} and retry")

    def _owner(self) -> dict[str, Any] | None:
        try:
            data = orjson.loads(self.path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None

    def release(self) -> None:
        if self.held:
            self.path.unlink(missing_ok=True)
            self.held = False

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def claim(
    out: Path, fingerprint: dict[str, object], folders: list[str], *, overwrite: bool, keep: tuple[str, ...] = ()
) -> bool:
    """Make ``out`` this run's folder (the lock must be held); returns True when resuming.

    ``folders`` are the format folders this run writes; ``keep`` are folders that may hold an
    earlier run's output on purpose (``--csv-append``): the earlier run is then accepted, except
    in the other format folders this run writes.
    """
    state = out / STATE_DIR
    run_file = state / "run.json"
    wanted = orjson.dumps(fingerprint, option=orjson.OPT_SORT_KEYS)
    started = [p.name for p in state.iterdir() if p.name != "lock"] if state.is_dir() else []
    if not overwrite and run_file.is_file() and run_file.read_bytes() == wanted:
        return bool(started)  # the same run, interrupted: resume it
    previous = [p for p in (METADATA, *dict.fromkeys([*BUILTIN_FOLDERS, *folders])) if (out / p).exists()]
    if keep:  # appending to an earlier run: only this run's other format folders would mix
        previous = [p for p in previous if p in folders and p not in keep]
    if started and not overwrite:
        differs = _differences(run_file, fingerprint)
        raise ConfigError(
            f"{out} holds an unfinished run made with other {differs}; rerun that run's command to finish it, "
            f"or add --overwrite to discard it and start this one"
        )
    if previous and not overwrite:
        raise ConfigError(
            f"{out} already holds another run's output ({', '.join(previous)}); add --overwrite to replace it, "
            f"or choose another folder with -o"
        )
    if overwrite:
        for name in started:
            _remove(state / name)
        for name in previous:
            _remove(out / name)
    atomic_write(run_file, wanted)
    return False


def _differences(run_file: Path, fingerprint: dict[str, object]) -> str:
    """Which parts of the fingerprint changed (settings, modules, ehrsim version), for the message."""
    try:
        old = orjson.loads(run_file.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return "settings (its fingerprint is missing)"
    names = {"version": "ehrsim version", "settings": "settings", "modules": "module files"}
    changed = [names.get(k, k) for k in sorted(set(old) | set(fingerprint)) if old.get(k) != fingerprint.get(k)]
    if "settings" in changed and isinstance(old.get("settings"), dict):
        new = fingerprint["settings"]
        assert isinstance(new, dict)
        keys = sorted(k for k in set(old["settings"]) | set(new) if old["settings"].get(k) != new.get(k))
        changed[changed.index("settings")] = f"settings ({', '.join(keys)})"
    return ", ".join(changed) or "settings"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
