"""The phrase cache: a damaged entry is never used, a cache that cannot be written only costs time.

Every test speaks through the real Speaker and the real system voice (quick to synthesize).
The system voice does not say a phrase to the sample twice, so a phrase made again is checked
against a fresh one by its length (within a few samples in a thousand) and its loudness, which
tells speech from silence, a clip cut short, and noise.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import audio_checks as ac
import numpy as np
import pytest
from click.testing import CliRunner, Result

from walkcoach import notes
from walkcoach.audio import loudness
from walkcoach.audio.pcm import SAMPLE_RATE, Audio
from walkcoach.build import session
from walkcoach.cli import cli
from walkcoach.errors import excerpt
from walkcoach.voice import Engine, PhraseCache, Speaker, VoiceChoice, resolve_voice
from walkcoach.voice.cache import CACHE_ENV

TEXT = "Keep your eyes forward."
LENGTH_TOLERANCE = 0.02  # the system voice varies by a few samples in a thousand
SPEECH_LUFS, LUFS_TOLERANCE = loudness.TARGET_LUFS, 1.0


@pytest.fixture(scope="module")
def system() -> VoiceChoice:
    """The system voice (pyttsx3 + espeak-ng)."""
    return resolve_voice("system")


class Counting:
    """A speaker on a cache folder, counting how often its engine had to start."""

    def __init__(self, choice: VoiceChoice, root: Path) -> None:
        self.starts = 0

        def factory() -> Engine:
            self.starts += 1
            return choice.factory()

        self.speaker = Speaker(VoiceChoice(engine=choice.engine, voice=choice.voice,
                                           factory=factory), cache=PhraseCache(root))


@pytest.fixture(scope="module")
def fresh(system: VoiceChoice, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Audio, Path, str]:
    """``TEXT`` made once into a cache of its own: the clip, the cache folder, the key."""
    root = tmp_path_factory.mktemp("fresh-cache")
    speaker = Counting(system, root).speaker
    return speaker.clip(TEXT), root, speaker.key(TEXT)


@pytest.fixture()
def warm(fresh: tuple[Audio, Path, str], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fresh cache for one test: its folder, and the file of ``TEXT``'s entry."""
    _, root, key = fresh
    shutil.copytree(root, tmp_path / "cache")
    [entry] = (tmp_path / "cache").rglob(f"{key}.*")
    return tmp_path / "cache", entry


def _payload(entry: Path, clip: Audio) -> int:
    """Where the 16-bit samples of ``entry`` start (they end the file, whatever the header)."""
    return entry.stat().st_size - 2 * clip.size


def _cut_to_header(entry: Path, clip: Audio) -> None:
    os.truncate(entry, _payload(entry, clip))


def _cut_in_half(entry: Path, clip: Audio) -> None:
    os.truncate(entry, _payload(entry, clip) + clip.size)


def _scrambled(entry: Path, clip: Audio) -> None:
    data = bytearray(entry.read_bytes())
    start = _payload(entry, clip)
    data[start:] = np.random.default_rng(9).bytes(len(data) - start)
    entry.write_bytes(bytes(data))


def _odd_size(entry: Path, clip: Audio) -> None:
    os.truncate(entry, entry.stat().st_size - 1)


def _a_folder(entry: Path, clip: Audio) -> None:
    entry.unlink()
    entry.mkdir()
    (entry / "something").write_text("not a phrase")


def _a_link_to_itself(entry: Path, clip: Audio) -> None:
    entry.unlink()
    entry.symlink_to(entry.name)


def _a_fifo(entry: Path, clip: Audio) -> None:
    entry.unlink()
    os.mkfifo(entry)


DAMAGE: dict[str, Callable[[Path, Audio], None]] = {
    "cut to its header": _cut_to_header, "cut in half": _cut_in_half,
    "scrambled": _scrambled, "odd size": _odd_size, "a folder": _a_folder,
    "a link to itself": _a_link_to_itself, "a FIFO": _a_fifo,
}


def _in_time(call: Callable[[], Audio], seconds: float = 60) -> Audio:
    """``call()``, failing (not hanging) if it does not return within ``seconds``."""
    result: list[Audio] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            failed.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the speaker hangs on the cache entry"
    if failed:
        raise failed[0]
    return result[0]


