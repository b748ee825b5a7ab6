"""Sessions in parts as content: program weeks written as minutes, intervals or blocks load
to the right parts, bad ones are refused at file, line and key, and the shipped recovery and
rest exercises and the default program's progression are what their comments say."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from yaml_edits import line_of, load_error

from walkcoach.cli import cli
from walkcoach.content import TEMPLATES_DIR, exercise_names, find_exercise, load_program
from walkcoach.errors import ContentError
from walkcoach.plan.model import LEVELS, SETTINGS, Block, Program

PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"
HEAD = """\
program: "Parts"
coach: "Ana"
exercise: walking-backwards
defaults: {setting: treadmill, level: beginner, focus: "Parts today."}
weeks:
"""
# Words that only hold in one setting (as tests/test_planner.py checks whole sessions).
ONLY_IN = {
    "treadmill": ("treadmill", "handrail", "rail", "belt", "incline", "uphill", "slope",
                  "safety key", "mph", "step off"),
    "floor": ("floor", "mirror", "clear space", "your space", "wall", "chair"),
}


def _program(tmp_path: Path, weeks: str, head: str = HEAD) -> tuple[Path, str]:
    path = tmp_path / "parts.yaml"
    text = head + weeks
    path.write_text(text, encoding="utf-8")
    return path, text


def _load(tmp_path: Path, weeks: str, head: str = HEAD) -> tuple[Program, str]:
    path, text = _program(tmp_path, weeks, head)
    return load_program(path), text


def _shape(blocks: tuple[Block, ...]) -> list[tuple[str, str, int, int | None]]:
    """(kind, exercise, seconds, round) of each part."""
    return [(b.kind, b.exercise.name, b.duration_ms // 1000, b.round) for b in blocks]


# --- weeks that load ------------------------------------------------------------------------

def test_intervals_with_warmup_and_cooldown(tmp_path: Path) -> None:
    """The shorthand: a warm-up, rounds of backward bouts with forward recovery, and a
    cool-down in place of the last recovery; each part knows where it was written."""
    program, text = _load(tmp_path, """\
  - week: 1
    warmup: 2
    intervals: 6x1:00/1:00
    cooldown: "1:30"
""")
    (week,) = program.weeks
    rounds = [("work", "walking-backwards", 60, n) for n in range(1, 7)]
    recoveries = [("recovery", "walking-forward", 60, n) for n in range(1, 6)]
    middle = [part for pair in zip(rounds, [*recoveries, None], strict=True) for part in pair
              if part is not None]
    assert _shape(week.blocks) == [("warmup", "walking-forward", 120, None), *middle,
                                   ("cooldown", "walking-forward", 90, None)]
    assert week.minutes == 2 + 6 + 5 + 1.5
    assert all(block.rounds == 6 for block in week.blocks[1:-1])
    assert all(block.level is None and block.speed_mph is None for block in week.blocks)
    sources = {(b.source.line, b.source.key) for b in week.blocks if b.source}
    assert sources == {(line_of(text, "warmup: 2"), "weeks[0].warmup"),
                       (line_of(text, "intervals:"), "weeks[0].intervals"),
                       (line_of(text, "cooldown:"), "weeks[0].cooldown")}
    assert all(b.source and b.source.path == tmp_path / "parts.yaml" for b in week.blocks)


def test_intervals_without_recovery_and_with_a_named_recovery(tmp_path: Path) -> None:
    program, _ = _load(tmp_path, """\
  - {week: 1, intervals: 8x30}
  - {week: 2, intervals: 4x1:00/30, recovery: standing-rest}
""")
    one, two = program.weeks
    assert _shape(one.blocks) == [("work", "walking-backwards", 30, n) for n in range(1, 9)]
    assert one.minutes == 4
    assert [b.kind for b in two.blocks] == ["work", "rest"] * 4
    assert {b.exercise.name for b in two.blocks if b.kind == "rest"} == {"standing-rest"}
    assert two.minutes == 6


def test_blocks_with_a_repeat_and_their_own_settings(tmp_path: Path) -> None:
    """The general form: parts in order, a repeat spelt out round by round, each part with
    its own exercise, level, speed and cues, and its own line and key path."""
    program, text = _load(tmp_path, """\
  - week: 1
    blocks:
      - {exercise: walking-forward, minutes: 2}
      - rounds: 3
        blocks:
          - {time: "1:00", speed_mph: 0.6, incline_percent: 1}
          - {exercise: standing-rest, time: 30, cues: ["Breathe easy."]}
      - {exercise: walking-forward, minutes: 1.5, level: intermediate}
