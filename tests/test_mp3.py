"""Tests for the 44.1 kHz path: the 2x interpolator and the in-process MP3 writer.

The MP3s are decoded by ffmpeg and read by mutagen, two implementations that are not ours.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import mutagen.mp3
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.audio.pcm import SAMPLE_RATE, Audio
from walkcoach.audio.resample import upsample2x
from walkcoach.encode import export, mp3
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.errors import ExportError

OUT_RATE = 2 * SAMPLE_RATE


def _sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> Audio:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _burst(size: int) -> Audio:
    """A windowed 700 Hz tone: a shape whose position cross-correlation finds exactly."""
    t = np.arange(size) / OUT_RATE
    return (0.5 * np.sin(2 * np.pi * 700 * t) * np.hanning(size)).astype(np.float32)


def _decode(path: Path) -> tuple[Audio, str]:
    """ffmpeg's decode at 44.1 kHz, and anything it warned about."""
    result = subprocess.run([ffmpeg_exe(), "-v", "warning", "-nostdin", "-i", str(path),
                             "-f", "f32le", "-ac", "1", "-ar", str(OUT_RATE), "pipe:1"],
                            capture_output=True, check=True)
    return np.frombuffer(result.stdout, "<f4"), result.stderr.decode()


# --- upsample2x -----------------------------------------------------------------------------

def test_upsampling_keeps_a_tone_and_doubles_the_length() -> None:
    """Tones inside the speech band come out as the same tones at 44.1 kHz (error < -80 dB)."""
    tones = _sine(1000, 2.0, SAMPLE_RATE) + _sine(7000, 2.0, SAMPLE_RATE, 0.2)
    out = np.concatenate(list(upsample2x([tones])))
    assert out.size == 2 * tones.size
    expected = _sine(1000, 2.0, OUT_RATE) + _sine(7000, 2.0, OUT_RATE, 0.2)
    inner = slice(200, -200)  # the stream starts and ends in zeros
    assert np.max(np.abs(out[inner] - expected[inner])) < 10 ** (-80 / 20)


def test_upsampling_adds_no_image_above_the_old_band() -> None:
    """A 9 kHz tone must not leave its mirror image at 13.05 kHz (below -70 dB)."""
    out = np.concatenate(list(upsample2x([_sine(9000, 1.0, SAMPLE_RATE)])))
    spectrum = np.abs(np.fft.rfft(out[1000:-1000] * np.hanning(out.size - 2000)))
    freqs = np.fft.rfftfreq(out.size - 2000, 1 / OUT_RATE)
    tone = spectrum[np.argmin(np.abs(freqs - 9000))]
    image = spectrum[np.argmin(np.abs(freqs - 13050))]
    assert 20 * np.log10(image / tone) < -70


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=8))
def test_upsampling_does_not_depend_on_the_chunks(cuts: list[int]) -> None:
    """However the stream is cut (empty, tiny or long pieces), the output is the same."""
    signal = np.random.default_rng(len(cuts)).standard_normal(sum(cuts) + 5).astype(np.float32)
    edges = np.cumsum([0, *cuts, 5])
    pieces = [signal[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]
    whole = np.concatenate(list(upsample2x([signal])))
    cut = np.concatenate(list(upsample2x(pieces)))
    assert whole.size == cut.size == 2 * signal.size
    np.testing.assert_array_equal(cut, whole)
    np.testing.assert_array_equal(whole[0::2], signal)  # the old samples stay as they were


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=12_000),
                          st.integers(min_value=1, max_value=300)), min_size=1, max_size=6))
def test_upsampling_only_where_there_is_sound_is_the_same(runs: list[tuple[int, int]]) -> None:
    """Sound apart by runs of zeros of any length (shorter and longer than the run that
    splits a stretch): the halfway samples are those of one correlation over the whole."""
    from walkcoach.audio import resample

    rng = np.random.default_rng(len(runs))
    signal = np.concatenate([np.concatenate([np.zeros(gap, np.float32),
                                             rng.standard_normal(size).astype(np.float32)])
                             for gap, size in runs] + [np.zeros(40, np.float32)])
    window = np.concatenate([np.zeros(resample.HALF_TAPS - 1, np.float32), signal])
    full = np.correlate(window, resample._TAPS, mode="valid")
    np.testing.assert_allclose(resample._halfway(window), full, rtol=0, atol=1e-6)
    assert not resample._halfway(window)[np.convolve(window != 0, np.ones(32), "valid") == 0].any()


