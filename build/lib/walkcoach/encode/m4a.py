"""What an M4A track carries besides its sound: chapters (given to ffmpeg) and cover art.

ffmpeg encodes the AAC and writes the text tags and the chapters, which it reads from an
FFMETADATA file; its "ipod" muxer stores them as a chapter track and a Nero ``chpl`` atom,
which players and mutagen read. The cover goes in afterwards as the ``covr`` atom (mutagen),
before the file is renamed into place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from walkcoach.encode.sheets import tag_text
from walkcoach.errors import ExportError
from walkcoach.plan.model import Chapter


def ffmetadata(chapters: Sequence[Chapter]) -> str:
    """An FFMETADATA file holding ``chapters`` (times in milliseconds)."""
    lines = [";FFMETADATA1"]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}",
                  f"END={chapter.end_ms}", f"title={_escape(tag_text(chapter.title))}"]
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """FFMETADATA escapes '=', ';', '#', '\\' and newlines with a backslash."""
    for char in ("\\", "=", ";", "#", "\n"):
        text = text.replace(char, "\\" + char)
    return text


def add_cover(path: Path, cover: bytes) -> None:
    """Put ``cover`` (PNG or JPEG) into the M4A file at ``path`` as its artwork."""
    from mutagen.mp4 import MP4, MP4Cover, MP4StreamInfoError

    kind = MP4Cover.FORMAT_PNG if cover.startswith(b"\x89PNG") else MP4Cover.FORMAT_JPEG
    try:
        track = MP4(path)
        if track.tags is None:
            track.add_tags()
        assert track.tags is not None
        track.tags["covr"] = [MP4Cover(cover, imageformat=kind)]
        track.save()
    except (MP4StreamInfoError, OSError, ValueError) as exc:
        raise ExportError(f"{path}: cannot add the cover art: {exc}") from exc
