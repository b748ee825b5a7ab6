"""The check-ins a coach has imported, kept beside the client's profile and never published.

A profile's check-ins are ``clients/NAME.checkins.json`` beside ``clients/NAME.yaml``; a
client given by a bare name keeps theirs in the user's walkcoach data folder (beside the
tokens file), as ``checkins/<tag>.json``. Either is written whole to a temporary file and
renamed (readable by its owner only, 0600), under a lock in the data folder, so two imports
take turns. The
file::

    {"version": 1, "bundles": {"<tag>": {"program": "/path/to/program.yaml",
      "sessions": [{"week": 1, "date": "2027-01-04", "n": 0, "pain": 2, "effort": 5,
                    "note": ""}, ...]}}}

A session is known by its week, its date and ``n``, its place among the sessions of that
week and date in the code (0 for the first): a code imported again changes nothing, and a
later code from the same phone (which holds the whole log) adds what is new and corrects
what the client changed.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock

from walkcoach.content import COMMAND_LINE
from walkcoach.encode import export
from walkcoach.errors import ExportError
from walkcoach.plan.model import ClientSpec
from walkcoach.share.checkins import Session
from walkcoach.share.tokens import tokens_path

__all__ = ["Logged", "Merged", "load", "logbook_path", "merge"]

SUFFIX = ".checkins.json"
VERSION = 1


@dataclass(frozen=True, kw_only=True)
class Logged:
    """A session as kept: what the client logged, and its place among that day's sessions."""

    week: int
    day: datetime.date
    n: int
    pain: int
    effort: int
    note: str = ""

    @property
    def key(self) -> tuple[int, datetime.date, int]:
        """What tells the session from another: week, date and place."""
        return (self.week, self.day, self.n)


@dataclass(frozen=True, kw_only=True)
class Merged:
    """What an import did: sessions new, changed, and already there; where they are kept."""

    path: Path
    added: int
    changed: int
    same: int


def logbook_path(client: ClientSpec, tag: str) -> Path:
    """Where ``client``'s check-ins are kept: beside their profile, else (a bare name) in the
    user's walkcoach data folder, by the bundle's check-in tag."""
    path = client.source.path
    if path != COMMAND_LINE:
        return path.with_name(path.name.removesuffix(path.suffix) + SUFFIX)
    return tokens_path().parent / "checkins" / f"{tag}.json"


def numbered(sessions: Iterable[Session]) -> tuple[Logged, ...]:
    """``sessions`` in the order of a code, each with its place among those of its week and
    date."""
    seen: dict[tuple[int, datetime.date], int] = {}
    out = []
    for session in sessions:
        n = seen.get((session.week, session.day), 0)
        seen[(session.week, session.day)] = n + 1
        out.append(Logged(week=session.week, day=session.day, n=n, pain=session.pain,
                          effort=session.effort, note=session.note))
    return tuple(out)


def load(path: Path, tags: Iterable[str]) -> tuple[Logged, ...]:
    """The sessions kept at ``path`` for the bundles of ``tags``, by date, week and place
    (none when the file is missing); a file walkcoach cannot read is an ExportError."""
    data = _read(path)
    found: dict[tuple[int, datetime.date, int], Logged] = {}
    for tag in tags:
        bundle = data["bundles"].get(tag)
        for item in bundle.get("sessions", []) if isinstance(bundle, dict) else []:
            logged = _logged(item)
            if logged is not None:
                found.setdefault(logged.key, logged)
    return tuple(sorted(found.values(), key=lambda s: (s.day, s.week, s.n)))


def merge(path: Path, tag: str, program: Path, sessions: Iterable[Session]) -> Merged:
    """Add a code's ``sessions`` to the check-ins at ``path`` for the bundle of ``tag``
    (whose program is ``program``): new ones added, changed ones replaced; the file is
    written only when something changed."""
    incoming = numbered(sessions)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with filelock.FileLock(_lock(), mode=0o600):
            data = _read(path)
            bundle = data["bundles"].setdefault(tag, {})
            kept = {s.key: s for s in map(_logged, bundle.get("sessions", [])) if s}
            added = changed = same = 0
            for session in incoming:
                before = kept.get(session.key)
                added += before is None
                changed += before is not None and before != session
                same += before == session
                kept[session.key] = session
            if added or changed or bundle.get("program") != str(program):
                bundle["program"] = str(program)
                bundle["sessions"] = [_item(s) for s in sorted(
                    kept.values(), key=lambda s: (s.day, s.week, s.n))]
                export.write_text(path, json.dumps(data, indent=2, sort_keys=True,
                                                   ensure_ascii=False) + "\n", private=True)
    except OSError as exc:
        raise ExportError(f"{path}: cannot keep the check-ins here: "
                          f"{exc.strerror or exc}") from None
    return Merged(path=path, added=added, changed=changed, same=same)


def _lock() -> Path:
    """The one lock of every check-ins file, in the user's data folder (none is left in a
    client's folder)."""
    folder = tokens_path().parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = folder / "checkins.lock"
    with contextlib.suppress(OSError):
        if lock.exists():
            os.chmod(lock, 0o600)
    return lock


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"version": VERSION, "bundles": {}}
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the check-ins: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("bundles"), dict):
        raise ExportError(f"{path}: not a check-ins file walkcoach can read (move it away "
                          "and import the client's latest code again)")
    return data


def _item(session: Logged) -> dict[str, Any]:
    return {"week": session.week, "date": session.day.isoformat(), "n": session.n,
            "pain": session.pain, "effort": session.effort, "note": session.note}


def _logged(item: object) -> Logged | None:
    """A kept session, or None for an entry that is not one (edited by hand)."""
    if not isinstance(item, dict):
        return None
    with contextlib.suppress(ValueError, TypeError, KeyError):
        values = {key: item[key] for key in ("week", "n", "pain", "effort")}
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values.values()) \
                and 0 <= values["pain"] <= 10 and 0 <= values["effort"] <= 10:
            return Logged(day=datetime.date.fromisoformat(item["date"]),
                          note=str(item.get("note") or ""), **values)
    return None
