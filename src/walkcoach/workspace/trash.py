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
import shutil
from dataclasses import dataclass
from pathlib import Path

from walkcoach.errors import ExportError, InputError
from walkcoach.workspace.folders import Workspace

__all__ = ["TRASH", "Deletion", "deletions", "discard", "discard_bundle", "discard_client",
           "discard_cover", "discard_music", "discard_script", "discard_track", "empty",
           "restore"]

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


def discard_script(space: Workspace, name: str) -> str:
    """Delete an edited script (``scripts/NAME.yaml``); the tracks made of it stay."""
    return discard(space, [space.existing("scripts", name)])


def discard_music(space: Workspace, name: str) -> str:
    """Delete a music bed (``music/NAME.EXT``); a profile naming it then builds without."""
    return discard(space, [space.existing("music", name)])


def discard_cover(space: Workspace, program: str) -> str:
    """Delete a program's own cover (the drawn one is used again)."""
    found = space.cover_of(program)
    if not found:
        raise InputError("this program has no cover of your own")
    return discard(space, [space.root / found])


def discard_bundle(space: Workspace, page: str) -> str:
    """Delete a client's share bundle, by its page's workspace path
    (``share/PROGRAM/FOLDER/index.html``): its folder and its zip."""
    path = space.output_file(page)
    parts = page.split("/")
    if len(parts) != 4 or parts[0] != "share" or path.name != "index.html":
        raise InputError("only a share bundle can be deleted here")
    folder = path.parent
    files = [item for item in sorted(folder.rglob("*")) if item.is_file()]
    archive = folder.with_suffix(".zip")
    token = discard(space, [*files, *([archive] if archive.is_file() else [])])
    shutil.rmtree(folder, ignore_errors=True)  # only empty folders are left there
    return token


@dataclass(frozen=True, kw_only=True)
class Deletion:
    """One deletion waiting in the trash: its token, what it was (in the coach's words),
    the names of its files, and when it was made (seconds since the epoch)."""

    token: str
    what: str
    names: tuple[str, ...]
    when: float


_WHAT = {"tracks": "A track", "weeks": "A week's track", "clients": "A client's profile",
         "scripts": "Edited words", "music": "Music", "covers": "A program's cover",
         "share": "A client's share bundle"}


def deletions(space: Workspace) -> list[Deletion]:
    """What waits in the trash, the latest deletion first."""
    folder = space.root / TRASH
    found = []
    for each in folder.iterdir() if folder.is_dir() else ():
        files = [path.relative_to(each) for path in each.rglob("*") if path.is_file()]
        if not each.is_dir() or not files:
            continue
        area = files[0].parts[0]
        names = tuple(sorted({path.parts[-1] if area == "music" else path.stem
                              for path in files if area == "music"}))
        found.append(Deletion(token=each.name, what=_WHAT.get(area, "Files"), names=names,
                              when=each.stat().st_mtime))
    return sorted(found, key=lambda deletion: -deletion.when)


def empty(space: Workspace) -> int:
    """Delete for good everything in the trash; returns how many deletions it held."""
    folder = space.root / TRASH
    count = 0
    for each in list(folder.iterdir()) if folder.is_dir() else ():
        if each.is_dir() and not each.is_symlink():
            shutil.rmtree(each)
        else:
            each.unlink()
        count += 1
    return count


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
