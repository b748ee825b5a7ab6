"""Tools for authors: ``walkcoach validate``, ``walkcoach schema`` and ``walkcoach init``.

Broken files are reported whole (every problem, each at ``file:line: key.path:``) and never
with a traceback; the schemas describe the shipped files; init's files validate and build.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from yaml_edits import edit, line_of

from walkcoach.authoring import KINDS, detect_kind, schema, schema_path
from walkcoach.authoring.schemas import dumps
from walkcoach.authoring.tree import read_tree
from walkcoach.build import session
from walkcoach.cli import cli
from walkcoach.content import (
    TEMPLATES_DIR,
    load_client,
    load_exercise,
    load_lexicon,
    load_program,
    load_template,
)
from walkcoach.errors import ContentError
from walkcoach.plan import planner

SHIPPED = sorted(TEMPLATES_DIR.rglob("*.yaml"))
EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"
PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"
_LOADERS: dict[str, Any] = {"exercise": load_exercise, "program": load_program,
                            "client": load_client, "session": load_template,
                            "lexicon": load_lexicon}
_WHERE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<key>[^ :]+): ")


def run(*args: str) -> Result:
    """The CLI in-process; exceptions are kept in the result, never raised."""
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach", catch_exceptions=True)


def _no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}\n{result.stdout}{result.stderr}")
    assert "Traceback" not in result.stdout + result.stderr


def _places(result: Result) -> list[tuple[int, str]]:
    """The (line, key.path) each reported problem starts with, in the order printed."""
    places = []
    for text in result.stdout.splitlines():
        match = _WHERE.match(text)
        assert match, f"not file:line: key: message: {text!r}"
        places.append((int(match["line"]), match["key"]))
    return places


# --- the shipped files and the schemas ------------------------------------------------------

def test_every_shipped_file_validates() -> None:
    result = run("validate", *map(str, SHIPPED))
    _no_traceback(result)
    assert result.exit_code == 0, result.stdout
    kinds = {"exercises": "exercise", "programs": "program", "session": "session template",
             "lexicon": "lexicon"}
    assert result.stdout.splitlines() == [
        f"{path}: ok ({kinds.get(path.parent.name) or kinds[path.stem]})" for path in SHIPPED]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_passes_its_schema(path: Path) -> None:
    tree = read_tree(path)
    kind = detect_kind(tree.data)
    assert kind is not None
    errors = list(Draft202012Validator(schema(kind)).iter_errors(tree.data))
    assert not errors, [error.message for error in errors]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_prints_a_valid_draft_2020_12_schema(kind: str) -> None:
    result = run("schema", kind)
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    Draft202012Validator.check_schema(printed)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert printed == json.loads(schema_path(kind).read_text(encoding="utf-8"))
    # The shipped file is made from the model's constants: regenerate it after a change with
    # `python -c "from walkcoach.authoring.schemas import write_all; write_all()"`.
    assert schema_path(kind).read_text(encoding="utf-8") == dumps(kind)


def test_the_schemas_refuse_unknown_keys_where_the_readers_do() -> None:
    program = schema("program")
    assert program["additionalProperties"] is False
    assert program["$defs"]["week"]["additionalProperties"] is False
    assert set(program["properties"]) >= {"chimes", "cadence", "music"}
    assert set(program["properties"]["client"]["properties"]) >= {"chimes", "cadence", "music"}
    level = schema("exercise")["properties"]["levels"]["additionalProperties"]
    assert level["properties"]["cadence"]["maximum"] == 200
    assert level["additionalProperties"] is False


_WEEK = {"week": 1, "level": "beginner", "setting": "floor", "focus": "Walk."}
# (kind, a shipped file or a small file's values, the mapping given an unknown key, where
# that mapping is described in the kind's schema)
KEYS = [
    ("exercise", EXERCISE, (), ()),
    # settings and levels take any names (tests/test_exercise_names.py): their sections' keys
    ("exercise", EXERCISE, ("settings", "floor"), ("properties", "settings",
                                                   "additionalProperties")),
    ("exercise", EXERCISE, ("levels", "beginner"), ("properties", "levels",
                                                    "additionalProperties")),
    ("program", PROGRAM, (), ()),
    ("program", PROGRAM, ("defaults",), ("properties", "defaults")),
    ("program", PROGRAM, ("weeks", 0), ("$defs", "week")),
    ("program", PROGRAM, ("client",), ("properties", "client")),
    ("program", {"weeks": [_WEEK | {"blocks": [{"minutes": 2}]}]},
     ("weeks", 0, "blocks", 0), ("$defs", "block")),
    ("program", {"weeks": [_WEEK | {"blocks": [{"rounds": 2, "blocks": [{"minutes": 2}]}]}]},
     ("weeks", 0, "blocks", 0), ("$defs", "repeat")),
    ("client", {"name": "Maria"}, (), ()),
    ("session", TEMPLATES_DIR / "session.yaml", (), ()),
    ("session", TEMPLATES_DIR / "session.yaml", ("time",), ("properties", "time")),
    ("session", TEMPLATES_DIR / "session.yaml", ("blocks",), ("properties", "blocks")),
    ("session", TEMPLATES_DIR / "session.yaml", ("pauses_ms",), ("properties", "pauses_ms")),
    ("lexicon", TEMPLATES_DIR / "lexicon.yaml", (), ()),
]


@pytest.mark.parametrize(("kind", "base", "where", "described"), KEYS)
def test_the_schemas_know_the_keys_the_readers_know(
        tmp_path: Path, kind: str, base: Path | dict[str, object],
        where: tuple[str | int, ...], described: tuple[str, ...]) -> None:
    """Each reader, given an unknown key, lists the keys it knows: the schema's are those."""
    if isinstance(base, Path):
        data = read_tree(base).data
        name = base.name
    else:
        data = read_tree(PROGRAM).data | base if kind == "program" else dict(base)
        name = "maria.yaml" if kind == "client" else "plan.yaml"
    if where == ("client",):
        data["client"] = {"name": "Maria"}
    mapping: Any = data
    for step in where:
        mapping = mapping[step]
    mapping["zzz"] = 1
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    with pytest.raises(ContentError) as info:
        _LOADERS[kind](path)
    listed = re.fullmatch(r"unknown key \(expected one of: (.*)\)", info.value.message)
    assert listed, info.value.message
    described_schema: Any = schema(kind)
    for step in described:
        described_schema = described_schema[step]
    assert set(listed[1].split(", ")) == set(described_schema["properties"])


