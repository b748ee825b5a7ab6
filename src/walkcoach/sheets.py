"""The cue sheet (JSON) and captions (WebVTT) of a track, both from the same timeline; and
how text is made safe for each format walkcoach writes.

Names and words come from the user (a client name on the command line, a program's name, a
week's focus) and may hold anything. Whatever the loaders let through, text is made safe
where it is written, by one function per format: :func:`vtt_cue_text` (captions),
:func:`m3u_text` (playlists), :func:`tag_text` (ID3 and ffmpeg tags). JSON needs none:
``json.dumps`` escapes every control character.
"""

from __future__ import annotations

import json
import re
from typing import Any

from walkcoach.model import Timeline

SHEET_VERSION = 1

# Control characters (C0, DEL, C1: NUL, newlines, CR, form feed, NEL...) and the Unicode line
# and paragraph separators: anything a format may read as the end of a line or of a field.
_BREAKS = re.compile(r" *[\x00-\x1f\x7f-\x9f\u2028\u2029][\x00-\x20\x7f-\x9f\u2028\u2029]*")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def one_line(text: str) -> str:
    """``text`` on one line: each run of control characters and line breaks becomes one
    space, and lone surrogates (undecodable bytes) become U+FFFD."""
    return _BREAKS.sub(" ", _SURROGATES.sub("\ufffd", text))


def vtt_cue_text(text: str) -> str:
    """Text for a WebVTT cue: one line (a blank line would end the cue, so players drop the
    rest), ``&``, ``<`` and ``>`` escaped as WebVTT requires (which also rules out ``-->``)."""
    return (one_line(text).strip().replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def m3u_text(text: str) -> str:
    """Text for an M3U line (a title, the playlist's name): one line, so it can never add an
    entry, a path or a URL of its own."""
    return one_line(text).strip()


def tag_text(text: str) -> str:
    """Text for an audio tag: one line and no NUL (which ends or splits a value in ID3)."""
    return one_line(text).strip()


def cue_sheet(timeline: Timeline, *, about: dict[str, Any] | None = None) -> dict[str, Any]:
    """The timeline as a JSON-ready dict: what is said, when, and why."""
    return {
        "version": SHEET_VERSION,
        **(about or {}),
        "duration_ms": timeline.duration_ms,
        "walk_start_ms": timeline.walk_start_ms,
        "walk_end_ms": timeline.walk_end_ms,
        "chapters": [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms}
                     for c in timeline.chapters()],
        "cues": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text, "kind": c.kind,
             "phase": c.phase,
             **({"anchor_ms": c.anchor_ms} if c.anchor_ms is not None else {}),
             **({"group": c.group} if c.group is not None else {})}
            for c in timeline.cues
        ],
        "dropped": [{"anchor_ms": d.anchor_ms, "text": d.text, "reason": d.reason}
                    for d in timeline.dropped],
    }


def cue_sheet_json(timeline: Timeline, *, about: dict[str, Any] | None = None) -> str:
    """The cue sheet as indented JSON text."""
    return json.dumps(cue_sheet(timeline, about=about), indent=2, ensure_ascii=False) + "\n"


def vtt_time(ms: int) -> str:
    """Milliseconds as a WebVTT timestamp, HH:MM:SS.mmm."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def captions(timeline: Timeline) -> str:
    """WebVTT captions: one cue per spoken phrase."""
    blocks = ["WEBVTT", ""]
    for index, cue in enumerate(timeline.cues, start=1):
        blocks += [str(index), f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}",
                   vtt_cue_text(cue.text), ""]
    return "\n".join(blocks)


def transcript(timeline: Timeline, *, title: str = "") -> str:
    """The words of the track as plain text, each line with the time it is said (m:ss)."""
    lines = [one_line(title).strip(), ""] if title.strip() else []
    for cue in timeline.cues:
        minutes, seconds = divmod(cue.start_ms // 1000, 60)
        lines.append(f"{minutes:2d}:{seconds:02d}  {one_line(cue.text).strip()}")
    return "\n".join(lines) + "\n"


def script_text(timeline: Timeline) -> str:
    """The timeline as text a coach can proofread: time, kind, words."""
    lines = []
    for cue in timeline.cues:
        walk = ""
        if timeline.walk_start_ms <= cue.start_ms <= timeline.walk_end_ms:
            walk = f"walk {vtt_time(cue.start_ms - timeline.walk_start_ms)[3:8]}"
        lines.append(f"{vtt_time(cue.start_ms)[3:]}  {walk:10}  {cue.kind:9}  {cue.text}")
    for dropped in timeline.dropped:
        lines.append(f"(dropped at walk {vtt_time(dropped.anchor_ms)[3:8]}: "
                     f"{dropped.text!r}: {dropped.reason})")
    lines.append(f"total {vtt_time(timeline.duration_ms)[3:]}")
    return "\n".join(lines) + "\n"
