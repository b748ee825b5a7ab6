"""Sessions in parts from the command line: ``--intervals``, ``--warmup``, ``--cooldown`` and
``--recovery``, the library call behind them (walkcoach.build.session.session_blocks), what
``script`` shows, and how such a track is named.

Bad input ends with exit status 2, one line naming the option, no traceback, no file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from walkcoach.build.session import make_spec, session_blocks
from walkcoach.cli import cli
from walkcoach.content import find_exercise
from walkcoach.encode import labels
from walkcoach.errors import InputError
from walkcoach.plan.model import Block

QUICK = ["--voice", "system", "--level", "beginner", "--setting", "floor", "--seed", "1"]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach", catch_exceptions=True)


def _error(result: Result) -> str:
    """The one ``walkcoach: error:`` line of a refused command (exit 2, nothing on stdout)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("walkcoach: error: "), result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


def _build_refused(out_dir: Path, *args: str) -> str:
    """``build`` with ``args``: refused in one line, and nothing written."""
    line = _error(run("build", *QUICK, *args, "-o", str(out_dir / "t.mp3")))
    assert list(out_dir.iterdir()) == []
    return line


def _shape(blocks: tuple[Block, ...]) -> list[tuple[str, str, int, int | None]]:
    return [(b.kind, b.exercise.name, b.duration_ms, b.round) for b in blocks]


# --- the library call ------------------------------------------------------------------------

def test_intervals_with_warmup_and_cooldown() -> None:
    """6x1:00/1:00 with 2 minutes either side: the last round's recovery is the cool-down."""
    blocks = session_blocks("walking-backwards", intervals="6x1:00/1:00", warmup="2",
                            cooldown="2")
    expected = [("warmup", "walking-forward", 120_000, None)]
    for n in range(1, 7):
        expected.append(("work", "walking-backwards", 60_000, n))
        if n < 6:
            expected.append(("recovery", "walking-forward", 60_000, n))
    expected.append(("cooldown", "walking-forward", 120_000, None))
    assert _shape(blocks) == expected
    assert sum(b.duration_ms for b in blocks) == 15 * 60_000
    assert {str(b.source) for b in blocks} == {"--warmup", "--intervals", "--cooldown"}
    assert str(blocks[0].source) == "--warmup" and str(blocks[-1].source) == "--cooldown"


@pytest.mark.parametrize(("intervals", "rounds", "work_ms", "recovery_ms"), [
    ("8x30/30", 8, 30_000, 30_000),
    ("6x1:30/45", 6, 90_000, 45_000),
    ("3 x 2:00 / 1:00", 3, 120_000, 60_000),
    ("10x45", 10, 45_000, None),
])
def test_shorthand_spellings(intervals: str, rounds: int, work_ms: int,
                             recovery_ms: int | None) -> None:
    blocks = session_blocks("walking-backwards", intervals=intervals)
    work = [b for b in blocks if b.kind == "work"]
    assert [b.round for b in work] == list(range(1, rounds + 1))
    assert {b.duration_ms for b in work} == {work_ms}
    between = [b for b in blocks if b.kind != "work"]
    if recovery_ms is None:
        assert between == []
    else:  # one after every round; the last, after all the work, is the cool-down
        assert [b.duration_ms for b in between] == [recovery_ms] * rounds
        assert [b.kind for b in between] == ["recovery"] * (rounds - 1) + ["cooldown"]
        assert all(b.exercise.name == "walking-forward" for b in between)


def test_standing_rest_between_rounds_but_walking_warmup_and_cooldown() -> None:
    blocks = session_blocks("walking-backwards", intervals="3x1:00/30", warmup="1:30",
                            cooldown=1, recovery="standing-rest")
    assert [(b.kind, b.exercise.name) for b in blocks] == [
        ("warmup", "walking-forward"), ("work", "walking-backwards"),
        ("rest", "standing-rest"), ("work", "walking-backwards"), ("rest", "standing-rest"),
        ("work", "walking-backwards"), ("cooldown", "walking-forward")]
    assert (blocks[0].duration_ms, blocks[-1].duration_ms) == (90_000, 60_000)