def test_an_unknown_schema_kind_is_one_line() -> None:
    result = run("schema", "exersice")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "did you mean 'exercise'?" in result.stderr


# --- broken files: every problem, at its line and key ----------------------------------------

def _exercise(*edits: tuple[str, str]) -> str:
    text = EXERCISE.read_text(encoding="utf-8")
    for old, new in edits:
        text = edit(text, old, new)
    return text


_EX = EXERCISE.read_text(encoding="utf-8")

CLIENT_FOUR = """\
name: Maria
levle: beginner
setting: flor
cadence: 500
chimes: maybe
"""
PROGRAM_FOUR = """\
program: Test
exercise: walking-backwrds
weeks:
  - week: 1
    level: advnced
    setting: floor
    focus: Walk.
    minutes: 5
    intervals: 3x1:00/1:00
"""
PROGRAM_BLOCKS = """\
program: Test
coach: Me
exercise: walking-backwards
weeks:
  - week: 1
    level: beginner
    setting: floor
    focus: Walk.
    warmup: 2
    blocks:
      - {exercise: standing-rest, minutes: 2, time: 30}
      - rounds: 0
        blocks:
          - {time: "1:30"}
      - {exercise: walking-forward}
"""

# (file name, its text, the (line, key) of every problem, a fragment of each message)
BROKEN = [
    # A profile's level and setting are the exercise's it is used with: checked then.
    ("maria.yaml", CLIENT_FOUR,
     [(2, "levle"), (4, "cadence"), (5, "chimes")],
     ["did you mean 'level'?", "between 30 and 200, not 500",
      "must be true or false, not text"]),
    # An unknown exercise has no levels to check the week's against.
    ("plan.yaml", PROGRAM_FOUR,
     [(1, "coach"), (2, "exercise"), (9, "weeks[0].intervals")],
     ["missing required key", "did you mean 'walking-backwards'?",
      "cannot go with 'minutes'"]),
    ("plan.yaml", PROGRAM_FOUR.replace("walking-backwrds", "walking-backwards"),
     [(1, "coach"), (5, "weeks[0].level"), (9, "weeks[0].intervals")],
     ["missing required key", "did you mean 'advanced'?", "cannot go with 'minutes'"]),
    ("plan.yaml", PROGRAM_BLOCKS,
     [(9, "weeks[0].warmup"), (11, "weeks[0].blocks[0].time"),
      (12, "weeks[0].blocks[1].rounds"), (15, "weeks[0].blocks[2]")],
     ["cannot go with 'blocks'", "cannot go with 'minutes'", "between 1 and 50, not 0",
      "missing required key: minutes or time"]),
    ("walking-backwards.yaml", _exercise(("\nlevels:", "\nlevles:")),
     [(14, "levels"), (line_of(_EX, "\nlevels:".strip()), "levles")],
     ["missing required key", "unknown key (did you mean 'levels'?)"]),
    ("walking-backwards.yaml", _exercise(
        ("role: work", "role: worker"), ("  beginner:\n    cue", "  Beginner:\n    cue"),
        ("    speed_mph: 1.0", "    speed_mph: fast"),
        ("    cue_interval_s: 40", "    cue_interval_s: 700"),
        ('"Land on the ball of your foot first, then the heel."', '"..."')),
     [(17, "role"), (line_of(_EX, '"Land on the ball of your foot first, then the heel."'),
       "technique.roll[1]"),
      # a missing key is reported where its mapping starts, as the readers do
      # levels are named by the file: a name must be lowercase, at its own line
      (line_of(_EX, "  beginner:"), "levels.Beginner"),
      (line_of(_EX, "speed_mph: 1.0"), "levels.intermediate.speed_mph"),
      (line_of(_EX, "cue_interval_s: 40"), "levels.advanced.cue_interval_s")],
     ["did you mean 'work'?", "cannot be spoken", "cannot read 'Beginner'",
      "must be a number, not text", "between 5 and 600, not 700"]),
    # What only the reader can tell: one problem each.
    ("walking-backwards.yaml", _exercise(("name: walking-backwards", "name: walking-back")),
     [(14, "name")], ["must match the file name"]),
    ("walking-backwards.yaml", _exercise(('"Stand up tall, with your spine long and neutral."',
                                          '"Stand tall, {clint}."')),
     [(line_of(_EX, "Stand up tall, with your spine"), "setup[0]")], ["unknown placeholder"]),
    ("maria.yaml", "name: Maria\nmusic: gone.mp3\n", [(2, "music")], ["no music file at"]),
    ("maria.yaml", "name: Maria\nspoken_notes:\n  - Hi.\n  - '!!!'\nnotes:\n",
     [(4, "spoken_notes[1]")], ["cannot be spoken"]),
    ("maria.yaml", "name: Maria\nname: Marie\n", [(2, "name")], ["duplicate key 'name'"]),
    ("plan.yaml", "program: P\ncoach: C\nexercise: walking-backwards\nweeks:\n  - week: 1\n"
     "    level: beginner\n    setting: floor\n    focus:\n    minutes: 5\n",
     [(8, "weeks[0].focus")], ["missing required key 'focus'"]),
]


