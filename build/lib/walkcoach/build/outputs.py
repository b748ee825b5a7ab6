"""Where a track may be written: its sidecars' names, and the checks that no build loses,
hides or mislabels a file that is not its own."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from walkcoach.build.manifest import MANIFEST, Manifest
from walkcoach.encode import export
from walkcoach.encode.sheets import SIDECARS, sidecar_paths
from walkcoach.errors import InputError, excerpt

__all__ = ["SIDECARS", "check_output", "sidecar_paths"]

_AUDIO_SUFFIXES = {f".{fmt}": fmt for fmt in export.FORMATS}
_SHEET_LIMIT = 4 << 20
"""The most of a cue sheet read to tell whether it is walkcoach's (a 60-minute one is ~100 KB)."""


def check_output(out: Path, *, fmt: str | None = None) -> None:
    """Refuse, before any work, a track path that would lose or hide a file, or mislabel one.

    Refused (InputError): an empty path, one named like its own sidecar, an audio suffix that
    the format ``fmt`` contradicts (f.mp3 as m4a; another suffix, or none, takes any format),
    anything other than a regular file at the track or a sidecar, and a file there that
    walkcoach did not make for this track. A track and its sidecars are walkcoach's when the
    manifest of the program folder they are in records them, or when its cue sheet is one:
    then a build replaces them, if the sheet names this track (a sheet before version 4
    names none), or a name that is the same file (f.mp3 for a build of f.MP3 on a
    case-insensitive disk). A sheet that names another track (f.json of f.mp3, for a build
    of f.wav or f) is that track's while it is there, and a file at ``out`` beside a sheet
    of another track is not walkcoach's: both are refused.
    """
    named = _AUDIO_SUFFIXES.get(out.suffix.lower())
    if fmt is not None and named is not None and fmt != named:
        raise InputError(f"{out}: the name says {named} but the format asked for is {fmt}: "
                         f"name it {out.with_suffix('.' + fmt).name}, or leave out --format")
    export.check_output(out, sidecars=SIDECARS)
    there = [path for path in (out, *sidecar_paths(out)) if path.is_file()]
    if not there or _in_manifest(out):
        return
    path = sidecar_paths(out)[0]
    sheet = _cue_sheet(path)
    track = sheet.get("track", out.name) if sheet is not None else None
    if not isinstance(track, str):
        raise InputError(f"{there[0]} already exists and was not made by walkcoach (move it, "
                         "or choose another name)")
    if track == out.name:
        return
    other = out.parent / track if track and Path(track).name == track else None
    if other is not None and _same_file(other, out):
        return  # the track the sheet names, by another spelling: a rebuild in place
    if out.is_file():
        raise InputError(f"{out} already exists and was not made by walkcoach: {path.name} "
                         f"beside it is the cue sheet of {excerpt(track)} (move it, or choose "
                         "another name)")
    if other is None:
        raise InputError(f"{path} is the cue sheet of {excerpt(track)}, not of {out.name} "
                         "(move it, or choose another name)")
    if os.path.lexists(other):
        raise InputError(f"{path} is the cue sheet of {excerpt(track)}, which is still there: "
                         f"a build of {out.name} would replace its cue sheet, captions and "
                         "transcript (choose another name)")
    # The track it names is gone: its sidecars are left over, and replaced.


def _same_file(one: Path, other: Path) -> bool:
    """Whether two names are one file (f.MP3 and f.mp3 on a case-insensitive disk)."""
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def _cue_sheet(path: Path) -> dict[str, Any] | None:
    """The cue sheet at ``path`` if walkcoach wrote it: a JSON object with its version, cues
    and duration (read no further than _SHEET_LIMIT: a large file is not one); else None."""
    try:
        with path.open("rb") as file:
            data = file.read(_SHEET_LIMIT + 1)
        sheet = json.loads(data) if len(data) <= _SHEET_LIMIT else None
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(sheet, dict) and {"version", "cues", "duration_ms"} <= sheet.keys():
        return sheet
    return None


def _in_manifest(out: Path) -> bool:
    """Whether the manifest of a program folder records a file of this track (its cue sheet
    may be gone: the program rebuilds the track whole)."""
    if not (out.parent / MANIFEST).is_file():
        return False
    names = {path.name for path in (out, *sidecar_paths(out))}
    for name, entry in Manifest(out.parent / MANIFEST, "").tracks.items():
        files = entry.get("files") if isinstance(entry, dict) else None
        if name in names or (isinstance(files, dict) and names & set(files)):
            return True
    return False
