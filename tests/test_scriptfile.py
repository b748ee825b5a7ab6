"""The editable script: written from a plan, read back, re-timed only as an edit forces, and
rendered with the edit heard and every time cue still on its moment."""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path

import audio_checks as ac
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.build.session import make_spec
from walkcoach.cli import cli
from walkcoach.encode import export
from walkcoach.errors import ContentError
from walkcoach.plan import planner
from walkcoach.plan.model import SessionSpec, Timeline
from walkcoach.script import file as scriptfile

OPTIONS = {"minutes": 3.0, "level": "beginner", "setting": "floor", "seed": 4}


@functools.cache
def _spec() -> SessionSpec:
    return make_spec(minutes=3, level="beginner", setting="floor", seed=4)


def _lengths(texts: object, seed: int = 1) -> dict[str, int]:
    return {text: random.Random(f"{seed}|{text}").randint(400, 2500)
            for text in texts}  # type: ignore[attr-defined]


def _planned() -> tuple[Timeline, dict[str, int]]:
    lengths = _lengths(planner.candidate_phrases(_spec()))
    return planner.plan(_spec(), lengths), lengths


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "session.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_an_unedited_script_lays_out_exactly_as_planned(tmp_path: Path) -> None:
    planned, lengths = _planned()
    script = scriptfile.read(_write(tmp_path, scriptfile.write_text(planned, OPTIONS)))
    assert script.session == OPTIONS
    laid = scriptfile.timeline(script, _spec(), lengths)
    assert [(c.start_ms, c.end_ms, c.text, c.kind, c.phase) for c in laid.cues] == [
        (c.start_ms, c.end_ms, c.text, c.kind, c.phase) for c in planned.cues]
    assert (laid.walk_start_ms, laid.walk_end_ms, laid.duration_ms) == (
        planned.walk_start_ms, planned.walk_end_ms, planned.duration_ms)
    assert laid.blocks == planned.blocks
    assert laid.sounds == planned.sounds and planned.sounds  # the chimes, as planned


def test_a_longer_intro_moves_begin_and_keeps_every_walk_time(tmp_path: Path) -> None:
    planned, lengths = _planned()
    first = planned.cues[0].text
    longer = first + " Take a breath before we start."
    text = scriptfile.write_text(planned, OPTIONS).replace(first, longer, 1)
    lengths[longer] = lengths[first] + 1700
    laid = scriptfile.timeline(scriptfile.read(_write(tmp_path, text)), _spec(), lengths)
    assert laid.walk_start_ms == planned.walk_start_ms + 1700
    walk = [(c.start_ms - planned.walk_start_ms, c.text) for c in planned.cues
            if c.start_ms >= planned.walk_start_ms and c.kind != "outro"]
    again = [(c.start_ms - laid.walk_start_ms, c.text) for c in laid.cues
             if c.start_ms >= laid.walk_start_ms and c.kind != "outro"]
    assert walk == again


def test_added_and_deleted_lines(tmp_path: Path) -> None:
    planned, lengths = _planned()
    technique = next(c for c in planned.cues if c.kind == "technique")
    text = scriptfile.write_text(planned, OPTIONS)
    text, deleted = re.subn(rf"- walk: '[^']*'\n  kind: technique\n  say: '?"
                            rf"{re.escape(technique.text)}'?\n", "", text)
    assert deleted == 1
    walk = sorted((c for c in planned.cues if c.start_ms >= planned.walk_start_ms),
                  key=lambda c: c.start_ms)
    free = next(a.end_ms + 500 for a, b in zip(walk, walk[1:], strict=False)
                if b.start_ms - a.end_ms > 3000) - planned.walk_start_ms
    text += f"- walk: '{scriptfile.clock(free)}'\n  say: A line of my own.\n"
    lengths["A line of my own."] = 900
    laid = scriptfile.timeline(scriptfile.read(_write(tmp_path, text)), _spec(), lengths)
    texts = [c.text for c in laid.cues]
    assert technique.text not in texts
    added = next(c for c in laid.cues if c.text == "A line of my own.")
    assert added.start_ms == laid.walk_start_ms + free and added.kind == "technique"


