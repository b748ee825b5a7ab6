"""Levels and settings are named by the exercise file: a coach's own names load, plan and are
checked everywhere against that exercise (make_spec, a program's weeks, blocks and client, a
client profile, the command line)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from walkcoach.build.session import describe, make_spec
from walkcoach.cli import cli
from walkcoach.content import find_exercise, load_client, load_exercise, load_program
from walkcoach.errors import ContentError, UnknownName
from walkcoach.plan import planner
from walkcoach.plan.model import LEVELS, SETTINGS, SessionSpec

SPEED_WORDS = re.compile(r"\bmph\b|incline|belt to", re.IGNORECASE)


def _level(name: str, interval: int) -> str:
    return (f"  {name}:\n    cue_interval_s: {interval}\n    speed_mph: 1.5\n"
            f"    incline_percent: 2\n")


def _exercise(settings: str = "", levels: str = "") -> str:
    settings = settings or ("  hallway:\n    safety:\n      - \"Keep one hand near the rail.\"\n"
                            "  pool:\n    setup:\n      - \"Stand in water to your waist.\"\n")
    levels = levels or _level("easy", 20) + _level("medium", 30) + _level("hard", 40)
    return ("name: heel-walk\n"
            "title: Heel walking\n"
            "summary: Walking on the heels.\n"
            "purpose:\n  - \"It strengthens the shins.\"\n"
            "safety:\n  - \"Stop if anything hurts.\"\n"
            "setup:\n  - \"Stand tall.\"\n"
            "technique:\n  form:\n    - \"Toes up.\"\n    - \"Small steps.\"\n"
            f"settings:\n{settings}"
            f"levels:\n{levels}"
            "cooldown:\n  - \"Walk normally for a minute.\"\n")


@pytest.fixture
def coach(tmp_path: Path) -> Path:
    path = tmp_path / "heel-walk.yaml"
    path.write_text(_exercise(), encoding="utf-8")
    return path


def _lengths(spec: SessionSpec) -> dict[str, int]:
    """Made-up phrase lengths: 60 ms a character (no voice needed)."""
    return {text: 60 * len(text) for text in planner.candidate_phrases(spec)}


def _said(spec: SessionSpec) -> list[str]:
    return [cue.text for cue in planner.plan(spec, _lengths(spec)).cues]


# --- a coach's own names -----------------------------------------------------------------------

def test_a_coachs_levels_and_settings_load_in_the_files_order(coach: Path) -> None:
    exercise = load_exercise(coach)
    assert exercise.level_names == ("easy", "medium", "hard")
    assert exercise.setting_names == ("hallway", "pool")
    assert not any(spec.belt for spec in exercise.settings.values())
    assert exercise.default_level == "easy" and exercise.default_setting == "hallway"


def test_without_a_belt_no_speed_or_incline_is_said(coach: Path) -> None:
    spec = make_spec(exercise=str(coach), minutes=3)  # the exercise's defaults
    assert (spec.level, spec.setting) == ("easy", "hallway")
    said = _said(spec)
    assert "Keep one hand near the rail." in said and "Stand in water to your waist." not in said
    assert not [text for text in said if SPEED_WORDS.search(text)]
    assert "speed_mph" not in describe(spec)
    pool = make_spec(exercise=str(coach), level="hard", setting="pool", minutes=3)
    said = _said(pool)
    assert "Stand in water to your waist." in said
    assert not [text for text in said if SPEED_WORDS.search(text)]
    # levels still set the cue density: the hardest level's interval
    assert pool.level_spec.cue_interval_s == 40


def test_a_setting_with_a_belt_says_speed_and_incline(tmp_path: Path) -> None:
    path = tmp_path / "heel-walk.yaml"
    path.write_text(_exercise("  moving-walkway:\n    belt: true\n  pool: {}\n"),
                    encoding="utf-8")
    spec = make_spec(exercise=str(path), minutes=3, level="medium")
    assert spec.setting == "moving-walkway" and spec.belt
    said = _said(spec)
    assert "Set the treadmill to about 1.5 mph." in said
    assert "Set the incline to about 2%." in said
    assert describe(spec)["speed_mph"] == 1.5
    assert not [t for t in _said(make_spec(exercise=str(path), minutes=3, setting="pool"))
                if SPEED_WORDS.search(t)]


def test_the_shipped_treadmill_has_the_belt_and_the_floor_has_none() -> None:
    exercise = find_exercise("walking-backwards")
    assert exercise.level_names == LEVELS and exercise.setting_names == SETTINGS
    assert exercise.settings["treadmill"].belt and not exercise.settings["floor"].belt
    spec = make_spec(minutes=3)
    assert (spec.level, spec.setting) == ("beginner", "treadmill")
    assert "Set the treadmill to about 0.5 mph." in _said(spec)
    assert not [t for t in _said(make_spec(minutes=3, setting="floor"))
                if SPEED_WORDS.search(t)]


def test_a_shipped_recovery_takes_the_level_of_the_same_rank(coach: Path) -> None:
    """Walking forward between rounds of a coach's exercise in a pool: it has no pool (no lines
    of its own there) and no 'hard' (its hardest level instead)."""
    spec = make_spec(exercise=str(coach), level="hard", setting="pool",
                     intervals="3x1:00/1:00")
    timeline = planner.plan(spec, _lengths(spec))
    levels = {(span.exercise, span.level) for span in timeline.blocks}
    assert levels == {("heel-walk", "hard"), ("walking-forward", "advanced")}
    assert all(span.speed_mph is None for span in timeline.blocks)


# --- unknown names: each error lists what that exercise offers -----------------------------------

def test_make_spec_lists_the_exercises_own_names(coach: Path) -> None:
    with pytest.raises(UnknownName, match=r"unknown level 'beginner' \(heel-walk has the "
                                          r"levels easy, medium, hard\)"):
        make_spec(exercise=str(coach), level="beginner")
    with pytest.raises(UnknownName, match=r"unknown setting 'treadmill' \(heel-walk has the "
                                          r"settings hallway, pool\)"):
        make_spec(exercise=str(coach), setting="treadmill")
    with pytest.raises(UnknownName, match="walking-backwards has the settings floor, "
                                          "treadmill"):
        make_spec(setting="pool")


def _program(tmp_path: Path, weeks: str, client: str = "") -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text("program: Heels\ncoach: Me\nexercise: heel-walk.yaml\nweeks:\n" + weeks
                    + client, encoding="utf-8")
    return path


def _line_of(path: Path, fragment: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, row in enumerate(lines, start=1) if fragment in row)


def test_a_program_with_the_exercises_names_loads(coach: Path, tmp_path: Path) -> None:
    program = load_program(_program(
        tmp_path, "  - {week: 1, level: easy, setting: pool, focus: Go., minutes: 5}\n"
        "  - {week: 2, level: hard, setting: hallway, focus: Go., minutes: 5}\n",
        "client: {name: Ana, level: medium}\n"))
    assert [(w.level, w.setting) for w in program.weeks] == [("easy", "pool"),
                                                              ("hard", "hallway")]
    assert program.client is not None and program.client.level == "medium"


@pytest.mark.parametrize(("weeks", "client", "fragment", "key", "names"), [
    ("  - {week: 1, level: beginner, setting: pool, focus: Go., minutes: 5}\n", "",
     "level: beginner", "weeks[0].level", "easy, medium, hard (the levels of heel-walk)"),
    ("  - week: 1\n    level: easy\n    setting: treadmill\n    focus: Go.\n    minutes: 5\n",
     "", "setting: treadmill", "weeks[0].setting",
     "hallway, pool (the settings of heel-walk)"),
    ("  - {week: 1, level: easy, setting: pool, focus: Go., minutes: 5}\n",
     "client:\n  name: Ana\n  setting: floor\n", "setting: floor", "client.setting",
     "hallway, pool (the settings of heel-walk)"),
    # a block's level is its own exercise's
    ("  - week: 1\n    level: easy\n    setting: pool\n    focus: Go.\n    blocks:\n"
     "      - {minutes: 2, level: expert}\n", "", "level: expert",
     "weeks[0].blocks[0].level", "easy, medium, hard (the levels of heel-walk)"),
    ("  - week: 1\n    level: easy\n    setting: pool\n    focus: Go.\n    blocks:\n"
     "      - {minutes: 2}\n      - {minutes: 1, exercise: walking-forward, level: easy}\n",
     "", "exercise: walking-forward", "weeks[0].blocks[1].level",
     "beginner, intermediate, advanced (the levels of walking-forward)"),
])
def test_a_program_names_file_line_key_and_the_exercises_names(
        coach: Path, tmp_path: Path, weeks: str, client: str, fragment: str, key: str,
        names: str) -> None:
    path = _program(tmp_path, weeks, client)
    with pytest.raises(ContentError) as info:
        load_program(path)
    assert str(info.value).startswith(f"{path}:{_line_of(path, fragment)}: {key}: "), info.value
    assert f"must be one of {names}" in str(info.value)


def test_a_client_profile_is_checked_against_the_exercise_it_is_used_with(
        coach: Path, tmp_path: Path) -> None:
    path = tmp_path / "ana.yaml"
    path.write_text("name: Ana\nlevel: beginner\nsetting: pool\n", encoding="utf-8")
    profile = load_client(path)  # a profile alone names no exercise
    assert make_spec(exercise=str(coach), client=profile, level="easy").setting == "pool"
    with pytest.raises(ContentError) as info:
        make_spec(exercise=str(coach), client=profile)
    assert str(info.value) == (f"{path}:2: level: must be one of easy, medium, hard (the "
                               "levels of heel-walk), not 'beginner'")
    with pytest.raises(ContentError, match=r"ana\.yaml:3: setting: must be one of floor, "
                                           r"treadmill \(the settings of walking-backwards\)"):
        make_spec(client=profile)


def test_the_command_line_lists_the_exercises_names(coach: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    for option, value, names in (("--level", "beginner", "easy, medium, hard"),
                                 ("--setting", "treadmill", "hallway, pool")):
        result = runner.invoke(cli, ["build", "--exercise", str(coach), option, value,
                                     "--voice", "system", "-o", str(out / "t.mp3")])
        assert result.exit_code == 2, result.output
        line = result.stderr.strip()
        assert "\n" not in line and "Traceback" not in result.output
        assert line.startswith(f"walkcoach: error: Invalid value for '{option}': unknown "), line
        assert f"heel-walk has the {option[2:]}s {names}" in line
        assert not out.exists()


def test_help_says_the_levels_and_settings_belong_to_the_exercise() -> None:
    text = " ".join(CliRunner().invoke(cli, ["build", "--help"]).output.split())
    assert "walking-backwards: beginner, intermediate, advanced" in text
    assert "walking-backwards: floor, treadmill" in text
    assert "[beginner|intermediate|advanced]" not in text  # no fixed choice any more


# --- names an exercise may not have --------------------------------------------------------------

NINE = "".join(_level(f"step-{n}", 20) for n in range(1, 10))


@pytest.mark.parametrize(("settings", "levels", "fragment", "key", "message"), [
    ("", _level("Easy", 20), "  Easy:", "levels.Easy", "lowercase words joined by hyphens"),
    ("", _level("'very hard'", 20), "very hard", "levels.very hard",
     "lowercase words joined by hyphens"),
    ("  Pool Side: {}\n", "", "Pool Side", "settings.Pool Side",
     "lowercase words joined by hyphens"),
    ("  " + "x" * 25 + ": {}\n", "", "x" * 25, "settings." + "x" * 25,
     "at most 24 characters"),
    ("", NINE, "step-9:", "levels.step-9", "at most 8 levels, not 9"),
    ("", " {}\n", "levels:", "levels", "needs at least one level"),
    ("  hallway:\n    belt: maybe\n", "", "belt: maybe", "settings.hallway.belt",
     "must be true or false"),
])
def test_bad_names_are_refused_at_file_line_and_key(
        tmp_path: Path, settings: str, levels: str, fragment: str, key: str,
        message: str) -> None:
    path = tmp_path / "heel-walk.yaml"
    text = _exercise(settings, levels)
    if levels == " {}\n":
        text = text.replace("levels:\n {}\n", "levels: {}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    assert str(info.value).startswith(f"{path}:{_line_of(path, fragment)}: {key}: "), info.value
    assert message in str(info.value)