def _is_the_phrase(clip: Audio, fresh_clip: Audio) -> None:
    """``clip`` is ``TEXT`` said whole: the length of a fresh synthesis, speech-loud."""
    assert abs(clip.size - fresh_clip.size) <= LENGTH_TOLERANCE * fresh_clip.size, (
        clip.size, fresh_clip.size)
    lufs = loudness.integrated_lufs(clip, SAMPLE_RATE)
    assert abs(lufs - SPEECH_LUFS) <= LUFS_TOLERANCE, lufs


@pytest.fixture(autouse=True)
def _fresh_notes() -> Iterator[None]:
    notes.clear()
    yield
    notes.clear()


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_made_again(damage: str, system: VoiceChoice,
                                       fresh: tuple[Audio, Path, str],
                                       warm: tuple[Path, Path]) -> None:
    fresh_clip, _, key = fresh
    root, entry = warm
    DAMAGE[damage](entry, fresh_clip)
    remaker = Counting(system, root)
    clip = _in_time(lambda: remaker.speaker.clip(TEXT))
    _is_the_phrase(clip, fresh_clip)
    assert remaker.starts == 1, "the phrase was not made again"
    assert notes.recent() == (
        f"phrase cache: a damaged entry for '{TEXT}' was made again",)
    # The entry was replaced by a whole one: the next speaker reads it, the engine stays off.
    reader = Counting(system, root)
    assert reader.speaker.cache.has(key)
    assert np.array_equal(reader.speaker.clip(TEXT), clip)
    assert reader.starts == 0


@pytest.mark.parametrize("damage", [name for name in DAMAGE if name != "scrambled"])
def test_has_does_not_vouch_for_a_damaged_entry(damage: str, fresh: tuple[Audio, Path, str],
                                                warm: tuple[Path, Path]) -> None:
    """What the batch asks before it shares out the phrases to make (header and size only:
    a scrambled entry of the right size is caught by get)."""
    fresh_clip, _, key = fresh
    root, entry = warm
    assert PhraseCache(root).has(key)
    DAMAGE[damage](entry, fresh_clip)
    assert not PhraseCache(root).has(key)


def test_an_entry_is_checked_by_its_digest(fresh: tuple[Audio, Path, str],
                                           warm: tuple[Path, Path]) -> None:
    """One sample changed by one step, size and header intact: not served."""
    fresh_clip, _, key = fresh
    root, entry = warm
    data = bytearray(entry.read_bytes())
    data[_payload(entry, fresh_clip) + fresh_clip.size] ^= 1
    entry.write_bytes(bytes(data))
    cache = PhraseCache(root)
    assert cache.get(key) is None
    assert cache.take_damaged(key) and not cache.take_damaged(key)
    assert not entry.exists()


@pytest.mark.parametrize("where", ["the folder is a file", "the folder is under a file"])
def test_a_cache_that_cannot_be_written_is_said_once(where: str, system: VoiceChoice,
                                                     fresh: tuple[Audio, Path, str],
                                                     tmp_path: Path) -> None:
    """Tests run as root, whom a read-only folder does not stop: a file in the way does."""
    (tmp_path / "file").write_text("in the way")
    root = tmp_path / "file" if where == "the folder is a file" else tmp_path / "file" / "c"
    speaker = Counting(system, root)
    _is_the_phrase(_in_time(lambda: speaker.speaker.clip(TEXT)), fresh[0])
    speaker.speaker.clips(["Stop.", "Halfway."])
    again = Counting(system, root)  # another speaker in the same process: said already
    _is_the_phrase(_in_time(lambda: again.speaker.clip(TEXT)), fresh[0])
    assert again.starts == 1  # nothing could be kept: made again
    said = notes.recent()
    assert len(said) == 1, said
    assert said[0].startswith(f"phrase cache: cannot write to {root} (")
    assert said[0].endswith("); phrases will be made again on every run")
    assert (tmp_path / "file").read_text() == "in the way"


# --- end to end: walkcoach build --------------------------------------------------------------

