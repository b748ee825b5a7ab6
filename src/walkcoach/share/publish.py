"""What a bundle publishes: exactly the files it made, packed the same way every time.

The zip holds the files the bundle made and nothing else: a file someone dropped in the
folder is left out, and a symbolic link is never followed (a made file that turned into one
is an error). Every entry has a fixed date (1980-01-01, the zip format's first day) and
mode, in name order, so the same files make the same archive bytes.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterable
from pathlib import Path

from walkcoach.encode import export
from walkcoach.errors import ExportError

__all__ = ["ZIP_DATE", "read_regular", "write_zip"]

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The date of every entry of a bundle's zip: no clock time inside a published file."""
_STORED = frozenset({".mp3", ".m4a", ".png", ".jpg"})  # compressed already


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, a regular file (never a symbolic link followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(
            os, "O_BINARY", 0))
    except OSError as exc:
        raise ExportError(f"{path}: cannot pack it: {exc.strerror or exc} (a link is "
                          "never followed)") from None
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise ExportError(f"{path}: cannot pack it: not a regular file")
        return file.read()


def write_zip(folder: Path, names: Iterable[str]) -> Path:
    """``names`` (files in ``folder``) packed as ``<folder>.zip`` beside it, each under
    ``<folder name>/``."""
    archive = folder.with_suffix(".zip")
    with export.atomic_path(archive) as tmp, zipfile.ZipFile(tmp, "w") as packed:
        for name in sorted(set(names)):
            info = zipfile.ZipInfo(f"{folder.name}/{name}", date_time=ZIP_DATE)
            info.create_system = 3  # Unix, whatever makes it: the mode below is read
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_STORED if Path(name).suffix in _STORED \
                else zipfile.ZIP_DEFLATED
            packed.writestr(info, read_regular(folder / name))
    return archive
