"""End to end, a session in parts: the real neural voice and ffmpeg build an interval track
through the command line, and the decoded audio is measured against its cue sheet."""

from __future__ import annotations

from pathlib import Path

import audio_checks as ac
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.cli import cli

pytestmark = pytest.mark.e2e

ONSET_TOLERANCE_MS = 40
DURATION_TOLERANCE_MS = 50
SESSION = ["--intervals", "3x0:40/0:30", "--warmup", "0:30", "--cooldown", "0:30",
           "--level", "beginner", "--setting", "treadmill", "--voice", "neural"]


@pytest.fixture(scope="module")
def intervals(tmp_path_factory: pytest.TempPathFactory) -> ac.Track:
    """Warm-up, three rounds of 40 s backwards with 30 s forward, cool-down: 4 minutes."""
    out = tmp_path_factory.mktemp("intervals") / "intervals.mp3"
    result = CliRunner().invoke(cli, ["build", *SESSION, "-o", str(out)], prog_name="walkcoach")
    assert result.exit_code == 0, (result.stderr, result.exception)
    return ac.load_track(out)


def test_the_parts_are_in_the_cue_sheet(intervals: ac.Track) -> None:
    blocks = intervals.sheet["blocks"]
    assert [b["kind"] for b in blocks] == ["warmup", "work", "recovery", "work", "recovery",
                                           "work", "cooldown"]
    assert [b["exercise"] for b in blocks] == ["walking-forward"] + [
        "walking-backwards", "walking-forward"] * 2 + ["walking-backwards", "walking-forward"]
    assert [b["end_ms"] - b["start_ms"] for b in blocks] == [30_000, 40_000, 30_000, 40_000,
                                                             30_000, 40_000, 30_000]
    assert blocks[0]["start_ms"] == intervals.sheet["walk_start_ms"]
    assert blocks[-1]["end_ms"] == intervals.sheet["walk_end_ms"]
    assert [b["round"] for b in blocks] == [None, 1, 1, 2, 2, 3, None]


def test_decoded_duration_matches_the_cue_sheet(intervals: ac.Track) -> None:
    assert abs(intervals.duration_ms - intervals.sheet["duration_ms"]) <= DURATION_TOLERANCE_MS


def test_speech_starts_on_every_boundary(intervals: ac.Track) -> None:
    """At the start of every part, a cue of the sheet starts exactly there, and the decoded
    audio has a speech onset within 40 ms of it."""
    onsets = np.asarray(ac.onsets_ms(intervals.samples, intervals.rate), dtype=np.int64)
    starts = {c["start_ms"]: c for c in intervals.sheet["cues"]}
    for block in intervals.sheet["blocks"]:
        assert starts[block["start_ms"]]["kind"] in ("start", "switch"), block
        nearest = int(np.min(np.abs(onsets - block["start_ms"])))
        assert nearest <= ONSET_TOLERANCE_MS, (block, nearest)


def test_every_cue_starts_at_a_speech_onset(intervals: ac.Track) -> None:
    errors = ac.onset_errors_ms(intervals, ac.onsets_ms(intervals.samples, intervals.rate))
    late = [(text, error) for text, error in errors if error > ONSET_TOLERANCE_MS]
    assert not late, late


def test_the_boundary_check_can_fail(intervals: ac.Track) -> None:
    """Boundaries 150 ms off the audio (a part laid a few frames late) find no onset."""
    onsets = np.asarray(ac.onsets_ms(intervals.samples, intervals.rate), dtype=np.int64)
    misses = [int(np.min(np.abs(onsets - (b["start_ms"] + 150))))
              for b in intervals.sheet["blocks"]]
    assert all(miss > ONSET_TOLERANCE_MS for miss in misses), misses


def test_chapters_captions_and_transcript_show_the_parts(intervals: ac.Track) -> None:
    import mutagen.mp3

    tags = mutagen.mp3.MP3(intervals.path).tags
    assert tags is not None
    titles = [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")]
    assert titles == [c["title"] for c in intervals.sheet["chapters"]]
    assert "Round 2 of 3: Walking backwards" in titles and "Warm-up: Walking forward" in titles
    captions = Path(intervals.path).with_suffix(".vtt").read_text(encoding="utf-8")
    transcript = Path(intervals.path).with_suffix(".txt").read_text(encoding="utf-8")
    for text in ("Round 2 of 3: Walking backwards", "Recovery: Walking forward"):
        assert text in captions and text in transcript


def test_loudness_meets_the_target(intervals: ac.Track) -> None:
    measured = ac.ebur128(intervals.path)
    assert abs(measured.integrated_lufs + 16) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