def test_upsampled_silence_is_exact_zeros() -> None:
    out = np.concatenate(list(upsample2x([np.zeros(5000, np.float32)] * 3)))
    assert out.size == 30_000 and not out.any()


# --- mp3 --------------------------------------------------------------------------------------

def test_crc16_check_value() -> None:
    """CRC-16/ARC of "123456789" is 0xBB3D (the catalogued check value)."""
    assert mp3._crc16(b"123456789") == 0xBB3D


@pytest.mark.parametrize("size", [1, 1151, 1152, 44_100, 123_457])
def test_mp3_decodes_to_exactly_the_samples_given(size: int, tmp_path: Path) -> None:
    """The Info frame's delay and padding make ffmpeg return exactly ``size`` samples."""
    signal = _burst(size)
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([signal], file)
    decoded, warnings = _decode(path)
    assert decoded.size == size
    # ffmpeg doubts the format of any file of a few frames (its own MP3s too); nothing else
    assert [line for line in warnings.splitlines() if "detected only with low score" not in line
            ] == []


def test_mp3_keeps_every_sample_in_place(tmp_path: Path) -> None:
    """Bursts placed anywhere decode at the same sample (no encoder delay left in)."""
    signal = np.zeros(OUT_RATE * 4, np.float32)
    starts = [1234, 60_000, 150_001]
    burst = _burst(4410)
    for start in starts:
        signal[start:start + burst.size] += burst
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([signal[:70_000], signal[70_000:]], file)
    decoded, _ = _decode(path)
    for start in starts:
        region = decoded[start - 300:start + burst.size + 300]
        lag = int(np.argmax(np.correlate(region, burst, mode="valid"))) - 300
        assert lag == 0


def _bursts_apart(gaps: list[int], burst: Audio) -> tuple[Audio, list[int]]:
    """``burst`` after each gap of zeros (the last gap closes the signal); the burst starts."""
    parts: list[Audio] = []
    starts = []
    at = 0
    for index, gap in enumerate(gaps):
        parts.append(np.zeros(gap, np.float32))
        at += gap
        if index < len(gaps) - 1:
            starts.append(at)
            parts.append(burst)
            at += burst.size
    return np.concatenate(parts), starts


def _cut(signal: Audio, seed: int) -> list[Audio]:
    rng = np.random.default_rng(seed)
    cuts = sorted(rng.integers(0, signal.size, 5).tolist())
    return np.split(signal, cuts)


SPLIT = mp3.SPLIT_GAP


@pytest.mark.parametrize("gaps", [
    [0, SPLIT - 1, SPLIT, SPLIT + 1, 0],  # each side of the run that ends an encoder
    [3 * SPLIT, 5 * OUT_RATE, 7, 2 * SPLIT],  # long silence first and last
    [1, 200_000, 1],
])
def test_mp3_silence_between_sounds_is_exact(gaps: list[int], tmp_path: Path) -> None:
    """Sounds apart by runs of zeros (the long runs written as empty frames, not by LAME),
    cut into chunks anywhere: exact length, every sound at its sample with LAME's fidelity,
    and zeros where there was silence (away from the sounds' own codec ringing)."""
    burst = _burst(9000)
    signal, starts = _bursts_apart(gaps, burst)
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write(_cut(signal, seed=len(gaps)), file)
    decoded, _ = _decode(path)
    assert decoded.size == signal.size
    for start in starts:
        region = decoded[max(start - 300, 0):start + burst.size + 300]
        lag = int(np.argmax(np.correlate(region, burst, mode="valid"))) - min(start, 300)
        assert lag == 0
        error = decoded[start:start + burst.size] - burst
        assert 10 * np.log10(np.sum(burst ** 2) / np.sum(error ** 2)) > 25
    ringing = np.zeros(signal.size, bool)
    for start in starts:
        ringing[max(start - 2304, 0):start + burst.size + 2304] = True
    assert np.all(decoded[~ringing] == 0)
    data = path.read_bytes()
    empty = data.count(mp3._SILENT_FRAME)
    long_runs = sum(gap for gap in gaps if gap >= SPLIT)
    assert empty >= long_runs // mp3.SAMPLES_PER_FRAME - 4 * len(gaps)
    if not long_runs:
        assert empty == 0


