"""Tests for weekly programs: the loader's errors, and batches built with the real engine."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from yaml_edits import edit, line_of, load_error

from walkcoach.audio.pcm import SAMPLE_RATE
from walkcoach.build.program import LOCK, MANIFEST, ProgramResult, build_program, track_name
from walkcoach.cli import cli
from walkcoach.content import TEMPLATES_DIR, load_client, load_program
from walkcoach.encode import export
from walkcoach.errors import ContentError, ExportError, InputError, RuntimeFailure
from walkcoach.voice import neural_available

PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"
STEM = PROGRAM.stem
# The shipped weeks cut short, to keep tests quick: no warm-up or cool-down, shorter
# rounds, walks of 1, 1.5 and 2 minutes in all (a trailing recovery is the cool-down).
SHORT = {"    intervals: 6x1:00/1:00": "    intervals: 2x0:15/0:15",  # 1 minute
         "    intervals: 4x2:00/1:00": "    intervals: 2x0:30/0:15",  # 1.5 minutes
         "    intervals: 3x3:00/1:00": "    intervals: 3x0:20/0:20",  # 2 minutes
         "    intervals: 2x5:00/1:00": "    intervals: 2x0:30/0:30",  # 2 minutes
         "    minutes: 10": "    minutes: 2"}


def _error(path: Path, text: str) -> ContentError:
    return load_error(load_program, path, text)


def _assert_where(error: ContentError, path: Path, line: int, key: str) -> None:
    message = str(error)
    assert message.startswith(f"{path}:{line}: "), message
    assert error.path == path and error.line == line and error.key == key
    assert key in message and "\n" not in message


def _short_text() -> str:
    text = PROGRAM.read_text(encoding="utf-8")
    text, dropped = re.subn(r"\n  (warmup|cooldown): .*", "", text)
    assert dropped == 2
    for old, new in SHORT.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def _build(program_path: Path, out: Path, **options: Any) -> ProgramResult:
    options.setdefault("voice", "system")
    options.setdefault("jobs", 2)
    return build_program(load_program(program_path), out, **options)


def _names(result: ProgramResult) -> list[str]:
    return [track.path.name for track in result.tracks]


def _manifest(out: Path) -> dict[str, Any]:
    tracks: dict[str, Any] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["tracks"]
    return tracks


def _leftovers(out: Path) -> list[str]:
    """Temporary files an interrupted write could leave: none may remain (the folder's lock
    file stays, empty)."""
    return [name for name in os.listdir(out) if name.endswith(".part")
            or name.startswith(".") and name != LOCK]


def _playlist(out: Path) -> list[tuple[int, str, str]]:
    """(seconds, title, file) for each entry of the program's playlist."""
    lines = (out / f"{STEM}.m3u").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    entries = []
    for index, line in enumerate(lines):
        if line.startswith("#EXTINF:"):
            seconds, title = line[len("#EXTINF:"):].split(",", 1)
            entries.append((int(seconds), title, lines[index + 1]))
    return entries


# --- the loader -----------------------------------------------------------------------------

def test_shipped_program_loads() -> None:
    """The default program: six weeks in order, the defaults applied, no client; each
    week's minutes are all its parts (tests/test_blocks_content.py checks the parts)."""
    program = load_program(PROGRAM)
    assert program.name == "Walking backwards: six weeks" and program.exercise.name == \
        "walking-backwards"
    assert [w.week for w in program.weeks] == [1, 2, 3, 4, 5, 6]
    assert [w.minutes for w in program.weeks] == [15, 15, 15, 15, 14, 14]
    assert {w.setting for w in program.weeks} == {"treadmill"}
    assert program.weeks[0].cues == ("Slow is exactly right this week.",
                                     "Just the roll. Ball, then heel.")
    assert program.weeks[4].incline_percent == 2 and program.client is None
    text = PROGRAM.read_text(encoding="utf-8")
    assert program.weeks[2].source.line == line_of(text, "- week: 3")
    assert [len(w.blocks) for w in program.weeks] == [13, 9, 7, 5, 3, 3]


def test_short_copy_is_what_the_tests_build(tmp_path: Path) -> None:
    """The short copy the batch tests build: rounds in weeks 1-4, continuous walks in 5-6,
    1 to 2 minutes each."""
    path = tmp_path / "short.yaml"
    path.write_text(_short_text(), encoding="utf-8")
    program = load_program(path)
    assert [w.minutes for w in program.weeks] == [1, 1.5, 2, 2, 2, 2]
    assert [len(w.blocks) for w in program.weeks] == [4, 4, 6, 4, 0, 0]


