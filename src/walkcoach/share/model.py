"""What a share bundle shows: the program for one client, and each week's episode."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Line:
    """One line of a transcript: when it is said, and the words."""

    start_ms: int
    end_ms: int
    text: str

    @property
    def clock(self) -> str:
        """The time as m:ss."""
        minutes, seconds = divmod(self.start_ms // 1000, 60)
        return f"{minutes}:{seconds:02d}"


@dataclass(frozen=True, kw_only=True)
class Episode:
    """One week's track in the bundle: its files (names inside the bundle) and what it is."""

    week: int
    title: str
    summary: str
    level: str
    setting: str
    minutes: float
    audio: str
    captions: str
    chapters: str
    transcript: str
    size: int
    mime: str
    duration_ms: int
    digest: str  # a short hash of what the week says (not of the audio's bytes): its guid
    lines: tuple[Line, ...] = ()
    shape: str | None = None  # a walk in parts: "6 x 1 min intervals"
    published: datetime.datetime | None = None  # the week's date in the schedule (UTC)

    @property
    def length(self) -> str:
        """The track's length as m:ss."""
        return Line(start_ms=self.duration_ms, end_ms=self.duration_ms, text="").clock


@dataclass(frozen=True, kw_only=True)
class Bundle:
    """The program as one client sees it."""

    title: str
    description: str
    exercise: str
    coach: str
    client: str | None
    sessions_per_week: int | None
    safety: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines); the first unheaded
    cover: str  # the cover image's file name in the bundle
    guid: str  # stable per client and program: the feed's identity
    page_url: str | None = None
    feed_url: str | None = None
    email: str | None = None  # the coach's, for the feed's owner (only when given)
    calendar: str | None = None  # schedule.ics, when the bundle has one
    webcal_url: str | None = None  # its webcal:// address, when the bundle is hosted
