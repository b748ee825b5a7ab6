"""The command line: every command and its help, and every kind of bad input.

Bad input must end with exit status 2 and one clear line (``walkcoach: error: ...``, click's
usage errors included), never a traceback, and no file written.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from walkcoach.cli import cli
from walkcoach.content import TEMPLATES_DIR, exercise_names, find_exercise
from walkcoach.voice import neural_available

SHIPPED_EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"
# One short session, built once and shared: the system voice is quick to synthesize.
SESSION = ["--minutes", "1", "--voice", "system", "--level", "beginner",
           "--setting", "treadmill", "--seed", "3"]


def run(*args: str) -> Result:
    """Run the CLI in-process; exceptions are kept in the result, never raised."""
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach", catch_exceptions=True)


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}\n{result.stderr}")
    assert "Traceback" not in result.stderr + result.stdout


def _one_error_line(result: Result, *, status: int = 2) -> str:
    """The single ``walkcoach: error:`` line a failed command prints."""
    _no_traceback(result)
    assert result.exit_code == status, (result.exit_code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("walkcoach: error: "), lines[0]
    assert result.stdout == ""
    return lines[0]


def _usage_error(result: Result, option: str) -> str:
    """click's usage error, as one line like every other error: it names the option and ends
    with where to read more (not click's usage line, hint, blank line and ``Error:``)."""
    line = _one_error_line(result)
    assert f"'{option}'" in line, line
    assert re.search(r" \(see walkcoach( \w+)? --help\)$", line), line
    return line


# --- help ------------------------------------------------------------------------------------

def test_every_command_and_option_has_help() -> None:
    assert cli.help
    assert set(cli.commands) >= {"build", "script", "exercises", "voices"}
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help and param.help.strip(), f"{name} {param.opts} has no help"


@pytest.mark.parametrize("command", [None, "build", "script", "exercises", "voices"])
def test_help(command: str | None) -> None:
    result = run(*([command] if command else []), "--help")
    assert result.exit_code == 0, result.stderr
    usage = f"Usage: walkcoach {command} " if command else "Usage: walkcoach "
    assert result.stdout.startswith(usage), result.stdout
    group_or_command = cli.commands[command] if command else cli
    assert group_or_command.help is not None
    first_line = group_or_command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()[:5]) in " ".join(result.stdout.split())
    if command is None:
        for name in cli.commands:
            assert f"\n  {name} " in result.stdout, name


def test_help_of_every_registered_command() -> None:
    """Commands added later (``program``) are held to the same rule."""
    for name in cli.commands:
        result = run(name, "--help")
        assert result.exit_code == 0 and result.stdout.startswith(f"Usage: walkcoach {name}")


def test_python_dash_m_walkcoach() -> None:
    result = subprocess.run([sys.executable, "-m", "walkcoach", "--help"], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: walkcoach ")
    for name in ("build", "script", "exercises", "voices"):
        assert f"  {name} " in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("walkcoach, version ")


# --- the listing commands --------------------------------------------------------------------

def test_exercises_lists_every_shipped_exercise_with_its_summary() -> None:
    result = run("exercises")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    names = exercise_names()
    assert "walking-backwards" in names
    assert len(lines) == len(names)
    for name, line in zip(names, lines, strict=True):
        assert line.split()[0] == name
        assert line.endswith(find_exercise(name).summary)


def test_voices_lists_ids_that_voice_accepts() -> None:
    result = run("voices")
    assert result.exit_code == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert "system:gmw/en-us" in ids
    assert ("neural:joe" in ids) == neural_available()
    assert all(i.split(":", 1)[0] in ("neural", "system") for i in ids), ids
    assert len(ids) == len(set(ids))


# --- build and script ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """One short track built through the CLI, shared by the tests below."""
    out = tmp_path_factory.mktemp("cli") / "walk.mp3"
    return run("build", *SESSION, "-o", str(out)), out


def test_build_writes_the_track_and_its_sidecars(built: tuple[Result, Path]) -> None:
    result, out = built
    assert result.exit_code == 0, result.stderr
    _no_traceback(result)
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "walk.json", "walk.mp3", "walk.txt", "walk.vtt"]
    assert out.read_bytes()[:3] == b"ID3"
    sheet = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert sheet["voice"] == "system:gmw/en-us" and sheet["format"] == "mp3"
    assert sheet["walk_minutes"] == 1
    # One continuous walk: one part, no shape, and no part names in the captions.
    assert sheet["version"] == 4 and sheet["shape"] is None
    assert sheet["track"] == "walk.mp3"  # the sidecars are this track's
    assert [(b["kind"], b["start_ms"], b["end_ms"]) for b in sheet["blocks"]] == [
        ("work", sheet["walk_start_ms"], sheet["walk_end_ms"])]
    # The summary line: path, duration, cue count and the sidecars.
    line = result.stdout.strip()
    assert line.startswith(f"{out}  00:")
    assert f"({len(sheet['cues'])} cues; walk.json, walk.vtt, walk.txt)" in line
    vtt = out.with_suffix(".vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n")
    assert vtt.count(" --> ") == len(sheet["cues"])
    assert "\n[" not in vtt