def test_continuous_walk_with_warmup() -> None:
    blocks = session_blocks("walking-backwards", minutes=5, warmup=2)
    assert _shape(blocks) == [("warmup", "walking-forward", 120_000, None),
                              ("work", "walking-backwards", 300_000, None)]
    assert session_blocks("walking-backwards", minutes=5) == ()  # one continuous walk
    with pytest.raises(InputError, match="^--minutes: "):
        session_blocks("walking-backwards", minutes=float("nan"), warmup=2)


def test_make_spec_takes_the_shorthand() -> None:
    spec = make_spec(intervals="6x1:00/1:00", warmup="2", cooldown="2")
    assert spec.walk_ms == 15 * 60_000 and len(spec.blocks) == 13
    assert make_spec(minutes=5).blocks == ()
    assert make_spec(minutes=5, cooldown="1").walk_ms == 6 * 60_000
    with pytest.raises(InputError, match="not both"):
        make_spec(minutes=5, intervals="6x1:00/1:00")
    with pytest.raises(InputError, match="not both"):
        make_spec(blocks=spec.blocks, warmup="2")
    with pytest.raises(InputError, match="1 to 60 minutes, not 62"):
        make_spec(intervals="31x1:00/1:00")


# --- the command line ------------------------------------------------------------------------

def _sheet(*args: str) -> dict[str, Any]:
    result = run("script", *QUICK, *args, "--json")
    assert result.exit_code == 0, result.stderr
    sheet: dict[str, Any] = json.loads(result.stdout)
    return sheet


def test_script_json_has_the_parts_in_order() -> None:
    sheet = _sheet("--intervals", "3x30/30", "--warmup", "1", "--cooldown", "0:45")
    parts = sheet["blocks"]
    assert [(p["kind"], p["round"], p["end_ms"] - p["start_ms"]) for p in parts] == [
        ("warmup", None, 60_000), ("work", 1, 30_000), ("recovery", 1, 30_000),
        ("work", 2, 30_000), ("recovery", 2, 30_000), ("work", 3, 30_000),
        ("cooldown", None, 45_000)]
    assert parts[0]["start_ms"] == sheet["walk_start_ms"]
    assert parts[-1]["end_ms"] == sheet["walk_end_ms"]
    for before, after in zip(parts, parts[1:], strict=False):
        assert before["end_ms"] == after["start_ms"]
    assert sheet["walk_minutes"] == 4.25 and sheet["shape"] == "3 x 30 s intervals"
    for cue in sheet["cues"]:  # every cue of the walk lies in the part it names
        if cue["phase"] == "walk":
            part = parts[cue["block"]]
            assert part["start_ms"] <= cue["start_ms"] <= part["end_ms"], cue


def test_script_with_minutes_and_warmup() -> None:
    sheet = _sheet("--minutes", "2", "--warmup", "1", "--cooldown", "1:30")
    assert [(p["kind"], p["end_ms"] - p["start_ms"]) for p in sheet["blocks"]] == [
        ("warmup", 60_000), ("work", 120_000), ("cooldown", 90_000)]
    assert sheet["walk_minutes"] == 4.5
    assert sheet["shape"] == "2 min with warm-up and cool-down"


def test_script_text_shows_the_parts() -> None:
    result = run("script", *QUICK, "--intervals", "2x30/30", "--warmup", "1")
    assert result.exit_code == 0, result.stderr
    headers = [line for line in result.stdout.splitlines() if " -- " in line]
    assert [h.split("  -- ", 1)[1] for h in headers] == [
        "Warm-up: Walking forward (1:00) --", "Round 1 of 2: Walking backwards (0:30) --",
        "Recovery: Walking forward (0:30) --", "Round 2 of 2: Walking backwards (0:30) --",
        "Cool-down walk: Walking forward (0:30) --"]
    assert [h.split()[1:3] for h in headers] == [
        ["walk", "00:00"], ["walk", "01:00"], ["walk", "01:30"], ["walk", "02:00"],
        ["walk", "02:30"]]


