"""The coach's workspace: one folder holding their exercises, programs, clients and outputs.

The layout::

    WORKSPACE/
      exercises/NAME.yaml   the coach's own exercises (the shipped ones are offered too)
      programs/NAME.yaml    weekly programs (the shipped ones are copied in at first start)
      clients/NAME.yaml     client profiles
      scripts/NAME.yaml     edited session scripts (``walkcoach script -o``)
      music/NAME.EXT        music beds
      covers/PROGRAM.png    programs' own cover images (or .jpg)
      tracks/               single tracks, with their cue sheets and captions
      weeks/PROGRAM/        each program's weekly tracks
      share/PROGRAM/        each program's client bundles

Every name that reaches a path here is checked against :data:`NAME` first: letters, digits,
``-`` and ``_``, starting with a letter or digit. No name can hold a separator, a dot
segment or a drive, so no path made from one leaves its folder; a file served from the
outputs is also resolved and must stay inside (:meth:`Workspace.output_file`).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from walkcoach.errors import InputError, excerpt

__all__ = ["KINDS", "NAME", "OUTPUTS", "Kind", "StaleFile", "Workspace", "check_name",
           "changing", "check_version", "read_versioned",
           "default_root", "file_version"]

Kind = Literal["exercises", "programs", "clients", "scripts", "music"]
KINDS: tuple[Kind, ...] = ("exercises", "programs", "clients", "scripts", "music")
OUTPUTS = ("tracks", "weeks", "share", "covers")
"""The folders whose files are served: what walkcoach makes, and the programs' covers."""
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""A name the workspace accepts for one of its files (without the extension)."""
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
"""One part of a path under the outputs (file names walkcoach makes: tracks, bundles)."""
MUSIC_TYPES = (".mp3", ".wav", ".m4a", ".ogg", ".flac", ".opus", ".aac")
"""The file endings a music bed may have."""


def file_version(path: Path) -> str:
    """A short fingerprint of a file's content as it is now ("" when it cannot be read): a
    page that shows a file sends it back with its change, so a change made meanwhile from
    another page is not silently written over."""
    try:
        with _CHANGING:
            return _fingerprint(path.read_bytes())
    except OSError:
        return ""


_CHANGING = threading.RLock()
"""Held while a page's change is checked against the file and written: two saves of one
version cannot both pass the check."""


@contextlib.contextmanager
def changing(path: Path, version: str | None) -> Iterator[None]:
    """Check ``version`` (:func:`check_version`) and make the change in the block, with no
    other studio change to a file in between."""
    with _CHANGING:
        check_version(path, version)
        yield


def read_versioned(path: Path) -> tuple[str, str]:
    """A file's text (UTF-8, undecodable bytes replaced) and the version of exactly that
    text, read once: a page shows the one and sends back the other."""
    with _CHANGING:
        data = path.read_bytes()
    return data.decode("utf-8", errors="replace"), _fingerprint(data)


def _fingerprint(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=8).hexdigest()


class StaleFile(InputError):  # noqa: N818 - reads as what the file is
    """A change made on a page that showed an older version of the file."""


def check_version(path: Path, version: str | None) -> None:
    """Refuse (:class:`StaleFile`) a change made on a page that showed an older ``path``
    (no version: no check)."""
    if version is not None and version != file_version(path):
        raise StaleFile("this was changed on another page since this one was opened: "
                        "reload the page to see it, then make your change again")


def default_root() -> Path:
    """Where a coach's workspace lives unless they say: a walkcoach folder among their
    documents (where they can find it without a terminal)."""
    from platformdirs import user_documents_path

    return user_documents_path() / "walkcoach"


def check_name(name: str, what: str = "name") -> str:
    """``name`` if the workspace accepts it for a file, else an InputError saying what is
    allowed."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise InputError(f"a {what} is 1 to 64 letters, digits, - or _, starting with a "
                         f"letter or digit, not {excerpt(str(name))}")
    return name