def test_script_json_matches_the_built_cue_sheet(built: tuple[Result, Path]) -> None:
    _, out = built
    result = run("script", *SESSION, "--json")
    assert result.exit_code == 0, result.stderr
    planned = json.loads(result.stdout)
    sheet = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert planned["cues"] == sheet["cues"]  # same words, same start and end times
    for key in ("duration_ms", "walk_start_ms", "walk_end_ms", "chapters", "dropped", "voice"):
        assert planned[key] == sheet[key], key
    # What only a sheet written beside its track says: the format and the track's name.
    assert {k: v for k, v in sheet.items() if k not in ("format", "track")} == planned
    assert sheet["track"] == out.name and "track" not in planned


def test_script_text_is_the_same_timeline(built: tuple[Result, Path]) -> None:
    _, out = built
    result = run("script", *SESSION)
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    lines = result.stdout.splitlines()
    chimes = [line for line in lines if " chime " in line]
    spoken = [line for line in lines
              if not line.startswith(("total ", "(dropped")) and line not in chimes]
    assert len(spoken) == len(sheet["cues"])
    # Chimes are on by default: a line where each plays, in time order among the cues.
    assert sheet["sounds"] and len(chimes) == len(sheet["sounds"])
    for line, sound in zip(chimes, sheet["sounds"], strict=True):
        assert line.startswith(_mm_ss(sound["start_ms"])) and line.endswith(f"({sound['kind']})")
    times = [line[:9] for line in lines if line[:1].isdigit()]
    assert times == sorted(times)
    for line, cue in zip(spoken, sheet["cues"], strict=True):
        assert line.startswith(_mm_ss(cue["start_ms"])), (line, cue)
        assert line.endswith(cue["text"]) and f" {cue['kind']} " in line
    walk = [line for line in spoken if "walk 00:00" in line]
    assert len(walk) == 1 and " start " in walk[0]
    assert lines[-1] == f"total {_mm_ss(sheet['duration_ms'])}"


def _mm_ss(ms: int) -> str:
    minutes, millis = divmod(ms, 60_000)
    return f"{minutes:02d}:{millis // 1000:02d}.{millis % 1000:03d}"


def test_minutes_default_to_eight() -> None:
    result = run("script", *[a for a in SESSION if a not in ("--minutes", "1")], "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["walk_minutes"] == 8


def test_script_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("script", *SESSION).exit_code == 0
    assert list(tmp_path.iterdir()) == []


# --- bad input -------------------------------------------------------------------------------

@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty output folder: a failed build must leave it empty."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.mark.parametrize(("args", "option"), [
    (["--minutes", "0"], "--minutes"),
    (["--minutes", "61"], "--minutes"),
    (["--minutes", "abc"], "--minutes"),
    (["--level", "expert"], "--level"),
    (["--setting", "pool"], "--setting"),
    (["--rate", "5"], "--rate"),
    (["--format", "ogg"], "--format"),
    (["--cadence", "fast"], "--cadence"),
    (["--cadence", "1.5"], "--cadence"),
    (["--music", "no-such-music.mp3"], "--music"),
])
def test_build_rejects_bad_options(out_dir: Path, args: list[str], option: str) -> None:
    result = run("build", "--voice", "system", *args, "-o", str(out_dir / "t.mp3"))
    message = _usage_error(result, option)
    assert args[1] in message
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("args", [["--minutes", "0"], ["--level", "expert"], ["--rate", "0.1"],
                                  ["--cadence", "fast"], ["--music", "no-such-music.mp3"]])