@pytest.mark.parametrize(("old", "new", "at", "key", "words"), [
    ("    focus: \"This week, two long", "    focux: \"This week, two long", "focux:",
     "weeks[3].focux", "unknown key"),
    ("  - week: 2\n    level: beginner\n    intervals: 4x2:00/1:00\n",
     "  - week: 2\n    level: beginner\n", "- week: 2", "weeks[1].minutes",
     "missing required key 'minutes' (or intervals, or blocks"),
    ("minutes: 10\n    speed_mph: 1.2\n    incline_percent: 2",
     "minutes: 0\n    speed_mph: 1.2\n    incline_percent: 2", "minutes: 0", "weeks[4].minutes",
     "between 1 and 60"),
    ("minutes: 10\n    speed_mph: 1.2\n    incline_percent: 3",
     "minutes: 61\n    speed_mph: 1.2\n    incline_percent: 3", "minutes: 61",
     "weeks[5].minutes", "between 1 and 60"),
    ("week: 4", "week: 3", "- week: 3\n    level: intermediate\n    intervals: 2x5:00",
     "weeks[3].week", "week 3 is already at line"),
    ("- week: 3", "- week: 7", "- week: 4", "weeks[3].week",
     "must be in order: week 4 comes after week 7"),
    ("level: advanced\n    minutes: 10\n    speed_mph: 1.2\n    incline_percent: 2",
     "level: expert\n    minutes: 10\n    speed_mph: 1.2\n    incline_percent: 2",
     "level: expert", "weeks[4].level", "must be one of beginner"),
    ("intervals: 3x3:00/1:00\n    speed_mph: 1.0", "intervals: 3x3:00/1:00\n    speed_mph: 20",
     "speed_mph: 20", "weeks[2].speed_mph", "between 0.1"),
    ("incline_percent: 3\n", "incline_percent: 31\n", "incline_percent: 31",
     "weeks[5].incline_percent", "between 0 and 30"),
    ("    intervals: 6x1:00/1:00", "    intervals: 6x1:00/0:05", "6x1:00/0:05",
     "weeks[0].intervals", "a part lasts 10 seconds to 60 minutes, not '0:05'"),
    ("intervals: 4x2:00/1:00", "intervals: 51x2:00/1:00", "intervals: 51x",
     "weeks[1].intervals", "rounds must be between 1 and 50, not 51"),
    ("  warmup: 2", "  warmup: 0", "warmup: 0", "defaults.warmup",
     "a part lasts 10 seconds to 60 minutes, not '0'"),
    ("  cooldown: 2", "  recovery: jogging\n  cooldown: 2", "recovery: jogging",
     "defaults.recovery", "unknown exercise 'jogging' (available: standing-rest, "
     "walking-backwards, walking-forward)"),
    ("    intervals: 2x5:00/1:00\n", "    intervals: 2x5:00/1:00\n    minutes: 10\n",
     "minutes: 10\n    speed_mph: 1.0", "weeks[3].minutes",
     "a week has one of minutes, intervals or blocks, not both intervals and minutes"),
    ("  setting: treadmill", "  setting: track", "setting: track", "defaults.setting",
     "must be one of floor, treadmill"),
    ("sessions_per_week: 3", "sessions_per_wk: 3", "sessions_per_wk", "sessions_per_wk",
     "unknown key"),
    ("exercise: walking-backwards", "exercise: walking-sideways", "exercise: walking-s",
     "exercise", "unknown exercise 'walking-sideways'"),
])
def test_broken_program_names_file_line_and_key(tmp_path: Path, old: str, new: str, at: str,
                                                key: str, words: str) -> None:
    """Unknown keys, missing fields and impossible values each name file, line and key."""
    path = tmp_path / "mine.yaml"
    text = edit(PROGRAM.read_text(encoding="utf-8"), old, new)
    error = _error(path, text)
    assert text.count(at) == 1, at
    _assert_where(error, path, text[:text.index(at)].count("\n") + 1, key)
    assert words in str(error)


def test_missing_setting_without_defaults(tmp_path: Path) -> None:
    """With no default setting, a week without one is an error at that week."""
    text = edit(PROGRAM.read_text(encoding="utf-8"), "  setting: treadmill\n", "")
    error = _error(tmp_path / "mine.yaml", text)
    _assert_where(error, tmp_path / "mine.yaml", line_of(text, "week: 1"), "weeks[0].setting")


def test_client_section_and_relative_exercise(tmp_path: Path) -> None:
    """A client section is read; an exercise file is found beside the program."""
    shutil.copy(TEMPLATES_DIR / "exercises" / "walking-backwards.yaml", tmp_path)
    text = edit(PROGRAM.read_text(encoding="utf-8"), "exercise: walking-backwards",
                 "exercise: walking-backwards.yaml")
    text += "client:\n  name: Maria\n  level: beginner\n  notes: Left knee.\n"
    (tmp_path / "mine.yaml").write_text(text, encoding="utf-8")
    program = load_program(tmp_path / "mine.yaml")
    assert program.exercise.source.path == tmp_path / "walking-backwards.yaml"
    assert program.client is not None and program.client.name == "Maria"
    assert program.client.level == "beginner" and program.client.setting is None


def test_client_unknown_key_and_missing_exercise_file(tmp_path: Path) -> None:
    """A typo in the client section, and an exercise file that is not there, say where."""
    path = tmp_path / "mine.yaml"
    text = PROGRAM.read_text(encoding="utf-8") + "client:\n  name: Maria\n  levle: beginner\n"
    _assert_where(_error(path, text), path, line_of(text, "levle"), "client.levle")
    text = edit(PROGRAM.read_text(encoding="utf-8"), "exercise: walking-backwards",
                 "exercise: exercises/mine.yaml")
    error = _error(path, text)
    _assert_where(error, path, line_of(text, "exercise: exercises/"), "exercise")
    assert str(tmp_path / "exercises" / "mine.yaml") in str(error)


@pytest.mark.parametrize(("week", "level", "minutes", "fmt", "name"), [
    (1, "beginner", 5, "mp3", "week-01-beginner-05min.mp3"),
    (3, "intermediate", 10, "m4a", "week-03-intermediate-10min.m4a"),
    (2, "beginner", 7.5, "mp3", "week-02-beginner-07.5min.mp3"),
    (12, "advanced", 7.25, "wav", "week-12-advanced-07.25min.wav"),
    (9, "advanced", 60, "mp3", "week-09-advanced-60min.mp3"),
])
def test_track_names(week: int, level: str, minutes: float, fmt: str, name: str) -> None:
    """Tidy names that sort in week order."""
    assert track_name(week, level, minutes, fmt) == name


# --- the shipped program, built end to end --------------------------------------------------

@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ProgramResult]:
    """The default program as shipped, built once with the real system voice."""
    out = tmp_path_factory.mktemp("shipped")
    return out, _build(PROGRAM, out)


@pytest.mark.e2e
def test_default_program_builds_every_week(shipped: tuple[Path, ProgramResult]) -> None:
    """Six tracks with tidy names (each week's minutes in all), cue sheets, captions, a
    manifest and a playlist."""
    out, result = shipped
    assert _names(result) == [
        "week-01-beginner-15min.mp3", "week-02-beginner-15min.mp3",
        "week-03-intermediate-15min.mp3", "week-04-intermediate-15min.mp3",
        "week-05-advanced-14min.mp3", "week-06-advanced-14min.mp3"]
    assert len(result.built) == 6 and not result.skipped and not result.failed
    expected = {MANIFEST, LOCK, f"{STEM}.m3u"} | {
        track.path.with_suffix(suffix).name for track in result.tracks
        for suffix in (".mp3", ".json", ".vtt", ".txt")}
    assert set(os.listdir(out)) == expected
    assert sorted(_manifest(out)) == _names(result)


