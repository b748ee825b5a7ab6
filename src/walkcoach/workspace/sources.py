"""A workspace file edited as text (an exercise's tips, a program's weeks): saved whole, then
checked as ``walkcoach validate`` checks it, every problem with its line and key; and the
copies made to edit (a shipped exercise, a program kept as it was)."""

from __future__ import annotations

import os
from typing import Literal

from walkcoach.content.writer import set_top_key
from walkcoach.encode.export import write_text
from walkcoach.errors import InputError, excerpt
from walkcoach.text import MAX_LABEL
from walkcoach.workspace.folders import Workspace, changing, check_name, file_version
from walkcoach.workspace.keeping import change_keys, read_mapping

__all__ = ["EDITABLE", "MAX_TEXT", "copy_exercise", "copy_program", "save_source"]

Editable = Literal["exercises", "programs", "clients"]
EDITABLE: tuple[Editable, ...] = ("exercises", "programs", "clients")
"""The kinds of file the studio edits as text."""
MAX_TEXT = 1_000_000
"""The largest file taken (what the loaders read at most)."""
MAX_COPIES = 99
"""The most copies of one program (its name then numbered up to this)."""


def save_source(space: Workspace, kind: Editable, name: str, text: str, *,
                version: str | None = None) -> tuple[tuple[str, ...], str]:
    """Write ``text`` as the workspace's file of ``kind`` and ``name`` (line ends made
    ``\\n``), then validate it; returns its problems, one line each (none: it is good), and
    the version written.
    ``version`` is the file's :func:`file_version` when the text was shown: a file changed
    since is refused (InputError), not written over."""
    from walkcoach.authoring import validate_file

    if kind not in EDITABLE:
        raise InputError(f"the studio does not edit {excerpt(kind)} files")
    if len(text) > MAX_TEXT:
        raise InputError(f"the file is {len(text):,} characters long; at most {MAX_TEXT:,}")
    path = space.existing(kind, name)
    with changing(path, version):
        write_text(path, text.replace("\r\n", "\n").replace("\r", "\n"))
        written = file_version(path)
    report = validate_file(path)
    return () if report.ok else report.lines(), written


def copy_exercise(space: Workspace, name: str) -> str:
    """Copy a shipped exercise into the workspace as ``my-NAME`` (an exercise is named after
    its file), to change its words there; returns the copy's name. Never replaces a file."""
    from walkcoach.content import TEMPLATES_DIR, exercise_names

    if name not in exercise_names():
        raise InputError(f"no shipped exercise {excerpt(name)} to copy")
    mine = check_name(f"my-{name}")
    target = space.path("exercises", mine)
    if target.exists():
        raise InputError(f"{target} already exists: edit it")
    text = (TEMPLATES_DIR / "exercises" / f"{name}.yaml").read_text(encoding="utf-8")
    named = set_top_key(text, "name", mine)
    if named is None:
        raise InputError(f"the shipped exercise {name} has no top-level name: line")
    write_text(target, named)
    return mine


def copy_program(space: Workspace, name: str) -> str:
    """Copy the workspace's program ``name`` as a new program, to change it and still have
    the one copied: named ``NAME-copy`` (``NAME-copy-2``, ...) and titled "TITLE (my copy)"
    ("(my copy 2)", ...) so the lists tell them apart, every comment and other line kept;
    returns the copy's name. Never replaces a file."""
    source = space.existing("programs", name)
    text = source.read_text(encoding="utf-8", errors="replace")
    data = read_mapping(text) or {}
    said_title = data.get("program")  # the loader takes a number as its text too
    title = str(said_title).strip() if isinstance(said_title, (str, int, float)) \
        and not isinstance(said_title, bool) else None
    stem = name[:50]  # room for "-copy-99" inside a name's 64 characters
    with changing(source, None):  # no other studio change (a second copy) in between
        for number in range(1, MAX_COPIES + 1):
            mine = check_name(f"{stem}-copy" if number == 1 else f"{stem}-copy-{number}")
            target = space.path("programs", mine)
            if not os.path.lexists(target):  # a link, even a broken one, is a file there
                break
        else:
            raise InputError(f"this program has {MAX_COPIES} copies already: change one of "
                             "them")
        said = " (my copy)" if number == 1 else f" (my copy {number})"
        if title:  # shortened where it must be, to stay a title the loader takes
            title = title[:MAX_LABEL - len(said)].rstrip() + said
        # A file no form can change in place (flow style, say) is copied as it is.
        titled = change_keys(text, {"program": title}) if title else None
        write_text(target, titled or text)
    return mine