@pytest.mark.parametrize(("name", "text", "places", "messages"), BROKEN)
def test_every_problem_of_a_broken_file_is_reported_at_its_line_and_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str,
        places: list[tuple[int, str]], messages: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = run("validate", name)
    _no_traceback(result)
    assert result.exit_code == 2
    assert sorted(_places(result)) == sorted(places), result.stdout
    assert all(text.startswith(f"{name}:") for text in result.stdout.splitlines())
    for (line, key), message in zip(sorted(places), messages, strict=True):
        printed = next(text for text in result.stdout.splitlines()
                       if text.startswith(f"{name}:{line}: {key}: "))
        assert message in printed, printed
    assert sorted(tmp_path.iterdir()) == before  # validate writes nothing


# (what it is, its bytes, what the one line says, its line or None)
UNREADABLE = [
    ("not YAML", b"name: [Maria\n", "not valid YAML", 2),
    ("empty", b"", "must hold a mapping", 1),
    ("a list", b"- name: Maria\n", "must hold a mapping", 1),
    ("binary", b"\x00\xff\xfe\x01" * 8, "not UTF-8", 1),
    ("latin-1", "name: Mar\u00eda\n".encode("latin-1"), "not UTF-8", 1),
    ("no kind", b"colour: blue\n", "cannot tell what kind of file this is", 1),
    ("an alias bomb", b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n".encode()
        for p, n in zip("abcde", "bcdef", strict=True)) + b"words: {x: y}\n",
     "more than 100,000 values", None),
]


@pytest.mark.parametrize(("what", "data", "message", "line"), UNREADABLE,
                         ids=[case[0] for case in UNREADABLE])
def test_a_file_that_cannot_be_read_is_one_line(tmp_path: Path, what: str, data: bytes,
                                                message: str, line: int | None) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(data)
    result = run("validate", str(path))
    _no_traceback(result)
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 1, result.stdout
    assert message in result.stdout
    if line is not None:
        assert result.stdout.startswith(f"{path}:{line}: ")


