"""Tests for loudness: BS.1770 measurement against pyloudnorm, levelling, peaks, trimming."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest

from walkcoach.audio import loudness
from walkcoach.audio.pcm import SAMPLE_RATE, Audio

RATE = SAMPLE_RATE


def _lufs(samples: Audio, rate: int = RATE) -> float:
    """Integrated loudness by pyloudnorm: an independent BS.1770 meter."""
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


def _rms_scaled(signal: np.ndarray, level_db: float) -> Audio:
    rms = float(np.sqrt(np.mean(signal ** 2)))
    return (signal * 10 ** (level_db / 20) / rms).astype(np.float32)


def _noise(seconds: float, seed: int, level_db: float) -> Audio:
    """Steady white noise at an RMS level in dBFS."""
    rng = np.random.default_rng(seed)
    return _rms_scaled(rng.standard_normal(int(seconds * RATE)), level_db)


def _sine(seconds: float, freq: float, amplitude: float, phase: float = 0.0) -> Audio:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def _speech_like(seconds: float, seed: int, level_db: float, *, depth: float = 1.0) -> Audio:
    """Low-passed noise in syllable-rate bursts with pauses: a crude stand-in for speech.

    ``depth`` is how deep the syllable modulation goes (1 = bursts from silence).
    """
    rng = np.random.default_rng(seed)
    size = int(seconds * RATE)
    voiced = np.convolve(rng.standard_normal(size + 8), np.ones(8) / 8, mode="valid")[:size]
    t = np.arange(size) / RATE
    syllables = np.sin(2 * np.pi * rng.uniform(3, 5) * t + rng.uniform(0, 6))
    envelope = 1 - depth + depth * np.clip(syllables, 0, None)
    words = (np.sin(2 * np.pi * 0.7 * t) > -0.6).astype(float)
    return _rms_scaled(voiced * envelope * words, level_db)


# --- measurement ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "signal",
    [
        _noise(3.0, 1, -20.0),
        _noise(5.0, 2, -35.0),
        _sine(2.0, 1000.0, 0.5),
        _sine(2.5, 100.0, 0.1),
        _sine(2.0, 6000.0, 0.3),
        _speech_like(4.0, 3, -18.0),
        _speech_like(2.0, 4, -30.0, depth=0.5),
        np.concatenate([_noise(2.0, 5, -15.0), np.zeros(RATE * 3, np.float32),
                        _noise(1.0, 6, -45.0)]),
    ],
    ids=["noise-20", "noise-35", "sine1k", "sine100", "sine6k", "speech", "speech-soft",
         "loud-silence-quiet"],
)
def test_integrated_lufs_agrees_with_pyloudnorm(signal: Audio) -> None:
    """Our FFT K-weighting and gating measure what pyloudnorm measures, within 0.1 LU."""
    assert abs(loudness.integrated_lufs(signal, RATE) - _lufs(signal)) <= 0.1


def test_integrated_lufs_of_a_full_scale_sine() -> None:
    """A 997 Hz sine at full scale reads about -3.01 LUFS (BS.1770's calibration)."""
    assert loudness.integrated_lufs(_sine(3.0, 997.0, 1.0), RATE) == pytest.approx(-3.01, abs=0.1)


def test_integrated_lufs_follows_gain() -> None:
    """Scaling by -10 dB lowers the reading by 10 LU."""
    signal = _speech_like(3.0, 7, -20.0)
    quieter = (signal * np.float32(10 ** (-10 / 20))).astype(np.float32)
    difference = loudness.integrated_lufs(signal, RATE) - loudness.integrated_lufs(quieter, RATE)
    assert difference == pytest.approx(10.0, abs=0.01)


def test_silence_is_minus_infinity() -> None:
    """Silence (and no audio at all) has no loudness: -inf."""
    assert loudness.integrated_lufs(np.zeros(RATE * 2, np.float32), RATE) == -math.inf
    assert loudness.integrated_lufs(np.zeros(0, np.float32), RATE) == -math.inf


def test_short_clip_is_measured() -> None:
    """A clip shorter than one 400 ms block still gets a finite loudness."""
    short = _noise(0.2, 8, -20.0)
    assert math.isfinite(loudness.integrated_lufs(short, RATE))


# --- true peak ------------------------------------------------------------------------------

def test_true_peak_of_sines() -> None:
    """A sine's true peak is its amplitude in dB: 0 dBTP at 1.0, -6.02 dBTP at 0.5."""
    assert loudness.true_peak_dbtp(_sine(1.0, 1000.0, 1.0)) == pytest.approx(0.0, abs=0.05)
    assert loudness.true_peak_dbtp(_sine(1.0, 1000.0, 0.5)) == pytest.approx(-6.02, abs=0.05)


def test_true_peak_finds_peaks_between_samples() -> None:
    """A quarter-rate sine sampled 45 degrees off its crest peaks 3 dB above its samples."""
    signal = _sine(1.0, RATE / 4, 1.0, phase=math.pi / 4)
    sample_peak_db = 20 * math.log10(float(np.max(np.abs(signal))))
    assert sample_peak_db == pytest.approx(-3.01, abs=0.01)
    assert loudness.true_peak_dbtp(signal) == pytest.approx(0.0, abs=0.1)


def test_true_peak_of_silence() -> None:
    """Silence has no peak."""
    assert loudness.true_peak_dbtp(np.zeros(100, np.float32)) == -math.inf
    assert loudness.true_peak_dbtp(np.zeros(0, np.float32)) == -math.inf


# --- level ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "signal",
    [
        _noise(3.0, 10, -45.0),
        _noise(3.0, 11, -6.0),
        _sine(2.0, 440.0, 0.01),
        _sine(2.0, 440.0, 0.99),
        _speech_like(3.0, 12, -40.0, depth=0.5),
        _speech_like(3.0, 12, -10.0, depth=0.5),
        _speech_like(1.2, 13, -25.0, depth=0.6),
        _speech_like(5.0, 14, -3.0, depth=0.5),
    ],
    ids=["noise-45", "noise-6", "sine-quiet", "sine-loud", "speech-40", "speech-10",
         "speech-short", "speech-3"],
)
def test_level_reaches_target_under_ceiling(signal: Audio) -> None:
    """Quiet or loud, a clip comes out at -16 LUFS (+-0.5 LU) with its true peak held down."""
    out = loudness.level(signal, RATE)
    assert out.dtype == np.float32 and out.size == signal.size
    assert abs(_lufs(out) - loudness.TARGET_LUFS) <= 0.5
    assert loudness.true_peak_dbtp(out) <= loudness.PEAK_CEILING_DBTP + 0.1