def test_script_rejects_bad_options(args: list[str]) -> None:
    _usage_error(run("script", "--voice", "system", *args), args[0])


@pytest.mark.parametrize("value", ["0", "29", "201", "500", "-60"])
def test_a_cadence_out_of_range_is_one_line(out_dir: Path, value: str) -> None:
    for command in (["build", "-o", str(out_dir / "t.mp3")], ["script"]):
        line = _one_error_line(run(*command, "--voice", "system", "--cadence", value))
        # One reader (walkcoach.plan.cadence) for the option, the YAML files and the library:
        # a usage error naming the option, said as the files and make_spec say it.
        assert line == (f"walkcoach: error: Invalid value for '--cadence': must be 30 to 200 "
                        f"steps a minute, or auto, not '{value}' (see walkcoach "
                        f"{command[0]} --help)")
    assert list(out_dir.iterdir()) == []


def test_a_music_folder_is_refused(out_dir: Path, tmp_path: Path) -> None:
    _usage_error(run("build", "--voice", "system", "--music", str(tmp_path),
                     "-o", str(out_dir / "t.mp3")), "--music")
    assert list(out_dir.iterdir()) == []


def test_sound_options_reach_the_session() -> None:
    """--no-chimes, --cadence and a client profile's sound keys, the option winning."""
    sheet = json.loads(run("script", *SESSION, "--no-chimes", "--json").stdout)
    assert sheet["sounds"] == []
    sheet = json.loads(run("script", *SESSION, "--json", "--cadence", "AUTO").stdout)
    assert sheet["sounds"]


def test_a_profiles_sounds_apply_unless_an_option_says(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from walkcoach.build import session as session_module

    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "ann.yaml").write_text("name: Ann\nchimes: false\ncadence: 70\n",
                                                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    seen = []
    real = session_module.make_spec

    def spy(**kwargs: Any) -> Any:
        seen.append({key: kwargs.get(key) for key in ("chimes", "cadence", "music")})
        return real(**kwargs)

    monkeypatch.setattr(session_module, "make_spec", spy)
    assert run("script", *SESSION, "--client", "ann").exit_code == 0
    assert run("script", *SESSION, "--client", "ann", "--chimes", "--cadence", "auto"
               ).exit_code == 0
    assert seen == [{"chimes": False, "cadence": 70, "music": None},
                    {"chimes": True, "cadence": "auto", "music": None}]


def test_unknown_voice_lists_the_valid_ones(out_dir: Path) -> None:
    line = _one_error_line(run("build", "--voice", "nosuchvoice", "-o", str(out_dir / "t.mp3")))
    assert "nosuchvoice" in line
    valid = line.split("valid voices: ", 1)[1].split(", ")
    assert {"auto", "system", "system:gmw/en-us"} <= set(valid)
    assert ("neural:joe" in valid) == neural_available()
    assert list(out_dir.iterdir()) == []


def test_unknown_exercise_names_the_shipped_ones(out_dir: Path) -> None:
    line = _one_error_line(run("build", "--voice", "system", "--exercise", "nosuch",
                               "-o", str(out_dir / "t.mp3")))
    assert "nosuch" in line and "walking-backwards" in line
    assert list(out_dir.iterdir()) == []


def _broken_exercise(folder: Path, old: str, new: str) -> tuple[Path, int]:
    """The shipped exercise with one line broken, saved as broken.yaml: (path, that line)."""
    text = SHIPPED_EXERCISE.read_text(encoding="utf-8")
    text = text.replace("name: walking-backwards", "name: broken", 1)
    assert old in text
    text = text.replace(old, new, 1)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if new in row)
    path = folder / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line


