"""Weeks that are earned: the pure rule, and the program keys that set it (checked like any key)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkcoach import content
from walkcoach.authoring.validate import validate_file
from walkcoach.errors import ContentError, InputError
from walkcoach.plan.schedule import ReleaseRule, days_text, parse_days
from walkcoach.share.logbook import Logged
from walkcoach.share.release import release, release_by_weeks

EARNED = ReleaseRule(mode="earned")
WEEKS = (1, 2, 3, 4, 5, 6)
DAY = datetime.date(2027, 1, 4)


def log(*weeks_and_pains: tuple[int, int]) -> tuple[Logged, ...]:
    """Sessions in the order walked, a day apart."""
    return tuple(Logged(week=week, day=DAY + datetime.timedelta(days=i), n=0, pain=pain,
                        effort=5) for i, (week, pain) in enumerate(weeks_and_pains))


def test_all_releases_every_week_whatever_was_logged() -> None:
    out = release_by_weeks(WEEKS, ReleaseRule(), log((1, 9), (1, 1)))
    assert out.weeks == WEEKS and not out.stop and out.again is None


def test_all_still_says_stop_when_the_latest_pain_is_above_the_limit() -> None:
    out = release_by_weeks(WEEKS, ReleaseRule(), log((1, 1), (2, 6)))
    assert out.weeks == WEEKS and out.stop


def test_earned_starts_with_week_one() -> None:
    out = release_by_weeks(WEEKS, EARNED, ())
    assert out.weeks == (1,) and out.next == 2 and not out.stop and out.again is None
    assert "week 2 once the last 2 sessions of week 1 have pain at most 2" in out.says


def test_two_sessions_with_little_pain_earn_the_next_week() -> None:
    assert release_by_weeks(WEEKS, EARNED, log((1, 2))).weeks == (1,)
    assert release_by_weeks(WEEKS, EARNED, log((1, 2), (1, 0))).weeks == (1, 2)


def test_pain_of_three_to_five_offers_the_same_week_again() -> None:
    for pain in (3, 4, 5):
        out = release_by_weeks(WEEKS, EARNED, log((1, 1), (1, 1), (2, 1), (2, pain)))
        assert out.weeks == (1, 2) and out.again == 2 and not out.stop
        assert out.says.startswith(f"week 2 again: pain of {pain}")


def test_pain_above_five_stops_the_release() -> None:
    out = release_by_weeks(WEEKS, EARNED, log((1, 1), (1, 1), (2, 8)))
    assert out.weeks == (1, 2) and out.stop and out.again is None and out.next == 3
    assert "stop and contact you" in out.says


def test_a_week_walked_again_without_pain_is_earned() -> None:
    assert release_by_weeks(WEEKS, EARNED, log((1, 4), (1, 1), (1, 2))).weeks == (1, 2)
    assert release_by_weeks(WEEKS, EARNED, log((1, 8), (1, 1), (1, 1))).weeks == (1, 2)


def test_a_code_of_several_weeks_releases_them_in_turn() -> None:
    logged = log((1, 0), (1, 0), (2, 1), (2, 2), (3, 0), (3, 1), (4, 0))
    out = release_by_weeks(WEEKS, EARNED, logged)
    assert out.weeks == (1, 2, 3, 4) and out.next == 5


def test_the_last_week_earned_is_every_week() -> None:
    logged = log(*[(week, 0) for week in WEEKS for _ in range(2)])
    out = release_by_weeks(WEEKS, EARNED, logged)
    assert out.weeks == WEEKS and out.next is None and out.says == "every week is out"


def test_the_rules_numbers_are_the_programs() -> None:
    rule = ReleaseRule(mode="earned", sessions=3, pain=1, pain_limit=3)
    assert release_by_weeks(WEEKS, rule, log((1, 1), (1, 1))).weeks == (1,)
    assert release_by_weeks(WEEKS, rule, log((1, 1), (1, 1), (1, 1))).weeks == (1, 2)
    assert release_by_weeks(WEEKS, rule, log((1, 2))).again == 1
    assert release_by_weeks(WEEKS, rule, log((1, 4))).stop


@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 10)), max_size=30))
def test_the_weeks_out_are_always_a_start_of_the_program(pairs: list[tuple[int, int]]) -> None:
    logged = log(*pairs)
    out = release_by_weeks(WEEKS, EARNED, logged)
    assert out.weeks == WEEKS[:len(out.weeks)] and out.weeks
    for week in out.weeks[:-1]:  # every week before the latest was earned by its sessions
        own = [s.pain for s in logged if s.week == week]
        assert len(own) >= 2 and max(own[-2:]) <= 2
    latest = [s.pain for s in logged if s.week == out.weeks[-1]]
    assert out.stop == bool(latest and latest[-1] > 5)
    assert (out.again is not None) == bool(latest and 2 < latest[-1] <= 5
                                           and out.weeks != WEEKS)


PROGRAM = """\
program: P
coach: C
exercise: walking-backwards
sessions_per_week: 3
{extra}
weeks:
  - {{week: 1, level: beginner, setting: floor, minutes: 5, focus: "Go."}}
  - {{week: 2, level: beginner, setting: floor, minutes: 6, focus: "Go on."}}