SESSION = ["--minutes", "1", "--voice", "system", "--level", "beginner", "--seed", "2"]


def _build(out: Path) -> Result:
    result = CliRunner().invoke(cli, ["build", *SESSION, "-o", str(out)],
                                prog_name="walkcoach", catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception, result.stderr)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def _speech_fills(track: ac.Track, cue: dict[str, int]) -> None:
    """The audio has the cue's speech: an onset where it starts, and sound to its end."""
    levels = ac.frame_levels_dbfs(track.samples, track.rate)
    onsets = ac.onsets_ms(track.samples, track.rate)
    assert min(abs(onset - cue["start_ms"]) for onset in onsets) <= 40, cue
    end = cue["end_ms"]
    assert ac.loudest_dbfs(levels, end - 200, end) > ac.SPEECH_DBFS, cue


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[ac.Track, ac.Track, str, Result]:
    """A track built, the entry of its longest phrase cut to its header, the track built again
    from that cache: both tracks, the phrase, and the second build's result."""
    folder = tmp_path_factory.mktemp("damaged-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder / "cache"))
        _build(folder / "first.wav")
        first = ac.load_track(folder / "first.wav")
        text = max((cue["text"] for cue in first.sheet["cues"]), key=len)
        key = session.make_speaker("system").key(text)
        clip = PhraseCache(folder / "cache").get(key)
        assert clip is not None
        [entry] = (folder / "cache").rglob(f"{key}.*")
        _cut_to_header(entry, clip)  # what played as silence while the cue sheet listed it
        notes.clear()
        second = _build(folder / "second.wav")
        return first, ac.load_track(folder / "second.wav"), text, second


def test_build_remakes_a_damaged_phrase(rebuilt: tuple[ac.Track, ac.Track, str, Result]
                                        ) -> None:
    first, second, text, result = rebuilt
    assert result.stderr.splitlines() == [
        f"walkcoach: note: phrase cache: a damaged entry for {excerpt(text)} was made again"]
    before = next(cue for cue in first.sheet["cues"] if cue["text"] == text)
    after = next(cue for cue in second.sheet["cues"] if cue["text"] == text)
    length = before["end_ms"] - before["start_ms"]
    assert abs((after["end_ms"] - after["start_ms"]) - length) <= LENGTH_TOLERANCE * length
    assert [cue["text"] for cue in second.sheet["cues"]] == [
        cue["text"] for cue in first.sheet["cues"]]
    # The cue sheet and the audio agree: the whole track, and the phrase made again.
    assert abs(second.duration_ms - second.sheet["duration_ms"]) <= 50
    _speech_fills(second, after)


def test_build_with_a_cache_it_cannot_write(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    result = _build(tmp_path / "walk.wav")
    said = [line for line in result.stderr.splitlines() if "phrase cache" in line]
    assert len(said) == 1, said
    folder = tmp_path / "cache"
    assert said[0].startswith(f"walkcoach: note: phrase cache: cannot write to {folder} (")
    assert said[0].endswith("); phrases will be made again on every run")
    track = ac.load_track(tmp_path / "walk.wav")
    assert abs(track.duration_ms - track.sheet["duration_ms"]) <= 50


def test_a_killed_writers_temporary_is_cleared(tmp_path: Path) -> None:
    """A temporary left by a writer that is gone (SIGKILL mid-write) is removed by the next
    write to that shelf; one of a live writer (this process) is left alone."""
    cache = PhraseCache(tmp_path)
    key = "ab" + "0" * 62
    shelf = cache.entry(key).parent
    shelf.mkdir(parents=True)
    dead = shelf / f".{key}.pcm.wc{2**22 + 12345}-x1y2.part"  # above any pid_max
    live = shelf / f".other.pcm.wc{os.getpid()}-x1y2.part"
    dead.write_bytes(b"half an entry")
    live.write_bytes(b"still being written")
    cache.put(key, np.zeros(100, np.float32))
    assert not dead.exists() and live.exists()
    assert cache.get(key) is not None
    assert [p.name for p in shelf.iterdir() if p.name.endswith(".part")] == [live.name]
