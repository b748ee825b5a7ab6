"""Tests for walkcoach.plan.blocks: times as coaches write them, the interval shorthand, and the
kind each part gets from its exercise's role and its place."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.content import find_exercise
from walkcoach.errors import InputError
from walkcoach.plan.blocks import (
    MAX_BLOCKS,
    MAX_ROUNDS,
    Intervals,
    check_count,
    interval_blocks,
    parse_intervals,
    parse_minutes,
    parse_time,
    with_kinds,
)
from walkcoach.plan.model import Block, Source

BACK = find_exercise("walking-backwards")
FORWARD = find_exercise("walking-forward")
REST = find_exercise("standing-rest")
SOURCE = Source(path=Path("p.yaml"), line=7, key="weeks[0].intervals")


def _refused(call: Any, *args: Any) -> str:
    """The one-line message of the InputError ``call(*args)`` raises."""
    with pytest.raises(InputError) as info:
        call(*args)
    message = str(info.value)
    assert "\n" not in message and len(message) < 200, message
    return message


# --- times ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "ms"), [
    ("1:30", 90_000), ("0:10", 10_000), (" 2:05 ", 125_000), ("60:00", 3_600_000),
    ("90", 90_000), ("12.5", 12_500), (90, 90_000), (10, 10_000), (60.25, 60_250),
    (3600, 3_600_000),
])
def test_parse_time(value: str | float, ms: int) -> None:
    """m:ss, or seconds as a number or as text."""
    assert parse_time(value) == ms


@pytest.mark.parametrize(("value", "says"), [
    (0, "a part lasts 10 seconds to 60 minutes, not '0'"),
    (-30, "a part lasts 10 seconds to 60 minutes, not '-30'"),
    (5, "a part lasts 10 seconds to 60 minutes, not '5'"),
    ("9.9", "a part lasts 10 seconds to 60 minutes, not '9.9'"),
    ("0:05", "a part lasts 10 seconds to 60 minutes, not '0:05'"),
    ("60:01", "a part lasts 10 seconds to 60 minutes, not '60:01'"),
    (3601, "a part lasts 10 seconds to 60 minutes, not '3601'"),
    ("1:5", "a time is m:ss or seconds (1:30 or 90), not '1:5'"),
    ("1:60", "a time is m:ss or seconds (1:30 or 90), not '1:60'"),
    ("1:30:00", "a time is m:ss or seconds (1:30 or 90), not '1:30:00'"),
    ("-30", "a time is m:ss or seconds (1:30 or 90), not '-30'"),
    ("ninety", "a time is m:ss or seconds (1:30 or 90), not 'ninety'"),
    ("", "a time is m:ss or seconds (1:30 or 90), not ''"),
    (True, "a time is m:ss or seconds, not 'True'"),
    (float("nan"), "'nan' is not a length of time"),
    (float("inf"), "'inf' is not a length of time"),
    (10 ** 400, "a part lasts 10 seconds to 60 minutes, not a number that large"),
])
def test_parse_time_refuses(value: Any, says: str) -> None:
    """Zero, negative, shorter than 10 s, longer than an hour, or not a time: one line."""
    assert _refused(parse_time, value) == says


@pytest.mark.parametrize(("value", "ms"), [
    (2, 120_000), ("1.5", 90_000), (0.5, 30_000), ("1:30", 90_000), (60, 3_600_000),
    (" 3 ", 180_000),
])
def test_parse_minutes(value: str | float, ms: int) -> None:
    """Warm-up and cool-down lengths: minutes, or m:ss."""
    assert parse_minutes(value) == ms


@pytest.mark.parametrize(("value", "says"), [
    (0, "not '0'"), (-1, "not '-1'"), (61, "not '61'"), (0.1, "not '0.1'"), ("0:05", "not '0:05'"),
    ("two", "a length is minutes or m:ss (2 or 1:30), not 'two'"), (False, "not 'False'"),
    ([1], "not '[1]'"),
    (10 ** 400, "not a number that large"),
])
def test_parse_minutes_refuses(value: Any, says: str) -> None:
    assert _refused(parse_minutes, value).endswith(says)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 60), st.integers(0, 59))
def test_property_m_ss_round_trip(minutes: int, seconds: int) -> None:
    """Any m:ss from 0:10 to 60:00 is that many ms, as a time, a length, or in seconds;
    anything outside is refused with an InputError (never another exception)."""
    total = minutes * 60 + seconds
    text = f"{minutes}:{seconds:02d}"
    if 10 <= total <= 3600:
        assert parse_time(text) == parse_minutes(text) == parse_time(total) == total * 1000
        assert parse_time(str(total)) == total * 1000
    else:
        for parse in (parse_time, parse_minutes):
            with pytest.raises(InputError):
                parse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_property_any_text_is_a_time_or_an_input_error(text: str) -> None:
    for parse in (parse_time, parse_minutes):
        try:
            ms = parse(text)
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert 10_000 <= ms <= 3_600_000


# --- the interval shorthand -----------------------------------------------------------------

@pytest.mark.parametrize(("value", "intervals"), [
    ("6x1:00/1:00", Intervals(rounds=6, work_ms=60_000, recovery_ms=60_000)),
    ("8x30", Intervals(rounds=8, work_ms=30_000, recovery_ms=None)),
    (" 3 X 2:00 / 45 ", Intervals(rounds=3, work_ms=120_000, recovery_ms=45_000)),
    ("10×20/40", Intervals(rounds=10, work_ms=20_000, recovery_ms=40_000)),
    ("50x10/10", Intervals(rounds=50, work_ms=10_000, recovery_ms=10_000)),
    ("1x60:00", Intervals(rounds=1, work_ms=3_600_000, recovery_ms=None)),
])
def test_parse_intervals(value: str, intervals: Intervals) -> None:
    assert parse_intervals(value) == intervals


@pytest.mark.parametrize(("value", "says"), [
    ("0x1:00/1:00", "rounds must be between 1 and 50, not 0"),
    ("200x30/30", "rounds must be between 1 and 50, not 200"),
    ("51x30", "rounds must be between 1 and 50, not 51"),
    ("6x5/1:00", "a part lasts 10 seconds to 60 minutes, not '5'"),
    ("6x1:00/0", "a part lasts 10 seconds to 60 minutes, not '0'"),
    ("6x1:00/1:5", "a time is m:ss or seconds (1:30 or 90), not '1:5'"),
    ("6-1:00/1:00", "intervals are written ROUNDSxWORK/RECOVERY"),
    ("x1:00", "intervals are written ROUNDSxWORK/RECOVERY"),
    ("6x1:00/1:00/1:00", "intervals are written ROUNDSxWORK/RECOVERY"),
    ("6x1:00/", "intervals are written ROUNDSxWORK/RECOVERY"),
    ("", "intervals are written ROUNDSxWORK/RECOVERY"),
])
def test_parse_intervals_refuses(value: str, says: str) -> None:
    assert says in _refused(parse_intervals, value)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, MAX_ROUNDS), st.integers(10, 3600), st.integers(10, 3600))
def test_property_intervals_round_trip(rounds: int, work: int, recovery: int) -> None:
    """Written with m:ss or seconds, the shorthand reads back as written."""
    text = f"{rounds}x{work // 60}:{work % 60:02d}/{recovery}"
    assert parse_intervals(text) == Intervals(rounds=rounds, work_ms=work * 1000,
                                              recovery_ms=recovery * 1000)


@pytest.mark.parametrize("rounds", [1, 6, MAX_ROUNDS])
def test_check_count_takes_1_to_50(rounds: int) -> None:
    check_count(rounds)


@pytest.mark.parametrize("rounds", [0, -1, MAX_ROUNDS + 1, 200])
def test_check_count_refuses(rounds: int) -> None:
    assert _refused(check_count, rounds) == f"rounds must be between 1 and 50, not {rounds}"


# --- kinds from role and place --------------------------------------------------------------

def _parts(*exercises: Any) -> list[Block]:
    # Every part starts as "work": with_kinds must set the kind whatever it was.
    return [Block(kind="work", exercise=exercise, duration_ms=30_000, cues=(f"cue {i}",),
                  source=SOURCE) for i, exercise in enumerate(exercises)]


@pytest.mark.parametrize(("exercises", "kinds"), [
    ((FORWARD, BACK, FORWARD, BACK, FORWARD),
     ["warmup", "work", "recovery", "work", "cooldown"]),
    ((BACK, FORWARD, BACK), ["work", "recovery", "work"]),
    ((FORWARD, FORWARD, BACK), ["warmup", "warmup", "work"]),
    ((BACK, FORWARD, FORWARD), ["work", "cooldown", "cooldown"]),
    ((FORWARD, FORWARD), ["recovery", "recovery"]),
    ((REST, BACK, REST), ["rest", "work", "rest"]),
    ((FORWARD, REST, BACK, REST, BACK, FORWARD, REST),
     ["warmup", "rest", "work", "rest", "work", "cooldown", "rest"]),
    ((BACK,), ["work"]),
])
def test_with_kinds_follows_role_and_place(exercises: tuple[Any, ...], kinds: list[str]) -> None:
    """Recovery before the first work part is the warm-up, after the last the cool-down, in
    between a recovery; rest is rest wherever it is; nothing else changes."""
    parts = _parts(*exercises)
    placed = with_kinds(parts)
    assert [block.kind for block in placed] == kinds
    assert [dataclasses.replace(block, kind="work") for block in placed] == parts


def test_with_kinds_refuses_more_than_200_parts() -> None:
    assert len(with_kinds(_parts(*[BACK] * MAX_BLOCKS))) == MAX_BLOCKS
    assert _refused(with_kinds, _parts(*[BACK] * (MAX_BLOCKS + 1))) == \
        "a session has at most 200 parts, not 201"


# --- interval_blocks ------------------------------------------------------------------------

def _shape(blocks: tuple[Block, ...]) -> list[tuple[str, str, int, int | None]]:
    return [(b.kind, b.exercise.name, b.duration_ms // 1000, b.round) for b in blocks]


def test_intervals_with_warmup_and_cooldown_drop_the_last_recovery() -> None:
    """6 x 1:00/1:00 between a 2-minute warm-up and cool-down: the cool-down is the last
    round's recovery, so two forward parts never follow each other."""
    blocks = interval_blocks(BACK, FORWARD, parse_intervals("6x1:00/1:00"), warmup_ms=120_000,
                             cooldown_ms=90_000, source=SOURCE)
    rounds = [("work", "walking-backwards", 60, n) for n in range(1, 7)]
    recoveries = [("recovery", "walking-forward", 60, n) for n in range(1, 6)]
    middle = [part for pair in zip(rounds, [*recoveries, None], strict=True) for part in pair
              if part is not None]
    assert _shape(blocks) == [("warmup", "walking-forward", 120, None), *middle,
                              ("cooldown", "walking-forward", 90, None)]
    assert sum(block.duration_ms for block in blocks) == (2 + 6 + 5) * 60_000 + 90_000
    assert {block.rounds for block in blocks if block.round} == {6}
    assert {block.source for block in blocks} == {SOURCE}