@pytest.mark.parametrize("seed", range(6))
def test_level_never_passes_the_ceiling(seed: int) -> None:
    """Even when the limiter works hard, the true peak ends at or under the ceiling.

    The mixer relies on this: it raises a mix by the room left above each clip's ceiling.
    """
    out = loudness.level(_speech_like(1.5, 20 + seed, -20.0), RATE)
    assert loudness.true_peak_dbtp(out) <= loudness.PEAK_CEILING_DBTP


@pytest.mark.parametrize(("seed", "seconds"), [(6, 1.5), (7, 3.0)])
def test_level_reaches_target_on_peaky_speech(seed: int, seconds: float) -> None:
    """Bursty speech that needs heavy limiting still comes out at -16 LUFS (+-0.5 LU)."""
    out = loudness.level(_speech_like(seconds, seed, -20.0), RATE)
    assert abs(_lufs(out) - loudness.TARGET_LUFS) <= 0.5


def test_level_with_other_targets() -> None:
    """The target and ceiling can be chosen."""
    out = loudness.level(_noise(3.0, 30, -30.0), RATE, target_lufs=-23.0, ceiling_dbtp=-6.0)
    assert abs(_lufs(out) + 23.0) <= 0.5
    assert loudness.true_peak_dbtp(out) <= -6.0 + 0.1


def test_level_leaves_silence_alone() -> None:
    """Silence cannot be levelled: it comes back unchanged, not as NaN or noise."""
    silence = np.zeros(RATE, np.float32)
    out = loudness.level(silence, RATE)
    np.testing.assert_array_equal(out, silence)
    assert not np.isnan(out).any()


