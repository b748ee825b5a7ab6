"""The cue sheet (JSON) and captions (WebVTT) of a track, both from the same timeline; and
how text is made safe for each format walkcoach writes.

Names and words come from the user (a client name on the command line, a program's name, a
week's focus) and may hold anything. Whatever the loaders let through, text is made safe
where it is written, by one function per format: :func:`vtt_cue_text` (captions),
:func:`m3u_text` (playlists), :func:`tag_text` (ID3 and ffmpeg tags). JSON needs none:
``json.dumps`` escapes every control character.

A walk in parts (warm-up, rounds, recovery, cool-down: ``Timeline.blocks``) is in all of
them: the sheet lists the parts and tags each cue of the walk with its part, and the
captions, transcript and script mark where each part begins (when there is more than one).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from walkcoach.plan.model import BlockSpan, Cue, Sound, Timeline

SIDECARS = (".json", ".vtt", ".txt")
"""The suffixes of a track's sidecars: its cue sheet, captions and transcript."""


def sidecar_paths(path: Path) -> tuple[Path, ...]:
    """Where a track's cue sheet, captions and transcript go: beside it, same stem."""
    return tuple(path.with_suffix(suffix) for suffix in SIDECARS)


SHEET_VERSION = 4
"""1: times, chapters, cues, dropped cues. 2: also the walk's parts (``blocks``) and each
walk cue's part (``block``, an index into them). 3: also the chimes (``sounds``: the kind
of cue each announces, its start and end). 4: also, in a sheet written beside its track,
the track's file name (``track``): the sidecars are that track's, and no other build's to
replace (walkcoach.build.session.check_output). A reader of an earlier version finds everything
it knew."""

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


def cue_sheet(timeline: Timeline, *, about: dict[str, Any] | None = None,
              track: str | None = None) -> dict[str, Any]:
    """The timeline as a JSON-ready dict: what is said, when, and why; ``track`` is the file
    name of the track it is written beside."""
    return {
        "version": SHEET_VERSION,
        **({"track": track} if track is not None else {}),
        **(about or {}),
        "duration_ms": timeline.duration_ms,
        "walk_start_ms": timeline.walk_start_ms,
        "walk_end_ms": timeline.walk_end_ms,
        "chapters": [{"title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms}
                     for c in timeline.chapters()],
        "blocks": [
            {"kind": b.kind, "exercise": b.exercise, "title": b.title, "label": b.label,
             "round": b.round, "rounds": b.rounds, "start_ms": b.start_ms, "end_ms": b.end_ms,
             "level": b.level, "speed_mph": b.speed_mph, "incline_percent": b.incline_percent}
            for b in timeline.blocks
        ],
        "cues": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text, "kind": c.kind,
             "phase": c.phase,
             **({"anchor_ms": c.anchor_ms} if c.anchor_ms is not None else {}),
             **({"group": c.group} if c.group is not None else {}),
             **({"block": c.block} if c.block is not None else {})}
            for c in timeline.cues
        ],
        "dropped": [{"anchor_ms": d.anchor_ms, "text": d.text, "reason": d.reason}
                    for d in timeline.dropped],
        "sounds": [{"kind": s.kind, "start_ms": s.start_ms, "end_ms": s.end_ms}
                   for s in timeline.sounds],
    }


def cue_sheet_json(timeline: Timeline, *, about: dict[str, Any] | None = None,
                   track: str | None = None) -> str:
    """The cue sheet as indented JSON text."""
    return json.dumps(cue_sheet(timeline, about=about, track=track), indent=2,
                      ensure_ascii=False) + "\n"


def vtt_time(ms: int) -> str:
    """Milliseconds as a WebVTT timestamp, HH:MM:SS.mmm."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _part_starts(timeline: Timeline) -> dict[int, BlockSpan]:
    """The cues that begin a part of the walk, by their index in ``timeline.cues``: the first
    cue of each part, with its part. Empty for a walk of one part (nothing changes)."""
    if len(timeline.blocks) < 2:
        return {}
    starts: dict[int, BlockSpan] = {}
    seen: set[int] = set()
    for index, cue in enumerate(timeline.cues):
        if cue.block is not None and cue.block not in seen and cue.block < len(
                timeline.blocks):
            seen.add(cue.block)
            starts[index] = timeline.blocks[cue.block]
    return starts


def _part_headers(timeline: Timeline) -> dict[int, list[BlockSpan]]:
    """The parts to announce before each cue (by its index) in a transcript or script: a
    part whose cues were all left out is announced with the next one that has any."""
    if len(timeline.blocks) < 2:
        return {}
    headers: dict[int, list[BlockSpan]] = {}
    announced = 0  # the parts before this one have their header
    for index, cue in enumerate(timeline.cues):
        if cue.block is not None and cue.block >= announced:
            headers[index] = list(timeline.blocks[announced:cue.block + 1])
            announced = cue.block + 1
    return headers


def _clock(ms: int) -> str:
    """A length as m:ss, to the nearest second."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    return f"{minutes}:{seconds:02d}"