def _decoders(path: Path) -> dict[str, Audio]:
    """The file decoded at 44.1 kHz by every MP3 decoder the tests have: ffmpeg, libsndfile
    (mpg123 inside) and miniaudio (dr_mp3)."""
    import miniaudio
    import soundfile

    by_sndfile, rate = soundfile.read(str(path), dtype="float32")
    assert rate == OUT_RATE
    by_dr_mp3 = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.FLOAT32,
                                      nchannels=1, sample_rate=OUT_RATE)
    return {"ffmpeg": _decode(path)[0], "mpg123": np.asarray(by_sndfile, np.float32),
            "dr_mp3": np.asarray(by_dr_mp3.samples, np.float32)}


def test_every_decoder_gives_the_planned_samples(tmp_path: Path) -> None:
    """Sound at 96 kbps between long silences in 32 kbps frames: each decoder returns exactly
    the samples given, every burst at its sample, silence as zeros."""
    burst = _burst(9000)
    signal, starts = _bursts_apart([3 * SPLIT, 5 * OUT_RATE, 7, 2 * SPLIT, 11 * OUT_RATE],
                                   burst)
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write(_cut(signal, seed=3), file)
    for name, decoded in _decoders(path).items():
        assert decoded.size == signal.size, name
        for start in starts:
            error = decoded[start:start + burst.size] - burst
            assert 10 * np.log10(np.sum(burst ** 2) / np.sum(error ** 2)) > 25, name
        assert not np.any(decoded[starts[-1] + burst.size + 2304:]), name


def test_seeking_lands_on_the_right_sample(tmp_path: Path) -> None:
    """ffmpeg, asked to start 12.5 s in, gives the same samples as a whole decode from there:
    the header frame's frame count and seek table agree with the variable-bitrate stream."""
    burst = _burst(9000)
    signal, _ = _bursts_apart([OUT_RATE, 5 * OUT_RATE, 3 * SPLIT, 9 * OUT_RATE, OUT_RATE],
                              burst)
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([signal], file)
    whole, _ = _decode(path)
    result = subprocess.run([ffmpeg_exe(), "-v", "error", "-nostdin", "-ss", "12.5", "-i",
                             str(path), "-f", "f32le", "-ac", "1", "pipe:1"],
                            capture_output=True, check=True)
    tail = np.frombuffer(result.stdout, "<f4")
    skip = int(12.5 * OUT_RATE)
    assert tail.size == whole.size - skip
    assert np.array_equal(tail, whole[skip:])


def test_the_seek_table_points_at_frames() -> None:
    """Each percent of the table is the byte position of the frame at that time."""
    offsets = [i * 104 for i in range(1000)]
    table = mp3.seek_table(offsets, lead=313, size=313 + 1000 * 104)
    assert len(table) == 100 and table[0] == 313 * 256 // 104_313
    assert table[50] == (313 + 500 * 104) * 256 // 104_313
    assert list(table) == sorted(table)


@pytest.mark.parametrize("size", [0, 1, 2305, 300_000, 60 * OUT_RATE])
def test_mp3_of_silence_only(size: int, tmp_path: Path) -> None:
    """Nothing but zeros: no LAME at all, and still a file of exactly ``size`` zeros, made
    of the header frame and the smallest (32 kbps) frames only."""
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([np.zeros(size, np.float32)], file)
    decoded, _ = _decode(path)
    assert decoded.size == size and not decoded.any()
    assert mutagen.mp3.MP3(path).info.length == pytest.approx(size / OUT_RATE, abs=1e-6)
    data = path.read_bytes()
    audio = data[data.index(b"\xff\xfb"):]
    silent = audio.count(mp3._SILENT_FRAME)
    assert len(audio) == 144_000 * mp3.BITRATE_KBPS // OUT_RATE + silent * 104
    assert silent >= (size + mp3.ENCODER_DELAY + mp3.DECODER_DELAY) / mp3.SAMPLES_PER_FRAME


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3 * SPLIT), st.integers(1000, 6000)), min_size=1,
                max_size=5), st.integers(0, 2 * SPLIT), st.integers(0, 1000))
