"""Every semantic problem of a content file at once: the readers check each independent entry
(each level, setting, week, block, spoken line) past a problem in another, `walkcoach
validate` prints each at its line and key, and a build says the first and how many more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from yaml_edits import edit, line_of

from walkcoach.cli import cli
from walkcoach.content import (
    TEMPLATES_DIR,
    load_client,
    load_exercise,
    load_program,
    load_template,
)
from walkcoach.content.problems import ContentErrors, problems_of
from walkcoach.errors import ContentError

EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"
TEMPLATE = TEMPLATES_DIR / "session.yaml"
_WHERE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<key>[^ :]+): (?P<message>.*)$")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach", catch_exceptions=True)


def _validated(path: Path) -> list[tuple[int, str, str]]:
    """What ``walkcoach validate`` printed for ``path``, as (line, key, message); exit 2."""
    before = {p: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    result = run("validate", str(path))
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stdout + result.stderr
    found = []
    for text in result.stdout.splitlines():
        match = _WHERE.match(text)
        assert match and match["file"] == str(path), text
        found.append((int(match["line"]), match["key"], match["message"]))
    assert {p: p.read_bytes() for p in path.parent.iterdir() if p.is_file()} == before
    return found


def _check(found: list[tuple[int, str, str]],
           expected: list[tuple[int, str, str]]) -> None:
    """``found`` is exactly the expected places, in file order, each message holding its
    fragment."""
    assert [(line, key) for line, key, _ in found] == [(line, key) for line, key, _ in expected]
    for (_, _, message), (_, _, fragment) in zip(found, expected, strict=True):
        assert fragment in message, (message, fragment)


# --- an exercise ------------------------------------------------------------------------------

_EX = EXERCISE.read_text(encoding="utf-8")
PLACEHOLDERS = [  # (the line as shipped, as broken, its key)
    ('"Stand up tall, with your spine long and neutral."', '"Stand tall, {clint}."', "setup[0]"),
    ('switch: "Turn around carefully, and walk backwards."', 'switch: "Turn {now}."',
     "switch"),
    ('"Your only job is the roll, from ball to heel."', '"Your job, {nme}."',
     "levels.beginner.intro[1]"),
    ('"Keep every step as smooth as it was at the slower pace."', '"Smooth {pace}."',
     "levels.advanced.intro[1]"),
]


def _broken_exercise(tmp_path: Path) -> tuple[Path, list[tuple[int, str, str]]]:
    text = _EX
    for old, new, _ in PLACEHOLDERS:
        text = edit(text, old, new)
    path = tmp_path / "walking-backwards.yaml"
    path.write_text(text, encoding="utf-8")
    expected = [(line_of(_EX, old), key, "unknown placeholder in") for old, _, key
                in PLACEHOLDERS]
    return path, sorted(expected)


def test_validate_reports_an_unknown_placeholder_in_every_line(tmp_path: Path) -> None:
    """Four lines in four places (the top, a setting-free key, two levels): four problems."""
    path, expected = _broken_exercise(tmp_path)
    _check(_validated(path), expected)


def test_the_reader_raises_them_together_and_a_build_names_the_first(tmp_path: Path) -> None:
    """The reader's error is the first problem it found (as it was when it stopped there),
    carrying all of them; its one line says how many more; a build exits 2 with it."""
    path, expected = _broken_exercise(tmp_path)
    with pytest.raises(ContentErrors) as info:
        load_exercise(path)
    error = info.value
    assert sorted((p.line, p.key) for p in error.problems) == [(line, key)
                                                               for line, key, _ in expected]
    first = error.problems[0]
    assert (error.path, error.line, error.key, error.message) == (
        first.path, first.line, first.key, first.message)
    assert str(error) == f"{first} (and 3 more problems: walkcoach validate lists them all)"
    assert "\n" not in str(error)
    result = run("build", "--voice", "system", "-e", str(path), "-o", str(tmp_path / "t.mp3"))
    assert result.exit_code == 2 and result.stderr == f"walkcoach: error: {error}\n"
    assert not (tmp_path / "t.mp3").exists()


def test_one_problem_is_still_the_plain_error_it_was(tmp_path: Path) -> None:
    path = tmp_path / "walking-backwards.yaml"
    old, new, key = PLACEHOLDERS[0]
    path.write_text(edit(_EX, old, new), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    assert type(info.value) is ContentError and problems_of(info.value) == (info.value,)
    assert (info.value.line, info.value.key) == (line_of(_EX, old), key)


def test_a_level_and_a_setting_each_checked_past_anothers_problem(tmp_path: Path) -> None:
    """Spoken lines of two settings and of a level's technique group, none of which a
    schema can tell: each at its own line."""
    text = _EX
    cooldowns = [m.start() for m in re.finditer(r"\n    cooldown:\n      - ", text)]
    assert len(cooldowns) == 2
    for at in reversed(cooldowns):  # each setting's first cool-down line becomes "!!!"
        end = text.index("\n", at + len("\n    cooldown:\n      - "))
        text = text[:at] + '\n    cooldown:\n      - "!!!"' + text[end:]
    text = edit(text, '"Quicker feet, same smooth roll."', '"..."')
    path = tmp_path / "walking-backwards.yaml"
    path.write_text(text, encoding="utf-8")
    lines = [n for n, line in enumerate(text.splitlines(), 1) if '"!!!"' in line]
    _check(_validated(path), [
        (lines[0], "settings.floor.cooldown[0]", "cannot be spoken"),
        (lines[1], "settings.treadmill.cooldown[0]", "cannot be spoken"),
        (line_of(text, '"..."'), "levels.intermediate.technique.rhythm[2]",
         "cannot be spoken")])


# --- the session template -----------------------------------------------------------------

def test_a_template_with_a_bad_line_in_time_and_one_in_blocks(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    minutes_left = re.search(r"\n  minutes_left: .*", text)
    round_line = re.search(r"\n  round: .*", text)
    assert minutes_left and round_line
    text = (text.replace(minutes_left[0], '\n  minutes_left: "{m} minutes left."')
            .replace(round_line[0], '\n  round: "Round {rnd}."'))
    path = tmp_path / "session.yaml"
    path.write_text(text, encoding="utf-8")
    expected = [(line_of(text, "{m} minutes"), "time.minutes_left", "unknown placeholder"),
                (line_of(text, "{rnd}"), "blocks.round", "unknown placeholder")]
    _check(_validated(path), sorted(expected))
    with pytest.raises(ContentErrors) as info:
        load_template(path)
    assert len(info.value.problems) == 2


# --- a program: two (three) bad weeks ------------------------------------------------------

PROGRAM_THREE = """\
program: Test
coach: Me
exercise: walking-backwards
defaults: {setting: floor, focus: Walk.}
weeks:
  - week: 1
    level: beginner
    intervals: 40x1:00/1:00
  - week: 1
    level: beginner
    minutes: 5
  - week: 3
    level: advanced
    minutes: 5
    cues: ["Fine.", "!!!"]
  - week: 4
    level: beginner
    blocks:
      - {time: "0:05"}
      - {minutes: 2}
      - {exercise: walking-forward, minutes: 1, level: beginner}
