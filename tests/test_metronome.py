"""The step metronome: when it clicks, how it sounds, and what a built track plays."""

from __future__ import annotations

import dataclasses
import functools
import math
from pathlib import Path

import audio_checks
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.audio import layers as sounds
from walkcoach.audio import loudness
from walkcoach.audio.clicks import (
    CLICK_DUCK_DB,
    CLICK_MS,
    CLICK_PEAK_DBTP,
    click,
    click_layer,
    click_times,
)
from walkcoach.audio.pcm import ms_to_samples
from walkcoach.build.session import make_spec
from walkcoach.cli import cli
from walkcoach.content import find_exercise
from walkcoach.plan import planner
from walkcoach.plan.blocks import with_kinds
from walkcoach.plan.model import Block, SessionSpec, Timeline


@functools.cache
def _circuit() -> tuple[Block, ...]:
    """Warm-up, work, a rest, work at another level, cool-down: 4 minutes 30."""
    forward, backwards = find_exercise("walking-forward"), find_exercise("walking-backwards")
    rest = find_exercise("standing-rest")
    return with_kinds([
        Block(kind="work", exercise=forward, duration_ms=60_000),
        Block(kind="work", exercise=backwards, duration_ms=60_000),
        Block(kind="work", exercise=rest, duration_ms=30_000),
        Block(kind="work", exercise=backwards, duration_ms=60_000, level="advanced"),
        Block(kind="work", exercise=forward, duration_ms=60_000),
    ])


def _plan(cadence: int | str | None, **changes: object) -> tuple[SessionSpec, Timeline]:
    spec = make_spec(blocks=_circuit(), cadence=cadence, setting="floor")
    spec = dataclasses.replace(spec, **changes)  # type: ignore[arg-type]
    lengths = dict.fromkeys(planner.candidate_phrases(spec), 1800)
    return spec, planner.plan(spec, lengths)


def test_the_circuit_has_every_kind_of_part() -> None:
    _, timeline = _plan(60)
    assert [b.kind for b in timeline.blocks] == ["warmup", "work", "rest", "work", "cooldown"]


def test_at_sixty_steps_a_minute_clicks_are_a_second_apart_in_walking_parts_only() -> None:
    _, timeline = _plan(60)
    times = click_times(*_plan(60))
    assert times and times == sorted(times)
    assert timeline.walk_start_ms <= times[0] and times[-1] < timeline.walk_end_ms
    for part in timeline.blocks:
        inside = [t for t in times if part.start_ms <= t < part.end_ms]
        if part.kind == "rest":
            assert inside == []
            continue
        # From the part's first moment, exactly every 1000 ms, to its end.
        assert inside == list(range(part.start_ms, part.end_ms, 1000)), part.label
    assert len(times) == 4 * 60  # four walking minutes


