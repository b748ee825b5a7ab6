"""A program's own cover image, uploaded in the studio: kept in the workspace's covers
folder and named by the program file's ``cover:`` key, as a coach would write it."""

from __future__ import annotations

from pathlib import Path

from walkcoach.content.writer import set_top_key
from walkcoach.encode.export import write_text
from walkcoach.errors import InputError
from walkcoach.workspace.folders import Workspace, changing, check_name
from walkcoach.workspace.uploads import keep_checked, upload_suffix

__all__ = ["COVER_TYPES", "save_cover"]

COVER_TYPES = (".png", ".jpg", ".jpeg")


def save_cover(space: Workspace, program: str, filename: str, data: bytes | Path) -> str:
    """Keep ``data`` as the cover of ``program`` (checked as a build checks a cover: JPEG or
    PNG, square, 600 to 3000 pixels, at most 2 MB) and point the program file's ``cover:``
    at it (``data``: the image's bytes, or the hidden file of the covers folder it was
    received into); returns the cover's path under the workspace. InputError, keeping nothing new,
    when the image is not such a cover or the program file has no top-level ``exercise:``
    line to put the key beside."""
    from walkcoach.encode.cover import MAX_BYTES, load_cover

    path = space.existing("programs", check_name(program))
    suffix = upload_suffix(filename, data, types=COVER_TYPES, limit=MAX_BYTES,
                           what="a cover image (PNG or JPEG)")
    with changing(path, None):  # no text save of the program between read and write
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: the program's file is not UTF-8 text (byte "
                             f"{exc.start} of the file): fix it as a file first") from None
        folder = space.root / "covers"
        cover = folder / f"{program}{'.jpg' if suffix == '.jpeg' else suffix}"
        edited = set_top_key(text, "cover", f'"../covers/{cover.name}"', after="exercise")
        if edited is None:
            raise InputError(f"{path}: the program's file has no top-level exercise: line to "
                             "put the cover beside; add cover: to the file by hand")
        folder.mkdir(exist_ok=True)
        keep_checked(cover, data, load_cover)
        for other in (".png", ".jpg"):  # one cover a program: not an older one of another kind
            if other != cover.suffix:
                (folder / f"{program}{other}").unlink(missing_ok=True)
        write_text(path, edited)
    return space.relative(cover)