def test_build_an_interval_track(out_dir: Path) -> None:
    """The sidecars of a real track: parts in the sheet, named in the captions and the
    transcript, and the title says its shape."""
    out = out_dir / "t.mp3"
    result = run("build", *QUICK, "--intervals", "2x30/30", "--cooldown", "1", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert [p["kind"] for p in sheet["blocks"]] == ["work", "recovery", "work", "cooldown"]
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert [line for line in vtt.splitlines() if line.startswith("[")] == [
        f"[{p['label']}]" for p in sheet["blocks"]]
    text = out.with_suffix(".txt").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "Walking backwards - beginner, 2 x 30 s intervals, 2.5 min"
    assert text.count(" -- ") == 4 and "-- Cool-down walk: Walking forward (1:00) --" in text


# --- refused ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("intervals", "says"), [
    ("6x", "ROUNDSxWORK/RECOVERY"),
    ("x1:00/1:00", "ROUNDSxWORK/RECOVERY"),
    ("6x1:00/", "ROUNDSxWORK/RECOVERY"),
    ("6x1:00/1:00/1:00", "ROUNDSxWORK/RECOVERY"),
    ("six x 1:00", "ROUNDSxWORK/RECOVERY"),
    ("6x1:60/1:00", "m:ss or seconds"),
    ("6xabc/1:00", "m:ss or seconds"),
    ("6x5/5", "10 seconds to 60 minutes"),
    ("0x1:00/1:00", "between 1 and 50, not 0"),
    ("200x1:00/1:00", "between 1 and 50, not 200"),
])
def test_bad_intervals(out_dir: Path, intervals: str, says: str) -> None:
    line = _build_refused(out_dir, "--intervals", intervals)
    assert line.startswith("walkcoach: error: --intervals: "), line
    assert says in line, line


def test_two_hundred_rounds_from_script_too() -> None:
    assert _error(run("script", *QUICK, "--intervals", "200x30/30")) == (
        "walkcoach: error: --intervals: rounds must be between 1 and 50, not 200")


def test_minutes_and_intervals_together(out_dir: Path) -> None:
    line = _build_refused(out_dir, "--minutes", "8", "--intervals", "6x1:00/1:00")
    assert line == ("walkcoach: error: give --minutes or --intervals, not both "
                    "(see walkcoach build --help)")


def test_over_an_hour_in_all(out_dir: Path) -> None:
    line = _build_refused(out_dir, "--intervals", "30x1:00/1:00", "--warmup", "2")
    assert line == ("walkcoach: error: the parts of a session add up to 1 to 60 minutes, "
                    "not 62")


@pytest.mark.parametrize(("option", "value"), [
    ("--warmup", "0"), ("--warmup", "abc"), ("--cooldown", "61"), ("--cooldown", "-1"),
    ("--warmup", "1:5"),
])
def test_bad_warmup_or_cooldown(out_dir: Path, option: str, value: str) -> None:
    line = _build_refused(out_dir, "--minutes", "5", option, value)
    assert line.startswith(f"walkcoach: error: {option}: "), line


def test_unknown_recovery_exercise(out_dir: Path) -> None:
    line = _build_refused(out_dir, "--intervals", "6x1:00/1:00", "--recovery", "nosuch")
    assert line.startswith("walkcoach: error: --recovery: unknown exercise 'nosuch' "
                           "(available: ")
    assert "walking-forward" in line and "standing-rest" in line


@pytest.mark.parametrize("shape", [("--minutes", "8"), ("--intervals", "8x45"),
                                   ("--minutes", "5", "--warmup", "1")])
