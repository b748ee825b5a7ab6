"""Mix layers of clips into one buffer at exact sample positions, then master it.

One preallocated array and one add per clip: linear in the track length, whatever the number
of cues (pydub's overlay copies the whole track on every call). Speech is one layer; chimes, a
music bed or a metronome are more layers of the same kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from walkcoach import loudness
from walkcoach.model import Timeline
from walkcoach.pcm import SAMPLE_RATE, Audio, ms_to_samples


@dataclass(frozen=True, kw_only=True)
class Placement:
    """One clip at one moment of the track."""

    start_ms: int
    audio: Audio


@dataclass(frozen=True, kw_only=True)
class Layer:
    """Clips that share a role and a gain (speech, chimes, music ...)."""

    name: str
    placements: tuple[Placement, ...]
    gain_db: float = 0.0


def speech_layer(timeline: Timeline, clips: Mapping[str, Audio]) -> Layer:
    """Every cue of the timeline as a clip at its start."""
    return Layer(name="speech", placements=tuple(
        Placement(start_ms=cue.start_ms, audio=clips[cue.text]) for cue in timeline.cues))


def mix(layers: Sequence[Layer], duration_ms: int, *, rate: int = SAMPLE_RATE) -> Audio:
    """Sum the layers into a track of exactly ``duration_ms``."""
    out = np.zeros(ms_to_samples(duration_ms, rate), dtype=np.float32)
    for layer in layers:
        gain = np.float32(10 ** (layer.gain_db / 20))
        for placement in layer.placements:
            start = ms_to_samples(placement.start_ms, rate)
            if start >= out.size:
                continue
            clip = placement.audio[: out.size - start]
            out[start:start + clip.size] += clip * gain
    return out


def render(timeline: Timeline, clips: Mapping[str, Audio], *,
           extra: Sequence[Layer] = ()) -> Audio:
    """The finished track's samples: speech plus any extra layers, at the target loudness."""
    mixed = mix([speech_layer(timeline, clips), *extra], timeline.duration_ms)
    # Speech cues never overlap and every phrase was levelled under the phrase ceiling, so a
    # speech-only mix peaks no higher than that ceiling: no need to measure the whole track.
    bound = loudness.PEAK_CEILING_DBTP if not extra else None
    return loudness.master(mixed, SAMPLE_RATE, peak_bound_dbtp=bound)