""")
    (week,) = program.weeks
    assert _shape(week.blocks) == [
        ("warmup", "walking-forward", 120, None),
        ("work", "walking-backwards", 60, 1), ("rest", "standing-rest", 30, 1),
        ("work", "walking-backwards", 60, 2), ("rest", "standing-rest", 30, 2),
        ("work", "walking-backwards", 60, 3), ("rest", "standing-rest", 30, 3),
        ("cooldown", "walking-forward", 90, None)]
    assert week.minutes == 2 + 3 * 1.5 + 1.5
    work = [b for b in week.blocks if b.kind == "work"]
    assert {(b.speed_mph, b.incline_percent, b.rounds) for b in work} == {(0.6, 1, 3)}
    assert {b.cues for b in week.blocks if b.kind == "rest"} == {("Breathe easy.",)}
    assert week.blocks[-1].level == "intermediate" and week.blocks[0].level is None
    assert [(b.source.line, b.source.key) for b in week.blocks if b.source] == [
        (line_of(text, "minutes: 2}"), "weeks[0].blocks[0]"),
        *[(line_of(text, '{time: "1:00"'), "weeks[0].blocks[1].blocks[0]"),
          (line_of(text, "standing-rest"), "weeks[0].blocks[1].blocks[1]")] * 3,
        (line_of(text, "minutes: 1.5"), "weeks[0].blocks[2]")]


def test_minutes_alone_stay_one_continuous_walk(tmp_path: Path) -> None:
    """``minutes`` alone is one continuous walk (no parts), as before; with a warm-up or a
    cool-down it becomes parts around one walk. The cool-down walks forward whatever the
    recovery (standing still is no cool-down)."""
    program, _ = _load(tmp_path, """\
  - {week: 1, minutes: 10}
  - {week: 2, minutes: 10, warmup: 2}
  - {week: 3, minutes: 7.5, cooldown: 0.5, recovery: standing-rest}
""")
    one, two, three = program.weeks
    assert one.blocks == () and one.minutes == 10
    assert _shape(two.blocks) == [("warmup", "walking-forward", 120, None),
                                  ("work", "walking-backwards", 600, None)]
    assert two.minutes == 12
    assert _shape(three.blocks) == [("work", "walking-backwards", 450, None),
                                    ("cooldown", "walking-forward", 30, None)]
    assert three.minutes == 8


def test_a_weeks_own_form_replaces_the_defaults(tmp_path: Path) -> None:
    """Defaults may hold the walk too: a week's own minutes, intervals or blocks replaces
    the default's form, and a week of blocks takes no warm-up or cool-down from defaults."""
    head = HEAD.replace('focus: "Parts today."}', 'focus: "Parts today.", warmup: 1, '
                        'cooldown: 1, intervals: 2x1:00/1:00}')
    program, _ = _load(tmp_path, """\
  - {week: 1}
  - {week: 2, minutes: 5}
  - {week: 3, blocks: [{time: 90}]}
  - {week: 4, intervals: 3x30/30, cooldown: 2}
""", head)
    one, two, three, four = program.weeks
    assert [b.kind for b in one.blocks] == ["warmup", "work", "recovery", "work", "cooldown"]
    assert one.minutes == 5 and one.blocks[1].source and \
        one.blocks[1].source.key == "defaults.intervals"
    assert _shape(two.blocks) == [("warmup", "walking-forward", 60, None),
                                  ("work", "walking-backwards", 300, None),
                                  ("cooldown", "walking-forward", 60, None)]
    assert _shape(three.blocks) == [("work", "walking-backwards", 90, None)]
    assert three.minutes == 1.5
    assert four.minutes == 1 + 1.5 + 1 + 2
    assert four.blocks[-1].source and four.blocks[-1].source.key == "weeks[3].cooldown"


def test_unquoted_m_ss_means_minutes_and_seconds(tmp_path: Path) -> None:
    """YAML reads an unquoted 1:30 as the number 90 (base 60): a warm-up of 1:30 is still
    a minute and a half, and 1:00 one minute, never an hour; a time of 1:30 is 90 s."""
    program, _ = _load(tmp_path, """\
  - week: 1
    warmup: 1:30
    cooldown: 1:00
    intervals: 2x1:00/1:00
  - week: 2
    blocks:
      - {exercise: walking-forward, minutes: 1:30}
      - {time: 1:30}
      - minutes: 2:00
""")
    one, two = program.weeks
    assert one.blocks[0].duration_ms == 90_000 and one.blocks[-1].duration_ms == 60_000
    assert [b.duration_ms for b in two.blocks] == [90_000, 90_000, 120_000]