def test_auto_takes_each_parts_exercise_and_level() -> None:
    spec, timeline = _plan("auto")
    times = click_times(spec, timeline)
    beginner = spec.exercise.levels["beginner"].cadence
    advanced = spec.exercise.levels["advanced"].cadence
    assert beginner < advanced  # slow for beginners
    for part in timeline.blocks:
        inside = [t - part.start_ms for t in times if part.start_ms <= t < part.end_ms]
        if part.kind == "rest":
            assert inside == []
            continue
        cadence = advanced if part.level == "advanced" else beginner
        expected = [round(k * 60_000 / cadence) for k in range(60 * cadence // 60)]
        assert inside == [x for x in expected if x < part.end_ms - part.start_ms]


def test_an_uneven_step_never_drifts() -> None:
    """At 90 steps a minute a step is 666.67 ms: each click is rounded from the part's
    start, so the 90th click of a minute is on the minute."""
    spec, timeline = _plan(90)
    part = timeline.blocks[1]
    inside = [t - part.start_ms for t in click_times(spec, timeline)
              if part.start_ms <= t < part.end_ms]
    assert len(inside) == 90
    assert {b - a for a, b in zip(inside, inside[1:], strict=False)} == {666, 667}
    assert inside[-1] == round(89 * 60_000 / 90)


def test_no_cadence_no_clicks() -> None:
    spec, timeline = _plan(None)
    assert click_times(spec, timeline) == []
    assert "metronome" not in [layer.name for layer in sounds.layers(spec, timeline)]


def test_the_click_is_short_soft_and_ducked() -> None:
    sound = click()
    assert sound.size == ms_to_samples(CLICK_MS) and CLICK_MS <= 20
    assert loudness.true_peak_dbtp(sound) == pytest.approx(CLICK_PEAK_DBTP, abs=0.05)
    assert CLICK_PEAK_DBTP <= loudness.PEAK_CEILING_DBTP - 12  # well under speech
    assert abs(float(sound[0])) < 0.01 and float(sound[-1]) == 0.0
    spec, timeline = _plan(60)
    layer = click_layer(spec, timeline)
    assert [p.start_ms for p in layer.placements] == click_times(spec, timeline)
    assert all(p.audio is sound for p in layer.placements)  # one array, shared
    assert layer.duck_db == CLICK_DUCK_DB and -14 <= CLICK_DUCK_DB <= -10
    assert layer.gain_db <= 0 and layer.peak_dbtp == pytest.approx(CLICK_PEAK_DBTP, abs=0.05)
    assert [x.name for x in sounds.layers(spec, timeline)] == ["chimes", "metronome"]
    quiet = dataclasses.replace(spec, chimes=False)
    quiet_timeline = planner.plan(quiet, dict.fromkeys(planner.candidate_phrases(quiet), 1800))
    assert [x.name for x in sounds.layers(quiet, quiet_timeline)] == ["metronome"]


def test_every_shipped_walking_exercise_has_a_slow_beginner_cadence() -> None:
    for name in ("walking-backwards", "walking-forward"):
        levels = find_exercise(name).levels
        cadences = [levels[level].cadence for level in ("beginner", "intermediate", "advanced")]
        assert cadences == sorted(cadences) and 60 <= cadences[0] <= 90, (name, cadences)


def test_an_exercise_file_without_cadences_gets_the_defaults(tmp_path: Path) -> None:
    from walkcoach.content import TEMPLATES_DIR, load_exercise
    from walkcoach.content.exercise import DEFAULT_CADENCE

    text = (TEMPLATES_DIR / "exercises" / "walking-backwards.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("    cadence:")]
    path = tmp_path / "walking-backwards.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    levels = load_exercise(path).levels
    assert {name: spec.cadence for name, spec in levels.items()} == DEFAULT_CADENCE
    assert DEFAULT_CADENCE["beginner"] < DEFAULT_CADENCE["advanced"]


# --- a built track ---------------------------------------------------------------------------

CLICK_DBFS = -45.0
"""A 1 ms window louder than this (peak) in a gap between cues is a click."""


@pytest.fixture(scope="module")
def track(tmp_path_factory: pytest.TempPathFactory) -> audio_checks.Track:
    """Two rounds of 20 s walking backwards and 20 s standing, clicking at 60 a minute."""
    out = tmp_path_factory.mktemp("metronome") / "walk.mp3"
    result = CliRunner().invoke(cli, [
        "build", "--intervals", "2x20/20", "--recovery", "standing-rest", "--cadence", "60",
        "--voice", "system", "--intro", "short", "--setting", "floor", "--no-chimes",
        "-o", str(out)])
    assert result.exit_code == 0, result.output
    return audio_checks.load_track(out)


def _clicks_in_gaps(track: audio_checks.Track, margin_ms: int = 60) -> tuple[list[int],
                                                                             list[tuple[int,
                                                                                        int]]]:
    """The clicks heard between the cues (ms), and the gaps searched."""
    starts = np.arange(track.samples.size * 1000 // track.rate) * track.rate // 1000
    peaks = np.maximum.reduceat(np.abs(track.samples), starts)  # millisecond i: peaks[i]
    loud = 20 * np.log10(np.maximum(peaks, 1e-9)) > CLICK_DBFS
    gaps = audio_checks.silent_spans_ms(track.sheet, margin_ms=margin_ms)
    found = []
    for start, end in gaps:
        previous = -math.inf
        for ms in np.flatnonzero(loud[start:end]) + start:
            if ms - previous > 100:  # a new click, not the same one's next millisecond
                found.append(int(ms))
            previous = ms
    return found, gaps


@pytest.mark.e2e
def test_the_track_clicks_each_second_in_walking_parts_only(track: audio_checks.Track) -> None:
    sheet = track.sheet
    parts = sheet["blocks"]
    assert [p["kind"] for p in parts] == ["work", "rest", "work", "rest"]
    found, gaps = _clicks_in_gaps(track)
    assert len(found) >= 15, found
    walking = [p for p in parts if p["kind"] != "rest"]
    for ms in found:  # only during walking parts: none in a rest, the intro or after stop
        assert any(p["start_ms"] <= ms < p["end_ms"] for p in walking), ms
    # Every step of a walking part that falls in a gap is heard, on its millisecond.
    expected = [p["start_ms"] + k * 1000 for p in walking
                for k in range((p["end_ms"] - p["start_ms"]) // 1000)]
    heard = [t for t in expected if any(a + 5 <= t and t + CLICK_MS + 5 <= b for a, b in gaps)]
    assert len(heard) >= 15
    for t in heard:
        assert min(abs(ms - t) for ms in found) <= 3, t
    # Clicks heard one after another in a part are one second apart.
    steps = [b - a for a, b in zip(found, found[1:], strict=False) if b - a < 1500]
    assert len(steps) >= 8 and all(abs(step - 1000) <= 3 for step in steps), steps
    # The rests' gaps are silent, and so are the intro's and the cool-down's.
    rests = [(p["start_ms"], p["end_ms"]) for p in parts if p["kind"] == "rest"]
    quiet = [(a, b) for a, b in gaps if b <= sheet["walk_start_ms"] or a >= sheet["walk_end_ms"]
             or any(r0 <= a and b <= r1 for r0, r1 in rests)]
    assert any(a >= sheet["walk_end_ms"] for a, _ in quiet) and any(
        any(r0 <= a and b <= r1 for r0, r1 in rests) for a, b in quiet)
    for a, b in quiet:
        assert audio_checks.loudest_dbfs(
            audio_checks.frame_levels_dbfs(track.samples, track.rate), a, b) < -60, (a, b)


@pytest.mark.e2e
def test_clicks_are_ducked_under_speech(track: audio_checks.Track) -> None:
    """A click under a cue is CLICK_DUCK_DB quieter than one in a gap: measured as the
    difference between this track and the same one without a metronome."""
    out = track.path.parent / "plain.mp3"
    result = CliRunner().invoke(cli, [
        "build", "--intervals", "2x20/20", "--recovery", "standing-rest",
        "--voice", "system", "--intro", "short", "--setting", "floor", "--no-chimes",
        "-o", str(out)])
    assert result.exit_code == 0, result.output
    plain = audio_checks.load_track(out)
    assert plain.sheet["cues"] == track.sheet["cues"]
    size = min(plain.samples.size, track.samples.size)
    clicks = track.samples[:size] - plain.samples[:size]
    rate = track.rate

    def peak_db(at_ms: int) -> float:
        piece = clicks[ms_to_samples(at_ms, rate):ms_to_samples(at_ms + CLICK_MS, rate)]
        return 20 * math.log10(max(float(np.abs(piece).max()), 1e-9))

    walking = [p for p in track.sheet["blocks"] if p["kind"] != "rest"]
    times = [p["start_ms"] + k * 1000 for p in walking
             for k in range((p["end_ms"] - p["start_ms"]) // 1000)]
    cues = [(c["start_ms"], c["end_ms"]) for c in track.sheet["cues"]]
    under = [t for t in times if any(s + 100 <= t and t + 100 <= e for s, e in cues)]
    clear = [t for t in times if all(t + 500 <= s or e + 500 <= t for s, e in cues)]
    assert under and clear
    gap_level = float(np.median([peak_db(t) for t in clear]))
    under_level = float(np.median([peak_db(t) for t in under]))
    assert gap_level - under_level == pytest.approx(-CLICK_DUCK_DB, abs=2.5)

