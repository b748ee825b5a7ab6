"""The ID3v2.3 tag of an MP3 track: text tags, track number, cover art and chapters.

ID3v2.3 is the version every player reads. Chapters are CHAP frames, one per phase of the
session, under a CTOC table of contents, so players show where the listener is and let them
skip ahead. Tags are written by mutagen; the text is made safe first (no NUL, one line).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TPE1,
    TPOS,
    TRCK,
    TXXX,
    TYER,
    CTOCFlags,
    Frame,
)

from walkcoach.encode.cover import mime_type
from walkcoach.encode.sheets import tag_text as _safe
from walkcoach.plan.model import Chapter

_TEXT_FRAMES: dict[str, type[Frame]] = {
    "title": TIT2, "artist": TPE1, "album": TALB, "genre": TCON, "track": TRCK, "disc": TPOS,
    "date": TYER,  # the year (ID3v2.3 has no full date frame)
}
_NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets unused: players go by the times


def id3_tag(tags: Mapping[str, str], *, cover: bytes | None = None,
            chapters: Sequence[Chapter] = ()) -> bytes:
    """An ID3v2.3 tag holding ``tags`` (title, artist, album, genre, track "3/6", disc, date,
    comment; any other key as a TXXX frame), the ``cover`` image and the ``chapters``.

    The frames are written in the order given, chapters in time order: mutagen sorts frames by
    size, and some readers (ffmpeg among them) list chapters in the order they find them.
    """
    frames: list[Frame] = []
    for key, value in tags.items():
        text = _safe(value)
        frame = _TEXT_FRAMES.get(key)
        if key == "comment":
            frames.append(COMM(encoding=3, lang="eng", desc="", text=text))
        elif frame is not None:
            frames.append(frame(encoding=3, text=text))
        else:
            frames.append(TXXX(encoding=3, desc=_safe(key), text=text))
    if chapters:
        ids = [f"chp{index}" for index in range(len(chapters))]
        frames.append(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                           child_element_ids=ids,
                           sub_frames=[TIT2(encoding=3, text="Chapters")]))
        frames += [CHAP(element_id=element, start_time=chapter.start_ms,
                        end_time=chapter.end_ms, start_offset=_NO_OFFSET,
                        end_offset=_NO_OFFSET,
                        sub_frames=[TIT2(encoding=3, text=_safe(chapter.title))])
                   for element, chapter in zip(ids, chapters, strict=True)]
    if cover:  # last, as players expect of the largest frame
        frames.append(APIC(encoding=3, mime=mime_type(cover), type=3, desc="Cover",
                           data=cover))
    body = b"".join(_frame_bytes(frame) for frame in frames)
    size = len(body)
    syncsafe = bytes((size >> 21 & 0x7F, size >> 14 & 0x7F, size >> 7 & 0x7F, size & 0x7F))
    return b"ID3\x03\x00\x00" + syncsafe + body


def _frame_bytes(frame: Frame) -> bytes:
    """One frame as mutagen writes it in an ID3v2.3 tag (the tag's 10-byte header cut off)."""
    tag = ID3()
    tag.add(frame)
    out = io.BytesIO()
    tag.save(out, v2_version=3, padding=lambda _: 0)
    return out.getvalue()[10:]
