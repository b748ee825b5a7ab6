"""A client's progress through a program, from their check-ins: per week, and what comes next.

Pure: a program and the sessions logged in, a :class:`Progress` out (``as_json`` for
``walkcoach progress --json``; :meth:`Progress.series` for a chart of sessions per week
against the plan and pain and effort over time; :meth:`Progress.glance` for a list of
clients: the week they are in, sessions done of planned, the last pain).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from walkcoach.plan.model import Program
from walkcoach.share.logbook import Logged
from walkcoach.share.release import Release, release

__all__ = ["Progress", "WeekProgress", "progress_of"]


@dataclass(frozen=True, kw_only=True)
class WeekProgress:
    """One week: sessions planned and done, their pain and effort (median and worst), and
    whether the week is out and offered again."""

    week: int
    planned: int | None  # the program's sessions_per_week (None: it does not say)
    sessions: tuple[Logged, ...]  # in the order walked
    released: bool
    again: bool = False

    @property
    def done(self) -> int:
        """How many sessions were logged."""
        return len(self.sessions)

    def median(self, what: str) -> float | None:
        """The median ``pain`` or ``effort`` of the week's sessions (None without any)."""
        values = [getattr(session, what) for session in self.sessions]
        return float(statistics.median(values)) if values else None

    def worst(self, what: str) -> int | None:
        """The highest ``pain`` or ``effort`` of the week's sessions (None without any)."""
        values = [getattr(session, what) for session in self.sessions]
        return max(values) if values else None


@dataclass(frozen=True, kw_only=True)
class Progress:
    """A client's progress through a program."""

    client: str
    program: str
    weeks: tuple[WeekProgress, ...]
    release: Release
    other: tuple[Logged, ...] = ()  # sessions of weeks the program does not have

    def series(self) -> dict[str, Any]:
        """What a chart draws, as JSON-ready data: each week's sessions planned and done
        (weeks out, and any with sessions), and every session in the order walked (date,
        week, pain, effort), with the pain limit to draw as a line."""
        weeks = [{"week": week.week, "planned": week.planned, "done": week.done,
                  "again": week.again}
                 for week in self.weeks if week.released or week.sessions]
        sessions = sorted((s for week in self.weeks for s in week.sessions),
                          key=lambda s: (s.day, s.week, s.n))
        return {"weeks": weeks, "sessions": [
            {"date": s.day.isoformat(), "week": s.week, "pain": s.pain, "effort": s.effort}
            for s in sessions], "pain_limit": self.release.pain_limit}

    def glance(self) -> dict[str, Any]:
        """The client's week at a glance: the latest week out, its sessions done of
        planned, the pain of the latest session (None before any), whether that week is
        offered again and whether the client was told to stop."""
        latest = self.release.latest
        week = next((w for w in self.weeks if w.week == latest), None)
        logged = [s for w in self.weeks for s in w.sessions]
        last = max(logged, key=lambda s: (s.day, s.week, s.n)) if logged else None
        return {"week": latest, "done": week.done if week else 0,
                "planned": week.planned if week else None,
                "last_pain": last.pain if last else None,
                "again": self.release.again is not None, "stop": self.release.stop}

    def as_json(self) -> dict[str, Any]:
        """The progress as JSON-ready data."""
        return {
            "client": self.client, "program": self.program,
            "release": {"mode": self.release.mode, "released": list(self.release.weeks),
                        "again": self.release.again, "stop": self.release.stop,
                        "next": self.release.next, "pain_limit": self.release.pain_limit,
                        "says": self.release.says},
            "weeks": [{"week": week.week, "planned": week.planned, "done": week.done,
                       "released": week.released, "again": week.again,
                       "pain": {"median": week.median("pain"), "worst": week.worst("pain")},
                       "effort": {"median": week.median("effort"),
                                  "worst": week.worst("effort")},
                       "sessions": [_session(s) for s in week.sessions]}
                      for week in self.weeks],
            "other_sessions": [_session(s) for s in self.other],
        }


def progress_of(program: Program, sessions: Iterable[Logged], *, client: str) -> Progress:
    """``client``'s progress through ``program`` from the ``sessions`` they logged."""
    ordered = tuple(sorted(sessions, key=lambda s: (s.day, s.week, s.n)))
    out = release(program, ordered)
    numbers = {week.week for week in program.weeks}
    weeks = tuple(WeekProgress(week=week.week, planned=program.sessions_per_week,
                               sessions=tuple(s for s in ordered if s.week == week.week),
                               released=week.week in out.weeks, again=out.again == week.week)
                  for week in program.weeks)
    return Progress(client=client, program=program.name, weeks=weeks, release=out,
                    other=tuple(s for s in ordered if s.week not in numbers))


def _session(session: Logged) -> dict[str, Any]:
    return {"week": session.week, "date": session.day.isoformat(), "pain": session.pain,
            "effort": session.effort, "note": session.note}