@pytest.mark.parametrize(("old", "new", "key"), [
    ('start: "Now start stepping backwards."', "start: [1, 2]", "start"),
    # Unspeakable lines: they failed at build time (exit 1, no place), or only in a long walk.
    ('"Land on the ball of your foot first, then the heel."', '"..."', "technique.roll[1]"),
    ('"Walk in the middle of the belt."', '"\\u200b"', "settings.treadmill.technique.rails[2]"),
    ("  roll:", "  1:", "technique.1"),
    ("cue_interval_s: 20", "cue_interval_s: 0", "levels.beginner.cue_interval_s"),
    ("cadence: 80", "cadence: 0", "levels.beginner.cadence"),
    ("cadence: 90", "cadence: fast", "levels.intermediate.cadence"),
    ("cadence: 100", "cadence: 99.5", "levels.advanced.cadence"),
    ("title: Walking backwards", "titel: Walking backwards", "titel"),
])
def test_broken_exercise_file_names_file_line_and_key(tmp_path: Path, out_dir: Path, old: str,
                                                      new: str, key: str) -> None:
    path, line_no = _broken_exercise(tmp_path, old, new)
    for command in (["build", "-o", str(out_dir / "t.mp3")], ["script"]):
        line = _one_error_line(run(*command, "--voice", "system", "--exercise", str(path)))
        assert line.startswith(f"walkcoach: error: {path}:{line_no}: {key}: "), line
    assert list(out_dir.iterdir()) == []


def test_minutes_not_a_number(out_dir: Path) -> None:
    """click's FloatRange lets NaN through; the library must still refuse it."""
    line = _one_error_line(run("build", "--voice", "system", "--minutes", "nan",
                               "-o", str(out_dir / "t.mp3")))
    assert "minutes" in line
    assert list(out_dir.iterdir()) == []


def test_unknown_format_from_the_file_name(out_dir: Path) -> None:
    line = _one_error_line(run("build", *SESSION, "-o", str(out_dir / "t.ogg")))
    assert "'ogg'" in line and "mp3" in line
    assert list(out_dir.iterdir()) == []


def test_output_folder_is_a_file(out_dir: Path) -> None:
    blocker = out_dir / "notafolder"
    blocker.write_text("in the way", encoding="utf-8")
    result = run("build", *SESSION, "-o", str(blocker / "t.mp3"))
    line = _one_error_line(result, status=result.exit_code)
    assert result.exit_code in (1, 2)
    assert str(blocker) in line
    assert [p.name for p in out_dir.iterdir()] == ["notafolder"]
    assert blocker.read_text(encoding="utf-8") == "in the way"


def test_a_real_process_prints_one_line_and_no_traceback(out_dir: Path) -> None:
    """The installed entry point, not CliRunner: what a user's terminal shows."""
    result = subprocess.run(
        [sys.executable, "-m", "walkcoach", "build", "--voice", "nosuchvoice", "-o",
         str(out_dir / "t.mp3")], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("walkcoach: error: unknown voice"), lines
    assert list(out_dir.iterdir()) == []


def _fields(result: Result) -> dict[str, Any]:
    return {"exit": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}


def test_same_seed_same_script_other_seed_other_order() -> None:
    first, again = run("script", *SESSION, "--json"), run("script", *SESSION, "--json")
    assert _fields(first) == _fields(again)
    options = [o if o != "3" else "4" for o in SESSION]
    other = json.loads(run("script", *options, "--json").stdout)
    assert [c["text"] for c in other["cues"]] != [c["text"] for c in json.loads(
        first.stdout)["cues"]]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", [["script", *SESSION], ["script", *SESSION, "--json"],
                                     ["exercises"], ["build", *SESSION]])
def test_a_full_stdout_is_one_error_line(command: list[str], out_dir: Path) -> None:
    """`walkcoach ... > /dev/full`: exit 1 with one line on stderr, no traceback (a build's
    track is still whole: only its report could not be printed)."""
    if command[0] == "build":
        command = [*command, "-o", str(out_dir / "t.mp3")]
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = subprocess.run([sys.executable, "-m", "walkcoach", *command], stdout=full,
                                stderr=subprocess.PIPE, text=True, timeout=300, check=False)
    assert result.returncode == 1
    assert result.stderr == ("walkcoach: error: cannot write to standard output: No space "
                             "left on device\n")


# --- usage errors and hostile arguments -------------------------------------------------------

