"""Reminders: the client's sessions as an iCalendar file (RFC 5545) to add to a calendar.

``schedule.ics`` has one all-day event per planned session: week N's sessions fall on the
chosen days of the seven that begin N - 1 weeks after the start date (as the feed dates its
episodes). Each event has a reminder (a VALARM at 08:00 that day, unless another time is
given) and the week's track: a link when the bundle's address is known, else its file name.
The same bundle makes the same bytes: each event's UID comes from a hash of the token, the
week and the session, and DTSTAMP is the start date, not the time of the build.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from urllib.parse import quote

import icalendar

from walkcoach.plan.model import ClientSpec, Program
from walkcoach.plan.schedule import default_days, session_dates
from walkcoach.share.model import Episode

__all__ = ["REMINDER", "schedule_days", "schedule_ics"]

REMINDER = datetime.time(8, 0)
"""When on a session's day the reminder goes off, unless the bundle says otherwise."""
PRODID = "-//walkcoach//walkcoach schedule//EN"


def schedule_days(program: Program, client: ClientSpec | str | None = None,
                  given: Sequence[int] | None = None) -> tuple[int, ...]:
    """The days of the week a client's sessions fall on (Monday 0): ``given`` (``--days``),
    else the client profile's ``days``, else the program's, else spread over the week by
    its ``sessions_per_week`` (walkcoach.plan.schedule.default_days)."""
    if given:
        return tuple(sorted(set(given)))
    own = client if isinstance(client, ClientSpec) else program.client
    if own is not None and own.days:
        return own.days
    return program.days or default_days(program.sessions_per_week)


def schedule_ics(*, title: str, episodes: Sequence[Episode], start: datetime.date,
                 days: Sequence[int], token: str, url: str | None = None,
                 reminder: datetime.time = REMINDER) -> bytes:
    """The calendar of the sessions of ``episodes`` (each one week's track) from ``start`` on
    ``days`` (Monday 0), each with a reminder at ``reminder``; ``url`` is the bundle folder's
    address (ending in /), for links to the tracks; ``token`` makes the events' UIDs."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("name", title)
    stamp = datetime.datetime.combine(start, datetime.time(0, 0), datetime.timezone.utc)
    for episode in sorted(episodes, key=lambda e: e.week):
        dates = session_dates(start, episode.week, days)
        link = f"{url}{quote(episode.audio)}" if url else None
        for number, day in enumerate(dates, start=1):
            what = f"{title}: week {episode.week}, session {number} of {len(dates)}"
            play = f"Play {link}" if link else \
                f"Play {episode.audio} (on your walkcoach page)"
            event = icalendar.Event()
            event.add("uid", _uid(token, episode.week, number))
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=1))
            event.add("summary", what)
            event.add("description", f"{episode.title}\n{play}")
            if link:
                event.add("url", link)
            event.add("transp", "TRANSPARENT")
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", what)
            alarm.add("trigger", datetime.timedelta(hours=reminder.hour,
                                                    minutes=reminder.minute))
            event.add_component(alarm)
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def _uid(token: str, week: int, session: int) -> str:
    digest = hashlib.sha256(f"walkcoach schedule:{token}:{week}:{session}".encode())
    return f"{digest.hexdigest()[:32]}@walkcoach"
