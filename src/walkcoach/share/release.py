"""Which weeks of a program are out for a client, from the sessions they logged: a pure rule.

With ``release: all`` every week is out at once. With ``release: earned`` (the rule in
walkcoach.plan.schedule.ReleaseRule) week 1 is out, and then, looking at the latest week out
and its sessions in the order they were walked:

* the latest session's pain above ``pain_limit``: nothing new; the client is told to stop the
  exercise and contact the coach (``stop``);
* the last ``sessions`` sessions each with pain at most ``pain``: the next week is out, and
  the rule looks at that one in turn (a code may hold several weeks);
* else the latest session's pain above ``pain`` (up to the limit): the same week is offered
  again (``again``: "Week 2, again");
* else (too few sessions yet): nothing new until there are enough.

This follows the pain-monitoring model (Thomeé 1997; Silbernagel and colleagues 2007): pain
during the exercise up to 5 of 10 is acceptable if it has settled by the next morning and
does not rise from week to week. The page cannot ask about the next morning; a week whose
pain rises is walked again rather than followed by a harder one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from walkcoach.plan.model import Program
from walkcoach.plan.schedule import ReleaseRule

__all__ = ["Logged", "Release", "release", "release_by_weeks"]


class Logged(Protocol):
    """A logged session as the rule reads it (walkcoach.share.logbook.Logged is one)."""

    @property
    def week(self) -> int:
        """The week walked."""

    @property
    def pain(self) -> int:
        """Pain during the session, 0 to 10."""


@dataclass(frozen=True, kw_only=True)
class Release:
    """Which weeks are out, which is offered again, whether to stop, and what comes next."""

    mode: str  # all or earned
    weeks: tuple[int, ...]  # the weeks out, in order
    again: int | None = None  # the latest week, offered again
    stop: bool = False  # the latest session's pain was above the limit
    next: int | None = None  # the week released next once earned (None: all out)
    pain_limit: int
    says: str  # the state in words, for the coach

    @property
    def latest(self) -> int | None:
        """The latest week out."""
        return self.weeks[-1] if self.weeks else None


def release(program: Program, sessions: Iterable[Logged]) -> Release:
    """The weeks of ``program`` out for a client who logged ``sessions`` (in the order they
    were walked), by the program's rule."""
    return release_by_weeks(tuple(week.week for week in program.weeks), program.release,
                            sessions)


def release_by_weeks(numbers: Sequence[int], rule: ReleaseRule,
                     sessions: Iterable[Logged]) -> Release:
    """:func:`release` for the weeks numbered ``numbers`` (in order) under ``rule``."""
    logged = tuple(sessions)
    limit = rule.pain_limit
    if rule.mode != "earned" or not numbers:
        last = logged[-1] if logged else None
        stop = last is not None and last.pain > limit
        says = (f"pain of {last.pain} in the latest session of week {last.week} is above "
                f"{limit}: the client is told to stop and contact you") if last and stop \
            else "every week is out"
        return Release(mode=rule.mode, weeks=tuple(numbers), stop=stop, pain_limit=limit,
                       says=says)
    out = 1
    while True:
        week = numbers[out - 1]
        own = [session for session in logged if session.week == week]
        later = numbers[out] if out < len(numbers) else None
        last = own[-1] if own else None
        tail = own[-rule.sessions:]
        if last is not None and last.pain > limit:
            return Release(mode="earned", weeks=tuple(numbers[:out]), stop=True, next=later,
                           pain_limit=limit,
                           says=f"pain of {last.pain} in week {week} is above {limit}: "
                                f"nothing new is released; the client is told to stop and "
                                f"contact you")
        if len(tail) == rule.sessions and all(s.pain <= rule.pain for s in tail) \
                and later is not None:
            out += 1
            continue
        if later is None:
            return Release(mode="earned", weeks=tuple(numbers), pain_limit=limit,
                           says="every week is out")
        if last is not None and last.pain > rule.pain:
            return Release(mode="earned", weeks=tuple(numbers[:out]), again=week, next=later,
                           pain_limit=limit,
                           says=f"week {week} again: pain of {last.pain} in its latest "
                                f"session (week {later} once {_needs(rule, week)})")
        return Release(mode="earned", weeks=tuple(numbers[:out]), next=later,
                       pain_limit=limit, says=f"week {later} once {_needs(rule, week)} "
                                              f"({len(own)} logged)")


def _needs(rule: ReleaseRule, week: int) -> str:
    count = "1 session" if rule.sessions == 1 else f"the last {rule.sessions} sessions"
    return f"{count} of week {week} {'has' if rule.sessions == 1 else 'have'} pain at most " \
           f"{rule.pain}"
