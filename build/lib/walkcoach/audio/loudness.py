"""Loudness (ITU-R BS.1770) and true-peak control for speech clips and whole tracks.

NumPy only: scipy.signal alone takes over a second and 100 MB to import, which a rebuild from
cached phrases cannot afford. K-weighting is applied as the exact frequency response of
BS.1770's two biquads (the constants pyloudnorm uses) on a zero-padded FFT, which equals the
recursive filter because the response dies out within a few thousand samples.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from walkcoach.audio.pcm import CHUNK, Audio

TARGET_LUFS = -16.0
"""Integrated loudness of every phrase and of every finished track."""

PEAK_CEILING_DBTP = -2.5
"""True-peak ceiling of each phrase: under the track's, so a mix has room to be raised."""

TRACK_CEILING_DBTP = -1.5
"""True-peak ceiling of a finished mix: half a dB under -1 dBTP, room for the encoder."""

AAC_CEILING_DBTP = -3.0
"""The same for a mix AAC encodes: its overshoot on speech reaches 1.7 dB (measured), and a
little less gain (0.5 dB at most, for phrases at their ceiling) keeps the M4A under -1."""

SILENCE_DBFS = -45.0
_FILTER_TAIL = 8192  # samples after which the K-weighting response is far below -120 dB
_LIMIT_PASSES = 12
_TOLERANCE_LU = 0.1
_ATTACK_S = 0.004
_PEAK_GUARD = 64  # zeros after a clip, so its end does not wrap onto its start when oversampled

Energy = npt.NDArray[np.float64]


# --- K-weighting and gated integration ----------------------------------------------------

def _biquad(kind: str, gain_db: float, q: float, fc: float, rate: int
            ) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * fc / rate
    alpha, cos = math.sin(w0) / (2 * q), math.cos(w0)
    if kind == "shelf":
        root = 2 * math.sqrt(a) * alpha
        return ((a * ((a + 1) + (a - 1) * cos + root), -2 * a * ((a - 1) + (a + 1) * cos),
                 a * ((a + 1) + (a - 1) * cos - root)),
                ((a + 1) - (a - 1) * cos + root, 2 * ((a - 1) - (a + 1) * cos),
                 (a + 1) - (a - 1) * cos - root))
    return ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2), (1 + alpha, -2 * cos, 1 - alpha)


@functools.lru_cache(maxsize=32)
def _k_response(size: int, rate: int) -> npt.NDArray[np.complex128]:
    """The K-weighting filter's response on an rfft grid of ``size`` points."""
    z: npt.NDArray[np.complex128] = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))
    response: npt.NDArray[np.complex128] = np.ones_like(z)
    for b, a in (_biquad("shelf", 4.0, 1 / math.sqrt(2), 1500.0, rate),
                 _biquad("pass", 0.0, 0.5, 38.0, rate)):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response


def weighted_energy(samples: Audio, rate: int) -> Energy:
    """Running sum of the K-weighted signal's energy (with a leading 0, tail included)."""
    size = 1 << (samples.size + _FILTER_TAIL - 1).bit_length()
    spectrum = np.fft.rfft(samples.astype(np.float64), size) * _k_response(size, rate)
    weighted = np.fft.irfft(spectrum, size)[: samples.size + _FILTER_TAIL]
    return np.concatenate(([0.0], np.cumsum(weighted * weighted)))


def placed_lufs(parts: Iterable[tuple[int, Energy, float]], total: int, rate: int) -> float:
    """Integrated loudness of clips that do not overlap, from their running energies.

    ``parts`` are (start sample, weighted_energy(clip), linear power gain). Block energies are
    summed from 100 ms segments, exactly as BS.1770 gates a whole signal.
    """
    meter = Meter(total, rate)
    for start, energy, power in parts:
        meter.add_energy(start, energy, power)
    return meter.lufs()


