"""A client's level and what it means for a program's weeks (issue 22): every week at it,
weeks above it held at it, or the program's steps starting at it; said, never silent."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkcoach import notes
from walkcoach.build.program import client_week_levels
from walkcoach.content import find_program, load_client, load_program
from walkcoach.errors import ContentError
from walkcoach.plan.levels import LEVEL_RULES, week_levels

LEVELS = ("beginner", "intermediate", "advanced")
PROGRESSION = ("beginner", "beginner", "intermediate", "intermediate", "advanced", "advanced")


@pytest.mark.parametrize(("client", "rule", "expected"), [
    (None, "all", PROGRESSION),
    ("beginner", "all", ("beginner",) * 6),
    ("intermediate", "highest", ("beginner", "beginner", "intermediate", "intermediate",
                                 "intermediate", "intermediate")),
    ("beginner", "highest", ("beginner",) * 6),
    ("intermediate", "start", ("intermediate", "intermediate", "advanced", "advanced",
                               "advanced", "advanced")),
    ("beginner", "start", PROGRESSION),
    ("advanced", "start", ("advanced",) * 6),
])
def test_what_a_clients_level_means(client: str | None, rule: str,
                                    expected: tuple[str, ...]) -> None:
    assert week_levels(LEVELS, PROGRESSION, client, rule) == expected


weeks = st.lists(st.sampled_from(LEVELS), min_size=1, max_size=12)


@given(weeks, st.sampled_from(LEVELS), st.sampled_from(LEVEL_RULES))
def test_every_week_gets_a_level_of_the_exercise(program: list[str], client: str,
                                                 rule: str) -> None:
    out = week_levels(LEVELS, program, client, rule)
    assert len(out) == len(program) and set(out) <= set(LEVELS)
    rank = LEVELS.index
    if rule == "highest":
        for level, week in zip(out, program, strict=True):
            assert level == (week if rank(week) <= rank(client) else client)
    if rule == "start":
        assert out[0] == client
        for index in range(1, len(program)):
            if rank(program[index]) >= rank(program[index - 1]):  # a step up stays one
                assert rank(out[index]) >= rank(out[index - 1])


def _profile(tmp_path: Path, rule: str | None, level: str = "intermediate") -> Path:
    path = tmp_path / "clients" / "maria.yaml"
    path.parent.mkdir(exist_ok=True)
    lines = ["name: Maria", f"level: {level}"] + ([f"level_rule: {rule}"] if rule else [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("rule", [None, *LEVEL_RULES])
def test_the_shipped_program_for_a_profile_with_a_rule(tmp_path: Path, rule: str | None) -> None:
    program = load_program(find_program("walking-backwards-6-weeks"))
    client = load_client(_profile(tmp_path, rule))
    levels = client_week_levels(program, client)
    assert levels == week_levels(program.exercise.level_names,
                                 [week.level for week in program.weeks], "intermediate",
                                 rule or "all")
    if rule in (None, "all"):
        assert set(levels) == {"intermediate"}  # as before rules existed
    else:
        assert levels != ("intermediate",) * len(levels)  # the progression keeps steps


def test_a_rule_that_is_not_one_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"maria.yaml:3: level_rule: must be one of all, "
                                           r"highest, start"):
        load_client(_profile(tmp_path, "gentle"))


def test_a_level_that_changes_weeks_is_said(tmp_path: Path) -> None:
    from walkcoach.build.program import _jobs  # what every build of the program plans
    from walkcoach.build.session import make_speaker

    program = load_program(find_program("walking-backwards-6-weeks"))
    client = load_client(_profile(tmp_path, "highest"))
    said: list[str] = []
    notes.set_handler(said.append)
    try:
        _jobs(program, tmp_path / "out", make_speaker("system"), client=client, fmt="mp3")
    finally:
        notes.set_handler(None)
    assert any(line.startswith("Maria's level (weeks above intermediate held at "
                               "intermediate): week") and "advanced" in line for line in said)