def test_mp3_sounds_stay_in_place_whatever_the_silences(
        layout: list[tuple[int, int]], tail: int, seed: int) -> None:
    """Any mix of sounds and silences, in chunks cut anywhere, decodes to the same length
    with every sound at its sample."""
    signal = np.zeros(sum(gap + size for gap, size in layout) + tail, np.float32)
    at = 0
    placed = []
    for gap, size in layout:
        at += gap
        signal[at:at + size] = _burst(size)
        placed.append((at, size))
        at += size
    buffer = io.BytesIO()
    mp3.write(_cut(signal, seed), buffer)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.mp3"
        path.write_bytes(buffer.getvalue())
        decoded, _ = _decode(path)
    assert decoded.size == signal.size
    padded = np.concatenate([np.zeros(300, np.float32), decoded, np.zeros(300, np.float32)])
    for start, size in placed:
        region = padded[start:start + size + 600]
        assert int(np.argmax(np.correlate(region, _burst(size), mode="valid"))) == 300


def test_mp3_header_as_mutagen_reads_it(tmp_path: Path) -> None:
    """Another reader finds a LAME stream at 96 kbps where there is sound, its length and the
    tags."""
    signal = _sine(440, 3.0, OUT_RATE, 0.3)
    path = tmp_path / "t.mp3"
    tags = {"title": "Walking backwards: 5 minutes", "artist": "Zoë Ödegaard",
            "album": "Six weeks", "genre": "Speech", "client": "Sam"}
    with path.open("wb") as file:
        mp3.write([signal], file, tags)
    read = mutagen.mp3.MP3(path)
    assert read.info.sample_rate == OUT_RATE and read.info.channels == 1
    assert read.info.bitrate == pytest.approx(mp3.BITRATE_KBPS * 1000, rel=0.01)
    assert read.info.bitrate_mode == mutagen.mp3.BitrateMode.VBR
    assert read.info.encoder_info.startswith("LAME")
    assert read.info.length == pytest.approx(3.0, abs=1e-6)
    assert read.tags is not None and read.tags.version[:2] == (2, 3)
    assert str(read.tags["TIT2"]) == tags["title"]
    assert str(read.tags["TPE1"]) == "Zoë Ödegaard"
    assert str(read.tags["TALB"]) == "Six weeks" and str(read.tags["TCON"]) == "Speech"
    assert str(read.tags["TXXX:client"]) == "Sam"


def test_ffmpeg_trusts_the_lame_tag(tmp_path: Path) -> None:
    """ffmpeg reads the encoder name only when the LAME tag's checksum is right: the checksum
    must cover the mono frame's bytes before it, not a stereo frame's 190."""
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([_sine(440, 1.0, OUT_RATE, 0.3)], file, {"title": "t"})
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
                           capture_output=True, text=True, check=False)
    encoders = [line.split(":", 1)[1].strip() for line in probe.stderr.splitlines()
                if line.strip().startswith("encoder")]
    assert encoders == ["LAME3.100"], probe.stderr


def test_frame_counter_pieces_equal_the_whole(tmp_path: Path) -> None:
    """Counting frames over arbitrary pieces of the stream gives the count of the whole."""
    buffer = io.BytesIO()
    mp3.write([_sine(300, 2.0, OUT_RATE)], buffer)
    stream = buffer.getvalue()
    audio = stream[stream.index(b"\xff\xfb"):]
    whole = mp3.FrameCounter()
    whole.feed(audio)
    pieces = mp3.FrameCounter()
    rng = np.random.default_rng(3)
    at = 0
    while at < len(audio):
        step = int(rng.integers(1, 700))
        pieces.feed(audio[at:at + step])
        at += step
    assert pieces.count == whole.count == len(audio) // 313 and pieces.size == len(audio)