@pytest.mark.e2e
def test_default_program_durations_are_real(shipped: tuple[Path, ProgramResult]) -> None:
    """Each decoded track lasts what its cue sheet says (within 50 ms), the week's focus
    is spoken in its intro, and the sheet's parts are the week's, end to end, every one at
    the week's treadmill speed (the belt never changes speed at a change of part)."""
    out, result = shipped
    program = load_program(PROGRAM)
    for track, week in zip(result.tracks, program.weeks, strict=True):
        sheet = json.loads(track.path.with_suffix(".json").read_text(encoding="utf-8"))
        decoded_ms = export.decode(track.path).size * 1000 / SAMPLE_RATE
        assert abs(decoded_ms - sheet["duration_ms"]) <= 50, track.path.name
        assert track.duration_ms == sheet["duration_ms"]
        assert sheet["walk_end_ms"] - sheet["walk_start_ms"] == week.minutes * 60_000
        intro = [cue["text"] for cue in sheet["cues"] if cue["phase"] == "intro"]
        assert week.focus in intro
        parts = sheet["blocks"]
        assert [(b["kind"], b["exercise"], b["end_ms"] - b["start_ms"]) for b in parts] == [
            (b.kind, b.exercise.name, b.duration_ms) for b in week.blocks]
        assert parts[0]["start_ms"] == sheet["walk_start_ms"]
        assert parts[-1]["end_ms"] == sheet["walk_end_ms"]
        assert all(a["end_ms"] == b["start_ms"] for a, b in zip(parts, parts[1:], strict=False))
        assert {b["speed_mph"] for b in parts} == {week.speed_mph}
        assert {b["incline_percent"] for b in parts} == {week.incline_percent}


@pytest.mark.e2e
def test_default_program_tags(shipped: tuple[Path, ProgramResult]) -> None:
    """Each track's tags: TRCK is the week of six, the title names the week, the album the
    program, the artist the coach; chapters match the cue sheet."""
    import mutagen.mp3

    _, result = shipped
    program = load_program(PROGRAM)
    for track in result.tracks:
        tags = mutagen.mp3.MP3(track.path).tags
        assert tags is not None
        assert str(tags["TRCK"]) == f"{track.week}/6"
        assert str(tags["TIT2"]).startswith(f"Week {track.week} - Walking backwards - ")
        assert str(tags["TALB"]) == program.name and str(tags["TPE1"]) == program.coach
        sheet = json.loads(track.path.with_suffix(".json").read_text(encoding="utf-8"))
        assert [(c.start_time, c.end_time) for c in tags.getall("CHAP")] == [
            (c["start_ms"], c["end_ms"]) for c in sheet["chapters"]]
        assert tags.getall("APIC")
    covers = {mutagen.mp3.MP3(track.path).tags.getall("APIC")[0].data  # type: ignore[union-attr]
              for track in result.tracks}
    assert len(covers) == 6, "each week's cover names its week"


def test_a_program_names_its_own_cover(tmp_path: Path) -> None:
    """cover: in the program file: checked when read (file, line, key): a file that is not
    a JPEG or PNG image, too many pixels, too many bytes (not even read)."""
    text = _short_text() + "cover: art/cover.png\n"
    path = tmp_path / "p.yaml"
    error = _error(path, text)
    _assert_where(error, path, line_of(text, "cover: art"), "cover")
    assert "no image file" in str(error)
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "cover.png").write_text("not an image")
    error = _error(path, text)
    _assert_where(error, path, line_of(text, "cover: art"), "cover")
    assert "not a JPEG or PNG" in str(error)
    (tmp_path / "art" / "cover.png").write_bytes(_png(4000))
    assert "600 to 3000 pixels" in str(_error(path, text))
    with (tmp_path / "art" / "cover.png").open("wb") as sparse:
        sparse.truncate(3 << 30)  # 3 GB of nothing: refused without reading it
    assert "at most 2000 kB" in str(_error(path, text))
    (tmp_path / "art" / "cover.png").write_bytes(_png(800))
    assert load_program(path).cover == tmp_path / "art" / "cover.png"


@pytest.mark.e2e
def test_the_programs_own_cover_is_in_every_track(tmp_path: Path) -> None:
    import io

    import mutagen.mp3
    from PIL import Image

    (tmp_path / "cover.png").write_bytes(_png(800))
    text = re.sub(r"  - week: [3-6]\n(    .*\n)*", "", _short_text()) + "cover: cover.png\n"
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    result = _build(path, tmp_path / "out", jobs=1)
    assert len(result.tracks) == 2
    for track in result.tracks:
        tags = mutagen.mp3.MP3(track.path).tags
        assert tags is not None
        data = tags.getall("APIC")[0].data
        assert data == (tmp_path / "cover.png").read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 800)