@pytest.mark.parametrize(("edit", "says"), [
    ("longer", "too long for its gap: said at"),
    ("same time", "two lines at once"),
])
def test_an_edit_that_cannot_fit_is_refused_at_its_line(tmp_path: Path, edit: str,
                                                        says: str) -> None:
    planned, lengths = _planned()
    walk = [c for c in planned.cues if c.phase == "walk"]
    cue, following = walk[1], walk[2]
    text = scriptfile.write_text(planned, OPTIONS)
    if edit == "longer":
        new = cue.text.rstrip(".") + ", and a great deal more than there is time for."
        lengths[new] = following.start_ms - cue.start_ms + 500
        text = text.replace(cue.text, new)
        fragment = new
    else:
        at = scriptfile.clock(cue.start_ms - planned.walk_start_ms)
        later = scriptfile.clock(following.start_ms - planned.walk_start_ms)
        text = text.replace(f"walk: '{later}'", f"walk: '{at}'")
        fragment = cue.text
    path = _write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        scriptfile.timeline(scriptfile.read(path), _spec(), lengths)
    message = str(caught.value)
    index = re.search(r"lines\[(\d+)\]\.say", message)
    assert message.startswith(f"{path}:{_line_of(text, fragment)}: lines[") and index
    assert says in message and "\n" not in message


@pytest.mark.parametrize(("old", "new", "says"), [
    ("walk: '0:00.000'", "walk: 'soon'", "a walk time is m:ss.mmm"),
    ("walk: '3:00.000'\n  kind: stop", "walk: '2:59.000'\n  kind: stop", "stop is said at the"),
    ("- before: intro\n", "- before: intro\n  walk: '0:01.000'\n", "a line has one of before"),
    ("script: 1", "script: 2", "this script is of another kind (version 2) than this "
                               "walkcoach reads (1): write it again"),
    ("chimes", "chymes", "unknown key"),
])
def test_a_broken_script_is_refused_in_one_line(tmp_path: Path, old: str, new: str,
                                                says: str) -> None:
    planned, _ = _planned()
    text = scriptfile.write_text(planned, {**OPTIONS, "chimes": "on"})
    assert old in text, old
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ContentError) as caught:
        scriptfile.read(path)
    assert str(caught.value).startswith(f"{path}:") and says in str(caught.value)


@pytest.mark.parametrize(("where", "count", "says"), [
    ("intro", scriptfile.MAX_BEFORE_LINES + 1, '61 lines before "begin": at most 60'),
    ("outro", scriptfile.MAX_AFTER_LINES + 1, '21 lines after "stop": at most 20'),
])
def test_a_script_that_says_too_many_lines_is_refused_when_read(
        tmp_path: Path, where: str, count: int, says: str) -> None:
    """Read, so validate says it too, before any phrase is spoken (2,000 lines before the
    walk once made a track of 2 h 12 min)."""
    planned, _ = _planned()
    text = scriptfile.write_text(planned, OPTIONS)
    lines = scriptfile.read(_write(tmp_path, text)).lines
    have = sum(1 for line in lines if line.walk_ms is None
               and (line.kind == "outro") == (where == "outro"))
    extra = "".join(f"- {'before' if where == 'intro' else 'after'}: {where}\n"
                    f"  say: Note {i}.\n" for i in range(count - have))
    anchor = "lines:\n"
    text = text.replace(anchor, anchor + extra, 1) if where == "intro" else text + extra
    path = _write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        scriptfile.read(path)
    assert f"lines: {says}" in str(caught.value)
    checked = CliRunner().invoke(cli, ["validate", str(path)])
    assert checked.exit_code == 2 and f"lines: {says}" in checked.output


