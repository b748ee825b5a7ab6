"""What the studio's lists and headings call the workspace's files: the names a coach gave
("Maria Lopez", "Two short weeks", "Walking backwards"), never a file's name, and a
track by what it is ("Maria Lopez - Walking backwards, beginner, floor - 1 min walk, 1:38
in all"), never by the six characters that keep two tracks' files apart.

Each title is read from the file itself (a profile's name, a program's title, a track's cue
sheet), so renaming a client renames them in every list; a file that cannot be read keeps
its own name, to be fixed as a file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from walkcoach.errors import InputError
from walkcoach.workspace.folders import Workspace
from walkcoach.workspace.keeping import read_mapping

__all__ = ["client_names", "exercise_titles", "length_said", "program_titles",
           "script_title", "session_title", "track_title", "tracks"]


def length_said(walk_ms: float | None, duration_ms: int) -> str:
    """A session's two lengths: "8 min walk, 9:38 in all" (the walk, the whole track)."""
    whole = round(duration_ms / 1000)
    total = f"{whole // 60}:{whole % 60:02d} in all"
    if walk_ms is None:
        return total
    return f"{round(walk_ms / 60_000, 2):g} min walk, {total}"


def _named(path: Path, key: str) -> str | None:
    try:
        data = read_mapping(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    value = (data or {}).get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def client_names(space: Workspace) -> dict[str, str]:
    """The workspace's clients: file name -> the client's name, sorted by name."""
    found = {name: _named(space.path("clients", name), "name") or name
             for name in space.names("clients")}
    return dict(sorted(found.items(), key=lambda item: item[1].casefold()))


def program_titles(space: Workspace) -> dict[str, str]:
    """The workspace's programs: file name -> the program's title, sorted by title."""
    found = {name: _named(space.path("programs", name), "program") or name
             for name in space.names("programs")}
    return dict(sorted(found.items(), key=lambda item: item[1].casefold()))


def exercise_titles(space: Workspace) -> dict[str, str]:
    """The exercises a coach can choose: name -> its title ("Walking backwards")."""
    from walkcoach import content
    from walkcoach.workspace.forms import exercise_choices

    found = {}
    for name, ref in exercise_choices(space).items():
        try:
            found[name] = content.find_exercise(ref).title
        except InputError:
            found[name] = name
    return found


def track_title(sheet: dict[str, Any], *, edited: bool = False) -> str:
    """What a track is, from its cue sheet: who for, the exercise, level and setting, and
    its two lengths."""
    what = ", ".join(str(part) for part in (sheet.get("level"), sheet.get("setting"),
                                            sheet.get("shape")) if part)
    walk = sheet.get("walk_minutes")
    parts = [sheet.get("client"), f"{sheet.get('title') or 'A walk'}"
             + (f", {what}" if what else ""),
             length_said(walk * 60_000 if isinstance(walk, (int, float)) else None,
                         int(sheet.get("duration_ms") or 0))]
    title = " - ".join(str(part) for part in parts if part)
    return f"{title} (your edited words)" if edited else title


def _sheet(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def tracks(space: Workspace, area: str, name: str | None = None) -> list[dict[str, str]]:
    """The tracks of an output folder (:meth:`Workspace.tracks`), each with its title."""
    found = space.tracks(area, name)
    for track in found:
        path = space.root / track["file"]
        sheet = _sheet(path)
        week = path.stem.split("-")[1] if path.stem.startswith("week-") else ""
        title = track_title(sheet, edited=path.stem.endswith("-edited"))
        track["title"] = f"Week {int(week)} - {title}" if week.isdigit() else title
    return found


def script_title(space: Workspace, name: str) -> str:
    """An edited script by what it is: its session, as its track would be called."""
    from walkcoach.script import file as scriptfile

    try:
        script = scriptfile.read(space.existing("scripts", name))
        return session_title(scriptfile.session_of(script))
    except InputError:
        return "An edited script"


def session_title(spec: Any) -> str:
    """A session by what it is: "Maria Lopez - Walking backwards, beginner, floor, 1 min
    walk" (a session in parts says its shape)."""
    from walkcoach.encode import labels

    shape = labels.shape_label(spec.blocks)
    what = ", ".join(part for part in (spec.level, spec.setting, shape) if part)
    title = f"{spec.exercise.title}, {what}, {round(spec.walk_ms / 60_000, 2):g} min walk"
    return f"{spec.client} - {title}" if spec.client else title