class Meter:
    """BS.1770 integrated loudness of a long signal given piece by piece (a mix streamed in
    chunks, each channel of a stereo one): memory holds 100 ms segments, not the signal.

    Each piece is K-weighted on its own, its filter tail spilling into the next segments; the
    cross term lost at each join is far below what the meter can show over seconds of sound.
    """

    def __init__(self, total: int, rate: int) -> None:
        self.rate, self.total = rate, total
        self.hop = int(round(0.1 * rate))
        self.segments = np.zeros(max(1, -(-total // self.hop)))
        self._edges = np.arange(self.segments.size + 1) * self.hop

    def add(self, start: int, samples: Audio, power: float = 1.0) -> None:
        """Add one piece (one channel) that starts at sample ``start``."""
        self.add_energy(start, weighted_energy(samples, self.rate), power)

    def add_energy(self, start: int, energy: Energy, power: float = 1.0) -> None:
        """Add a piece by its running energy (walkcoach.audio.loudness.weighted_energy)."""
        end = min(start + energy.size - 1, self.total)
        if end <= start:
            return
        first, last = start // self.hop, (end - 1) // self.hop
        edges = np.clip(self._edges[first:last + 2] - start, 0, end - start)
        self.segments[first:last + 1] += (energy[edges[1:]] - energy[edges[:-1]]) * power

    def lufs(self) -> float:
        """The integrated loudness of everything added."""
        return _gated(self.segments, self.hop)

    def add_chunked(self, samples: Audio) -> None:
        """Add a long signal (mono, or each column of a stereo one) piece by piece, so its
        K-weighting never needs the whole signal's FFT in memory."""
        for at, piece in _pieces(samples):
            self.add(at, piece)


def _pieces(samples: Audio) -> Iterator[tuple[int, Audio]]:
    """Each channel of ``samples`` (mono, or the columns of a stereo array) in CHUNK-long
    contiguous pieces, with where each starts."""
    for column in (samples.T if samples.ndim == 2 else (samples,)):
        for at in range(0, column.shape[0], CHUNK):
            yield at, np.ascontiguousarray(column[at:at + CHUNK])


def long_true_peak_dbtp(samples: Audio) -> float:
    """:func:`true_peak_dbtp` of a long signal, mono or stereo, measured piece by piece (a
    whole signal's four-times oversampling would take hundreds of megabytes)."""
    return max((true_peak_dbtp(piece) for _, piece in _pieces(samples)), default=-math.inf)


def gated_lufs(segments: Energy, rate: int) -> float:
    """BS.1770 integrated loudness of 100 ms segment energies (a :class:`Meter`'s)."""
    return _gated(segments, int(round(0.1 * rate)))


def _gated(segments: Energy, hop: int) -> float:
    if segments.size < 4:
        return -math.inf
    energy = (segments[:-3] + segments[1:-2] + segments[2:-1] + segments[3:]) / (4 * hop)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(energy)
    gated = energy[block_lufs >= -70.0]
    if gated.size == 0:
        return -math.inf
    relative = -0.691 + 10 * math.log10(float(gated.mean())) - 10.0
    gated = energy[(block_lufs > relative) & (block_lufs > -70.0)]
    return -0.691 + 10 * math.log10(float(gated.mean()))


def integrated_lufs(samples: Audio, rate: int) -> float:
    """BS.1770 integrated loudness of a signal; -inf for silence (short clips are padded)."""
    minimum = int(0.4 * rate)
    if samples.size < minimum:
        samples = np.pad(samples, (0, minimum - samples.size))
    return placed_lufs([(0, weighted_energy(samples, rate), 1.0)], samples.size, rate)


# --- true peak, trimming, levelling -------------------------------------------------------

def _oversampled_peaks(samples: Audio) -> Audio:
    """Per-sample peak of the signal oversampled four times (BS.1770 true-peak method)."""
    size = fast_size(samples.size + _PEAK_GUARD)
    spectrum = np.fft.rfft(samples.astype(np.float64), size)
    over = np.fft.irfft(spectrum, 4 * size)[: 4 * samples.size] * 4
    peaks: Audio = np.abs(over).reshape(-1, 4).max(axis=1).astype(np.float32)
    return np.maximum(peaks, np.abs(samples))


def fast_size(minimum: int) -> int:
    """The smallest FFT length of the form 2^a 3^b 5^c that is at least ``minimum``."""
    best = 1 << max(0, (minimum - 1).bit_length())
    threes = 1
    while threes < best:
        fives = threes
        while fives < best:
            size = fives
            while size < minimum:
                size *= 2
            best = min(best, size)
            fives *= 5
        threes *= 3
    return best


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

    Limiting lowers the loudness a little, so the gain in front of the limiter is searched
    (secant steps on a curve that only rises with gain) until the limited clip is within a
    tenth of a LU of the target. The clip's true peaks are measured once: the limiter works
    from them scaled by the gain.
    """
    source = samples.astype(np.float32)
    loudness = integrated_lufs(source, rate)
    if not math.isfinite(loudness):
        return source
    peaks = _oversampled_peaks(source)
    ceiling = 10 ** (ceiling_dbtp / 20)

    def attempt(gain_db: float) -> tuple[Audio, float]:
        gain = 10 ** (gain_db / 20)
        scaled = (source * np.float32(gain)).astype(np.float32)
        if float(peaks.max()) * gain <= ceiling:
            return scaled, loudness + gain_db
        limited = _limit(scaled, peaks * np.float32(gain), rate, ceiling_dbtp)
        return limited, integrated_lufs(limited, rate)

    # Bracket the gain: below it the clip is too quiet, above it too loud. The first guess,
    # the gain with no limiting, is never too loud; the curve's slope is at most 1.
    gain = target_lufs - loudness
    out, got = attempt(gain)
    low, got_low = gain, got
    high, got_high = math.inf, math.inf
    slope = 1.0
    for _ in range(_LIMIT_PASSES):
        if abs(got - target_lufs) <= _TOLERANCE_LU:
            break
        if got < target_lufs:
            if gain > low:
                slope = (got - got_low) / (gain - low)
            low, got_low = gain, got
        else:
            high, got_high = gain, got
        if math.isfinite(high):  # regula falsi inside the bracket, kept off its ends
            share = (target_lufs - got_low) / (got_high - got_low)
            gain = low + (high - low) * min(max(share, 0.1), 0.9)
        else:
            gain = low + min((target_lufs - got_low) / max(slope, 0.1), 12.0)
        out, got = attempt(gain)
    return _under_ceiling(out, ceiling)


def _under_ceiling(out: Audio, ceiling: float) -> Audio:
    """The limiter's moving gain can lift an inter-sample peak a hair (~0.02 dB) over the
    ceiling (linear); the mixer counts on the ceiling as a bound, so close that last gap."""
    peak = float(_oversampled_peaks(out).max())
    if peak > ceiling:
        out = (out * np.float32(ceiling / peak * 0.9999)).astype(np.float32)
    return out


def limit_peaks(samples: Audio, rate: int, ceiling_dbtp: float) -> Audio:
    """``samples`` with every true peak over ``ceiling_dbtp`` smoothly limited under it (the
    samples themselves when none is over)."""
    peaks = _oversampled_peaks(samples)
    ceiling = 10 ** (ceiling_dbtp / 20)
    if float(peaks.max(initial=0.0)) <= ceiling:
        return samples
    return _under_ceiling(_limit(samples, peaks, rate, ceiling_dbtp), ceiling)


def _limit(samples: Audio, peaks: Audio, rate: int, ceiling_dbtp: float) -> Audio:
    """A look-ahead peak limiter: gain rides smoothly under every (oversampled) peak."""
    needed = np.minimum(1.0, 10 ** (ceiling_dbtp / 20) / np.maximum(peaks, 1e-9))
    width = max(1, int(_ATTACK_S * rate))
    # Averaging over `width` samples of a minimum taken over 2*width+1 keeps every sample's gain
    # at or below what it needs, while the gain changes smoothly (no clicks).
    floor = window_min(np.pad(needed, width, mode="edge"), 2 * width + 1)
    running = np.concatenate(([0.0], np.cumsum(np.pad(floor, (width // 2, width - width // 2 - 1),
                                                      mode="edge"))))
    smooth = (running[width:] - running[:-width]) / width
    limited: Audio = (samples * np.minimum(smooth, needed)).astype(np.float32)
    return limited


def window_min(values: npt.NDArray[np.floating], width: int) -> npt.NDArray[np.floating]:
    """The minimum of every run of ``width`` neighbours, in linear time (van Herk/Gil-Werman).

    Item ``i`` of the result is ``values[i:i + width].min()``; there are
    ``values.size - width + 1`` of them.
    """
    if width <= 1:
        return values.copy()
    blocks = -(-values.size // width)
    padded = np.pad(values, (0, blocks * width - values.size), constant_values=np.inf)
    grid = padded.reshape(blocks, width)
    ahead = np.minimum.accumulate(grid, axis=1).ravel()  # min from each block's start
    behind = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1].ravel()  # ... to its end
    count = values.size - width + 1
    return np.minimum(behind[:count], ahead[width - 1:width - 1 + count])


def gain_for(loudness_lufs: float, peak_bound_dbtp: float, *,
             target_lufs: float = TARGET_LUFS, ceiling_dbtp: float = TRACK_CEILING_DBTP) -> float:
    """The gain (dB) that brings a mix to ``target_lufs`` without its peak passing the ceiling.

    ``peak_bound_dbtp`` is a bound on the mix's true peak known without measuring it (speech
    cues never overlap, so a speech mix peaks no higher than its loudest phrase).
    """
    if not math.isfinite(loudness_lufs):
        return 0.0
    return min(target_lufs - loudness_lufs, ceiling_dbtp - peak_bound_dbtp)
