"""Chimes: their synthesis, the planner's rules for them, and what a built track plays."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from pathlib import Path

import audio_checks
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.audio import layers as sounds
from walkcoach.audio import loudness
from walkcoach.audio.chimes import CHIME_BELOW_LU, CHIME_KINDS, chime, chime_layer
from walkcoach.audio.pcm import SAMPLE_RATE, ms_to_samples
from walkcoach.build.session import make_spec
from walkcoach.cli import cli
from walkcoach.plan import planner
from walkcoach.plan.model import Cue, SessionSpec, Timeline

ANCHORED = ("start", "switch", "time", "stop")


# --- synthesis -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", CHIME_KINDS)
def test_a_chime_lasts_as_declared_and_sits_under_speech(kind: str) -> None:
    sound = chime(kind)  # type: ignore[arg-type]
    assert sound.dtype == np.float32 and sound.ndim == 1
    assert sound.size == ms_to_samples(planner.CHIME_MS[kind])  # type: ignore[index]
    assert planner.CHIME_MS[kind] <= 400  # type: ignore[index]
    assert loudness.true_peak_dbtp(sound) <= loudness.PEAK_CEILING_DBTP
    lufs = loudness.integrated_lufs(sound, SAMPLE_RATE)
    assert lufs == pytest.approx(loudness.TARGET_LUFS - CHIME_BELOW_LU, abs=0.2)
    assert 3 <= CHIME_BELOW_LU <= 8  # a few LU under speech
    # It starts from silence (a strike, not a click) and has died away at its end.
    assert abs(float(sound[0])) < 0.01 and abs(float(sound[-1])) < 1e-3
    tail = sound[-ms_to_samples(10):]  # rung out by its end, 30 dB under its peak
    assert float(np.sqrt(np.mean(tail.astype(np.float64) ** 2))) < 0.03 * float(
        np.abs(sound).max())


def _spectrum(kind: str) -> np.ndarray:
    magnitude = np.abs(np.fft.rfft(chime(kind), 1 << 14))  # type: ignore[arg-type]
    return magnitude / np.linalg.norm(magnitude)


def _main_hz(kind: str) -> float:
    return float(np.argmax(_spectrum(kind))) * SAMPLE_RATE / (1 << 14)


def test_the_three_chimes_sound_different() -> None:
    """Time, start (and switch) and stop chimes have different spectra and main notes."""
    kinds = ("time", "start", "stop")
    for a, b in itertools.combinations(kinds, 2):
        similarity = float(np.dot(_spectrum(a), _spectrum(b)))
        assert similarity < 0.5, (a, b, similarity)
        assert abs(_main_hz(a) - _main_hz(b)) > 100, (a, b)
    # The time chime is the highest; start rises and stop falls: their second halves differ.
    assert _main_hz("time") > max(_main_hz("start"), _main_hz("stop"))
    assert np.array_equal(chime("switch"), chime("start"))  # a change sounds like "begin"


def test_chimes_are_made_here_without_samples() -> None:
    """Synthesis is deterministic and needs no file: the same kind twice is the same array,
    and it is shared read-only so no caller can alter it."""
    chime.cache_clear()
    first = chime("time").copy()
    chime.cache_clear()
    assert np.array_equal(first, chime("time"))
    assert not chime("time").flags.writeable
    with pytest.raises(ValueError, match="no chime"):
        chime("technique")


# --- the planner's rules -------------------------------------------------------------------

@functools.cache
def _spec(minutes: float = 3, **changes: object) -> SessionSpec:
    return dataclasses.replace(make_spec(minutes=minutes, setting="floor"),
                               **changes)  # type: ignore[arg-type]


def _lengths(spec: SessionSpec, default: int = 1500, **by_text: int) -> dict[str, int]:
    lengths = dict.fromkeys(planner.candidate_phrases(spec), default)
    lengths.update(dict.fromkeys(spec.template.time.countdown, 400))  # as voices say them
    lengths.update(by_text)
    return lengths


def _cue_of(timeline: Timeline, sound_end: int) -> Cue:
    return next(c for c in timeline.cues if c.start_ms == sound_end + planner.CHIME_GAP_MS)


def test_chimes_before_begin_each_time_cue_and_stop() -> None:
    spec = _spec()
    timeline = planner.plan(spec, _lengths(spec))
    kinds = [s.kind for s in timeline.sounds]
    assert kinds[0] == "start" and kinds[-1] == "stop" and "time" in kinds
    assert [s.start_ms for s in timeline.sounds] == sorted(s.start_ms for s in timeline.sounds)
    for sound in timeline.sounds:
        cue = _cue_of(timeline, sound.end_ms)
        assert cue.kind == sound.kind
        assert sound.end_ms - sound.start_ms == planner.CHIME_MS[sound.kind]
    start = next(c for c in timeline.cues if c.kind == "start")
    assert timeline.sounds[0].end_ms == start.start_ms - planner.CHIME_GAP_MS
    assert start.start_ms == timeline.walk_start_ms
    # "Begin" has its chime in the pause after the last setup line.
    ready = max((c for c in timeline.cues if c.phase == "setup"), key=lambda c: c.end_ms)
    assert ready.end_ms + planner.CHIME_CLEAR_MS <= timeline.sounds[0].start_ms


def test_only_the_first_number_of_a_countdown_has_a_chime() -> None:
    spec = _spec()
    timeline = planner.plan(spec, _lengths(spec))
    countdown = [c for c in timeline.cues if c.text in spec.template.time.countdown]
    assert len(countdown) == len(spec.template.time.countdown)
    chimed = {_cue_of(timeline, s.end_ms).text for s in timeline.sounds}
    assert countdown[0].text in chimed
    assert not chimed & {c.text for c in countdown[1:]}
    assert "Stop." in chimed or spec.template.time.stop in chimed  # room after "one"


def test_no_room_no_chime_and_the_cue_stays_put() -> None:
    """A start line that runs until just before the next time cue leaves that cue no room
    for a chime: the chime is left out; the cue is said on its moment all the same."""
    spec = _spec(minutes=1)
    start = planner.start_text(spec)
    thirty = next(t for t in planner.candidate_phrases(spec)
                  if spec.template.time.thirty_seconds in t)
    lengths = _lengths(spec, **{start: 29_600})
    timeline = planner.plan(spec, lengths)
    cue = next(c for c in timeline.cues if c.text == thirty)
    assert cue.start_ms == timeline.walk_start_ms + 30_000
    assert not [s for s in timeline.sounds if s.end_ms + planner.CHIME_GAP_MS == cue.start_ms]
    # With a little more room (the chime, its gap and its clearance), it has one.
    room = planner.CHIME_MS["time"] + planner.CHIME_GAP_MS + planner.CHIME_CLEAR_MS
    timeline = planner.plan(spec, _lengths(spec, **{start: 30_000 - room}))
    assert [s for s in timeline.sounds if s.end_ms + planner.CHIME_GAP_MS == cue.start_ms]
    timeline = planner.plan(spec, _lengths(spec, **{start: 30_000 - room + 1}))
    assert not [s for s in timeline.sounds if s.end_ms + planner.CHIME_GAP_MS == cue.start_ms]


def test_chimes_never_move_a_cue_and_technique_cues_keep_clear() -> None:
    on = _spec(minutes=6)
    off = dataclasses.replace(on, chimes=False)
    lengths = _lengths(on, 2200)
    with_chimes, without = planner.plan(on, lengths), planner.plan(off, lengths)
    assert without.sounds == ()
    anchored = [c for c in with_chimes.cues if c.kind in ANCHORED or c.phase != "walk"]
    assert anchored == [c for c in without.cues if c.kind in ANCHORED or c.phase != "walk"]
    assert with_chimes.dropped == without.dropped
    gap = max(on.template.pauses.between_phases, on.template.pauses.min_gap)
    technique = [c for c in with_chimes.cues if c.kind == "technique"]
    assert technique
    for cue, sound in itertools.product(technique, with_chimes.sounds):
        assert cue.end_ms + gap <= sound.start_ms or sound.end_ms + gap <= cue.start_ms


def test_the_chime_layer_plays_each_chime_where_the_plan_says() -> None:
    spec = _spec()
    timeline = planner.plan(spec, _lengths(spec))
    layer = chime_layer(timeline)
    assert [(p.start_ms, p.audio.size) for p in layer.placements] == [
        (s.start_ms, ms_to_samples(s.end_ms - s.start_ms)) for s in timeline.sounds]
    assert layer.duck_db == 0 and layer.bed is None
    assert layer.peak_dbtp == pytest.approx(max(loudness.true_peak_dbtp(p.audio)
                                                for p in layer.placements))
    assert [x.name for x in sounds.layers(spec, timeline)] == ["chimes"]
    silent = dataclasses.replace(spec, chimes=False)
    assert sounds.layers(silent, planner.plan(silent, _lengths(spec))) == []


# --- a built track ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def track(tmp_path_factory: pytest.TempPathFactory) -> audio_checks.Track:
    """A short track with chimes (the default), decoded at the mixer's rate."""
    out = tmp_path_factory.mktemp("chimes") / "walk.mp3"
    result = CliRunner().invoke(cli, ["build", "--minutes", "1", "--voice", "system",
                                      "--intro", "short", "--seed", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return audio_checks.load_track(out, rate=SAMPLE_RATE)


def _rms_dbfs(samples: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if samples.size else 0.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf


@pytest.mark.e2e
def test_in_the_track_each_chime_ends_before_its_cue_and_overlaps_no_speech(
        track: audio_checks.Track) -> None:
    sheet, samples = track.sheet, track.samples
    assert {s["kind"] for s in sheet["sounds"]} >= {"start", "time", "stop"}

    def at(ms: int) -> int:
        return ms_to_samples(ms, track.rate)

    for sound in sheet["sounds"]:
        start, end = sound["start_ms"], sound["end_ms"]
        cue = next(c for c in sheet["cues"] if c["start_ms"] == end + planner.CHIME_GAP_MS)
        assert cue["kind"] == sound["kind"]
        before = max(c["end_ms"] for c in sheet["cues"] if c["end_ms"] <= start)
        assert before + planner.CHIME_CLEAR_MS <= start
        # Heard: the chime plays in its span, and what plays there is the chime alone (no
        # speech under it): the decoded span matches the synthesized chime.
        piece = samples[at(start):at(end)]
        assert _rms_dbfs(piece) > -40, sound
        made = chime(sound["kind"])[:piece.size].astype(np.float64)
        match = float(np.dot(piece, made) / (np.linalg.norm(piece) * np.linalg.norm(made)))
        assert match > 0.95, (sound, match)
        # Silent between the chime's end and its cue, and between the speech before and it.
        assert _rms_dbfs(samples[at(end + 15):at(cue["start_ms"] - 5)]) < -60, sound
        assert _rms_dbfs(samples[at(before + 25):at(start - 5)]) < -60, sound


@pytest.mark.e2e
def test_a_track_without_chimes_has_none(tmp_path: Path, track: audio_checks.Track) -> None:
    out = tmp_path / "quiet.mp3"
    result = CliRunner().invoke(cli, ["build", "--minutes", "1", "--voice", "system",
                                      "--intro", "short", "--seed", "2", "--no-chimes",
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    quiet = audio_checks.load_track(out, rate=SAMPLE_RATE)
    assert quiet.sheet["sounds"] == []
    for sound in track.sheet["sounds"]:  # where the other track chimes, this one is silent
        span = quiet.samples[ms_to_samples(sound["start_ms"]):ms_to_samples(sound["end_ms"])]
        cues = [c for c in quiet.sheet["cues"]
                if c["start_ms"] < sound["end_ms"] and sound["start_ms"] < c["end_ms"]]
        if not cues:
            assert _rms_dbfs(span) < -60