def test_folders_missing_files_and_a_bom_together(tmp_path: Path) -> None:
    bom = tmp_path / "maria.yaml"
    bom.write_bytes(b"\xef\xbb\xbfname: Maria\n")
    result = run("validate", str(tmp_path), str(tmp_path / "gone.yaml"), str(bom))
    _no_traceback(result)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        f"{tmp_path}: not a regular file (a folder)", f"{tmp_path / 'gone.yaml'}: file not found",
        f"{bom}: ok (client profile)"]


def test_music_that_is_not_audio(tmp_path: Path) -> None:
    (tmp_path / "calm.mp3").write_text("not music at all\n", encoding="utf-8")
    (tmp_path / "maria.yaml").write_text("name: Maria\nmusic: calm.mp3\n", encoding="utf-8")
    result = run("validate", str(tmp_path / "maria.yaml"))
    _no_traceback(result)
    assert result.exit_code == 2
    assert _places(result) == [(2, "music")]


# --- init ------------------------------------------------------------------------------------

def _plan(spec: session.SessionSpec) -> int:
    """Plan the session as a build does, with a made-up length for every phrase: the
    number of cues placed (no voice, no audio)."""
    durations = {text: 300 + 70 * len(text) for text in planner.candidate_phrases(spec)}
    return len(planner.plan(spec, durations).cues)


@pytest.mark.parametrize("kind", ["exercise", "program", "client"])
def test_init_writes_a_file_that_validates_loads_and_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", kind, "heel-walk")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "heel-walk.yaml"
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={schema_path(kind).resolve().as_uri()}"
    assert schema_path(kind).is_file()
    checked = run("validate", "heel-walk.yaml")
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout.startswith("heel-walk.yaml: ok (")
    if kind == "exercise":
        exercise = load_exercise(path)
        assert exercise.name == "heel-walk"
        for level in ("beginner", "intermediate", "advanced"):
            for setting in ("floor", "treadmill"):
                assert _plan(session.make_spec(exercise=exercise, level=level,
                                               setting=setting, minutes=5)) > 10
        assert _plan(session.make_spec(exercise=exercise, intervals="3x1:00/1:00")) > 10
    elif kind == "program":
        program = load_program(path)
        assert [week.week for week in program.weeks] == [1, 2]
        for week in program.weeks:
            assert _plan(session.make_spec(
                exercise=program.exercise, level=week.level, setting=week.setting,
                minutes=week.minutes, focus=week.focus, extra_cues=week.cues,
                speed_mph=week.speed_mph, blocks=week.blocks)) > 10
    else:
        client = load_client(path)
        assert client.name == "Heel Walk"
        assert _plan(session.make_spec(client=client, minutes=5)) > 10


def test_init_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("maria.yaml").write_text("mine\n", encoding="utf-8")
    result = run("init", "client", "maria")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "already exists" in result.stderr
    assert Path("maria.yaml").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("name", ["../x", "a b", "con", "", ".hidden", "walk.yaml", "x" * 60,
                                  "María", "a--b", "a-"])
def test_init_refuses_a_name_that_is_no_safe_file_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init", "program", name)
    _no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot be a file name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_output_paths(tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    assert run("init", "client", "maria", "-o", str(folder)).exit_code == 0
    assert (folder / "maria.yaml").is_file()
    assert run("init", "program", "plan", "-o", str(tmp_path / "my-plan.yaml")).exit_code == 0
    assert run("validate", str(tmp_path / "my-plan.yaml")).exit_code == 0
    for args, message in ((("exercise", "walk", "-o", str(tmp_path / "other.yaml")),
                           "named after it"),
                          (("client", "bo", "-o", str(tmp_path / "no" / "bo.yaml")),
                           "no folder"),
                          (("client", "bo", "-o", str(tmp_path / "bo.txt")), ".yaml"),
                          (("clinet", "bo"), "did you mean 'client'?")):
        result = run("init", *args)
        assert result.exit_code == 2, args
        assert message in result.stderr and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clients", "my-plan.yaml"]


# --- random mutations never cause a traceback -------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*-?\s*)([A-Za-z_][\w-]*)(:)(.*)$")
_VALUES = ["[]", "{}", "true", "12345", "-1.5", "~", '""', "'text'", "[1, [2]]", "{a: 1}",
           "2024-01-01", "!!binary AAAA", "*nowhere", "1:30", "0x1F", ".nan", "|\n  block"]


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(SHIPPED))
    lines = path.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
        index = draw(st.sampled_from(keyed))
        match = _KEY_LINE.match(lines[index])
        assert match
        indent, key, colon, _rest = match.groups()
        how = draw(st.sampled_from(["delete", "retype", "misspell", "duplicate"]))
        if how == "delete":
            del lines[index]
        elif how == "retype":
            lines[index] = f"{indent}{key}{colon} {draw(st.sampled_from(_VALUES))}"
        elif how == "misspell" and len(key) > 2:
            at = draw(st.integers(0, len(key) - 2))
            lines[index] = lines[index].replace(key, key[:at] + key[at + 1] + key[at] +
                                                key[at + 2:], 1)
        else:
            lines.insert(index + 1, lines[index])
    return path.name, "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_mutations_of_the_shipped_files_never_cause_a_traceback(case: tuple[str, str]) -> None:
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        result = run("validate", str(path))
    _no_traceback(result)
    assert result.exit_code in (0, 2)
    assert result.stderr == ""
    for line in result.stdout.splitlines():
        assert line.startswith((str(path), str(TEMPLATES_DIR))), line


