"""Tests for the Speaker: cache first, then the missing phrases, as many at once as allowed.

The engine here is a fake (a unit test of the Speaker's own logic); the real engines are
tested end to end in test_e2e.py and test_program.py, and here for the memory a long line takes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from walkcoach.audio.pcm import SAMPLE_RATE, Audio
from walkcoach.errors import EngineError
from walkcoach.voice import PhraseCache, Speaker, VoiceChoice, neural_available
from walkcoach.voice.base import VoiceInfo
from walkcoach.voice.split import MAX_CHARS, MAX_WORDS


class FakeEngine:
    """Speaks a tone as long as the text; counts how many phrases it is speaking at once."""

    name = "fake"

    def __init__(self, concurrency: int, fail_on: str | None = None) -> None:
        self.concurrency = concurrency
        self.fail_on = fail_on
        self.spoken: list[str] = []
        self.busy = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        self._first_wave = threading.Barrier(concurrency)  # the first phrases meet here

    def voices(self) -> tuple[VoiceInfo, ...]:
        return (VoiceInfo(id="fake:one", engine="fake", name="One", language="en"),)

    def default_voice(self) -> str:
        return "fake:one"

    def synthesize(self, text: str, *, voice: str, rate: float) -> tuple[Audio, int]:
        with self._lock:
            self.busy += 1
            self.most_at_once = max(self.most_at_once, self.busy)
            self.spoken.append(text)
            first = len(self.spoken) <= self.concurrency
        try:
            if first:  # all of the first ones must be here at once, or this times out
                self._first_wave.wait(timeout=10)
            time.sleep(0.01)
            if text == self.fail_on:
                raise EngineError(f"cannot say {text!r}")
            size = SAMPLE_RATE // 4 + 200 * len(text)
            t = np.arange(size) / SAMPLE_RATE
            return (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE
        finally:
            with self._lock:
                self.busy -= 1


def _speaker(engine: FakeEngine, cache: Path) -> tuple[Speaker, list[int]]:
    started: list[int] = []

    def factory() -> FakeEngine:
        started.append(1)
        return engine

    choice = VoiceChoice(engine="fake", voice="fake:one", factory=factory)
    return Speaker(choice, cache=PhraseCache(cache)), started


TEXTS = ["Eyes forward.", "Halfway.", "Roll from ball to heel.", "Stop.", "Halfway.",
         "Two minutes left."]


@pytest.mark.parametrize("concurrency", [1, 2, 3])
def test_missing_phrases_are_made_as_many_at_once_as_the_engine_allows(
        concurrency: int, tmp_path: Path) -> None:
    engine = FakeEngine(concurrency)
    speaker, _ = _speaker(engine, tmp_path)
    seen: list[tuple[int, int]] = []
    clips = speaker.clips(TEXTS, progress=lambda done, total: seen.append((done, total)))
    unique = list(dict.fromkeys(TEXTS))
    assert list(clips) == unique
    assert sorted(engine.spoken) == sorted(speaker.spoken(text) for text in unique)
    assert engine.most_at_once == concurrency
    assert seen == [(done, len(unique)) for done in range(1, len(unique) + 1)]
    for text in unique:
        assert np.array_equal(clips[text], speaker.clip(text))


def test_cached_phrases_do_not_start_the_engine(tmp_path: Path) -> None:
    """A second speaker on the same cache finds every phrase: the engine never starts, and
    the clips are the same samples."""
    first, _ = _speaker(FakeEngine(2), tmp_path)
    made = first.clips(TEXTS)
    second, started = _speaker(FakeEngine(2), tmp_path)
    again = second.clips(TEXTS)
    assert started == []
    assert all(np.array_equal(made[text], again[text]) for text in made)


def test_some_cached_some_missing(tmp_path: Path) -> None:
    """Only the missing phrases are spoken; progress still counts every phrase once."""
    first, _ = _speaker(FakeEngine(2), tmp_path)
    first.clips(TEXTS[:2])
    engine = FakeEngine(2)
    second, _ = _speaker(engine, tmp_path)
    seen: list[int] = []
    second.clips(TEXTS, progress=lambda done, total: seen.append(done))
    assert sorted(engine.spoken) == sorted(second.spoken(t) for t in
                                           ["Roll from ball to heel.", "Stop.",
                                            "Two minutes left."])
    assert seen == [1, 2, 3, 4, 5]


def test_an_engine_error_stops_the_phrases(tmp_path: Path) -> None:
    """One phrase the engine cannot say: the error reaches the caller, the good phrases that
    were made stay cached, the failed one is not."""
    engine = FakeEngine(2, fail_on="Stop.")
    speaker, _ = _speaker(engine, tmp_path)
    with pytest.raises(EngineError, match="cannot say 'Stop.'"):
        speaker.clips(TEXTS)
    assert not speaker.cache.has(speaker.key("Stop."))
    assert speaker.cache.has(speaker.key("Roll from ball to heel."))


def test_texts_with_the_same_words_share_one_clip(tmp_path: Path) -> None:
    """"5 minutes left." and "five minutes left." are said alike: spoken once, one clip for
    both, the one the cache keeps (so a rebuild from the cache gives the same samples)."""
    engine = FakeEngine(2)
    speaker, _ = _speaker(engine, tmp_path)
    clips = speaker.clips(["5 minutes left.", "five minutes left.", "Stop."])
    assert sorted(engine.spoken) == ["Stop.", "five minutes left."]
    assert clips["5 minutes left."] is clips["five minutes left."]
    cached = speaker.cache.get(speaker.key("five minutes left."))
    assert cached is not None and np.array_equal(cached, clips["5 minutes left."])


def test_one_at_a_time_runs_in_the_calling_thread(tmp_path: Path) -> None:
    """An engine that speaks one phrase at a time is driven from the thread that started it
    (pyttsx3's drivers on macOS and Windows belong to their thread)."""
    engine = FakeEngine(1)
    threads: set[int] = set()
    synthesize = engine.synthesize

    def recording(text: str, *, voice: str, rate: float) -> tuple[Audio, int]:
        threads.add(threading.get_ident())
        return synthesize(text, voice=voice, rate=rate)

    engine.synthesize = recording  # type: ignore[method-assign]
    speaker, _ = _speaker(engine, tmp_path)
    speaker.clips(TEXTS)
    assert threads == {threading.get_ident()}


def test_progress_counts_clips_already_held(tmp_path: Path) -> None:
    speaker, _ = _speaker(FakeEngine(1), tmp_path)
    speaker.clip("Stop.")
    seen: list[tuple[int, int]] = []
    speaker.clips(["Stop.", "Halfway."], progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


# --- a long line is said in pieces, in bounded memory -----------------------------------------

LONG_WORDS = ("keep your eyes forward and let each foot find the floor behind you while your "
              "arms swing easily at your sides and your breathing stays slow and steady").split()


def _long_line(words: int) -> str:
    """One sentence of ``words`` words with no break but the final full stop."""
    return " ".join(LONG_WORDS[i % len(LONG_WORDS)] for i in range(words)) + "."


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_a_long_line_is_said_in_pieces_joined_by_pauses(rate: float, tmp_path: Path) -> None:
    engine = FakeEngine(1)
    choice = VoiceChoice(engine="fake", voice="fake:one", factory=lambda: engine)
    speaker = Speaker(choice, rate=rate, cache=PhraseCache(tmp_path))
    text = _long_line(120)
    clip = speaker.clip(text)
    assert len(engine.spoken) > 1
    assert " ".join(engine.spoken).split() == speaker.spoken(text).split()
    for piece in engine.spoken:  # a slower voice says fewer words in the same time
        assert len(piece.split()) <= MAX_WORDS * rate and len(piece) <= MAX_CHARS * rate
    # Each piece is a steady tone: the joins are the only silences, one pause each.
    quiet = np.concatenate(([0], (np.abs(clip) < 1e-4).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(quiet))  # where runs of quiet samples start and end
    runs = [run for run in edges[1::2] - edges[::2] if run > SAMPLE_RATE // 20]
    assert len(runs) == len(engine.spoken) - 1
    assert all(abs(run - SAMPLE_RATE * 0.18) < SAMPLE_RATE * 0.03 for run in runs), runs
    # The cache keeps the whole phrase under its own key: a second speaker does not synthesize.
    again = FakeEngine(1)
    reader = Speaker(VoiceChoice(engine="fake", voice="fake:one", factory=lambda: again),
                     rate=rate, cache=PhraseCache(tmp_path))
    assert np.array_equal(reader.clip(text), clip) and again.spoken == []


def test_a_short_line_is_said_whole(tmp_path: Path) -> None:
    engine = FakeEngine(1)
    speaker, _ = _speaker(engine, tmp_path)
    text = "Roll from the ball of the foot to the heel, slowly, and keep your eyes forward."
    speaker.clip(text)
    assert engine.spoken == [speaker.spoken(text)]


_PEAK_CHILD = """
import resource, sys
from pathlib import Path
from walkcoach.voice import PhraseCache, Speaker, resolve_voice
speaker = Speaker(resolve_voice("neural"), cache=PhraseCache(Path(sys.argv[1])))
clip = speaker.clip(sys.stdin.read())
try:  # this process's own peak: ru_maxrss survives exec, so it may be the test runner's
    status = Path("/proc/self/status").read_text()
    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB (bytes on macOS)
    peak = peak // 1024 if sys.platform == "darwin" else peak
print(clip.size, peak)
"""
PEAK_CEILING_MB = 500


def test_a_400_word_sentence_is_spoken_in_bounded_memory(tmp_path: Path) -> None:
    """The real neural voice, in a process of its own, so its peak is the phrase's alone
    (before splitting, 400 words peaked at 3.3 GB; now about 400 MB)."""
    assert neural_available(), "the neural voice is part of the default install here"
    done = subprocess.run([sys.executable, "-c", _PEAK_CHILD, str(tmp_path)],
                          input=_long_line(400), capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    samples, peak_kib = map(int, done.stdout.split())
    assert samples / SAMPLE_RATE > 60, "400 words take more than a minute to say"
    assert peak_kib / 1024 < PEAK_CEILING_MB, f"peak {peak_kib / 1024:.0f} MB"