def test_a_recovery_with_no_recovery_time_is_refused(out_dir: Path, shape: tuple[str, ...]
                                                     ) -> None:
    """--recovery where nothing recovers is a mistake, said, not silently ignored."""
    line = _build_refused(out_dir, *shape, "--recovery", "standing-rest")
    assert line == ("walkcoach: error: --recovery: only intervals with a recovery time (such "
                    "as 6x1:00/1:00) have a recovery")


def test_a_work_exercise_as_recovery_is_refused(out_dir: Path) -> None:
    line = _build_refused(out_dir, "--intervals", "6x1:00/1:00", "--recovery",
                          "walking-backwards")
    assert line == ("walkcoach: error: --recovery: the recovery exercise 'walking-backwards' "
                    "is a work exercise (its file has no role: recovery or rest)")


def test_an_empty_intervals_option_is_refused_as_such(out_dir: Path) -> None:
    line = _build_refused(out_dir, "--intervals", "")
    assert line.startswith("walkcoach: error: --intervals: intervals are written ROUNDSxWORK")


def test_help_names_the_new_options() -> None:
    for command in ("build", "script"):
        text = run(command, "--help").stdout
        for option in ("--intervals ROUNDSxWORK[/RECOVERY]", "--warmup MINUTES",
                       "--cooldown MINUTES", "--recovery EXERCISE", "6x1:00/1:00"):
            assert option in text, (command, option)


# --- titles ----------------------------------------------------------------------------------

def test_title_of_an_interval_session() -> None:
    spec = make_spec(intervals="6x1:00/1:00", warmup="2", cooldown="2")
    assert labels.track_tags(spec, artist="Coach")["title"] == (
        "Walking backwards - beginner, 6 x 1 min intervals, 15 min")
    week = labels.track_tags(spec, artist="Coach", week=1, weeks=6)["title"]
    assert week == "Week 1 - Walking backwards - beginner, 6 x 1 min intervals, 15 min"


def test_title_of_a_continuous_walk_is_unchanged() -> None:
    assert labels.track_tags(make_spec(minutes=10, level="intermediate"),
                             artist="Coach")["title"] == (
        "Walking backwards - intermediate, 10 min")


@pytest.mark.parametrize(("kwargs", "shape"), [
    ({"intervals": "8x30/30"}, "8 x 30 s intervals"),
    ({"intervals": "6x1:30"}, "6 x 1:30 min intervals"),
    ({"minutes": 5, "warmup": "2"}, "5 min with warm-up"),
    ({"minutes": 7.5, "warmup": "1", "cooldown": "1"}, "7.5 min with warm-up and cool-down"),
])
def test_shape_label(kwargs: dict[str, Any], shape: str) -> None:
    assert labels.shape_label(session_blocks("walking-backwards", **kwargs)) == shape


def test_shape_label_of_hand_written_blocks() -> None:
    """Two sets of rounds, a circuit of two exercises a round, one part alone."""
    back, walk = find_exercise("walking-backwards"), find_exercise("walking-forward")

    def part(kind: str, ms: int, n: int | None = None, of: int | None = None) -> Block:
        exercise = walk if kind != "work" else back
        return Block(kind=kind, exercise=exercise, duration_ms=ms,  # type: ignore[arg-type]
                     round=n, rounds=of)

    two_sets = [part("work", 60_000, n, 3) for n in (1, 2, 3)] + [
        part("work", 120_000, n, 2) for n in (1, 2)]
    assert labels.shape_label(two_sets) == "3 x 1 min + 2 x 2 min intervals"
    circuit = [p for n in (1, 2, 3) for p in (part("work", 60_000, n, 3),
                                              part("work", 30_000, n, 3),
                                              part("recovery", 30_000, n, 3))]
    assert labels.shape_label(circuit) == "3 rounds"
    assert labels.shape_label([part("work", 300_000)]) is None
    assert labels.shape_label([part("work", 60_000), part("work", 60_000)]) == "2 parts"
    assert labels.shape_label([]) is None
    assert labels.shape_label([part("recovery", 300_000)]) is None  # never "1 parts"
