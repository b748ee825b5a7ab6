"""Reading a content file safely: only a regular file, of a sane size, in UTF-8."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from walkcoach.errors import ContentError

MAX_BYTES = 1_000_000
"""The largest content file read: a coach's file is a few kilobytes; a device or an endless
file must not be read until memory runs out."""


def names_a_file(value: str) -> bool:
    """Whether ``value`` names a file (a ``.yaml`` name, or a path) rather than something
    walkcoach ships by name (``walking-forward``)."""
    return value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value


def beside(base: Path, value: str) -> Path:
    """The file ``value`` names in the file ``base``: as written when absolute (``~``
    expanded), else relative to ``base``'s folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base.parent / path


def not_a_file(path: Path, what: str) -> str | None:
    """Why ``path``, a ``what`` file (music, image, exercise) a content file names, cannot be
    read as one, or None: nothing there, a folder, or another thing that is not a regular
    file (a pipe, a device: reading it could block or never end)."""
    article = "an" if what[0] in "aeiou" else "a"
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):  # not there, a name too long, a NUL in it
        return f"no {what} file at {path}"
    if stat.S_ISDIR(mode):
        return f"{path} is a folder, not {article} {what} file"
    if not stat.S_ISREG(mode):
        return f"{path} is not a regular file ({_file_kind(mode)}), so not {article} {what} file"
    return None


def read_text(path: Path) -> str:
    """The text of a content file: a regular file of at most :data:`MAX_BYTES`, in UTF-8.

    Anything else (a folder, a device such as /dev/zero, a pipe, a huge file) is refused
    before it is read, so no file can hang the reader or fill the memory.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ContentError(f"not a regular file ({_file_kind(info.st_mode)})", path=path)
        if info.st_size > MAX_BYTES:
            raise ContentError(f"the file is {info.st_size:,} bytes; a content file has at "
                               f"most {MAX_BYTES:,}", path=path)
        # Non-blocking, so a file swapped for a pipe after the check cannot hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ContentError("not a regular file", path=path)
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ContentError("file not found", path=path) from None
    except OSError as exc:
        raise ContentError(f"cannot read the file ({exc.strerror or exc})", path=path) from None
    except ValueError:  # a NUL in the name
        raise ContentError("cannot read the file (its name holds a NUL character)",
                           path=path) from None
    if len(data) > MAX_BYTES:
        raise ContentError(f"the file is larger than {MAX_BYTES:,} bytes", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(f"not UTF-8 text (byte {data[exc.start]:#04x} at byte "
                           f"{exc.start + 1} of the file)", path=path, line=line) from None


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
             (stat.S_ISFIFO, "a pipe"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "not a plain file")
