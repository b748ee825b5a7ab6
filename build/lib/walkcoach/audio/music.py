"""A music bed: a coach's audio file (decoded by walkcoach.encode.music), looped under the
walk, ducked.

* Decoded to two channels; two equal channels are mono. At most its first MAX_SECONDS are
  used and looped, so memory stays bounded whatever the file.
* Refused before any synthesis, in one line: no sound at all, or shorter than a second.
* The loop is seamless: the file's last SEAM_MS are crossfaded (equal power) into its start.
* The bed plays from "begin" until FADE_OUT_MS after "stop", fading in over FADE_IN_MS and
  out over FADE_OUT_MS, set to BED_LUFS (audible in the gaps, well under speech) and ducked
  by DUCK_DB under every cue and chime (walkcoach.audio.mixer). The track is stereo when the music
  is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from walkcoach.audio import loudness
from walkcoach.audio.mixer import Layer
from walkcoach.audio.pcm import SAMPLE_RATE, Audio, ms_to_samples
from walkcoach.errors import InputError
from walkcoach.plan.model import Timeline

__all__ = ["BED_LUFS", "DUCK_DB", "MAX_SECONDS", "Music", "bed_layer", "measured"]

MAX_SECONDS = 120
MIN_MS = 1000
SEAM_MS = 500
FADE_IN_MS = 3000
FADE_OUT_MS = 4000
BED_LUFS = loudness.TARGET_LUFS - 8.0
"""The bed's own loudness before ducking: 8 LU under speech, so it fills the gaps softly."""
DUCK_DB = -11.0
"""How far the bed falls under speech and chimes: with BED_LUFS, 19 LU under the voice."""


@dataclass(frozen=True, kw_only=True)
class Music:
    """A music file as decoded: samples at the mix rate, (n,) mono or (n, 2) stereo."""

    path: Path
    samples: Audio
    loudness_lufs: float
    peak_dbtp: float

    @property
    def channels(self) -> int:
        """1 or 2."""
        return 1 if self.samples.ndim == 1 else 2


def measured(path: Path, samples: Audio) -> Music:
    """Decoded music (``(n, 2)`` at the mix rate) checked and measured: refused in one line
    when it has no audio, is shorter than a second or is silent; two equal channels are mono."""
    if samples.shape[0] == 0:
        raise InputError(f"music file {path}: has no audio")
    if samples.shape[0] < ms_to_samples(MIN_MS):
        raise InputError(f"music file {path}: is shorter than a second")
    if np.array_equal(samples[:, 0], samples[:, 1]):
        samples = np.ascontiguousarray(samples[:, 0])
    # Measured in ten-second pieces: a whole two minutes' FFT (and a four-times oversampled
    # one for the true peak) would take hundreds of megabytes.
    meter = loudness.Meter(samples.shape[0], SAMPLE_RATE)
    meter.add_chunked(samples)
    lufs = meter.lufs()
    if not math.isfinite(lufs):
        raise InputError(f"music file {path}: is silent")
    return Music(path=path, samples=samples, loudness_lufs=lufs,
                 peak_dbtp=loudness.long_true_peak_dbtp(samples))


class _Loop:
    """The music looped from ``start`` to ``end`` (samples), faded in and out."""

    def __init__(self, music: Music, start: int, end: int) -> None:
        x = music.samples
        seam = min(ms_to_samples(SEAM_MS), x.shape[0] // 4)
        body = x[: x.shape[0] - seam].copy()
        if seam:
            ramp = np.linspace(0.0, math.pi / 2, seam, dtype=np.float32)
            fade_in, fade_out = np.sin(ramp), np.cos(ramp)
            if x.ndim == 2:
                fade_in, fade_out = fade_in[:, None], fade_out[:, None]
            body[:seam] = x[:seam] * fade_in + x[x.shape[0] - seam:] * fade_out
        self.body = body
        self.channels = music.channels
        self.start, self.end = start, end
        self.fade_in = ms_to_samples(FADE_IN_MS)
        self.fade_out = ms_to_samples(FADE_OUT_MS)

    def render(self, begin: int, end: int) -> Audio:
        """Samples [begin, end) of the track."""
        shape = (end - begin, 2) if self.channels == 2 else (end - begin,)
        out = np.zeros(shape, dtype=np.float32)
        lo, hi = max(begin, self.start), min(end, self.end)
        if lo >= hi:
            return out
        at = np.arange(lo, hi)
        piece = self.body[(at - self.start) % self.body.shape[0]]
        envelope = np.minimum(np.clip((at - self.start) / self.fade_in, 0.0, 1.0),
                              np.clip((self.end - at) / self.fade_out, 0.0, 1.0))
        envelope = envelope.astype(np.float32)
        out[lo - begin:hi - begin] = piece * (envelope[:, None] if self.channels == 2
                                              else envelope)
        return out


def bed_layer(music: Music, timeline: Timeline) -> Layer:
    """The music as a ducked layer from "begin" to FADE_OUT_MS after "stop"."""
    start = ms_to_samples(timeline.walk_start_ms)
    end = min(ms_to_samples(timeline.walk_end_ms + FADE_OUT_MS),
              ms_to_samples(timeline.duration_ms))
    gain = BED_LUFS - music.loudness_lufs
    return Layer(name="music", bed=_Loop(music, start, end), gain_db=gain,
                 peak_dbtp=music.peak_dbtp, duck_db=DUCK_DB)
