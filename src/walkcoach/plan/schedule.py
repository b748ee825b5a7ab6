"""When a client walks, and when a program's weeks reach them: session days and the release rule.

A program's weeks are dated from a start date: week N begins N - 1 weeks after it (as the
share bundle dates its episodes). The client walks on the days of the week a coach chooses
(``days: mon,wed,fri`` in a program or a profile, ``--days`` on the command line), and a
program may hold its weeks back until they are earned (:class:`ReleaseRule`; the rule itself
is applied by walkcoach.share.release).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from walkcoach.errors import InputError, excerpt

__all__ = ["DEFAULT_DAYS", "PAIN_LIMIT", "RELEASES", "WEEKDAYS", "Release", "ReleaseRule",
           "days_problem", "days_text", "default_days", "parse_days", "session_dates"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""The days of the week as they are written, Monday first (``datetime.date.weekday``)."""
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_DAYS: dict[int, tuple[int, ...]] = {
    1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5), 7: (0, 1, 2, 3, 4, 5, 6)}
"""The days a program's sessions fall on when nobody chose them: spread over the week."""

Release = Literal["all", "earned"]
RELEASES: tuple[Release, ...] = ("all", "earned")
PAIN_LIMIT = 5
"""Pain during a session above this (0-10) means: stop the exercise and contact the coach
(the pain-monitoring model: up to 5 of 10 is acceptable if it settles by the next morning)."""


@dataclass(frozen=True, kw_only=True)
class ReleaseRule:
    """When a program's weeks reach the client, and the pain that stops them.

    ``all``: every week at once. ``earned``: week 1, then each next week once the last
    ``sessions`` sessions logged for the latest week out each had pain at most ``pain``; a
    latest session with pain above ``pain`` up to ``pain_limit`` offers the same week
    again; one above ``pain_limit`` releases nothing new. ``pain_limit`` holds in both
    modes: the client's page tells the client to stop and contact the coach above it.
    """

    mode: Release = "all"
    sessions: int = 2
    pain: int = 2
    pain_limit: int = PAIN_LIMIT


def days_problem(text: str) -> str | None:
    """What is wrong with ``text`` as days of the week (``mon,wed,fri``), or None."""
    try:
        parse_days(text)
    except InputError as exc:
        return str(exc)
    return None


def parse_days(text: str) -> tuple[int, ...]:
    """The days ``text`` names (``mon,wed,fri``; commas or spaces between; any case; full
    names too) as weekday numbers, Monday 0, in week order; else InputError in one line."""
    words = [word for word in re.split(r"[\s,]+", text.strip().lower()) if word]
    days: list[int] = []
    for word in words:
        day = WEEKDAYS.index(word) if word in WEEKDAYS else \
            _FULL.index(word) if word in _FULL else None
        if day is None:
            raise InputError(f"{excerpt(word)} is not a day of the week: give days as "
                             f"mon,wed,fri ({' '.join(WEEKDAYS)})")
        if day in days:
            raise InputError(f"{WEEKDAYS[day]} is given twice: give each day once, as "
                             "mon,wed,fri")
        days.append(day)
    if not days:
        raise InputError("no days given: give days of the week as mon,wed,fri")
    return tuple(sorted(days))


def days_text(days: Sequence[int]) -> str:
    """Days as they are written: ``mon,wed,fri``."""
    return ",".join(WEEKDAYS[day] for day in sorted(days))


def default_days(sessions_per_week: int | None) -> tuple[int, ...]:
    """The days of ``sessions_per_week`` sessions (3 when the program does not say), spread
    over the week: mon; mon,thu; mon,wed,fri; ... every day from 7 up."""
    count = 3 if sessions_per_week is None else max(1, min(7, sessions_per_week))
    return DEFAULT_DAYS[count]


def session_dates(start: datetime.date, week: int,
                  days: Sequence[int]) -> tuple[datetime.date, ...]:
    """The dates of week ``week``'s sessions: the ``days`` within the seven days that begin
    ``week - 1`` weeks after ``start``, in order."""
    first = start + datetime.timedelta(weeks=week - 1)
    return tuple(day for day in (first + datetime.timedelta(days=n) for n in range(7))
                 if day.weekday() in days)