@pytest.mark.parametrize(("which", "says"), [
    ("before", r'its lines before "begin" take 12:\d\d: at most 10 minutes'),
    ("after", r'its lines after "stop" take 6:\d\d: at most 5 minutes'),
])
def test_a_script_that_talks_too_long_around_the_walk_is_refused(
        tmp_path: Path, which: str, says: str) -> None:
    """Few lines, each long: refused once their spoken lengths are known, before any audio
    is mixed, naming the file and its lines."""
    planned, lengths = _planned()
    path = _write(tmp_path, scriptfile.write_text(planned, OPTIONS))
    script = scriptfile.read(path)
    for line in script.lines:
        outro = line.kind == "outro"
        if line.walk_ms is None and outro == (which == "after"):
            lengths[line.say] = 0
    first = next(line for line in script.lines if line.walk_ms is None
                 and (line.kind == "outro") == (which == "after"))
    lengths[first.say] = (12 if which == "before" else 6) * 60_000
    with pytest.raises(ContentError) as caught:
        scriptfile.timeline(script, _spec(), lengths)
    assert str(caught.value).startswith(f"{path}: lines: ")
    assert re.search(says, str(caught.value))


# --- end to end: written by the CLI, edited, rendered, heard ---------------------------------

EDITED = "Keep your eyes up and your shoulders soft."


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("script")
    path = folder / "session.yaml"
    runner = CliRunner()
    result = runner.invoke(cli, ["script", "--minutes", "2", "--level", "beginner", "--setting",
                                 "floor", "--voice", "neural", "--no-chimes", "-o", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    text = path.read_text(encoding="utf-8")
    original = re.findall(r"kind: technique\n  say: (.+)", text)[1].strip("'\"")
    path.write_text(text.replace(original, EDITED), encoding="utf-8")
    out = folder / "edited.mp3"
    result = runner.invoke(cli, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 0, (result.output, result.exception)
    planned = scriptfile.read(path)
    return {"track": ac.load_track(out), "original": original, "script": planned}


def test_the_edit_is_heard_where_the_script_puts_it(rendered: dict[str, object]) -> None:
    track = rendered["track"]
    assert isinstance(track, ac.Track)
    original = str(rendered["original"])
    cue = next(c for c in track.sheet["cues"] if c["text"] == EDITED)
    others = [c["text"] for c in track.sheet["cues"] if c["kind"] == "technique"]
    choices = {_words(text) for text in [EDITED, original, *others]}
    grammar = "#JSGF V1.0;\ngrammar lines;\npublic <line> = " + " | ".join(
        f"( {words} )" for words in sorted(choices)) + " ;\n"
    audio = export.decode(track.path, 16000)
    span = audio[max(0, (cue["start_ms"] - 100) * 16):(cue["end_ms"] + 300) * 16]
    (heard,) = ac.recognize([span], grammar=grammar)
    assert heard == _words(EDITED), (heard, original)


def test_every_time_cue_stays_on_its_moment(rendered: dict[str, object]) -> None:
    track, script = rendered["track"], rendered["script"]
    assert isinstance(track, ac.Track) and isinstance(script, scriptfile.Script)
    walk_start = track.sheet["walk_start_ms"]
    fixed = {(line.walk_ms, line.say) for line in script.lines if line.kind != "technique"
             and line.walk_ms is not None}
    placed = {(c["start_ms"] - walk_start, c["text"]) for c in track.sheet["cues"]
              if c["kind"] in ("start", "time", "stop")}
    assert fixed == placed
    onsets = np.asarray(ac.onsets_ms(track.samples, track.rate))
    for cue in track.sheet["cues"]:
        assert int(np.min(np.abs(onsets - cue["start_ms"]))) <= 40, cue["text"]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


@pytest.mark.parametrize("edit", ["move a time cue", "delete stop", "a second start"])
def test_the_lines_that_mark_moments_stay_on_them(tmp_path: Path, edit: str) -> None:
    """A time cue may be deleted, never moved; the start and the stop are there once."""
    planned, lengths = _planned()
    text = scriptfile.write_text(planned, OPTIONS)
    if edit == "move a time cue":
        cue = next(c for c in planned.cues if c.kind == "time")
        at = scriptfile.clock(cue.start_ms - planned.walk_start_ms)
        later = scriptfile.clock(cue.start_ms - planned.walk_start_ms + 3000)
        text = text.replace(f"walk: '{at}'\n  kind: time", f"walk: '{later}'\n  kind: time")
        says = "a time line stays on its moment"
    elif edit == "delete stop":
        text, count = re.subn(r"- walk: '[^']*'\n  kind: stop\n  say: [^\n]*\n  fixed: true\n",
                              "", text)
        assert count == 1
        says = "exactly one stop line"
    else:
        text += "- walk: '0:01.000'\n  kind: start\n  say: Go now.\n"
        lengths["Go now."] = 500
        says = "exactly one start line"
    path = _write(tmp_path, text)
    with pytest.raises(ContentError) as caught:
        scriptfile.timeline(scriptfile.read(path), _spec(), lengths)
    assert says in str(caught.value) and str(caught.value).startswith(f"{path}:")


def test_a_recovery_file_is_kept_as_an_absolute_path(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    options = scriptfile.options_of(_spec(), {"recovery": "rec.yaml", "intervals": "2x30/30"})
    assert options["recovery"] == str(tmp_path / "rec.yaml")
    assert scriptfile.options_of(_spec(), {"recovery": "standing-rest",
                                           "intervals": "2x30/30"})["recovery"] == "standing-rest"


# --- the session's exercise: at its own line of the script --------------------------------

@pytest.mark.parametrize(("exercise", "says"), [
    ("walking-backwrds", "the session cannot be made again: unknown exercise "
                         "'walking-backwrds' (available: "),
    ("/no/such/folder/mine.yaml", "the session cannot be made again: no exercise file at "
                                  "/no/such/folder/mine.yaml"),
    ("gone.yaml", "the session cannot be made again: no exercise file at gone.yaml"),
])
@pytest.mark.parametrize("command", ["validate", "render"])
def test_an_exercise_the_session_cannot_find_is_at_its_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exercise: str, says: str,
        command: str) -> None:
    """An edited ``session: {exercise: ...}`` naming no exercise (a misspelt name, a file
    that is not there) is reported at the line of its ``exercise:`` key, with the script's
    path and key session.exercise, by validate and by render alike (before any work)."""
    monkeypatch.chdir(tmp_path)
    planned, _ = _planned()
    text = scriptfile.write_text(planned, {"exercise": "walking-backwards", **OPTIONS})
    text = text.replace("exercise: walking-backwards", f"exercise: {exercise}")
    path = _write(tmp_path, text)
    line = _line_of(text, f"exercise: {exercise}")
    before = sorted(tmp_path.iterdir())
    args = [str(path)] if command == "validate" else [str(path), "-o", "t.mp3"]
    result = CliRunner().invoke(cli, [command, *args], prog_name="walkcoach")
    assert result.exit_code == 2, (result.output, result.exception)
    printed = result.stdout if command == "validate" else result.stderr
    prefix = "" if command == "validate" else "walkcoach: error: "
    assert printed.startswith(f"{prefix}{path}:{line}: session.exercise: {says}"), printed
    assert printed.count("\n") == 1 and printed.endswith(")\n" if "available" in says
                                                            else f"{says}\n")
    assert sorted(tmp_path.iterdir()) == before


def test_every_bad_line_of_a_script_is_reported(tmp_path: Path) -> None:
    """Two lines of the walk after its end, and one that cannot be spoken: all three, each
    at its line (each line of a script is read past a problem in another)."""
    planned, _ = _planned()
    text = scriptfile.write_text(planned, OPTIONS)
    walk = [c for c in planned.cues if c.kind == "technique"]
    first, second, third = walk[0], walk[1], walk[2]
    for cue in (first, second):
        at = scriptfile.clock(cue.start_ms - planned.walk_start_ms)
        text = text.replace(f"walk: '{at}'", "walk: '9:00.000'", 1)
    text = text.replace(third.text, "'...'", 1)
    path = _write(tmp_path, text)
    result = CliRunner().invoke(cli, ["validate", str(path)], prog_name="walkcoach")
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    assert sum("is after the walk's end" in line for line in lines) == 2
    assert sum("cannot be spoken" in line for line in lines) == 1
    assert all(re.match(rf"{re.escape(str(path))}:\d+: lines\[\d+\]\.", line) for line in lines)