def test_intervals_without_cooldown_keep_the_last_recovery_as_the_cooldown() -> None:
    blocks = interval_blocks(BACK, FORWARD, parse_intervals("3x30/20"))
    assert _shape(blocks) == [
        ("work", "walking-backwards", 30, 1), ("recovery", "walking-forward", 20, 1),
        ("work", "walking-backwards", 30, 2), ("recovery", "walking-forward", 20, 2),
        ("work", "walking-backwards", 30, 3), ("cooldown", "walking-forward", 20, 3)]


def test_intervals_without_recovery_are_work_only() -> None:
    blocks = interval_blocks(BACK, FORWARD, parse_intervals("4x45"), cooldown_ms=60_000)
    assert _shape(blocks) == [*[("work", "walking-backwards", 45, n) for n in range(1, 5)],
                              ("cooldown", "walking-forward", 60, None)]


def test_rest_as_recovery_is_rest() -> None:
    blocks = interval_blocks(BACK, REST, parse_intervals("2x1:00/30"))
    assert [block.kind for block in blocks] == ["work", "rest", "work", "rest"]


def test_a_continuous_walk_with_warmup_and_cooldown() -> None:
    blocks = interval_blocks(BACK, FORWARD, None, work_ms=600_000, warmup_ms=120_000,
                             cooldown_ms=120_000)
    assert _shape(blocks) == [("warmup", "walking-forward", 120, None),
                              ("work", "walking-backwards", 600, None),
                              ("cooldown", "walking-forward", 120, None)]


def test_no_intervals_and_no_minutes_is_refused() -> None:
    assert _refused(interval_blocks, BACK, FORWARD, None) == \
        "a session needs its intervals or its minutes"