def test_level_keeps_the_shape() -> None:
    """Without limiting, levelling is one gain: the output is the input scaled."""
    signal = _sine(2.0, 440.0, 0.01)
    out = loudness.level(signal, RATE)
    ratio = out[100] / signal[100]
    np.testing.assert_allclose(out, signal * ratio, rtol=1e-4, atol=1e-7)
    assert ratio > 1


# --- trim -----------------------------------------------------------------------------------

def test_trim_removes_silence_and_keeps_the_signal() -> None:
    """Leading and trailing silence go, keep_ms of margin stays, the signal is untouched."""
    signal = _noise(1.0, 40, -20.0)
    signal[0] = signal[-1] = 0.5  # first and last samples clearly loud
    lead, tail = np.zeros(RATE // 2, np.float32), np.zeros(RATE // 3, np.float32)
    out = loudness.trim(np.concatenate([lead, signal, tail]), RATE, keep_ms=10)
    keep = RATE * 10 // 1000
    assert out.size == signal.size + 2 * keep
    np.testing.assert_array_equal(out[keep:keep + signal.size], signal)
    assert not out[:keep].any() and not out[-keep:].any()


def test_trim_treats_very_quiet_as_silence() -> None:
    """Engine hiss far below speech (under -45 dBFS) is trimmed like silence."""
    rng = np.random.default_rng(41)
    hiss = (rng.uniform(-1, 1, RATE) * 10 ** (-60 / 20)).astype(np.float32)
    speech = np.full(RATE // 4, 0.3, np.float32)
    out = loudness.trim(np.concatenate([hiss, speech, hiss]), RATE, keep_ms=0)
    np.testing.assert_array_equal(out, speech)


def test_trim_without_silence_changes_nothing() -> None:
    """A clip that starts and ends loud is kept whole."""
    signal = np.full(500, 0.2, np.float32)
    np.testing.assert_array_equal(loudness.trim(signal, RATE), signal)


def test_trim_all_silence_is_empty() -> None:
    """Nothing but silence trims to nothing."""
    assert loudness.trim(np.zeros(RATE, np.float32), RATE).size == 0


# --- gain_for -------------------------------------------------------------------------------

def test_gain_for_hand_cases() -> None:
    """The mix gain reaches the target unless the peak bound stops it first."""
    assert loudness.gain_for(-20.0, -10.0) == pytest.approx(4.0)  # target limits: -16 - -20
    assert loudness.gain_for(-20.0, -3.0) == pytest.approx(1.5)  # ceiling limits: -1.5 - -3
    assert loudness.gain_for(-12.0, -2.5) == pytest.approx(-4.0)  # too loud: turned down
    assert loudness.gain_for(-math.inf, -2.5) == 0.0  # silence: leave it


# --- window_min -----------------------------------------------------------------------------

@pytest.mark.parametrize(("size", "width"), [(1, 1), (10, 1), (10, 3), (17, 5), (100, 100),
                                             (257, 16), (1000, 177)])
def test_window_min_equals_the_direct_minimum(size: int, width: int) -> None:
    """The linear-time running minimum matches a minimum taken window by window."""
    values = np.random.default_rng(size * 1000 + width).standard_normal(size)
    direct = np.array([values[i:i + width].min() for i in range(size - width + 1)])
    np.testing.assert_array_equal(loudness.window_min(values, width), direct)


@pytest.mark.parametrize("minimum", [1, 2, 7, 64, 65, 1000, 66_150, 131_073, 10**6 + 1])
def test_fast_size_is_the_smallest_5_smooth_length(minimum: int) -> None:
    """fast_size finds the first length >= minimum with no prime factor above 5."""

    def smooth(n: int) -> bool:
        for p in (2, 3, 5):
            while n % p == 0:
                n //= p
        return n == 1

    expected = next(n for n in range(minimum, 2 * minimum + 2) if smooth(n))
    assert loudness.fast_size(minimum) == expected
