"""Loudness (ITU-R BS.1770) and true-peak control for speech clips and whole tracks."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

from walkcoach.pcm import Audio

TARGET_LUFS = -16.0
"""Integrated loudness of every phrase and of every finished track."""

PEAK_CEILING_DBTP = -2.5
"""True-peak ceiling of each phrase: under the track's, so most mixes need no limiting."""

TRACK_CEILING_DBTP = -1.5
"""True-peak ceiling of a finished mix: half a dB under -1 dBTP, room for the encoder."""

SILENCE_DBFS = -45.0
_MIN_BLOCK_S = 0.5  # BS.1770 gates in 400 ms blocks; shorter clips are padded to measure them
_LIMIT_PASSES = 3
_ATTACK_S = 0.004


def integrated_lufs(samples: Audio, rate: int) -> float:
    """BS.1770 integrated loudness (pyloudnorm); -inf for silence."""
    if samples.size < int(_MIN_BLOCK_S * rate):
        samples = np.pad(samples, (0, int(_MIN_BLOCK_S * rate) - samples.size))
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def _oversampled_peaks(samples: Audio) -> Audio:
    """Per-sample peak of the signal oversampled four times (BS.1770 true-peak method)."""
    over: Audio = np.abs(resample_poly(samples, 4, 1)).astype(np.float32)
    over = np.pad(over, (0, (-over.size) % 4))[: samples.size * 4]
    peaks: Audio = np.maximum(over.reshape(-1, 4).max(axis=1), np.abs(samples))
    return peaks


def true_peak_dbtp(samples: Audio) -> float:
    """True peak (4x oversampled) in dB relative to full scale."""
    if samples.size == 0:
        return -math.inf
    peak = float(np.max(_oversampled_peaks(samples)))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def trim(samples: Audio, rate: int, *, keep_ms: int = 10) -> Audio:
    """Cut the silence an engine leaves before and after speech, so a cue starts on time."""
    threshold = 10 ** (SILENCE_DBFS / 20)
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    keep = int(rate * keep_ms / 1000)
    start = max(0, int(loud[0]) - keep)
    end = min(samples.size, int(loud[-1]) + 1 + keep)
    return samples[start:end]


def level(samples: Audio, rate: int, *, target_lufs: float = TARGET_LUFS,
          ceiling_dbtp: float = PEAK_CEILING_DBTP) -> Audio:
    """Bring audio to ``target_lufs`` with its true peak held under ``ceiling_dbtp``.

    Limiting lowers the loudness a little, so gain and limiter alternate a few times.
    """
    out = samples.astype(np.float32)
    for _ in range(_LIMIT_PASSES):
        loudness = integrated_lufs(out, rate)
        if not math.isfinite(loudness):
            return out
        gain_db = target_lufs - loudness
        out = (out * np.float32(10 ** (gain_db / 20))).astype(np.float32)
        peaks = _oversampled_peaks(out)
        if float(peaks.max()) <= 10 ** (ceiling_dbtp / 20):
            return out
        out = _limit(out, peaks, rate, ceiling_dbtp)
    return out


def _limit(samples: Audio, peaks: Audio, rate: int, ceiling_dbtp: float) -> Audio:
    """A look-ahead peak limiter: gain rides smoothly under every (oversampled) peak."""
    needed = np.minimum(1.0, 10 ** (ceiling_dbtp / 20) / np.maximum(peaks, 1e-9))
    width = max(1, int(_ATTACK_S * rate))
    # Averaging over `width` samples of a minimum taken over 2*width+1 keeps every sample's gain
    # at or below what it needs, while the gain changes smoothly (no clicks).
    gain = uniform_filter1d(minimum_filter1d(needed, 2 * width + 1), width)
    limited: Audio = (samples * np.minimum(gain, needed)).astype(np.float32)
    return limited


def master(samples: Audio, rate: int, *, target_lufs: float = TARGET_LUFS,
           peak_bound_dbtp: float | None = None) -> Audio:
    """Set a finished mix to ``target_lufs`` (the speech sets it) under the track ceiling.

    With a known bound on the mix's true peak (a speech-only mix peaks no higher than its
    loudest phrase), the gain is simply capped so the bound stays under the ceiling: one
    measurement, no limiter. Otherwise the full gain-and-limit loop runs.
    """
    if peak_bound_dbtp is None:
        return level(samples, rate, target_lufs=target_lufs, ceiling_dbtp=TRACK_CEILING_DBTP)
    loudness = integrated_lufs(samples, rate)
    if not math.isfinite(loudness):
        return samples
    gain_db = min(target_lufs - loudness, TRACK_CEILING_DBTP - peak_bound_dbtp)
    return (samples * np.float32(10 ** (gain_db / 20))).astype(np.float32)
