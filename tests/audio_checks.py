"""Measuring built tracks: levels, speech onsets, silent gaps, ebur128 loudness, recognition.

A plain module, not a conftest: tests import it as ``import audio_checks``. pytest's default
("prepend") import mode puts ``tests/`` on ``sys.path`` because the folder is not a package
and holds the rootdir's conftest.py, so no path juggling is needed.

Every measurement works on what a listener gets: the encoded file decoded by ffmpeg
(``walkcoach.encode.export.decode``), never on walkcoach's own in-memory mix.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from walkcoach.encode.export import decode
from walkcoach.encode.ffmpeg import ffmpeg_exe

Samples = npt.NDArray[np.float32]

RATE = 44100
"""Tracks are encoded at 44.1 kHz: decoding at that rate measures them without resampling."""

FRAME_MS = 10
SPEECH_DBFS = -50.0
"""A 10 ms frame louder than this (RMS) is speech. Phrases are trimmed where the voice passes
-45 dBFS peak (before levelling), so a cue's first frames clear it; the gaps measure near
-90 dBFS, far below it."""

QUIET_MS = 80
"""An onset is sound after at least this long below :data:`SPEECH_DBFS`: less than the
100 ms of silence between a chime and the cue it announces (walkcoach.plan.chimeplan), so the
cue's own onset is found after its chime."""


@dataclass(frozen=True)
class Track:
    """A built track: its file, its cue sheet (parsed) and its decoded samples."""

    path: Path
    sheet: dict[str, Any]
    samples: Samples
    rate: int = RATE

    @property
    def duration_ms(self) -> float:
        """The decoded length in (fractional) milliseconds."""
        return self.samples.size * 1000 / self.rate


def load_track(path: Path, rate: int = RATE) -> Track:
    """Decode ``path`` and read the cue sheet beside it."""
    sheet = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return Track(path=path, sheet=sheet, samples=decode(path, rate), rate=rate)


def frame_levels_dbfs(samples: Samples, rate: int, frame_ms: int = FRAME_MS) -> npt.NDArray[
        np.float64]:
    """RMS level (dBFS) of consecutive ``frame_ms`` frames; frame i starts at i * frame_ms."""
    hop = rate * frame_ms // 1000
    count = samples.size // hop
    frames = samples[: count * hop].astype(np.float64).reshape(count, hop)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    with np.errstate(divide="ignore"):
        return 20 * np.log10(rms)


def onsets_ms(samples: Samples, rate: int, *, threshold_dbfs: float = SPEECH_DBFS,
              quiet_ms: int = QUIET_MS, frame_ms: int = FRAME_MS) -> list[int]:
    """Start times of speech: the first loud frame after ``quiet_ms`` or more of quiet.

    The start of the track counts as quiet, so speech at 0 ms is an onset too.
    """
    loud = frame_levels_dbfs(samples, rate, frame_ms) > threshold_dbfs
    needed = quiet_ms // frame_ms
    onsets = []
    quiet_run = needed
    for index, is_loud in enumerate(loud):
        if is_loud:
            if quiet_run >= needed:
                onsets.append(index * frame_ms)
            quiet_run = 0
        else:
            quiet_run += 1
    return onsets


def sound_spans_ms(sheet: dict[str, Any]) -> list[tuple[int, int]]:
    """Where the sheet says something sounds: every cue and every chime, (start, end)."""
    return sorted((item["start_ms"], item["end_ms"])
                  for item in [*sheet["cues"], *sheet.get("sounds", [])])


def onset_errors_ms(track: Track, onsets: Sequence[int]) -> list[tuple[str, int]]:
    """For every cue of the sheet: (its text, distance in ms to the nearest detected onset)."""
    found = np.asarray(onsets, dtype=np.int64)
    assert found.size, "no speech onset detected at all"
    errors = []
    for cue in track.sheet["cues"]:
        nearest = int(np.min(np.abs(found - cue["start_ms"])))
        errors.append((cue["text"], nearest))
    return errors


