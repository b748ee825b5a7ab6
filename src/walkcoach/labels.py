"""What a track is called and how it looks in a player: its tags and its cover art.

A player shows the title, the coach (artist), the program (album), the week as the track
number ("3/6"), the year, a comment with the exercise's main safety line, and the cover.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from walkcoach import cover
from walkcoach.errors import InputError
from walkcoach.model import SessionSpec
from walkcoach.text import label_problem


def minutes_label(walk_ms: int) -> str:
    """The walk's length for a title: "10 min", "7.5 min"."""
    return f"{round(walk_ms / 60_000, 2):g} min"


def track_tags(spec: SessionSpec, *, artist: str, album: str | None = None,
               title: str | None = None, week: int | None = None,
               weeks: int | None = None) -> dict[str, str]:
    """The tags of a track: "Week 3 - Walking backwards - intermediate, 10 min" (the week
    only in a program), the coach, the program or exercise, "3/6", the year, and the
    exercise's first safety line as the comment. A coach's name that is not one line of
    printable text (see walkcoach.text.label_problem) is refused."""
    problem = label_problem(artist)
    if problem:
        raise InputError(f"the coach's name {problem}")
    what = f"{spec.exercise.title} - {spec.level}, {minutes_label(spec.walk_ms)}"
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
    what = f"{spec.level}, {minutes_label(spec.walk_ms)}"
    if week is not None:
        what = f"Week {week}{f' of {weeks}' if weeks else ''} · {what}"
    return cover.cached_cover(title=spec.exercise.title, subtitle=what, coach=artist,
                              cache=cache)