def test_a_block_exercise_file_beside_the_program(tmp_path: Path) -> None:
    """A block may name an exercise file, found from the program's folder; each file is
    read once, however many parts use it."""
    (tmp_path / "mine").mkdir()
    shutil.copy(TEMPLATES_DIR / "exercises" / "walking-forward.yaml", tmp_path / "mine")
    program, _ = _load(tmp_path, """\
  - week: 1
    intervals: 3x1:00/1:00
    recovery: mine/walking-forward.yaml
  - week: 2
    blocks:
      - {time: 60}
      - {exercise: mine/walking-forward.yaml, time: 60}
""")
    mine = tmp_path / "mine" / "walking-forward.yaml"
    used = [b.exercise for w in program.weeks for b in w.blocks
            if b.exercise.name == "walking-forward"]
    assert len(used) == 4 and all(e.source.path == mine for e in used)
    assert all(e is used[0] for e in used)


# --- weeks refused, at file, line and key ---------------------------------------------------

# (the weeks as written, a fragment of the line the error is at, its key path, the words)
REFUSED = [
    ("  - week: 1\n    intervals: 6x1:00/1:00\n    recovery: walking-backwards\n",
     "recovery: walking-backwards", "weeks[0].recovery",
     "walking-backwards is a work exercise: a recovery needs a file with role: recovery"),
    ("  - week: 1\n    blocks:\n      - {minutes: 1:30.5}\n", "{minutes: 1:30.5}",
     "weeks[0].blocks[0].minutes", "a length is minutes or m:ss (2 or 1:30), not '1:30.5'"),
    ("  - week: 1\n    blocks:\n      - {time: 0}\n", "{time: 0}", "weeks[0].blocks[0].time",
     "a part lasts 10 seconds to 60 minutes, not '0'"),
    ("  - week: 1\n    blocks:\n      - {time: -30}\n", "{time: -30}",
     "weeks[0].blocks[0].time", "a part lasts 10 seconds to 60 minutes, not '-30'"),
    ("  - week: 1\n    blocks:\n      - {time: 60}\n      - {time: 5}\n", "{time: 5}",
     "weeks[0].blocks[1].time", "a part lasts 10 seconds to 60 minutes, not '5'"),
    ("  - week: 1\n    blocks:\n      - {minutes: 0}\n", "{minutes: 0}",
     "weeks[0].blocks[0].minutes", "not '0'"),
    ("  - week: 1\n    intervals: 6x0:05/1:00\n", "intervals:", "weeks[0].intervals",
     "a part lasts 10 seconds to 60 minutes, not '0:05'"),
    ("  - week: 1\n    intervals: 6x1:00/-1\n", "intervals:", "weeks[0].intervals",
     "a time is m:ss or seconds (1:30 or 90), not '-1'"),
    ("  - week: 1\n    minutes: 5\n    warmup: 0\n", "warmup:", "weeks[0].warmup",
     "a part lasts 10 seconds to 60 minutes, not '0'"),
    ("  - week: 1\n    blocks:\n      - rounds: 200\n        blocks: [{time: 30}]\n",
     "rounds: 200", "weeks[0].blocks[0].rounds", "must be between 1 and 50, not 200"),
    ("  - week: 1\n    blocks:\n      - rounds: 0\n        blocks: [{time: 30}]\n",
     "rounds: 0", "weeks[0].blocks[0].rounds", "must be between 1 and 50, not 0"),
    ("  - week: 1\n    intervals: 200x30/30\n", "intervals:", "weeks[0].intervals",
     "rounds must be between 1 and 50, not 200"),
    ("  - week: 1\n    blocks:\n      - {exercise: walking-sideways, time: 30}\n",
     "walking-sideways", "weeks[0].blocks[0].exercise",
     "unknown exercise 'walking-sideways' (available: standing-rest, walking-backwards, "
     "walking-forward)"),
    ("  - week: 1\n    intervals: 6x1:00/1:00\n    recovery: jogging\n", "recovery:",
     "weeks[0].recovery", "unknown exercise 'jogging' (available: "),
    ("  - week: 1\n    blocks:\n      - {exercise: mine/no.yaml, time: 30}\n", "no.yaml",
     "weeks[0].blocks[0].exercise", "no exercise file at "),
    ("  - week: 1\n    blocks:\n      - rounds: 2\n        blocks:\n          - rounds: 2\n"
     "            blocks: [{time: 30}]\n", "          - rounds: 2",
     "weeks[0].blocks[0].blocks[0].rounds", "a repeat cannot hold another repeat"),
    ("  - week: 1\n    blocks:\n      - {rounds: 3, blocks: []}\n", "rounds: 3",
     "weeks[0].blocks[0].blocks", "must be a non-empty list"),
    ("  - week: 1\n    blocks:\n      - {time: 30}\n      - {rounds: 3}\n", "rounds: 3",
     "weeks[0].blocks[1]", "missing required key 'weeks[0].blocks[1].blocks'"),
    ("  - week: 1\n    blocks:\n      - {time: 30, sped_mph: 1}\n", "sped_mph",
     "weeks[0].blocks[0].sped_mph", "unknown key (expected one of: exercise, minutes, time"),
    ("  - week: 1\n    blocks:\n      - rounds: 2\n        cues: [Go.]\n        blocks: "
     "[{time: 30}]\n", "cues:", "weeks[0].blocks[0].cues",
     "unknown key (expected one of: rounds, blocks)"),
    ("  - week: 1\n    interval: 6x1:00/1:00\n", "interval:", "weeks[0].interval",
     "unknown key"),
    ("  - week: 1\n    minutes: 10\n    blocks:\n      - {time: 30}\n", "blocks:",
     "weeks[0].blocks", "a week has one of minutes, intervals or blocks, not both minutes "
     "and blocks"),
    ("  - week: 1\n    intervals: 2x30\n    minutes: 10\n", "minutes:", "weeks[0].minutes",
     "not both intervals and minutes"),
    ("  - week: 1\n    blocks:\n      - {time: 30, minutes: 1}\n", "{time: 30",
     "weeks[0].blocks[0].time", "a block has minutes or time, not both"),
    ("  - week: 1\n    blocks:\n      - {time: 90}\n      - {exercise: walking-forward}\n",
     "{exercise: walking-forward}", "weeks[0].blocks[1]",
     "a block needs its length: minutes, or time (m:ss or seconds)"),
    ("  - week: 1\n    blocks:\n      - {time: 30, level: expert}\n", "expert",
     "weeks[0].blocks[0].level", "must be one of beginner"),
    ("  - week: 1\n    blocks:\n      - 30\n", "      - 30", "weeks[0].blocks[0]",
     "must be a mapping, not a number"),
    ("  - week: 1\n    intervals: six by one\n", "intervals:", "weeks[0].intervals",
     "intervals are written ROUNDSxWORK/RECOVERY"),
    ("  - week: 1\n    intervals: 31x1:00/1:00\n", "intervals:", "weeks[0].intervals",
     "the parts add up to 62 minutes; a week lasts 1 to 60"),
    ("  - week: 1\n    blocks:\n      - {minutes: 40}\n      - {minutes: 30}\n", "blocks:",
     "weeks[0].blocks", "the parts add up to 70 minutes; a week lasts 1 to 60"),
    ("  - week: 1\n    blocks: [{time: 30}]\n", "blocks:", "weeks[0].blocks",
     "the parts add up to 0.5 minutes; a week lasts 1 to 60"),
    ("  - week: 1\n    minutes: 59\n    cooldown: 2\n", "minutes: 59", "weeks[0].minutes",
     "the parts add up to 61 minutes"),
    ("  - week: 1\n    warmup: 2\n    blocks: [{time: 90}]\n", "warmup:", "weeks[0].warmup",
     "a week of blocks lists its warm-up among the blocks"),
    ("  - week: 1\n    blocks:\n      - {time: 10}\n      - rounds: 50\n        blocks: "
     "[{time: 10}, {time: 10}, {time: 10}, {time: 10}]\n", "rounds: 50",
     "weeks[0].blocks[1].rounds", "50 rounds of 4 blocks make 201 parts"),
    ("  - week: 1\n    blocks:\n" + "      - {time: 10}\n" * 201, None, "weeks[0].blocks[200]",
     "a session has at most 200 parts"),
    ("  - {week: 1, level: beginner}\n", "- {week: 1", "weeks[0].minutes",
     "missing required key 'minutes' (or intervals, or blocks"),
    ("  - week: 1\n    blocks:\n      - {exercise: standing-rest, minutes: 2}\n"
     "      - {exercise: walking-forward, minutes: 2}\n", "blocks:", "weeks[0].blocks",
     "no part of the week is a work exercise: it would announce walking backwards"),
]


