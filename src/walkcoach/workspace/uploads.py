"""Files a coach uploads (music, a cover): checked whole before they take a workspace name,
so a refused upload leaves nothing behind and the file it would have replaced as it was."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from walkcoach.encode.export import write_bytes
from walkcoach.errors import ExportError, InputError, excerpt

__all__ = ["free_name", "head", "keep_checked", "upload_suffix"]


def upload_suffix(filename: str, data: bytes | Path, *, types: tuple[str, ...], limit: int,
                  what: str) -> str:
    """The file ending of an upload (lowercase), if it is one of ``types`` and the upload
    (its bytes, or the file they were received into) is at most ``limit`` bytes; else
    InputError naming ``what`` is taken."""
    suffix = "." + filename.rpartition(".")[2].lower()
    if "." not in filename or suffix not in types:
        raise InputError(f"{excerpt(filename)} is not {what} walkcoach takes "
                         f"({', '.join(types)})")
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    if size > limit:
        raise InputError(f"{excerpt(filename)} is {size / 2 ** 20:.1f} MB; {what} is at "
                         f"most {limit / 2 ** 20:.1f} MB")
    return suffix


def head(data: bytes | Path, size: int = 16) -> bytes:
    """The first bytes of an upload (its bytes, or the file they were received into)."""
    if isinstance(data, Path):
        with data.open("rb") as read:
            return read.read(size)
    return data[:size]


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem+suffix``, or ``stem-2``, ``stem-3``... the first name no file there
    has in any case (on a disk that ignores case, "Calm.mp3" is "calm.mp3")."""
    taken = {path.name.lower() for path in folder.iterdir()} if folder.is_dir() else set()
    for number in range(1, 1000):
        name = f"{stem}{suffix}" if number == 1 else f"{stem[:60]}-{number}{suffix}"
        if name.lower() not in taken:
            return folder / name
    raise InputError(f"too many files named {excerpt(stem)}: remove some")


def keep_checked(path: Path, data: bytes | Path, check: Callable[[Path], object], *,
                 replace: bool = True) -> None:
    """Write ``data`` under a name the workspace does not list (or move there the hidden
    file of ``path``'s folder that an upload was received into), ``check`` it there (an
    InputError refuses it, said of ``path``'s name), then rename it to ``path``; with
    ``replace`` false, a file that took ``path`` meanwhile is never replaced
    (FileExistsError)."""
    trial = path.with_name(f".{secrets.token_hex(8)}.upload{path.suffix}")
    try:
        if isinstance(data, Path):
            os.replace(data, trial)
        else:
            write_bytes(trial, data)
        try:
            check(trial)
        except InputError as exc:
            raise InputError(str(exc).replace(str(trial), path.name)) from None
        try:
            if replace:
                trial.replace(path)
            else:
                os.link(trial, path)
        except FileExistsError:
            raise
        except OSError as exc:
            raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        trial.unlink(missing_ok=True)
