"""Deleting without losing: what a coach deletes in the studio goes to the workspace's
``trash/`` folder, one folder per deletion, and comes back with Undo (or by hand, from
that folder) until the coach empties it.

A deletion is named by a token; its folder holds the files under their workspace paths, so
putting them back needs nothing else. A file that took the old place meanwhile is never
written over.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from walkcoach.errors import ExportError, InputError
from walkcoach.workspace.folders import Workspace

__all__ = ["TRASH", "discard", "discard_client", "discard_track", "restore"]

TRASH = "trash"
"""The workspace's trash folder."""
_SIDES = (".json", ".vtt", ".txt")
"""The files a track has beside it (its cue sheet, captions, transcript)."""


def discard(space: Workspace, paths: list[Path]) -> str:
    """Move ``paths`` (files of the workspace) to a new folder of the trash; returns the
    deletion's token (for :func:`restore`)."""
    token = secrets.token_hex(8)
    folder = space.root / TRASH / token
    moved: list[tuple[Path, Path]] = []
    try:
        for path in paths:
            inside = path.relative_to(space.root)
            target = folder / inside
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            moved.append((path, target))
    except OSError as exc:
        for path, target in reversed(moved):  # all or nothing
            os.replace(target, path)
        raise ExportError(f"cannot delete: {exc.strerror or exc}") from None
    return token


def discard_track(space: Workspace, relative: str) -> str:
    """Delete a track walkcoach made (``tracks/NAME.mp3``) with the files beside it."""
    path = space.output_file(relative)
    if path.suffix not in (".mp3", ".m4a"):
        raise InputError("only a track can be deleted here")
    sides = [path.with_suffix(suffix) for suffix in _SIDES]
    return discard(space, [path, *[side for side in sides if side.is_file()]])


def discard_client(space: Workspace, name: str) -> str:
    """Delete a client's profile (their share bundles stay, as published)."""
    return discard(space, [space.existing("clients", name)])


def restore(space: Workspace, token: str) -> list[str]:
    """Put back what a deletion moved to the trash; returns the workspace paths put back.
    InputError when there is no such deletion, or a file has taken the place of one (then
    nothing is put back)."""
    if not (token.isascii() and token.isalnum() and len(token) == 16):
        raise InputError("there is nothing to undo")
    folder = space.root / TRASH / token
    files = sorted(path for path in folder.rglob("*") if path.is_file()) \
        if folder.is_dir() else []
    if not files:
        raise InputError("there is nothing to undo: the trash was emptied")
    places = [space.root / path.relative_to(folder) for path in files]
    if any(place.exists() for place in places):
        raise InputError("a file has taken its place since: it stays in the trash")
    for path, place in zip(files, places, strict=True):
        place.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, place)
    for empty in sorted(folder.rglob("*"), reverse=True):
        if empty.is_dir():
            empty.rmdir()
    folder.rmdir()
    return [place.relative_to(space.root).as_posix() for place in places]