"""


def program_file(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(PROGRAM.format(extra=extra), encoding="utf-8")
    return path


@pytest.mark.parametrize(("extra", "rule", "days"), [
    ("", ReleaseRule(), ()),
    ("release: earned", EARNED, ()),
    ("release: all\npain_limit: 7", ReleaseRule(pain_limit=7), ()),
    ("release: {when: earned, sessions: 3, pain_at_most: 1}\npain_limit: 4\ndays: mon,thu",
     ReleaseRule(mode="earned", sessions=3, pain=1, pain_limit=4), (0, 3)),
    ("pain_limit: 1\ndays: [tue, Sat]", ReleaseRule(pain=1, pain_limit=1), (1, 5)),
])
def test_a_program_says_its_release_and_days(tmp_path: Path, extra: str, rule: ReleaseRule,
                                              days: tuple[int, ...]) -> None:
    program = content.load_program(program_file(tmp_path, extra))
    assert program.release == rule and program.days == days
    assert validate_file(program_file(tmp_path, extra)).problems == ()


@pytest.mark.parametrize(("extra", "line", "key", "words"), [
    ("release: sometimes", 5, "release", "must be one of all, earned"),
    ("release: {when: earned, pain_at_most: 6}", 5, "release.pain_at_most",
     "at most the pain_limit (5)"),
    ("release: {when: earned, sessions: 0}", 5, "release.sessions", "between 1 and 14"),
    ("release: {when: earned, sesions: 2}", 5, "release.sesions", "unknown key"),
    ("release: {sessions: 2}", 5, "release", "missing required key 'release.when'"),
    ("pain_limit: 11", 5, "pain_limit", "between 0 and 10"),
    ("pain_limit: 2.5", 5, "pain_limit", "whole number"),
    ("days: mon,funday", 5, "days", "'funday' is not a day of the week"),
    ("days: mon,mon", 5, "days", "mon is given twice"),
])
def test_a_bad_release_or_days_names_file_line_and_key(tmp_path: Path, extra: str, line: int,
                                                       key: str, words: str) -> None:
    path = program_file(tmp_path, extra)
    with pytest.raises(ContentError) as caught:
        content.load_program(path)
    assert f"{path}:{line}: {key}: " in str(caught.value) and words in str(caught.value)
    assert "\n" not in str(caught.value)
    found = validate_file(path).problems
    assert found and all(str(path) in str(problem) for problem in found)


def test_a_profile_says_its_days(tmp_path: Path) -> None:
    path = tmp_path / "maria.yaml"
    path.write_text("name: Maria\ndays: wed fri\n", encoding="utf-8")
    assert content.load_client(path).days == (2, 4)
    path.write_text("name: Maria\ndays: funday\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"maria.yaml:2: days: 'funday' is not a day"):
        content.load_client(path)


@pytest.mark.parametrize("text", ["funday", "", ",", "mon,mon", "mo", "mon;wed"])
def test_days_are_parsed_strictly(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_days(text)
    assert "\n" not in str(caught.value)


def test_days_in_any_case_and_order() -> None:
    assert parse_days("FRI, mon wednesday") == (0, 2, 4)
    assert days_text(parse_days("sun,mon")) == "mon,sun"


def test_the_shipped_program_loads_with_its_release(tmp_path: Path) -> None:
    program = content.load_program(content.find_program("walking-backwards-6-weeks"))
    assert program.release.pain_limit == 5 and program.release.mode in ("all", "earned")
    earned = release(program, ())
    assert earned.weeks[0] == 1