@pytest.mark.parametrize(("args", "help_of"), [
    (["build", "--minutes", "abc", "-o", "t.mp3"], "walkcoach build"),
    (["build", "--voice", "system"], "walkcoach build"),
    (["script", "--nosuch"], "walkcoach script"),
    (["nosuchcommand"], "walkcoach"),
    (["--nosuch"], "walkcoach"),
    (["program"], "walkcoach program"),
    (["build", "--minutes", "8", "--intervals", "6x1:00/1:00", "-o", "t.mp3"],
     "walkcoach build"),
    (["script", "-m", "5", "--intervals", "8x30"], "walkcoach script"),
])
def test_usage_errors_are_one_line(args: list[str], help_of: str) -> None:
    """Not four lines (Usage:, Try ..., a blank line, Error:): one, like every other error."""
    line = _one_error_line(run(*args))
    assert line.endswith(f" (see {help_of} --help)"), line
    assert "Usage:" not in line and "Error:" not in line


def test_usage_error_of_a_real_process() -> None:
    result = subprocess.run([sys.executable, "-m", "walkcoach", "build", "--level", "expert",
                             "-o", "t.mp3"], capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("walkcoach: error: Invalid value for '--level'")


def test_help_and_version_still_print() -> None:
    """The one-line errors leave --help, --version and a bare `walkcoach` alone."""
    assert run("build", "--help").stdout.startswith("Usage: walkcoach build ")
    assert run("--version").exit_code == 0
    bare = run()
    assert "Usage: walkcoach " in bare.stdout + bare.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="argv bytes that are not UTF-8 (POSIX)")
@pytest.mark.parametrize("name", [b"Ma\xffria", b"x" * 61, b"\xf0\x9f\x98\x80", b"Sam\nBob"])
def test_client_name_that_cannot_be_said(out_dir: Path, name: bytes) -> None:
    """Bytes that are not UTF-8 on the command line (surrogate escapes: a crash when encoded
    before), an overlong name, or one with no words: exit 2 before any work."""
    args = [os.fsencode(sys.executable), b"-m", b"walkcoach", b"build", b"--voice", b"system",
            b"--minutes", b"1", b"--client", name, b"-o", os.fsencode(out_dir / "t.mp3")]
    result = subprocess.run(args, capture_output=True, timeout=120, check=False)
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert stderr.count("\n") == 1 and stderr.startswith("walkcoach: error: client name "), stderr
    assert list(out_dir.iterdir()) == []


def test_program_client_name_that_cannot_be_said(out_dir: Path) -> None:
    """A program's --client is checked the same way, before any phrase is made."""
    program = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"
    line = _one_error_line(run("program", str(program), "-o", str(out_dir / "maria"),
                               "--voice", "system", "--client", "\U0001f600"))
    assert line.startswith("walkcoach: error: client name cannot be spoken: ")
    assert list(out_dir.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_device_as_exercise(out_dir: Path) -> None:
    """/dev/zero was read until memory ran out."""
    line = _one_error_line(run("build", *SESSION, "--exercise", "/dev/zero",
                               "-o", str(out_dir / "t.mp3")))
    assert line == "walkcoach: error: /dev/zero: not a regular file (a device)"
    assert list(out_dir.iterdir()) == []


def test_the_hints_a_command_prints_paste_into_a_shell_as_one_word(tmp_path: Path) -> None:
    """A folder with a space in it: `render` and `validate` hints quote the path (issue 22)."""
    import shlex

    folder = tmp_path / "my clients"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["init", "client", "maria", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    hint = result.output.split("`")[1]
    assert shlex.split(hint) == ["walkcoach", "validate", str(folder / "maria.yaml")]
    out = folder / "session one.yaml"
    result = CliRunner().invoke(cli, ["script", "--minutes", "1", "--voice", "system",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    hint = result.output.split("build it with: ")[1].rstrip(")\n")
    assert shlex.split(hint) == ["walkcoach", "render", str(out), "-o", "TRACK.mp3"]


def test_an_empty_coach_is_refused_not_written_as_no_artist(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "--minutes", "1", "--coach", " ",
                                      "-o", str(tmp_path / "t.mp3")])
    assert result.exit_code == 2 and "--coach" in result.output
    assert list(tmp_path.iterdir()) == []