def silent_spans_ms(sheet: dict[str, Any], *, margin_ms: int = 20) -> list[tuple[int, int]]:
    """The spans the cue sheet says are silent (before, between and after the cues and the
    chimes).

    ``margin_ms`` is left out at each edge: a phrase keeps 10 ms of its own fade, and an MP3
    frame smears a little energy over its edges.
    """
    edges = [0]
    for sound in sorted([*sheet["cues"], *sheet.get("sounds", [])],
                        key=lambda item: item["start_ms"]):
        edges += [sound["start_ms"], sound["end_ms"]]
    edges.append(sheet["duration_ms"])
    spans = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        start, end = start + margin_ms, end - margin_ms
        if end - start >= FRAME_MS:
            spans.append((start, end))
    return spans


def loudest_dbfs(levels: npt.NDArray[np.float64], start_ms: int, end_ms: int,
                 frame_ms: int = FRAME_MS) -> float:
    """The loudest of the frames (``frame_levels_dbfs``) lying wholly in [start_ms, end_ms)."""
    first = -(-start_ms // frame_ms)
    inside = levels[first:end_ms // frame_ms]
    return float(inside.max()) if inside.size else -math.inf


def lag_samples(reference: Samples, other: Samples, *, start: int, length: int,
                max_lag: int) -> int:
    """How many samples later ``other`` plays what ``reference`` plays from ``start`` on.

    The lag (within +-``max_lag``) that maximizes the cross-correlation of ``length``
    samples, computed by FFT.
    """
    ref = reference[start:start + length].astype(np.float64)
    window = other[start - max_lag:start + length + max_lag].astype(np.float64)
    size = 1 << (window.size + ref.size).bit_length()
    corr = np.fft.irfft(np.fft.rfft(window, size) * np.conj(np.fft.rfft(ref, size)), size)
    return int(np.argmax(corr[:2 * max_lag + 1])) - max_lag


@dataclass(frozen=True)
class Ebur128:
    """ffmpeg's ebur128 summary: integrated loudness and true peak."""

    integrated_lufs: float
    true_peak_dbtp: float


_SUMMARY = re.compile(r"Summary:.*?\bI:\s+(-?[\d.]+|-inf) LUFS.*?True peak:\s+Peak:\s+"
                      r"(-?[\d.]+|-inf) dBFS", re.S)


def parse_ebur128(log: str) -> Ebur128:
    """Read the integrated loudness and the true peak from ffmpeg's ebur128 summary."""
    match = _SUMMARY.search(log)
    if match is None:
        raise AssertionError(f"no ebur128 summary with a true peak in ffmpeg's output:\n"
                             f"{log[-2000:]}")
    return Ebur128(integrated_lufs=float(match.group(1)), true_peak_dbtp=float(match.group(2)))


def ebur128(path: Path) -> Ebur128:
    """Measure a file with ffmpeg's ebur128 filter (true peak on)."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-nostdin", "-i", str(path),
               "-af", "ebur128=peak=true", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return parse_ebur128(result.stderr)


def bs1770_lufs(samples: Samples, rate: int) -> float:
    """Integrated loudness by pyloudnorm (an independent BS.1770 meter)."""
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


# --- speech recognition ---------------------------------------------------------------------

def pcm16(samples: Samples) -> bytes:
    """Float samples as 16-bit little-endian PCM bytes (what pocketsphinx reads)."""
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).astype("<i2").tobytes()


def recognize(spans: Iterable[Samples], *, grammar: str | None = None) -> list[str]:
    """Recognize each span (16 kHz mono) with pocketsphinx's bundled English model.

    With ``grammar=None`` the default (open-vocabulary) language model is used. The suite's
    listener is Whisper (tests/listen.py); pocketsphinx stays for what Whisper cannot do:
    choosing among given lines (a JSGF grammar), as tests/test_scriptfile.py does.
    """
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="FATAL")
    if grammar is not None:
        decoder.add_jsgf_string("cues", grammar)
        decoder.activate_search("cues")
    heard = []
    for span in spans:
        decoder.start_utt()
        decoder.process_raw(pcm16(span), False, True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        heard.append(hypothesis.hypstr if hypothesis is not None else "")
    return heard
