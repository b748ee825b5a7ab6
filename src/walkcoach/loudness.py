"""Loudness (ITU-R BS.1770) and true-peak control for speech clips and whole tracks."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter, resample_poly

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
    """BS.1770 integrated loudness of a whole signal; -inf for silence."""
    if samples.size < int(_MIN_BLOCK_S * rate):
        samples = np.pad(samples, (0, int(_MIN_BLOCK_S * rate) - samples.size))
    meter = LoudnessMeter(rate)
    meter.add(samples)
    return meter.integrated()


class LoudnessMeter:
    """BS.1770 integrated loudness measured chunk by chunk, so no whole track is held.

    It keeps only one energy sum per 100 ms: a 60-minute track needs 36,000 numbers, not
    80 million samples. The K-weighting filters are pyloudnorm's, so both measure alike;
    silent stretches (the gaps between cues) skip the filters once their state has died out.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._hop = int(round(0.1 * rate))
        filters = pyloudnorm.Meter(rate)._filters  # the K-weighting stages, designed for rate
        self._stages = [(f.b, f.a) for f in filters.values()]
        self._states = [np.zeros(max(len(a), len(b)) - 1) for b, a in self._stages]
        self._partial = np.zeros(0)
        self._sums: list[npt.NDArray[np.float64]] = []

    def add(self, chunk: Audio) -> None:
        """Feed the next samples of the signal."""
        data = chunk.astype(np.float64)
        quiet = not np.any(data) and all(float(np.abs(z).max()) < 1e-12 for z in self._states)
        if quiet:
            squared = data  # zeros in, zeros out: skip the filters
        else:
            for index, (b, a) in enumerate(self._stages):
                data, self._states[index] = lfilter(b, a, data, zi=self._states[index])
            squared = data * data
        squared = np.concatenate((self._partial, squared))
        whole = squared.size // self._hop * self._hop
        self._sums.append(squared[:whole].reshape(-1, self._hop).sum(axis=1))
        self._partial = squared[whole:]

    def integrated(self) -> float:
        """Integrated loudness of everything fed so far (LUFS), -inf for silence."""
        sums = np.concatenate(self._sums) if self._sums else np.zeros(0)
        if sums.size < 4:
            return -math.inf
        energy = (sums[:-3] + sums[1:-2] + sums[2:-1] + sums[3:]) / (4 * self._hop)
        with np.errstate(divide="ignore"):
            block_lufs = -0.691 + 10 * np.log10(energy)
        gated = energy[block_lufs >= -70.0]
        if gated.size == 0:
            return -math.inf
        relative = -0.691 + 10 * math.log10(float(gated.mean())) - 10.0
        gated = energy[(block_lufs > relative) & (block_lufs > -70.0)]
        return -0.691 + 10 * math.log10(float(gated.mean()))


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


def gain_for(loudness_lufs: float, peak_bound_dbtp: float, *,
             target_lufs: float = TARGET_LUFS, ceiling_dbtp: float = TRACK_CEILING_DBTP) -> float:
    """The gain (dB) that brings a mix to ``target_lufs`` without its peak passing the ceiling.

    ``peak_bound_dbtp`` is a bound on the mix's true peak known without measuring it (speech
    cues never overlap, so a speech mix peaks no higher than its loudest phrase).
    """
    if not math.isfinite(loudness_lufs):
        return 0.0
    return min(target_lufs - loudness_lufs, ceiling_dbtp - peak_bound_dbtp)
