"""Mix layers of clips into one buffer at exact sample positions, then master it.

Chunk by chunk into small preallocated arrays, one add per clip: linear in the track length
whatever the number of cues (pydub's overlay copies the whole track on every call), and flat in
memory however long the track (a 60-minute float buffer alone would be 340 MB). Speech is one
layer; chimes, a music bed or a metronome are more layers of the same kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from walkcoach import loudness
from walkcoach.model import Timeline
from walkcoach.pcm import CHUNK, SAMPLE_RATE, Audio, ms_to_samples


@dataclass(frozen=True, kw_only=True)
class Placement:
    """One clip at one moment of the track."""

    start_ms: int
    audio: Audio


@dataclass(frozen=True, kw_only=True)
class Layer:
    """Clips that share a role and a gain (speech, chimes, music ...).

    ``peak_dbtp`` bounds the true peak of any one clip of the layer; the master uses it to
    know how far it may raise the mix without measuring the whole track's peak.
    """

    name: str
    placements: tuple[Placement, ...]
    gain_db: float = 0.0
    peak_dbtp: float = loudness.PEAK_CEILING_DBTP


def speech_layer(timeline: Timeline, clips: Mapping[str, Audio]) -> Layer:
    """Every cue of the timeline as a clip at its start."""
    return Layer(name="speech", placements=tuple(
        Placement(start_ms=cue.start_ms, audio=clips[cue.text]) for cue in timeline.cues))


def mix_chunks(layers: Sequence[Layer], duration_ms: int, *, rate: int = SAMPLE_RATE,
               chunk: int = CHUNK) -> Iterator[Audio]:
    """The sum of the layers, ``chunk`` samples at a time, exactly ``duration_ms`` long.

    Each chunk is one small preallocated array; each clip is added where it overlaps it.
    Memory stays flat however long the track.
    """
    total = ms_to_samples(duration_ms, rate)
    placed = sorted(
        ((ms_to_samples(p.start_ms, rate), p.audio, np.float32(10 ** (layer.gain_db / 20)))
         for layer in layers for p in layer.placements), key=lambda item: item[0])
    first = 0  # the first clip that may still reach the current chunk
    for begin in range(0, total, chunk):
        end = min(begin + chunk, total)
        out = np.zeros(end - begin, dtype=np.float32)
        while first < len(placed) and placed[first][0] + placed[first][1].size <= begin:
            first += 1
        for start, audio, gain in placed[first:]:
            if start >= end:
                break
            lo, hi = max(start, begin), min(start + audio.size, end)
            if lo < hi:
                out[lo - begin:hi - begin] += audio[lo - start:hi - start] * gain
        yield out


def mix(layers: Sequence[Layer], duration_ms: int, *, rate: int = SAMPLE_RATE) -> Audio:
    """The whole mix as one array (for short tracks and tests; tracks stream)."""
    parts = list(mix_chunks(layers, duration_ms, rate=rate))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def _peak_bound(layers: Sequence[Layer]) -> float:
    """Worst case: every layer's loudest clip peaks at the same instant."""
    total = sum(10 ** ((layer.peak_dbtp + layer.gain_db) / 20) for layer in layers)
    return 20 * math.log10(total) if total > 0 else -math.inf


@dataclass(frozen=True, kw_only=True)
class Mastered:
    """A track ready to encode: its layers, length and the master gain, streamed on demand."""

    layers: tuple[Layer, ...]
    duration_ms: int
    gain_db: float
    loudness_lufs: float

    def chunks(self) -> Iterator[Audio]:
        """The finished samples, a chunk at a time."""
        gain = np.float32(10 ** (self.gain_db / 20))
        for part in mix_chunks(self.layers, self.duration_ms):
            part *= gain
            yield part

    def samples(self) -> Audio:
        """All finished samples as one array."""
        parts = list(self.chunks())
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def master(timeline: Timeline, clips: Mapping[str, Audio], *,
           extra: Sequence[Layer] = (),
           ceiling_dbtp: float = loudness.TRACK_CEILING_DBTP) -> Mastered:
    """Measure the mix and fix the gain that sets it to -16 LUFS, its true peak held under
    ``ceiling_dbtp`` (the encoder's headroom under -1 dBTP).

    The loudness comes from each distinct clip's K-weighted energy placed where the clip
    plays (clips do not overlap), so only the speech is filtered, never the silence between.
    """
    layers = (speech_layer(timeline, clips), *extra)
    energies: dict[int, loudness.Energy] = {}
    parts = []
    for layer in layers:
        power = 10 ** (layer.gain_db / 10)
        for placement in layer.placements:
            key = id(placement.audio)
            if key not in energies:
                energies[key] = loudness.weighted_energy(placement.audio, SAMPLE_RATE)
            parts.append((ms_to_samples(placement.start_ms), energies[key], power))
    measured = loudness.placed_lufs(parts, ms_to_samples(timeline.duration_ms), SAMPLE_RATE)
    gain = loudness.gain_for(measured, _peak_bound(layers), ceiling_dbtp=ceiling_dbtp)
    return Mastered(layers=layers, duration_ms=timeline.duration_ms, gain_db=gain,
                    loudness_lufs=measured + gain)


def render(timeline: Timeline, clips: Mapping[str, Audio], *,
           extra: Sequence[Layer] = ()) -> Audio:
    """The finished track's samples as one array: speech plus extra layers at -16 LUFS."""
    return master(timeline, clips, extra=extra).samples()