def test_frame_counter_rejects_a_damaged_stream() -> None:
    with pytest.raises(ExportError, match="damaged"):
        mp3.FrameCounter().feed(b"\xff\xfb\x70\xc4" + bytes(309) + b"junk")


def test_encoder_failing_midway_leaves_nothing(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """LAME failing after part of the file is written: an error, and no file."""

    class Failing:
        def __init__(self) -> None:
            self.calls = 0

        def __getattr__(self, name: str) -> object:
            return lambda *args: None

        def encode(self, pcm: bytes) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise RuntimeError("Error: can't allocate in_buffer buffer")
            return b""

    monkeypatch.setattr(mp3.lameenc, "Encoder", Failing)
    out = tmp_path / "out" / "t.mp3"
    out.parent.mkdir()  # encode writes into a folder the caller made (session.build_track)
    chunks = (np.full(1000, 0.1, np.float32) for _ in range(3))
    with pytest.raises(ExportError, match="the MP3 encoder failed"):
        export.encode(chunks, out, "mp3")
    assert list(out.parent.iterdir()) == []


# --- the phrase cache that batch workers share ------------------------------------------------

def test_phrase_cache_has_what_it_stores(tmp_path: Path) -> None:
    """has() answers without reading: false before put, true after, and get returns it."""
    from walkcoach.voice import PhraseCache

    cache = PhraseCache(tmp_path)
    clip = (_sine(300, 0.5, SAMPLE_RATE) * 0.5).astype(np.float32)
    assert not cache.has("ab12") and cache.get("ab12") is None
    cache.put("ab12", clip)
    assert cache.has("ab12") and not cache.has("ab13")
    stored = cache.get("ab12")
    assert stored is not None and np.max(np.abs(stored - clip)) < 1 / 32768 + 1e-7


# --- stretches encoded side by side (walkcoach.encode.lanes) ---------------------------------

def _many_stretches() -> list[Audio]:
    """Twenty bursts apart by long runs of zeros, then a long stretch with no gap (a bed)."""
    signal, _ = _bursts_apart([2 * SPLIT] * 20, _burst(30_000))
    bed = _sine(300, 20.0, OUT_RATE, 0.2)
    return _cut(np.concatenate([signal, bed]), seed=7)


def _written(chunks: list[Audio]) -> bytes:
    buffer = io.BytesIO()
    mp3.write(chunks, buffer)
    return buffer.getvalue()


def test_stretches_side_by_side_give_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Encoded in threads, the stream is byte for byte the one encoded in the calling thread
    (as a batch worker held to one core does), and the threads have gone when it is done."""
    import threading

    from walkcoach.encode import lanes

    chunks = _many_stretches()
    monkeypatch.setattr(lanes, "pool_size", lambda: 2)  # whatever an earlier test held us to
    threaded = _written(chunks)
    assert not [t for t in threading.enumerate() if t.name.startswith("mp3-lane")]
    monkeypatch.setattr(lanes, "pool_size", lambda: 0)
    assert _written(chunks) == threaded


class _Failing:
    """An encoder that fails on its third piece, as lameenc raises RuntimeError."""

    def __init__(self) -> None:
        self.pieces = 0

    def encode(self, pcm: bytes) -> bytes:
        self.pieces += 1
        if self.pieces == 3:
            raise RuntimeError("lame_encode_buffer failed")
        return b""

    def flush(self) -> bytes:
        return b""


def test_an_encoder_failing_in_its_thread_is_one_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stretch's encoder failing in its thread is reported by the writer as ExportError,
    and no thread is left behind."""
    import threading

    from walkcoach.encode import lanes

    monkeypatch.setattr(mp3, "_lame", _Failing)
    monkeypatch.setattr(lanes, "pool_size", lambda: 2)
    with pytest.raises(ExportError, match="the MP3 encoder failed: lame_encode_buffer failed"):
        _written(_many_stretches())
    assert not [t for t in threading.enumerate() if t.name.startswith("mp3-lane")]


def test_stopping_while_stretches_are_encoded_leaves_no_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (KeyboardInterrupt from the mixing) in the middle of a long stretch: the writer
    stops at once, its threads end, however full their queue of samples."""
    import threading

    from walkcoach.encode import lanes

    monkeypatch.setattr(lanes, "pool_size", lambda: 2)

    def interrupted() -> Iterator[Audio]:
        chunks = _many_stretches()
        yield from chunks[:-1]
        bed = _sine(300, 60.0, OUT_RATE, 0.2)
        yield from np.split(bed, 200)  # more pieces than a lane holds
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _written(interrupted())  # type: ignore[arg-type]
    assert not [t for t in threading.enumerate() if t.name.startswith("mp3-lane")]


def test_silent_frames_counted_at_once_are_counted_as_read() -> None:
    """A run of walkcoach's silent frames counted without reading each gives the counts and
    offsets of reading them, after any whole frames."""
    frame = mp3._SILENT_FRAME
    sound = mp3._header(mp3.BITRATE_KBPS) + bytes(mp3._frame_bytes(mp3.BITRATE_KBPS) - 4)
    for lead in (b"", frame * 3, sound, sound + frame):
        read, at_once = mp3.FrameCounter(), mp3.FrameCounter()
        read.feed(lead + frame * 50)
        at_once.feed(lead)
        at_once.feed_repeated(frame, 50)
        assert (at_once.count, at_once.size, list(at_once.offsets)) == \
            (read.count, read.size, list(read.offsets))


class _Slow:
    """An encoder that takes its time over each piece (a loaded machine, a long piece)."""

    def __init__(self) -> None:
        import time

        self.sleep = time.sleep

    def encode(self, pcm: bytes) -> bytes:
        self.sleep(0.15)
        return b""

    def flush(self) -> bytes:
        return b""


@pytest.mark.parametrize("stop", ["interrupt", "disk full"])
def test_stopping_while_a_slow_encoder_has_a_full_queue(stop: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C, or a write failing, while a long stretch's queue of samples is full and its
    encoder is in the middle of a piece: the writer stops within a second or so and no
    thread is left (a stop that could not be queued once hung here for ever)."""
    import threading
    import time

    from walkcoach.encode import lanes

    monkeypatch.setattr(mp3, "_lame", _Slow)
    monkeypatch.setattr(lanes, "pool_size", lambda: 2)
    bed = _sine(300, 5.0, OUT_RATE, 0.2)

    def pieces() -> Iterator[Audio]:
        for _ in range(lanes.DEPTH + 4):  # a bed with no silence: one lane, its queue full
            yield bed
        if stop == "interrupt":
            raise KeyboardInterrupt

    class Full(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            if data and stop == "disk full" and self.tell() > 1000:
                raise OSError(28, "No space left on device")
            return super().write(data)

    started = time.monotonic()
    with pytest.raises((KeyboardInterrupt, OSError, ExportError)):
        file = Full()
        mp3.write(pieces(), file)
        if stop == "disk full":  # the lane's bytes come last: write them out to fail
            raise OSError(28, "No space left on device")
    assert time.monotonic() - started < 20
    deadline = time.monotonic() + 2
    while [t for t in threading.enumerate() if t.name.startswith("mp3-lane")] \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [t for t in threading.enumerate() if t.name.startswith("mp3-lane")]


def test_stretches_waiting_for_a_thread_stay_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mixing faster than the encoders: stretches waiting for a thread are finished before
    more are taken, so at most a few are held in memory."""
    from walkcoach.encode import lanes

    most = [0]
    real = lanes.Ordered.lane

    def counting(self: lanes.Ordered, make: object) -> lanes.Lane:
        most[0] = max(most[0], sum(isinstance(i, lanes.Lane) for i in self._items))
        return real(self, make)  # type: ignore[arg-type]

    monkeypatch.setattr(lanes.Ordered, "lane", counting)
    monkeypatch.setattr(mp3, "_lame", _Slow)
    monkeypatch.setattr(lanes, "pool_size", lambda: 2)
    signal, _ = _bursts_apart([2 * SPLIT] * 30, _burst(3000))
    _written([signal])
    assert 0 < most[0] <= 2 * 2 + 1
