"""The audio format passed between layers: mono float32 samples at one fixed rate."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 22050
"""Every clip and every mix inside walkcoach is mono float32 at this rate."""

OUTPUT_RATE = 2 * SAMPLE_RATE
"""Every file is written at 44.1 kHz (what Apple asks of podcasts)."""

Audio = npt.NDArray[np.float32]

CHUNK = SAMPLE_RATE * 10
"""Samples streamed between stages at a time: ten seconds, 0.9 MB (memory stays flat)."""


def pieces(samples: Audio, size: int = CHUNK) -> list[Audio]:
    """One array as the chunks a stream would carry (views, not copies)."""
    return [samples[at:at + size] for at in range(0, samples.size, size)]


def stretches(samples: npt.NDArray[np.generic], gap: int) -> list[tuple[int, int]]:
    """The ``[start, end)`` of each stretch of sound in ``samples``: nonzero samples, a new
    stretch wherever more than ``gap`` samples lie between two of them (apart by runs of at
    least ``gap`` zeros). None in silence."""
    sound = np.flatnonzero(samples)
    if sound.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(sound) > gap)
    starts = [int(sound[0]), *(int(i) for i in sound[cuts + 1])]
    ends = [*(int(i) + 1 for i in sound[cuts]), int(sound[-1]) + 1]
    return list(zip(starts, ends, strict=True))


def to_pcm16(samples: Audio) -> npt.NDArray[np.int16]:
    """Float samples as 16-bit little-endian integers: scaled by 2^15, rounded, clipped."""
    return (np.clip(samples, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2")


def ms_to_samples(ms: int, rate: int = SAMPLE_RATE) -> int:
    """The sample index of a time in milliseconds (exact for the planner's integer times)."""
    return (ms * rate + 500) // 1000


def samples_to_ms(count: int, rate: int = SAMPLE_RATE) -> int:
    """The length of ``count`` samples in whole milliseconds, rounded up."""
    return -(-count * 1000 // rate)
