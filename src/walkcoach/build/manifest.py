"""A program's folder: its lock, and its manifest of what each track was made from.

``walkcoach-manifest.json`` names the program the folder belongs to and, for each track, the
hash of everything it was made from and the size and SHA-256 of each of its files, so a rerun
rebuilds only what changed or was damaged. ``.walkcoach.lock`` makes runs into one folder take
turns. Both are the coach's own (the manifest names the program file by its absolute path):
written readable by their owner only, and kept in the tracks' folder or, for a folder that is
published (a share bundle), in a private folder of their own.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from walkcoach import notes
from walkcoach.encode import export
from walkcoach.encode.sheets import sidecar_paths
from walkcoach.errors import ExportError

__all__ = ["LOCK", "MANIFEST", "Manifest", "folder_lock"]

MANIFEST = "walkcoach-manifest.json"
"""The manifest's file name in the output folder: what each track was built from."""
LOCK = ".walkcoach.lock"
"""The lock file in the output folder: runs into one folder take turns. It stays, empty."""
_MANIFEST_VERSION = 2  # 2: the program owns the folder; each file's size and SHA-256


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder`` for this run: another run into it waits, and says so, until this one
    ends (the lock is the kernel's, so a killed run holds nothing)."""
    import filelock  # only programs lock a folder: a single build does not import it

    lock = filelock.FileLock(folder / LOCK, mode=0o600)
    try:
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            notes.note(f"waiting for another walkcoach run into {folder} to finish")
            lock.acquire()
    except OSError as exc:
        raise ExportError(f"{folder}: cannot write here: {exc.strerror or exc}") from exc
    try:
        yield
    finally:
        lock.release()


def _fingerprint(path: Path) -> dict[str, Any]:
    """What the manifest vouches for of a file: its size and SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def _unchanged(path: Path, recorded: Any) -> bool:
    """Whether ``path`` is a regular file of the recorded size and hash (size first: cheap)."""
    try:
        facts = os.lstat(path)
        return (isinstance(recorded, dict) and stat.S_ISREG(facts.st_mode)
                and facts.st_size == recorded.get("size")
                and _fingerprint(path)["sha256"] == recorded.get("sha256"))
    except OSError:
        return False


class Manifest:
    """``walkcoach-manifest.json``: for each track file, its hash and the files it made."""

    def __init__(self, path: Path, program: str, source: Path | None = None,
                 title: str | None = None, *, folder: Path | None = None) -> None:
        self.path = path
        self.folder = folder if folder is not None else path.parent  # where the tracks are
        self.program = program
        self.source = str(source) if source is not None else None  # the program file
        self.title = title  # the program's name
        self.owner: str | None = None  # the program the folder holds, if it holds one
        self.owner_source: str | None = None  # and the file it was built from
        self.owner_title: str | None = None  # and that program's name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            tracks = data["tracks"] if data.get("manifest") in (1, _MANIFEST_VERSION) else {}
            owners = [data.get("program"), *(entry.get("program") for entry in tracks.values()
                                             if isinstance(entry, dict))]  # 1: per track
            self.owner = next((str(name) for name in owners if name), None)
            recorded, title = data.get("source"), data.get("title")
            self.owner_source = recorded if isinstance(recorded, str) else None
            self.owner_title = title if isinstance(title, str) else None
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            tracks = {}  # no manifest, or not one we can read: everything is rebuilt
        self.tracks: dict[str, dict[str, Any]] = tracks if isinstance(tracks, dict) else {}

    def current(self, out: Path, digest: str) -> int | None:
        """The duration of the track ``out`` if it is up to date (made from ``digest``; the
        track and its sidecars each the regular file of the size and SHA-256 recorded),
        else None."""
        entry = self.tracks.get(out.name)
        if not isinstance(entry, dict) or entry.get("hash") != digest:
            return None
        files = entry.get("files")
        names = {out.name, *(path.name for path in sidecar_paths(out))}
        if not isinstance(files, dict) or set(files) != names or not all(
                _unchanged(out.parent / name, files[name]) for name in sorted(names)):
            return None
        return _sheet_duration(sidecar_paths(out)[0])

    def record(self, out: Path, *, week: int, digest: str, duration_ms: int) -> None:
        """Note a finished track with each of its files' size and hash; save the manifest."""
        paths = (out, *sidecar_paths(out))
        try:
            files = {path.name: _fingerprint(path) for path in paths}
        except OSError:
            files = {}  # cannot be read back: it is not vouched for, and is rebuilt next time
        self.tracks[out.name] = {"week": week, "hash": digest, "files": files,
                                 "duration_ms": duration_ms}
        self._save()

    def remove_stale(self, keep: set[str]) -> tuple[Path, ...]:
        """Delete the tracks no longer in the program (a week renamed or removed), with their
        sidecars; the tracks removed. The folder holds this program only (an entry of a
        manifest of version 1 names its own program: another's is left alone)."""
        removed = []
        # A track kept may own a file of the same name (week-01.json serves week-01.mp3
        # after week-01.m4a): never removed with the old one.
        kept = {path.name for name in keep
                for path in (Path(name), *sidecar_paths(Path(name)))}
        for name, entry in list(self.tracks.items()):
            if name in keep or not isinstance(entry, dict) \
                    or entry.get("program", self.program) != self.program:
                continue
            for file in entry.get("files", ()):
                if Path(str(file)).name not in kept:
                    (self.folder / Path(str(file)).name).unlink(missing_ok=True)
            removed.append(self.folder / name)
            del self.tracks[name]
        if removed:
            self._save()
        return tuple(removed)

    def _save(self) -> None:
        data = {"manifest": _MANIFEST_VERSION, "program": self.program,
                **({"source": self.source} if self.source else {}),
                **({"title": self.title} if self.title else {}),
                "tracks": dict(sorted(self.tracks.items()))}
        export.write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n",
                          private=True)


def _sheet_duration(path: Path) -> int | None:
    """The duration_ms a cue sheet records, or None if it is missing or unreadable."""
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("duration_ms")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and value > 0 else None