"""


def test_validate_reports_a_problem_in_each_of_three_weeks(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PROGRAM_THREE, encoding="utf-8")
    _check(_validated(path), [
        (8, "weeks[0].intervals", "the parts add up to 80 minutes"),
        (9, "weeks[1].week", "week 1 is already at line 6"),
        (15, "weeks[2].cues[1]", "cannot be spoken"),
        (19, "weeks[3].blocks[0].time", "")])
    with pytest.raises(ContentErrors) as info:
        load_program(path)
    assert [(p.line, p.key) for p in info.value.problems] == [
        (8, "weeks[0].intervals"), (9, "weeks[1].week"), (15, "weeks[2].cues[1]"),
        (19, "weeks[3].blocks[0].time")]


def test_a_bad_default_is_reported_once_not_in_every_week(tmp_path: Path) -> None:
    """A default that cannot be read is one problem; the weeks that take it are not also
    missing it, and a week's own problem is still found."""
    text = PROGRAM_THREE.replace("defaults: {setting: floor, focus: Walk.}",
                                 "defaults: {setting: floor, focus: '!!!'}")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as info:
        load_program(path)
    places = [(p.line, p.key) for p in info.value.problems]
    assert places[0] == (4, "defaults.focus")
    assert (9, "weeks[1].week") in places and (15, "weeks[2].cues[1]") in places
    assert not any("missing required key" in p.message for p in info.value.problems)


def test_weeks_out_of_order_after_a_bad_week(tmp_path: Path) -> None:
    """A week whose own lines are bad still counts for the order of those after it."""
    text = PROGRAM_THREE.replace("  - week: 4\n", "  - week: 2\n")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentErrors) as info:
        load_program(path)
    messages = {(p.line, p.key): p.message for p in info.value.problems}
    assert messages[(16, "weeks[3].week")] == ("weeks must be in order: week 2 comes after "
                                               "week 3")
    assert (15, "weeks[2].cues[1]") in messages and (19, "weeks[3].blocks[0].time") in messages


# --- a client profile ---------------------------------------------------------------------

def test_a_client_with_two_lines_that_cannot_be_spoken_and_a_bad_name(tmp_path: Path) -> None:
    path = tmp_path / "maria.yaml"
    path.write_text("name: '???'\nspoken_notes:\n  - '!!!'\n  - Fine.\n  - '...'\n",
                    encoding="utf-8")
    with pytest.raises(ContentErrors) as info:
        load_client(path)
    assert [(p.line, p.key) for p in info.value.problems] == [
        (1, "name"), (3, "spoken_notes[0]"), (5, "spoken_notes[2]")]
    found = _validated(path)
    assert [(line, key) for line, key, _ in found] == [
        (1, "name"), (3, "spoken_notes[0]"), (5, "spoken_notes[2]")]