@pytest.mark.parametrize(("weeks", "at", "key", "words"), REFUSED,
                         ids=[f"{i}-{case[2]}" for i, case in enumerate(REFUSED)])
def test_bad_parts_are_refused_at_file_line_and_key(tmp_path: Path, weeks: str,
                                                    at: str | None, key: str,
                                                    words: str) -> None:
    """Zero, negative and too-short times, 200 rounds, an unknown exercise, a repeat inside
    a repeat, an unknown key, minutes with blocks, a week over an hour: one line that says
    where (file, line, key) and what is wrong."""
    path, text = _program(tmp_path, weeks)
    error = load_error(load_program, path, text)
    line = line_of(text, at) if at else len(text.splitlines())
    message = str(error)
    assert message.startswith(f"{path}:{line}: {key}: "), message
    assert (error.path, error.line, error.key) == (path, line, key)
    assert words in message and "\n" not in message


def test_a_total_over_an_hour_from_the_defaults_names_the_week(tmp_path: Path) -> None:
    """The defaults' intervals with the week's own warm-up: the week is what is too long."""
    head = HEAD.replace('focus: "Parts today."}', 'focus: "Parts today.", '
                        'intervals: 30x1:00/1:00}')
    path, text = _program(tmp_path, "  - week: 1\n  - week: 2\n    warmup: 2\n", head)
    error = load_error(load_program, path, text)
    assert str(error) == (f"{path}:{line_of(text, 'week: 2')}: weeks[1]: the parts add up to "
                          "62 minutes; a week lasts 1 to 60")