def _header(part: BlockSpan) -> str:
    return f"-- {one_line(part.label).strip()} ({_clock(part.end_ms - part.start_ms)}) --"


def captions(timeline: Timeline) -> str:
    """WebVTT captions: one cue per spoken phrase; the first phrase of each part of a walk
    in parts is headed by the part's name, "[Round 3 of 6: Walking backwards]"."""
    starts = _part_starts(timeline)
    blocks = ["WEBVTT", ""]
    for index, cue in enumerate(timeline.cues, start=1):
        part = starts.get(index - 1)
        marker = [vtt_cue_text(f"[{part.label}]")] if part is not None else []
        blocks += [str(index), f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}",
                   *marker, vtt_cue_text(cue.text), ""]
    return "\n".join(blocks)


def _at(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes:2d}:{seconds:02d}"


def transcript(timeline: Timeline, *, title: str = "") -> str:
    """The words of the track as plain text, each line with the time it is said (m:ss);
    in a walk in parts, a line "-- Round 3 of 6: Walking backwards (1:00) --" where each part
    begins."""
    headers = _part_headers(timeline)
    lines = [one_line(title).strip(), ""] if title.strip() else []
    for index, cue in enumerate(timeline.cues):
        lines.extend(f"{_at(part.start_ms)}  {_header(part)}" for part in headers.get(index, ()))
        lines.append(f"{_at(cue.start_ms)}  {one_line(cue.text).strip()}")
    return "\n".join(lines) + "\n"


def _walk_clock(timeline: Timeline, ms: int) -> str:
    if timeline.walk_start_ms <= ms <= timeline.walk_end_ms:
        return f"walk {vtt_time(ms - timeline.walk_start_ms)[3:8]}"
    return ""


def script_text(timeline: Timeline) -> str:
    """The timeline as text a coach can proofread: time, walk time, kind, words; in a walk
    in parts, a header line where each part begins (as in the transcript); a line
    "chime (start)" where a chime plays."""
    headers = _part_headers(timeline)
    lines = []
    chimes = iter(timeline.sounds)
    chime = next(chimes, None)
    for index, cue in enumerate(timeline.cues):
        while chime is not None and chime.start_ms <= cue.start_ms:
            lines.append(_chime_line(timeline, chime))
            chime = next(chimes, None)
        for part in headers.get(index, ()):
            lines.append(f"{vtt_time(part.start_ms)[3:]}  "
                         f"{_walk_clock(timeline, part.start_ms):10}  {_header(part)}")
        lines.append(_script_line(timeline, cue))
    lines.extend(_chime_line(timeline, sound) for sound in ([chime] if chime else []))
    lines.extend(_chime_line(timeline, sound) for sound in chimes)
    for dropped in timeline.dropped:
        lines.append(f"(dropped at walk {vtt_time(dropped.anchor_ms)[3:8]}: "
                     f"{dropped.text!r}: {dropped.reason})")
    lines.append(f"total {vtt_time(timeline.duration_ms)[3:]}")
    return "\n".join(lines) + "\n"


def _script_line(timeline: Timeline, cue: Cue) -> str:
    return (f"{vtt_time(cue.start_ms)[3:]}  {_walk_clock(timeline, cue.start_ms):10}  "
            f"{cue.kind:9}  {cue.text}")


def _chime_line(timeline: Timeline, sound: Sound) -> str:
    return (f"{vtt_time(sound.start_ms)[3:]}  {_walk_clock(timeline, sound.start_ms):10}  "
            f"{'chime':9}  ({sound.kind})")


def dropped_notes(timeline: Timeline) -> tuple[str, ...]:
    """What was left out of a planned session, one line each, as both faces say it."""
    return tuple(f"left out {dropped.text!r} at walk {vtt_time(dropped.anchor_ms)[3:8]}: "
                 f"{dropped.reason}" for dropped in timeline.dropped)