def _png(size: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.e2e
def test_returning_weeks_get_the_short_intro(shipped: tuple[Path, ProgramResult]) -> None:
    """The full intro in week 1 and whenever the level (or setting) changes, the short one
    otherwise: weeks 1, 3, 5 full; 2, 4, 6 short (one safety line, and a quicker start)."""
    _, result = shipped
    sheets = [json.loads(t.path.with_suffix(".json").read_text(encoding="utf-8"))
              for t in result.tracks]
    assert [sheet["intro"] for sheet in sheets] == ["full", "short"] * 3
    for sheet in sheets:
        safety = [cue["text"] for cue in sheet["cues"] if cue["phase"] == "safety"]
        assert (len(safety) == 1) == (sheet["intro"] == "short"), safety
    assert sheets[1]["walk_start_ms"] < sheets[0]["walk_start_ms"] - 20_000


def _digests(path: Path, text: str, out: Path) -> list[str]:
    """Each week's digest (what decides "up to date"), for the program ``text``."""
    from types import SimpleNamespace

    from walkcoach.build import program as batch

    path.write_text(text, encoding="utf-8")
    speaker: Any = SimpleNamespace(identity="test voice", cache=SimpleNamespace(root=out))
    return [job.digest for job in batch._jobs(load_program(path), out, speaker, client=None,
                                              fmt="mp3")]


def test_a_changed_part_changes_only_its_weeks_digest(tmp_path: Path) -> None:
    """A week's digest covers its parts and the file of each part's exercise: other bouts
    of the same total length, a block's own speed, or an edit to the recovery exercise's
    file rebuild that week alone; a comment that moves every line rebuilds nothing."""
    (tmp_path / "mine").mkdir()
    forward = tmp_path / "mine" / "walking-forward.yaml"
    shutil.copy(TEMPLATES_DIR / "exercises" / "walking-forward.yaml", forward)
    path, out = tmp_path / "p.yaml", tmp_path / "out"
    text = edit(_short_text(), "    intervals: 2x0:30/0:15\n",
                "    intervals: 2x0:30/0:15\n    recovery: mine/walking-forward.yaml\n")
    text = edit(text, "  - week: 6\n    level: advanced\n    minutes: 2\n",
                "  - week: 6\n    level: advanced\n    blocks:\n      - {minutes: 1}\n"
                "      - {minutes: 1, speed_mph: 1.3}\n")
    before = _digests(path, text, out)
    assert len(set(before)) == 6

    def changed(after: list[str]) -> list[int]:
        return [n for n, (old, new) in enumerate(zip(before, after, strict=True), start=1)
                if old != new]

    same_length = edit(text, "intervals: 2x0:15/0:15", "intervals: 2x0:20/0:10")
    assert changed(_digests(path, same_length, out)) == [1]
    faster = edit(text, "speed_mph: 1.3}", "speed_mph: 1.4}")
    assert changed(_digests(path, faster, out)) == [6]
    assert changed(_digests(path, "# moved down a line\n" + text, out)) == []
    forward.write_text(edit(forward.read_text(encoding="utf-8"), '"Breathe easy."',
                            '"Breathe easy, nice and slow."'), encoding="utf-8")
    assert changed(_digests(path, text, out)) == [2]


# --- sounds: chimes, cadence, music -----------------------------------------------------------

def test_a_program_and_its_client_name_their_sounds(tmp_path: Path) -> None:
    (tmp_path / "music").mkdir()
    (tmp_path / "music" / "calm.mp3").write_bytes(b"not checked here")
    text = PROGRAM.read_text(encoding="utf-8") + (
        "chimes: false\ncadence: auto\nmusic: music/calm.mp3\n"
        "client:\n  name: Maria\n  cadence: 75\n  chimes: yes\n")
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    program = load_program(path)
    assert (program.chimes, program.cadence, program.music) == (
        False, "auto", tmp_path / "music" / "calm.mp3")
    assert program.client is not None
    assert (program.client.chimes, program.client.cadence, program.client.music) == (
        True, 75, None)
    plain = load_program(PROGRAM)
    assert (plain.chimes, plain.cadence, plain.music) == (None, None, None)


@pytest.mark.parametrize(("line", "key", "words"), [
    ("cadence: 0", "cadence", "must be 30 to 200 steps a minute, or auto, not '0'"),
    ("cadence: 500", "cadence", "not '500'"),
    ("cadence: fast", "cadence", "not 'fast'"),
    ("cadence: 90.5", "cadence", "not '90.5'"),
    ("chimes: maybe", "chimes", "must be true or false, not 'maybe'"),
    ("music: gone.mp3", "music", "no music file at "),
    ("music: .", "music", "is a folder, not a music file"),
])
def test_bad_sound_keys_name_file_line_and_key(tmp_path: Path, line: str, key: str,
                                               words: str) -> None:
    """In a program, in its client section and in a client profile alike."""
    path = tmp_path / "mine.yaml"
    text = PROGRAM.read_text(encoding="utf-8") + line + "\n"
    error = _error(path, text)
    _assert_where(error, path, line_of(text, line), key)
    assert words in str(error)
    text = PROGRAM.read_text(encoding="utf-8") + "client:\n  name: Maria\n  " + line + "\n"
    error = _error(path, text)
    _assert_where(error, path, line_of(text, line), f"client.{key}")
    assert words in str(error)
    profile = tmp_path / "maria.yaml"
    text = "name: Maria\n" + line + "\n"
    error = load_error(load_client, profile, text)
    _assert_where(error, profile, 2, key)
    assert words in str(error)


def test_a_music_file_is_found_beside_the_profile(tmp_path: Path) -> None:
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "song.ogg").write_bytes(b"x")
    profile = tmp_path / "clients" / "maria.yaml"
    profile.write_text("name: Maria\nmusic: song.ogg\n", encoding="utf-8")
    assert load_client(profile).music == tmp_path / "clients" / "song.ogg"