def test_blocks_in_defaults_with_a_weeks_warmup(tmp_path: Path) -> None:
    head = HEAD.replace('focus: "Parts today."}', 'focus: "Parts today.", '
                        'blocks: [{time: 90}]}')
    path, text = _program(tmp_path, "  - week: 1\n    cooldown: 1\n", head)
    error = load_error(load_program, path, text)
    assert str(error).startswith(f"{path}:{line_of(text, 'cooldown: 1')}: weeks[0].cooldown: "
                                 "a week of blocks lists its cool-down among the blocks")


def test_a_broken_block_exercise_file_names_its_own_line(tmp_path: Path) -> None:
    """An exercise file a block names is checked like any: its own file, line and key."""
    (tmp_path / "mine").mkdir()
    broken = tmp_path / "mine" / "walking-forward.yaml"
    text = (TEMPLATES_DIR / "exercises" / "walking-forward.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("role: recovery", "role: resting"), encoding="utf-8")
    path, _ = _program(tmp_path, "  - week: 1\n    blocks:\n      - {exercise: "
                                 "mine/walking-forward.yaml, time: 90}\n")
    with pytest.raises(ContentError) as info:
        load_program(path)
    assert str(info.value).startswith(f"{broken}:{line_of(text, 'role: recovery')}: role: ")


# --- the shipped exercises ------------------------------------------------------------------

def test_every_shipped_exercise_loads_with_its_role() -> None:
    """Walking backwards is the work, walking forward the recovery, standing still a rest;
    `walkcoach exercises` lists each with its role."""
    assert {name: find_exercise(name).role for name in exercise_names()} == {
        "walking-backwards": "work", "walking-forward": "recovery", "standing-rest": "rest"}
    result = CliRunner().invoke(cli, ["exercises"])
    assert result.exit_code == 0
    for line in result.output.splitlines():
        name, role = line.split()[:2]
        assert role == f"({find_exercise(name).role})"


@pytest.mark.parametrize("name", exercise_names())
@pytest.mark.parametrize("setting", SETTINGS)
def test_each_switch_suits_its_setting(name: str, setting: str) -> None:
    """Every shipped exercise says a change into it in its own words; on a treadmill they
    say to hold the handrails (turning on a moving belt), on the floor nothing of a
    treadmill; and no line for every setting names either setting's things."""
    exercise = find_exercise(name)
    said = exercise.switch_text(setting)
    assert said and said != exercise.start
    other = next(s for s in SETTINGS if s != setting)
    assert not re.search(r"\b(" + "|".join(ONLY_IN[other]) + ")", said, re.IGNORECASE), said
    if setting == "treadmill":
        assert "handrails" in said
    shared = [*exercise.purpose, *exercise.safety, *exercise.setup, exercise.start or "",
              exercise.switch or "", *exercise.cooldown,
              *[line for group in exercise.technique for line in group.lines]]
    words = re.compile(r"\b(" + "|".join(ONLY_IN["floor"] + ONLY_IN["treadmill"]) + ")",
                       re.IGNORECASE)
    assert [line for line in shared if words.search(line)] == []


@pytest.mark.parametrize("name", ["walking-forward", "standing-rest"])
def test_recovery_and_rest_keep_the_belts_speed(name: str) -> None:
    """Level for level, the same speed and incline as walking backwards: the belt never
    changes speed at a change of part. Recovery and rest cue no more often than the work."""
    exercise, work = find_exercise(name), find_exercise("walking-backwards")
    for level in LEVELS:
        mine, theirs = exercise.levels[level], work.levels[level]
        assert (mine.speed_mph, mine.incline_percent) == (theirs.speed_mph,
                                                          theirs.incline_percent)
        assert mine.cue_interval_s >= 20
    assert [exercise.levels[level].cue_interval_s for level in LEVELS] == sorted(
        exercise.levels[level].cue_interval_s for level in LEVELS)


def test_recovery_cues_are_about_recovering() -> None:
    groups = {group.name for group in find_exercise("walking-forward").technique}
    assert {"breathing", "shoulders"} <= groups
    lines = [line for group in find_exercise("walking-forward").technique
             for line in group.lines]
    assert "Breathe easy." in lines and "Loosen your shoulders." in lines
    assert not any("backward" in line.lower() or "heel" in line.lower() for line in lines)


# --- the default program --------------------------------------------------------------------

def test_the_default_program_builds_up_to_ten_continuous_minutes() -> None:
    """Weeks 1-4: rounds of backward bouts with forward recovery between a forward warm-up
    and cool-down, the bouts growing (1, 2, 3, 5 minutes); weeks 5-6: the published ten
    minutes without a break (Alghadir et al. 2019), still with a warm-up and a cool-down."""
    program = load_program(PROGRAM)
    assert [week.week for week in program.weeks] == [1, 2, 3, 4, 5, 6]
    assert program.sessions_per_week == 3
    bouts = []
    for week in program.weeks:
        kinds = [block.kind for block in week.blocks]
        assert kinds[0] == "warmup" and kinds[-1] == "cooldown", week.week
        assert week.blocks[0].duration_ms == week.blocks[-1].duration_ms == 120_000
        work = [block for block in week.blocks if block.kind == "work"]
        assert {block.exercise.name for block in work} == {"walking-backwards"}
        assert {block.exercise.name for block in week.blocks if block.kind != "work"} == \
            {"walking-forward"}
        assert 10 <= week.minutes <= 16
        assert week.minutes * 60_000 == sum(block.duration_ms for block in week.blocks)
        bouts.append((len(work), work[0].duration_ms // 1000,
                      sum(block.duration_ms for block in work) // 60_000))
    assert bouts == [(6, 60, 6), (4, 120, 8), (3, 180, 9), (2, 300, 10), (1, 600, 10),
                     (1, 600, 10)]
    for week in program.weeks[:4]:
        assert [block.kind for block in week.blocks[1:-1]] == \
            ["work", "recovery"] * (len(week.blocks[1:-1]) // 2) + ["work"]
        assert all(b.duration_ms == 60_000 for b in week.blocks if b.kind == "recovery")
    for week in program.weeks[4:]:
        assert [block.kind for block in week.blocks] == ["warmup", "work", "cooldown"]


def test_the_default_program_speeds_and_inclines() -> None:
    """About 0.5 mph to start, never slower from week to week, incline from about 1% a
    week once the speed is up, never past the 4-6% the practitioners stop at; the level
    never goes down, and the full intro falls on weeks 1, 3 and 5 (a new level)."""
    program = load_program(PROGRAM)
    speeds = [week.speed_mph for week in program.weeks]
    inclines = [week.incline_percent for week in program.weeks]
    assert speeds[0] == 0.5 and speeds == sorted(speeds)  # type: ignore[type-var]
    assert inclines == [0, 0, 0, 1, 2, 3]
    assert [LEVELS.index(week.level) for week in program.weeks] == [0, 0, 1, 1, 2, 2]
    assert all(week.setting == "treadmill" and week.focus for week in program.weeks)
