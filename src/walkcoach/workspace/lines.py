"""Editing a session script (walkcoach.script.file) line by line, as the studio does: new
words for a line, lines deleted, a line added to the walk at a time; and what is wrong with
a script, by line, before any phrase is spoken."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from walkcoach.content.writer import dump_yaml, plain_data
from walkcoach.encode.export import write_text
from walkcoach.errors import ContentError, ExportError, InputError
from walkcoach.script import file as scriptfile
from walkcoach.workspace.folders import changing, file_version
from walkcoach.workspace.words import said

__all__ = ["EditRefused", "edit", "problems", "refusal_field"]

_LINE_KEY = re.compile(r"lines\[(\d+)\]")
_CLOCK = re.compile(r"\s*(\d{1,3}):(\d{2})(?:\.(\d{1,3}))?\s*")


class EditRefused(InputError):  # noqa: N818 - reads as what happened to the edit
    """An edit that would leave the script unreadable, and the field it is about: a line by
    its index in the script as it was, "add" for the line being added, else "form"."""

    def __init__(self, message: str, *, field: int | str,
                 cause: InputError | None = None) -> None:
        self.field = field
        self.cause = cause or InputError(message)  # what the reader said, key and all
        super().__init__(message)


def refusal_field(error: InputError) -> dict[int | str, str]:
    """An edit's refusal as a form shows it: its message under the field it is about."""
    if not isinstance(error, EditRefused):
        return {"form": said(error)}
    cause = error.cause
    if isinstance(cause, ContentError) and error.field != "form":
        cause = ContentError(cause.message)  # next to its line: its number (edited) unsaid
    return {error.field: said(cause)}


def edit(path: Path, says: Mapping[int, str], *, delete: frozenset[int] = frozenset(),
         add: tuple[str, str] | None = None, version: str | None = None) -> str:
    """Change the words of a script's lines (by index), delete lines, or add one to the walk
    (its walk time m:ss.mmm and its words); the file keeps its comments at the top.

    InputError, with ``walkcoach render``'s words, for a script it cannot read, and for an
    edit that would leave it unreadable (no lines left, words that cannot be spoken, a walk
    time that is not one): that edit is not kept, so the script can still be edited; the
    refusal is an :class:`EditRefused` naming the line it is about. Lines are counted as in
    the script of ``version`` (walkcoach.workspace.folders.file_version, the script a page
    showed): a script changed since is refused, never edited by the wrong line numbers.
    Returns the version written. The edited script is read back under another name first,
    and takes the script's name only when it reads: the file is never, even for a moment,
    a script ``render`` would refuse."""
    with changing(path, version):  # StaleFile: the lines it counts are not the file's
        _edit(path, says, delete, add)
        return file_version(path)


def _edit(path: Path, says: Mapping[int, str], delete: frozenset[int],
          add: tuple[str, str] | None) -> None:
    scriptfile.read(path)  # the safe loader first: what is read below is a good script
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True)[:20]
                     if line.startswith("#"))
    data = plain_data(text)
    lines: list[Any] = data["lines"]
    for index, say in says.items():
        if 0 <= index < len(lines) and isinstance(lines[index], dict):
            lines[index]["say"] = say.strip()
    kept = [line for index, line in enumerate(lines) if index not in delete]
    added: dict[str, str] | None = None
    if add is not None and add[1].strip():
        added = {"walk": add[0].strip(), "kind": "technique", "say": add[1].strip()}
        kept.append(added)
        kept.sort(key=_order)
    data["lines"] = kept
    trial = path.with_name(f".{secrets.token_hex(8)}.edit{path.suffix}")
    try:
        write_text(trial, header + dump_yaml(data))
        try:
            scriptfile.read(trial)
        except InputError as exc:
            raise EditRefused(str(exc).replace(str(trial), str(path)),
                              field=_field(exc, kept, lines, added), cause=exc) from None
        try:
            os.replace(trial, path)
        except OSError as exc:
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        trial.unlink(missing_ok=True)


def _field(error: InputError, kept: list[Any], lines: list[Any],
           added: dict[str, str] | None) -> int | str:
    """The field of the form a refusal of the edited lines ``kept`` is about."""
    found = _LINE_KEY.match(error.key or "") if isinstance(error, ContentError) else None
    if found is None or int(found[1]) >= len(kept):
        return "form"
    line = kept[int(found[1])]
    if line is added:
        return "add"
    return next((index for index, old in enumerate(lines) if old is line), "form")


def _order(line: Any) -> tuple[int, int]:
    """Where a line goes: before the walk, at its walk time, after it (stable within)."""
    if "before" in line:
        return (0, 0)
    if "after" in line:
        return (2, 0)
    found = _CLOCK.fullmatch(str(line.get("walk", "")))
    if not found:
        return (1, 0)  # read refuses it, naming the line
    return (1, (int(found[1]) * 60 + int(found[2])) * 1000 + int((found[3] or "0").ljust(3, "0")))


def problems(path: Path) -> dict[int | str, str]:
    """What is wrong with a script file as ``walkcoach render`` reads it (before speaking):
    by line index where a problem is about one line, else under "form"."""
    try:
        script = scriptfile.read(path)
        scriptfile.check(script, scriptfile.session_of(script))
    except ContentError as exc:
        found = _LINE_KEY.match(exc.key or "")
        return {int(found[1]) if found else "form": said(exc)}
    except InputError as exc:
        return {"form": said(exc)}
    return {}