def _tone(path: Path, hz: float) -> None:
    """Two seconds of a sine tone as a 16-bit WAV file."""
    import wave

    t = np.arange(2 * 22050) / 22050
    samples = (0.3 * np.sin(2 * np.pi * hz * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(samples.tobytes())


def test_sounds_change_every_weeks_digest_and_a_client_wins(tmp_path: Path) -> None:
    """Chimes, cadence and the music file's content are in every week's digest (its name is
    not); a client's own sound keys win over the program's."""
    song = tmp_path / "song.wav"
    _tone(song, 440)
    path, out = tmp_path / "p.yaml", tmp_path / "out"
    text = _short_text()
    base = _digests(path, text, out)
    for extra in ("chimes: false\n", "cadence: 80\n", "cadence: auto\n", "music: song.wav\n"):
        changed = _digests(path, text + extra, out)
        assert all(a != b for a, b in zip(base, changed, strict=True)), extra
    assert _digests(path, text + "chimes: true\n", out) == base  # the default
    with_music = _digests(path, text + "music: song.wav\n", out)
    _tone(song, 330)
    assert all(a != b for a, b in zip(with_music, _digests(path, text + "music: song.wav\n",
                                                           out), strict=True))
    shutil.copy(song, tmp_path / "renamed.wav")
    assert _digests(path, text + "music: song.wav\n", out) == _digests(
        path, text + "music: renamed.wav\n", out)

    from types import SimpleNamespace

    from walkcoach.build import program as batch

    path.write_text(text + "cadence: 80\nchimes: false\nclient:\n  name: Maria\n"
                    "  cadence: auto\n", encoding="utf-8")
    speaker: Any = SimpleNamespace(identity="test voice", cache=SimpleNamespace(root=out))
    jobs = batch._jobs(load_program(path), out, speaker, client=None, fmt="mp3")
    assert {(j.track.spec.chimes, j.track.spec.cadence) for j in jobs} == {(False, "auto")}
    jobs = batch._jobs(load_program(path), out, speaker, client="Ana", fmt="mp3")
    assert {(j.track.spec.chimes, j.track.spec.cadence) for j in jobs} == {(False, 80)}


def test_a_week_may_ask_for_its_intro(tmp_path: Path) -> None:
    text = edit(_short_text(), "  - week: 2\n", "  - week: 2\n    intro: full\n")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert [week.intro for week in load_program(path).weeks][:3] == [None, "full", None]
    broken = edit(text, "    intro: full\n", "    intro: brief\n")
    error = _error(path, broken)
    _assert_where(error, path, line_of(broken, "intro: brief"), "weeks[1].intro")


MAX_MB_PER_MINUTE = 0.40


@pytest.mark.e2e
def test_default_program_is_small(shipped: tuple[Path, ProgramResult]) -> None:
    """The silence between cues costs little: at most 0.40 MB a minute of track, for every
    week and for the program (0.72 MB when every frame cost as much as speech)."""
    _, result = shipped
    sizes = [track.path.stat().st_size / 1e6 for track in result.tracks]
    minutes = [(track.duration_ms or 0) / 60_000 for track in result.tracks]
    for track, size, length in zip(result.tracks, sizes, minutes, strict=True):
        assert size / length <= MAX_MB_PER_MINUTE, track.path.name
    assert sum(sizes) / sum(minutes) <= MAX_MB_PER_MINUTE


@pytest.mark.e2e
def test_default_program_playlist(shipped: tuple[Path, ProgramResult]) -> None:
    """The playlist is in week order, each entry with the track's real duration."""
    out, result = shipped
    entries = _playlist(out)
    assert [file for _, _, file in entries] == _names(result)
    for (seconds, title, _), track in zip(entries, result.tracks, strict=True):
        assert track.duration_ms is not None
        assert abs(seconds - track.duration_ms / 1000) <= 0.5
        assert title.startswith(f"Week {track.week} - Walking backwards - ")


@pytest.mark.e2e
def test_unchanged_rerun_builds_nothing(shipped: tuple[Path, ProgramResult]) -> None:
    """A second run finds every track up to date and touches no file."""
    out, _ = shipped
    before = {name: os.stat(out / name).st_mtime_ns for name in os.listdir(out)}
    again = _build(PROGRAM, out)
    assert not again.built and len(again.skipped) == 6 and not again.failed
    assert {name: os.stat(out / name).st_mtime_ns for name in os.listdir(out)} == before
    assert [t.duration_ms for t in again.tracks] == [t.duration_ms for t in shipped[1].tracks]


# --- a short copy: incremental, parallel, interrupted ----------------------------------------

@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A copy of the program with short walks, built once with one job and once with two."""
    root = tmp_path_factory.mktemp("short")
    path = root / "program" / f"{STEM}.yaml"
    path.parent.mkdir()
    path.write_text(_short_text(), encoding="utf-8")
    one, two = root / "one", root / "two"
    assert len(_build(path, one, jobs=1).built) == 6
    assert len(_build(path, two, jobs=2).built) == 6
    return path, one, two


@pytest.mark.e2e
def test_two_jobs_give_the_same_bytes_as_one(short: tuple[Path, Path, Path]) -> None:
    """Tracks, cue sheets, captions, playlist and manifest are identical, byte for byte."""
    _, one, two = short
    assert sorted(os.listdir(one)) == sorted(os.listdir(two))
    for name in os.listdir(one):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def _first_weeks(tmp_path: Path, weeks: int) -> Path:
    """The short program cut to its first ``weeks`` weeks."""
    text = _short_text()
    path = tmp_path / f"{STEM}.yaml"
    path.write_text(text[:text.index(f"  - week: {weeks + 1}")], encoding="utf-8")
    return path


def _walkcoach(*args: str) -> subprocess.Popen[str]:
    """The CLI in a fresh process (its own process group, so Ctrl-C can reach every worker)."""
    return subprocess.Popen([sys.executable, "-m", "walkcoach", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


@pytest.mark.parametrize(("before", "safe"), [
    ("session.make_speaker('auto')", True),  # the neural voice loads nothing until it speaks
    ("session.make_speaker('system')", True),  # its default voice is remembered, not asked
    ("from walkcoach.voice import system; system.SystemEngine().voices()", False),  # pyttsx3
    ("import onnxruntime", False),
    ("threading.Thread(target=time.sleep, args=(0.5,)).start()", False),
])
def test_workers_fork_only_when_it_is_safe(before: str, safe: bool) -> None:
    """A fresh batch forks its workers on Linux (milliseconds, imports shared), unless an
    engine or another thread is already running; always spawns on macOS and Windows, where
    forking is unsafe or impossible."""
    if not neural_available():
        if "onnxruntime" in before:
            pytest.skip("onnxruntime comes with the neural voice, not installed here")
        safe = False if "auto" in before else safe  # auto is then the system voice
    code = ("import threading, time; from walkcoach.build import session, workers; "
            f"{before}; print(workers.start_method().get_start_method())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    forks = safe and sys.platform.startswith("linux")
    assert result.stdout.split()[-1] == ("fork" if forks else "spawn")


@pytest.mark.e2e
@pytest.mark.skipif(not neural_available(), reason="the neural voice is not installed")
def test_neural_voice_two_jobs_same_bytes(tmp_path: Path) -> None:
    """The neural voice makes its phrases over the worker pool, then the tracks: two weeks
    built with two jobs by the CLI (a fresh process: forked workers on Linux, each loading
    the model) equal those built with one job in this process. Piper never says a phrase the
    same way twice, so this holds only because every phrase is made once and cached."""
    path = _first_weeks(tmp_path, 2)
    cli_run = _walkcoach("program", str(path), "-o", str(tmp_path / "two"), "--jobs", "2")
    out, err = cli_run.communicate(timeout=600)
    assert cli_run.returncode == 0 and err == "", err
    assert out.startswith("2 tracks: 2 built, 0 up to date, in ")
    one = _build(path, tmp_path / "one", voice="neural", jobs=1)
    assert len(one.built) == 2 and one.phrases_made == 0
    assert sorted(os.listdir(tmp_path / "one")) == sorted(os.listdir(tmp_path / "two"))
    for name in os.listdir(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


@pytest.mark.e2e
@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is a process-group signal on POSIX")
def test_ctrl_c_stops_a_batch_and_the_rerun_finishes(tmp_path: Path) -> None:
    """A real Ctrl-C (SIGINT to the whole process group, as a terminal sends it) once the
    first of three tracks is done: exit 130 with one line, only whole tracks each in the
    manifest, nothing temporary; the rerun builds exactly the rest, byte for byte as one job
    in this process builds them."""
    path = _first_weeks(tmp_path, 3)
    _build(path, tmp_path / "one", voice="auto", jobs=1)  # also makes every phrase
    out = tmp_path / "out"
    batch = _walkcoach("program", str(path), "-o", str(out), "--jobs", "2")
    manifest = out / MANIFEST
    deadline = time.monotonic() + 300
    while batch.poll() is None and not (manifest.exists() and _manifest(out)) \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    assert batch.poll() is None, "the batch ended before it could be interrupted"
    os.killpg(batch.pid, signal.SIGINT)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 130, err
    # One error line; a note may precede it (once, in a full run, a phrase the batch read was
    # reported damaged and made again: see the session note).
    lines = err.splitlines()
    assert lines[-1] == "walkcoach: interrupted; no partial files were left", err
    assert all(line.startswith("walkcoach: note: ") for line in lines[:-1]), err
    finished = _manifest(out)
    assert 1 <= len(finished) < 3 and _leftovers(out) == []
    assert {name for name in os.listdir(out) if name.endswith(".mp3")} == set(finished)
    rerun = _walkcoach("program", str(path), "-o", str(out), "--jobs", "2")
    stdout, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert stdout.startswith(f"3 tracks: {3 - len(finished)} built, {len(finished)} up to date")
    for name in os.listdir(tmp_path / "one"):
        assert (out / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name


@pytest.mark.e2e
def test_changing_one_week_rebuilds_only_that_week(short: tuple[Path, Path, Path],
                                                   tmp_path: Path) -> None:
    """Week 2's bouts from 30 s to a minute (1.5 to 2.5 minutes in all): one track built,
    its old files gone, others untouched."""
    path, _, two = short
    out = tmp_path / "out"
    shutil.copytree(two, out)  # copy2 keeps the modification times
    before = {name: os.stat(out / name).st_mtime_ns for name in os.listdir(out)}
    old_manifest = _manifest(out)
    changed = tmp_path / "program" / path.name
    changed.parent.mkdir()
    changed.write_text(edit(path.read_text(encoding="utf-8"), "    intervals: 2x0:30/0:15",
                            "    intervals: 2x1:00/0:15"), encoding="utf-8")
    result = _build(changed, out)
    assert [t.path.name for t in result.built] == ["week-02-beginner-02.5min.mp3"]
    assert len(result.skipped) == 5 and not result.failed
    assert [p.name for p in result.removed] == ["week-02-beginner-01.5min.mp3"]
    assert not any(name.startswith("week-02-beginner-01.5min") for name in os.listdir(out))
    manifest = _manifest(out)
    assert set(manifest) == set(old_manifest) - {"week-02-beginner-01.5min.mp3"} \
        | {"week-02-beginner-02.5min.mp3"}
    for name, entry in manifest.items():
        if name != "week-02-beginner-02.5min.mp3":
            assert entry == old_manifest[name]
            for file in entry["files"]:
                assert os.stat(out / file).st_mtime_ns == before[file], file
    assert [file for _, _, file in _playlist(out)][1] == "week-02-beginner-02.5min.mp3"
    assert _build(changed, out).built == ()


@pytest.mark.e2e
@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_batch_leaves_whole_files_and_rerun_finishes(
        short: tuple[Path, Path, Path], tmp_path: Path, jobs: int) -> None:
    """Ctrl-C after the first track: only whole tracks (each in the manifest), no temporary
    files; the rerun builds exactly the rest."""
    path, one, _ = short
    out = tmp_path / "out"

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "tracks" and done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _build(path, out, jobs=jobs, progress=interrupt)
    assert _leftovers(out) == []
    finished = _manifest(out)
    assert 1 <= len(finished) < 6 if jobs == 2 else len(finished) == 1
    tracks = {name for name in os.listdir(out) if name.endswith(".mp3")}
    assert tracks == set(finished)
    for entry in finished.values():
        for file in entry["files"]:
            assert (out / file).read_bytes() == (one / file).read_bytes(), file
    result = _build(path, out, jobs=jobs)
    assert len(result.built) == 6 - len(finished) and len(result.skipped) == len(finished)
    assert _leftovers(out) == [] and len(_manifest(out)) == 6


@pytest.mark.e2e
def test_client_overrides(tmp_path: Path) -> None:
    """The client's level and setting apply to every week; --client with another name is
    another client, whom nothing of the file's client reaches."""
    text = edit(_short_text(), "weeks:\n", "weeks:\n") + \
        "client:\n  name: Maria\n  level: beginner\n  setting: floor\n"
    text = text[:text.index("  - week: 2")] + text[text.index("\n# client:"):]
    path = tmp_path / "one-week.yaml"
    path.write_text(text, encoding="utf-8")
    result = _build(path, tmp_path / "out", jobs=1, fmt="wav")
    assert _names(result) == ["week-01-beginner-01min.wav"]
    sheet = json.loads(result.tracks[0].path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sheet["client"] == "Maria" and sheet["setting"] == "floor"
    result = _build(path, tmp_path / "out", client="Ana", jobs=1, fmt="wav")
    sheet = json.loads(result.tracks[0].path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sheet["client"] == "Ana" and sheet["setting"] == "treadmill"
    assert "Ana" in sheet["cues"][0]["text"]
    assert "Maria" not in json.dumps(sheet)


# --- the command line -----------------------------------------------------------------------

def test_cli_help() -> None:
    """`walkcoach program --help` documents every option."""
    result = CliRunner().invoke(cli, ["program", "--help"])
    assert result.exit_code == 0
    for option in ("--output", "--jobs", "--client", "--voice", "--rate", "--format"):
        assert option in result.output


def test_cli_bad_program_file(tmp_path: Path) -> None:
    """A broken program: exit 2, one line naming file:line and key, nothing written."""
    path = tmp_path / "mine.yaml"
    text = edit(PROGRAM.read_text(encoding="utf-8"), "    intervals: 6x1:00/1:00",
                "    intervals: 6x1:00/0:05")
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["program", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"walkcoach: error: {path}:{line_of(text, '6x1:00/0:05')}: " \
                            "weeks[0].intervals: a part lasts 10 seconds to 60 minutes, " \
                            "not '0:05'\n"
    assert not out.exists()


def test_cli_missing_program_file(tmp_path: Path) -> None:
    """A program file that is not there: exit 2, one line naming it."""
    result = CliRunner().invoke(cli, ["program", str(tmp_path / "no.yaml"), "-o",
                                      str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == f"walkcoach: error: {tmp_path / 'no.yaml'}: file not found\n"


@pytest.mark.e2e
def test_cli_summary(short: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """The summary line counts built and up-to-date tracks and names the playlist; no progress
    bar when stderr is not a terminal."""
    path, _, two = short
    out = tmp_path / "out"
    shutil.copytree(two, out)
    (out / "week-03-intermediate-02min.mp3").unlink()
    result = CliRunner().invoke(cli, ["program", str(path), "-o", str(out), "--voice",
                                      "system", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"6 tracks: 1 built, 5 up to date, in \d+\.\d s -> "
                        rf"{re.escape(str(out / (STEM + '.m3u')))}\n", result.stdout)
    assert result.stderr == ""


@pytest.mark.e2e
def test_cli_failed_track_exit_1(short: tuple[Path, Path, Path], tmp_path: Path) -> None:
    """A track that cannot be written fails alone: the others stay, the summary counts it,
    one error line names it, the exit status is 1, and no temporary file is left."""
    path, _, two = short
    out = tmp_path / "out"
    shutil.copytree(two, out)
    blocked = out / "week-01-beginner-01min.mp3"
    blocked.unlink()
    blocked.mkdir()  # a folder where the track must go
    result = CliRunner().invoke(cli, ["program", str(path), "-o", str(out), "--voice",
                                      "system", "--jobs", "1"])
    assert result.exit_code == 1
    assert result.stdout.startswith("6 tracks: 0 built, 5 up to date, 1 failed, in ")
    assert re.fullmatch(r"walkcoach: error: week 1: .*week-01-beginner-01min\.mp3: cannot "
                        r"write.*\n", result.stderr)
    assert [file for _, _, file in _playlist(out)] == [
        name for name in sorted(os.listdir(two)) if name.endswith(".mp3")][1:]
    assert _leftovers(out) == []


@pytest.mark.e2e
@pytest.mark.skipif(not neural_available(), reason="the neural voice is not installed")
def test_a_worker_speaks_one_phrase_at_a_time_on_one_thread() -> None:
    """--jobs N means N cores: the model always runs on one thread; a process held to one
    core speaks one phrase at a time, any other one phrase per core at once."""
    code = ("import os; from walkcoach.process import cores; "
            "from walkcoach.voice import neural; {hold}"
            "engine = neural.NeuralEngine(); options = neural._voice().session."
            "get_session_options(); print(options.intra_op_num_threads, "
            "engine.concurrency == {expected})")
    for hold, expected in (("cores.use_one_core(); ", "1"), ("", "cores.available()")):
        result = subprocess.run([sys.executable, "-c", code.format(hold=hold,
                                                                   expected=expected)],
                                capture_output=True, text=True, check=True)
        assert result.stdout.split()[-2:] == ["1", "True"]


# --- one program per folder, runs that take turns, files checked, text made safe -------------

@pytest.mark.parametrize(("minutes", "name"), [
    (59.999, "week-04-beginner-59.999min.mp3"), (7.996, "week-04-beginner-07.996min.mp3"),
    (9.9999, "week-04-beginner-09.9999min.mp3"), (1.001, "week-04-beginner-01.001min.mp3"),
])
def test_track_names_never_claim_a_length_the_walk_lacks(minutes: float, name: str) -> None:
    """59.999 minutes is not named 60min: the name says the walk to the millisecond."""
    assert track_name(4, "beginner", minutes, "mp3") == name
    said = float(re.fullmatch(r"week-04-beginner-(.*)min\.mp3", name).group(1))  # type: ignore[union-attr]
    assert round(said * 60_000) == round(minutes * 60_000)


def _copy_as(tmp_path: Path, stem: str, weeks: int = 1) -> Path:
    """The short program cut to ``weeks`` weeks, saved under another file name."""
    path = tmp_path / "programs" / f"{stem}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(_first_weeks(tmp_path, weeks).read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.e2e
def test_a_folder_holds_one_program(tmp_path: Path) -> None:
    """A second, different program into a folder is refused (exit 2, one line naming the
    folder and the program it holds) and nothing there changes; the same program is fine."""
    first, other = _copy_as(tmp_path, "first"), _copy_as(tmp_path, "other")
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["program", str(first), "-o", str(out), "--voice", "system",
                                    "--jobs", "1"]).exit_code == 0
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    result = CliRunner().invoke(cli, ["program", str(other), "-o", str(out), "--voice",
                                      "system", "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"walkcoach: error: {out}: this folder holds the program 'first'; "
                             "build 'other' into a folder of its own (their tracks would share "
                             "names)\n")
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before
    again = CliRunner().invoke(cli, ["program", str(first), "-o", str(out), "--voice", "system",
                                     "--jobs", "1"])
    assert again.exit_code == 0 and again.stdout.startswith("1 tracks: 0 built, 1 up to date")


@pytest.mark.e2e
def test_concurrent_runs_into_one_folder_take_turns(tmp_path: Path) -> None:
    """Two real runs into one folder at once: the second waits for the first (and says so),
    then finds every track up to date; the manifest lists every track, each file whole."""
    path = _first_weeks(tmp_path, 2)
    out = tmp_path / "out"
    _build(path, tmp_path / "warm", jobs=1)  # the phrases, so both runs start alike
    runs = [_walkcoach("program", str(path), "-o", str(out), "--voice", "system", "--jobs", "2")
            for _ in range(2)]
    outcomes = [run.communicate(timeout=600) + (run.returncode,) for run in runs]
    assert [code for _, _, code in outcomes] == [0, 0], outcomes
    summaries = sorted(stdout.split(", in ")[0] for stdout, _, _ in outcomes)
    assert summaries == ["2 tracks: 0 built, 2 up to date", "2 tracks: 2 built, 0 up to date"]
    waited = [err for _, err, _ in outcomes if err]
    assert waited == [f"walkcoach: note: waiting for another walkcoach run into {out} to "
                      "finish\n"], outcomes
    manifest = _manifest(out)
    assert sorted(manifest) == sorted(name for name in os.listdir(out) if name.endswith(".mp3"))
    assert len(manifest) == 2 and _leftovers(out) == []
    for entry in manifest.values():
        for name, facts in entry["files"].items():
            assert facts["size"] == (out / name).stat().st_size


@pytest.mark.e2e
@pytest.mark.parametrize("damage", ["truncated track", "same size, other bytes", "captions"])
def test_a_damaged_file_is_rebuilt(short: tuple[Path, Path, Path], tmp_path: Path,
                                   damage: str) -> None:
    """The manifest vouches for each file's size and SHA-256: a track cut to 1,000 bytes, a
    byte changed, or damaged captions are not "up to date"; that week is rebuilt whole."""
    path, one, _ = short
    out = tmp_path / "out"
    shutil.copytree(one, out)
    track = out / "week-02-beginner-01.5min.mp3"
    if damage == "truncated track":
        os.truncate(track, 1000)
    elif damage == "same size, other bytes":
        data = bytearray(track.read_bytes())
        data[len(data) // 2] ^= 0xFF
        track.write_bytes(bytes(data))
    else:
        track.with_suffix(".vtt").write_text("WEBVTT\n", encoding="utf-8")
    result = _build(path, out, jobs=1)
    assert [t.path.name for t in result.built] == [track.name] and len(result.skipped) == 5
    for name in os.listdir(one):
        assert (out / name).read_bytes() == (one / name).read_bytes(), name


@pytest.mark.e2e
def test_a_program_name_with_line_breaks_stays_one_playlist_line(tmp_path: Path) -> None:
    """Line breaks in the program's name cannot add entries, paths or URLs to the playlist
    (whatever the loader lets through, the writer flattens it)."""
    program = load_program(_first_weeks(tmp_path, 1))
    name = "Six weeks\n#EXTINF:1,Evil\nhttp://evil.example/x.mp3\r\n\n../../etc/passwd\x00"
    result = build_program(dataclasses.replace(program, name=name), tmp_path / "out",
                           voice="system", jobs=1)
    lines = result.playlist.read_text(encoding="utf-8").split("\n")
    seconds = round(result.tracks[0].duration_ms / 1000)  # type: ignore[operator]
    assert lines == [
        "#EXTM3U",
        "#PLAYLIST:Six weeks #EXTINF:1,Evil http://evil.example/x.mp3 ../../etc/passwd",
        f"#EXTINF:{seconds},Week 1 - Walking backwards - beginner, 2 x 15 s intervals, 1 min",
        "week-01-beginner-01min.mp3", ""]


def test_a_stranger_track_is_not_overwritten(tmp_path: Path) -> None:
    """A folder without a manifest that holds a file by a track's name (another program's,
    copied in; or anything else): refused, and the file kept."""
    path = tmp_path / "p.yaml"
    path.write_text(_short_text(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    stranger = out / "week-01-beginner-01min.mp3"
    stranger.write_bytes(b"someone else's walk")
    with pytest.raises(InputError, match="no walkcoach manifest"):
        _build(path, out, jobs=1)
    assert stranger.read_bytes() == b"someone else's walk"
    assert sorted(p.name for p in out.iterdir()) == [LOCK, stranger.name]


def test_when_every_week_fails_it_is_one_error_and_nothing_is_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk that is full fails every week alike: one error (not one line a week), and the
    folder the run made is removed again."""
    def full(*args: object, **kwargs: object) -> None:
        raise ExportError("cannot write: No space left on device")

    monkeypatch.setattr(export, "encode", full)
    path = tmp_path / "p.yaml"
    path.write_text(_short_text(), encoding="utf-8")
    with pytest.raises(RuntimeFailure) as info:
        _build(path, tmp_path / "made" / "out", jobs=1)
    message = str(info.value)
    assert message.startswith("no week could be built: week 1: ") and "\n" not in message
    assert message.endswith("No space left on device (and 5 more weeks)")
    assert not (tmp_path / "made").exists()


def test_a_change_of_format_keeps_the_new_tracks_sidecars(tmp_path: Path) -> None:
    """Week 1 as M4A, then as MP3: the M4A goes, the MP3 keeps the cue sheet, captions and
    transcript that share its name."""
    text = re.sub(r"  - week: [2-6]\n(    .*\n)*", "", _short_text())
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    _build(path, tmp_path / "out", jobs=1, fmt="m4a")
    result = _build(path, tmp_path / "out", jobs=1)
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert names == ["p.m3u", MANIFEST, "week-01-beginner-01min.json",
                     "week-01-beginner-01min.mp3", "week-01-beginner-01min.txt",
                     "week-01-beginner-01min.vtt"]
    assert [path.name for path in result.removed] == ["week-01-beginner-01min.m4a"]


def test_another_program_by_the_same_file_name_is_refused(tmp_path: Path) -> None:
    """Two files called p.yaml, two different programs: one folder holds one of them (the
    same program copied elsewhere, or moved, still builds there)."""
    one = tmp_path / "a" / "p.yaml"
    other = tmp_path / "b" / "p.yaml"
    copy = tmp_path / "c" / "p.yaml"
    for path, text in ((one, _short_text()), (copy, _short_text()),
                       (other, edit(_short_text(), 'program: "Walking backwards: six weeks"',
                                    'program: "Another plan"'))):
        path.parent.mkdir()
        path.write_text(re.sub(r"  - week: [2-6]\n(    .*\n)*", "", text), encoding="utf-8")
    _build(one, tmp_path / "out", jobs=1)
    with pytest.raises(InputError, match="this folder holds the program"):
        _build(other, tmp_path / "out", jobs=1)
    assert len(_build(copy, tmp_path / "out", jobs=1).skipped) == 1


def test_a_week_that_cannot_be_laid_out_stops_the_batch_before_any_track(
        tmp_path: Path) -> None:
    """A part too short for what opens it (here a coach's long switch line) is found once
    the phrases are made, before any week's track is built: one line with the file, line
    and key of the part, and no track at all (not even the weeks that were fine)."""
    shipped = (TEMPLATES_DIR / "exercises" / "walking-backwards.yaml").read_text("utf-8")
    long_line = ("Take your time here, hold on to something steady, breathe out slowly, "
                 "check the space behind you twice, and only then turn around carefully "
                 "and start walking backwards with small smooth steps.")
    text = edit(shipped, "name: walking-backwards", "name: long-turn")
    text = edit(text, 'switch: "Turn around carefully, and walk backwards."',
                f'switch: "{long_line}"')
    (tmp_path / "long-turn.yaml").write_text(text, encoding="utf-8")
    program = tmp_path / "p.yaml"
    program.write_text(
        'program: "P"\ncoach: "C"\nexercise: long-turn.yaml\n'
        'defaults: {setting: floor, level: beginner, focus: "Go."}\n'
        "weeks:\n"
        "  - {week: 1, minutes: 1}\n"
        "  - week: 2\n"
        "    blocks:\n"
        "      - {time: 40}\n"
        "      - {exercise: walking-forward, time: 10}\n"
        "      - {time: 10}\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(ContentError) as caught:
        _build(program, out, jobs=1)
    message = str(caught.value)
    assert message.startswith(f"{program}:11: weeks[1].blocks[2]: a part of 10 s is too "
                              "short"), message
    assert not list(out.glob("*.mp3")) and not list(out.glob("*.json*"))


def test_a_batch_built_in_this_process_gives_the_cores_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of one job is built here, held to one core; after it the process may use every
    core again (a studio that built one week spreads its next track's phrases and encoding)."""
    from walkcoach.build import parallel, session
    from walkcoach.process import cores

    monkeypatch.setattr(cores, "_one_core", False)
    parallel.build_tracks([], session.make_speaker("system"), workers=1,
                          finished=lambda *args: None)
    assert not cores.one_core()
