"""A client's progress as the studio draws it: the chart's series and the clients list's glance."""

from __future__ import annotations

import datetime
from pathlib import Path

from loop_support import DAY, PROGRAM

from walkcoach import content
from walkcoach.share.logbook import Logged
from walkcoach.share.progress import progress_of


def program(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "program.yaml"
    path.write_text(PROGRAM, encoding="utf-8")
    return content.load_program(path)


def log(*rows: tuple[int, int, int]) -> tuple[Logged, ...]:
    """(week, pain, effort) in the order walked, a day apart."""
    return tuple(Logged(week=week, day=DAY + datetime.timedelta(days=i), n=0, pain=pain,
                        effort=effort) for i, (week, pain, effort) in enumerate(rows))


def test_the_series_is_sessions_per_week_against_the_plan_and_each_session(
        tmp_path: Path) -> None:
    got = progress_of(program(tmp_path), log((1, 1, 4), (1, 2, 5), (2, 4, 6)),
                      client="Maria").series()
    assert got == {
        "weeks": [{"week": 1, "planned": 3, "done": 2, "again": False},
                  {"week": 2, "planned": 3, "done": 1, "again": True}],
        "sessions": [{"date": "2027-01-04", "week": 1, "pain": 1, "effort": 4},
                     {"date": "2027-01-05", "week": 1, "pain": 2, "effort": 5},
                     {"date": "2027-01-06", "week": 2, "pain": 4, "effort": 6}],
        "pain_limit": 5}


def test_before_any_check_in_the_series_has_week_one_and_no_session(tmp_path: Path) -> None:
    got = progress_of(program(tmp_path), (), client="Maria")
    assert got.series()["weeks"] == [{"week": 1, "planned": 3, "done": 0, "again": False}]
    assert got.series()["sessions"] == []
    assert got.glance() == {"week": 1, "done": 0, "planned": 3, "last_pain": None,
                            "again": False, "stop": False}


def test_the_glance_is_the_latest_week_and_the_last_pain(tmp_path: Path) -> None:
    again = progress_of(program(tmp_path), log((1, 1, 4), (1, 2, 5), (2, 4, 6)),
                        client="Maria").glance()
    assert again == {"week": 2, "done": 1, "planned": 3, "last_pain": 4, "again": True,
                     "stop": False}
    stop = progress_of(program(tmp_path), log((1, 1, 4), (1, 8, 7)), client="Maria").glance()
    assert stop == {"week": 1, "done": 2, "planned": 3, "last_pain": 8, "again": False,
                    "stop": True}