def test_a_session_script_is_validated_as_render_reads_it(tmp_path: Path) -> None:
    """A script written by `walkcoach script -o` is told apart (not taken for a client
    profile) and checked as `render` reads it: fine as written, refused where broken."""
    from walkcoach.script import file as scriptfile

    spec = session.make_spec(minutes=2, setting="floor")
    planned = planner.plan(spec, dict.fromkeys(planner.candidate_phrases(spec), 900))
    text = scriptfile.write_text(planned, {"minutes": 2.0, "setting": "floor"})
    path = tmp_path / "session.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 0 and result.stdout == f"{path}: ok (session script)\n"
    path.write_text(text.replace("walk: '2:00.000'", "walk: '2:30.000'"), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"{path}:") and "after the walk's end" in result.stdout
    # What render refuses without speaking, validate refuses too: a time cue moved off its
    # moment.
    time_at = re.search(r"walk: '([0-9:.]+)'\n  kind: time", text)
    assert time_at
    moved = text.replace(f"walk: '{time_at[1]}'\n  kind: time",
                         f"walk: '{time_at[1][:-3]}500'\n  kind: time")
    path.write_text(moved, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 2 and "a time line stays on its moment" in result.stdout


def test_init_into_a_folder_that_is_not_there_says_so(tmp_path: Path) -> None:
    result = run("init", "client", "maria", "-o", f"{tmp_path / 'clients'}/")
    assert result.exit_code == 2 and not (tmp_path / "clients").exists()
    assert f"{tmp_path / 'clients'}: no such folder to write maria.yaml in" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_music_that_is_a_pipe_is_not_a_regular_file(tmp_path: Path) -> None:
    """A FIFO (or a device) named as the music is said to be what it is, not missing; and
    nothing tries to read it (which would wait forever)."""
    os.mkfifo(tmp_path / "calm.mp3")
    path = tmp_path / "maria.yaml"
    path.write_text("name: Maria\nmusic: calm.mp3\n", encoding="utf-8")
    expected = (f"{path}:2: music: {tmp_path / 'calm.mp3'} is not a regular file (a pipe), so "
                "not a music file")
    with pytest.raises(ContentError) as info:
        load_client(path)
    assert str(info.value) == expected
    result = run("validate", str(path))
    _no_traceback(result)
    assert result.exit_code == 2 and result.stdout == f"{expected}\n"
    device = Path("/dev/null")
    if device.exists():
        path.write_text(f"name: Maria\nmusic: {device}\n", encoding="utf-8")
        assert "/dev/null is not a regular file (a device)" in run("validate",
                                                                    str(path)).stdout


@pytest.mark.parametrize("name", ["CON", "nul.yaml", "com1", "My Exercise", "Ünï code",
                                  "a" * 60, "lpt9.yml", "x--y", "-con"])
@pytest.mark.parametrize("kind", ["exercise", "program", "client"])
def test_the_name_init_suggests_is_one_it_takes(tmp_path: Path, name: str, kind: str) -> None:
    """`init exercise CON` suggested "-con", which the command line reads as an option
    (issue 22): every suggestion is a name init takes, and none starts with a hyphen."""
    import re as _re

    from walkcoach.authoring import init_file
    from walkcoach.authoring.init import name_problem

    problem = name_problem(name)
    assert problem is not None
    suggested = _re.search(r"such as (\S+)$", problem)
    assert suggested, problem
    assert name_problem(suggested[1]) is None
    assert init_file(kind, suggested[1], str(tmp_path)).is_file()