@dataclass(frozen=True)
class Workspace:
    """A coach's workspace folder (see the module's docstring for its layout)."""

    root: Path

    @classmethod
    def open(cls, root: Path) -> Workspace:
        """The workspace at ``root``, made (with its folders) if it is not there yet; the
        shipped programs are copied in when it has none, as examples to build and edit."""
        root = root.expanduser()
        if root.exists() and not root.is_dir():
            raise InputError(f"{root}: the workspace must be a folder, and this is a file")
        try:
            for kind in (*KINDS, *OUTPUTS):
                (root / kind).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{root}: cannot make the workspace here: "
                             f"{exc.strerror or exc}") from None
        space = cls(root.resolve())
        space._seed()
        return space

    def _seed(self) -> None:
        from walkcoach.content import TEMPLATES_DIR

        programs = self.root / "programs"
        if any(programs.glob("*.yaml")):
            return
        for shipped in sorted((TEMPLATES_DIR / "programs").glob("*.yaml")):
            shutil.copyfile(shipped, programs / shipped.name)

    def names(self, kind: Kind) -> tuple[str, ...]:
        """The names of the workspace's files of one kind, sorted (files with names the
        workspace would not make are left out)."""
        folder = self.root / kind
        return tuple(sorted(path.stem if kind != "music" else path.name
                            for path in self._files(folder, kind)))

    def _files(self, folder: Path, kind: Kind) -> Iterator[Path]:
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            if not path.is_file() or path.is_symlink():
                continue
            if kind == "music":
                if NAME.fullmatch(path.stem) and path.suffix.lower() in MUSIC_TYPES:
                    yield path
            elif path.suffix == ".yaml" and NAME.fullmatch(path.stem):
                yield path

    def path(self, kind: Kind, name: str) -> Path:
        """The file of ``name`` (checked) in the folder of ``kind``; it may not exist yet.
        A music name keeps its extension, which must be one of :data:`MUSIC_TYPES`."""
        if kind == "music":
            stem, dot, suffix = name.rpartition(".")
            check_name(stem, "music file name")
            if f".{suffix.lower()}" not in MUSIC_TYPES or not dot:
                raise InputError(f"a music file ends in {', '.join(MUSIC_TYPES)}, not "
                                 f"{excerpt(name)}")
            return self.root / kind / name
        return self.root / kind / f"{check_name(name)}.yaml"

    def existing(self, kind: Kind, name: str) -> Path:
        """The file of ``name`` in the folder of ``kind``, which must be there."""
        path = self.path(kind, name)
        if not path.is_file() or path.is_symlink():
            raise InputError(f"there is no {kind.rstrip('s')} named {excerpt(name)} in the "
                             "workspace")
        return path

    def output_dir(self, area: str, name: str | None = None) -> Path:
        """An output folder (tracks, weeks or share), or a program's folder inside it."""
        if area not in OUTPUTS:
            raise InputError(f"no output folder {excerpt(area)}")
        folder = self.root / area
        return folder if name is None else folder / check_name(name)

    def output_file(self, relative: str) -> Path:
        """A file walkcoach made, by its path under the workspace (``tracks/x.mp3``): each
        part a plain file name, the first an output folder, the whole inside it once
        resolved (a link pointing out is refused). InputError when it is not such a file."""
        parts = relative.split("/")
        if len(parts) < 2 or parts[0] not in OUTPUTS \
                or not all(_PART.fullmatch(part) for part in parts[1:]):
            raise InputError(f"not a file of the workspace's outputs: {excerpt(relative)}")
        area = (self.root / parts[0]).resolve()
        path = area.joinpath(*parts[1:]).resolve()
        # A hard link is another name of a file that may live anywhere: never walkcoach's.
        if not path.is_relative_to(area) or not path.is_file() or path.stat().st_nlink > 1:
            raise InputError(f"not a file of the workspace's outputs: {excerpt(relative)}")
        return path

    def relative(self, path: Path) -> str:
        """A file walkcoach made, as :meth:`output_file` names it (``tracks/x.mp3``), also
        where an output folder is a link to another disk. InputError for any other file."""
        resolved = path.resolve()
        for area in OUTPUTS:
            try:
                inside = resolved.relative_to((self.root / area).resolve())
            except ValueError:
                continue
            return f"{area}/{inside.as_posix()}"
        raise InputError(f"{path} is not among the workspace's outputs")

    def tracks(self, area: str, name: str | None = None) -> list[dict[str, str]]:
        """The tracks walkcoach made in an output folder (a program's, with ``name``) that
        :meth:`output_file` serves, sorted, each with its captions when there are some."""
        folder = self.output_dir(area, name)
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".mp3", ".m4a") or not _PART.fullmatch(path.name) \
                    or not path.is_file() or not path.with_suffix(".json").is_file():
                continue
            captions = path.with_suffix(".vtt")
            found.append({"name": path.stem, "file": self.relative(path),
                          "captions": self.relative(captions) if captions.is_file() else ""})
        return found

    def cover_of(self, program: str) -> str:
        """The program's own cover in the covers folder (its workspace path), or ""."""
        for suffix in (".png", ".jpg"):
            path = self.root / "covers" / f"{check_name(program)}{suffix}"
            if path.is_file():
                return self.relative(path)
        return ""
