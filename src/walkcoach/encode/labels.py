"""What a track is called and how it looks in a player: its tags and its cover art.

A player shows the title, the coach (artist), the program (album), the week as the track
number ("3/6"), the year, a comment with the exercise's main safety line, and the cover.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

from walkcoach.encode import cover
from walkcoach.errors import InputError
from walkcoach.plan.model import Block, SessionSpec
from walkcoach.text import label_problem


def minutes_label(walk_ms: int) -> str:
    """The walk's length for a title: "10 min", "7.5 min"."""
    return f"{round(walk_ms / 60_000, 2):g} min"


def length_label(ms: int) -> str:
    """A part's length for a title: "1 min", "30 s", "1:30 min"."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min" if not seconds else f"{minutes}:{seconds:02d} min"


def shape_label(blocks: Sequence[Block]) -> str | None:
    """What a session in parts is, for a title: "6 x 1 min intervals", "3 x 1 min + 2 x 2
    min intervals", "4 rounds" (a circuit, or rounds of unequal parts), "8 min with warm-up
    and cool-down", "3 parts"; None for one continuous walk."""
    if not blocks:
        return None
    work = [block for block in blocks if block.kind == "work"]
    sets: list[list[Block]] = []  # each repeat's work parts, from its round 1
    for block in work:
        if block.round is None:
            continue
        last = sets[-1][-1] if sets else None
        if last is None or block.rounds != last.rounds or block.round < (last.round or 0):
            sets.append([])
        sets[-1].append(block)
    if sets:
        pieces = []
        for repeat in sets:
            rounds = repeat[0].rounds or len(repeat)
            lengths = {block.duration_ms for block in repeat}
            if len(repeat) == rounds and len(lengths) == 1:
                pieces.append(f"{rounds} x {length_label(repeat[0].duration_ms)}")
            else:
                pieces.append(f"{rounds} rounds")
        intervals = all(" x " in piece for piece in pieces)
        return " + ".join(pieces) + (" intervals" if intervals else "")
    ends = [name for kind, name in (("warmup", "warm-up"), ("cooldown", "cool-down"))
            if any(block.kind == kind for block in blocks)]
    if len(work) == 1 and len(blocks) == 1 + len(ends):
        if not ends:
            return None  # one part: a continuous walk
        return f"{minutes_label(work[0].duration_ms)} with {' and '.join(ends)}"
    return f"{len(blocks)} parts" if len(blocks) > 1 else None


def _what(spec: SessionSpec) -> str:
    """The level, the shape of a session in parts, the walk's length."""
    shape = shape_label(spec.blocks)
    return f"{spec.level}, {f'{shape}, ' if shape else ''}{minutes_label(spec.walk_ms)}"


def track_tags(spec: SessionSpec, *, artist: str, album: str | None = None,
               title: str | None = None, week: int | None = None,
               weeks: int | None = None) -> dict[str, str]:
    """The tags of a track: "Week 3 - Walking backwards - intermediate, 10 min" (the week
    only in a program; a session in parts adds its shape, "beginner, 6 x 1 min intervals,
    15 min", see :func:`shape_label`), the coach, the program or exercise, "3/6", the year, and the
    exercise's first safety line as the comment. A coach's name that is not one line of
    printable text (see walkcoach.text.label_problem) is refused."""
    problem = label_problem(artist)
    if problem:
        raise InputError(f"the coach's name {problem}")
    what = f"{spec.exercise.title} - {_what(spec)}"
    tags = {"title": title or (f"Week {week} - {what}" if week is not None else what),
            "artist": artist, "album": album or spec.exercise.title, "genre": "Speech",
            "date": str(datetime.date.today().year)}
    if week is not None:
        tags["track"] = f"{week}/{weeks}" if weeks else str(week)
    if spec.exercise.safety:
        tags["comment"] = spec.exercise.safety[0]
    return tags


def track_cover(spec: SessionSpec, *, artist: str, week: int | None = None,
                weeks: int | None = None, cache: Path | None = None) -> bytes:
    """The cover drawn for a track: the exercise, the week and level, the coach."""
    what = _what(spec)
    if week is not None:
        what = f"Week {week}{f' of {weeks}' if weeks else ''} · {what}"
    return cover.cached_cover(title=spec.exercise.title, subtitle=what, coach=artist,
                              cache=cache)
