"""The progress chart's drawing, worked out on the coach's computer: no script, no internet.

Pure: :meth:`walkcoach.share.progress.Progress.series` in, the shapes of an SVG picture out
(a template draws them): sessions per week as bars against the plan, and pain and effort
over the sessions as lines under the pain limit's line. Coordinates are in the picture's
own units (its viewBox), so it scales to the page's width.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

__all__ = ["HEIGHT", "WIDTH", "chart"]

WIDTH, HEIGHT = 640, 490
"""The picture's size in its own units (its viewBox)."""
_LEFT, _RIGHT = 48, 624  # the plot's sides, room for the axis' numbers on the left
_BARS = (62, 200)  # top and bottom of the sessions-per-week plot
_LINES = (292, 432)  # top and bottom of the pain-and-effort plot
_SCALE = 10  # pain and effort are 0 to 10


def chart(series: Mapping[str, Any]) -> dict[str, Any]:
    """The shapes of the progress chart of ``series`` (Progress.series()): ``bars`` (a week's
    x, width, the heights of done and planned), ``ticks`` of each plot's axis, the
    ``pain`` and ``effort`` lines (points, and each session's dot), the pain ``limit``'s
    y, and the words of each week and session for the table beside it."""
    weeks = list(series.get("weeks", ()))
    sessions = list(series.get("sessions", ()))
    most = max([1, *(w["done"] for w in weeks), *((w["planned"] or 0) for w in weeks)])
    slot = (_RIGHT - _LEFT) / max(1, len(weeks))
    bars = []
    for index, week in enumerate(weeks):
        x = _LEFT + index * slot + slot * 0.2
        planned = week["planned"]
        bars.append({"week": week["week"], "x": round(x, 1), "width": round(slot * 0.6, 1),
                     "label_x": round(x + slot * 0.3, 1),
                     "done": week["done"], "planned": planned, "again": week["again"],
                     "done_y": _y(week["done"], most, _BARS),
                     "planned_y": _y(planned, most, _BARS) if planned else None,
                     "met": planned is not None and week["done"] >= planned})
    bar_ticks = [{"value": v, "y": _y(v, most, _BARS)} for v in _steps(most)]
    step = (_RIGHT - _LEFT) / max(1, len(sessions) - 1)
    dots = []
    for index, session in enumerate(sessions):
        x = _LEFT + (index * step if len(sessions) > 1 else (_RIGHT - _LEFT) / 2)
        dots.append({"x": round(x, 1), "pain_y": _y(session["pain"], _SCALE, _LINES),
                     "effort_y": _y(session["effort"], _SCALE, _LINES),
                     "pain": session["pain"], "effort": session["effort"],
                     "week": session["week"], "date": _day(session["date"])})
    limit = series.get("pain_limit")
    return {
        "width": WIDTH, "height": HEIGHT, "left": _LEFT, "right": _RIGHT,
        "bars_top": _BARS[0], "bars_bottom": _BARS[1],
        "lines_top": _LINES[0], "lines_bottom": _LINES[1],
        "bars": bars, "bar_ticks": bar_ticks,
        "line_ticks": [{"value": v, "y": _y(v, _SCALE, _LINES)} for v in (0, 2, 4, 6, 8, 10)],
        "pain": " ".join(f"{d['x']},{d['pain_y']}" for d in dots),
        "effort": " ".join(f"{d['x']},{d['effort_y']}" for d in dots),
        "dots": dots, "limit": limit,
        "limit_y": _y(limit, _SCALE, _LINES) if limit is not None else None,
        "first": dots[0]["date"] if dots else "", "last": dots[-1]["date"] if dots else "",
    }


def _y(value: float, most: float, band: tuple[int, int]) -> float:
    """Where ``value`` (0 to ``most``) stands between the band's bottom and top."""
    top, bottom = band
    return round(bottom - (bottom - top) * min(value, most) / most, 1)


def _steps(most: int) -> list[int]:
    """The numbers on the sessions' axis: every one up to 5, else every other."""
    every = 1 if most <= 5 else 2
    return list(range(0, most + 1, every))


def _day(iso: str) -> str:
    """A session's date as the coach reads it: "Mon 4 Jan"."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%a} {day.day} {day:%b}"
