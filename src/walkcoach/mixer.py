"""Mix layers of clips into one buffer at exact sample positions, then master it.

Chunk by chunk into small preallocated arrays, one add per clip: linear in the track length
whatever the number of cues (pydub's overlay copies the whole track on every call), and flat in
memory however long the track (a 60-minute float buffer alone would be 340 MB). Speech is one
layer; chimes, a music bed or a metronome are more layers of the same kind.

A layer may be ducked: its gain falls by ``duck_db`` while anything is said (and while a
chime plays), reaching the full depth DUCK_ATTACK_MS before the sound starts and coming back
over DUCK_RELEASE_MS after it ends. A layer may be a bed instead of clips: something that
renders any stretch of the track on demand (a looped music file), so a long bed is never held
whole. A stereo layer (a stereo bed) makes the whole mix stereo: mono clips are in the
middle.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from walkcoach import loudness
from walkcoach.model import Timeline
from walkcoach.pcm import CHUNK, SAMPLE_RATE, Audio, ms_to_samples

DUCK_ATTACK_MS = 80
DUCK_RELEASE_MS = 300


@dataclass(frozen=True, kw_only=True)
class Placement:
    """One clip at one moment of the track."""

    start_ms: int
    audio: Audio


class Bed(Protocol):
    """A continuous sound rendered on demand: samples ``begin`` to ``end`` of the track."""

    channels: int

    def render(self, begin: int, end: int) -> Audio:
        """Samples [begin, end) of the track: shape (n,) for mono, (n, 2) for stereo."""
        ...


@dataclass(frozen=True, kw_only=True)
class Layer:
    """Clips (or a bed) that share a role and a gain (speech, chimes, music ...).

    ``peak_dbtp`` bounds the true peak of any one clip of the layer; the master uses it to
    know how far it may raise the mix without measuring the whole track's peak. ``duck_db``
    (negative) ducks the layer under speech and chimes.
    """

    name: str
    placements: tuple[Placement, ...] = ()
    gain_db: float = 0.0
    peak_dbtp: float = loudness.PEAK_CEILING_DBTP
    duck_db: float = 0.0
    bed: Bed | None = None
    apart: bool = False  # never sounds with another layer marked apart (speech, chimes)

    @property
    def channels(self) -> int:
        """2 for a stereo bed, else 1."""
        return self.bed.channels if self.bed is not None else 1


def speech_layer(timeline: Timeline, clips: Mapping[str, Audio]) -> Layer:
    """Every cue of the timeline as a clip at its start."""
    return Layer(name="speech", apart=True, placements=tuple(
        Placement(start_ms=cue.start_ms, audio=clips[cue.text]) for cue in timeline.cues))


def mix_chunks(layers: Sequence[Layer], duration_ms: int, *, rate: int = SAMPLE_RATE,
               chunk: int = CHUNK, ducking: Sequence[tuple[int, int]] = ()
               ) -> Iterator[Audio]:
    """The sum of the layers, ``chunk`` samples at a time, exactly ``duration_ms`` long.

    Each chunk is one small preallocated array (two columns when a layer is stereo); each clip
    is added where it overlaps it, a bed renders its stretch. Ducked layers are lowered over
    the ``ducking`` spans (ms). Memory stays flat however long the track.
    """
    total = ms_to_samples(duration_ms, rate)
    stereo = any(layer.channels == 2 for layer in layers)
    placed = [_Placed(layer, rate) for layer in layers]
    plain = [item for item in placed if not item.layer.duck_db]
    ducked = [item for item in placed if item.layer.duck_db]
    spans = sorted((ms_to_samples(a, rate), ms_to_samples(b, rate)) for a, b in ducking)
    for begin in range(0, total, chunk):
        end = min(begin + chunk, total)
        out = np.zeros((end - begin, 2) if stereo else end - begin, dtype=np.float32)
        for item in plain:
            item.add(out, begin, end)
        for item in ducked:
            part = np.zeros_like(out)
            item.add(part, begin, end)
            envelope = _duck_gain(item.layer.duck_db, spans, begin, end, rate)
            out += part * (envelope[:, None] if stereo else envelope)
        yield out


class _Placed:
    """A layer's clips in start order, to find those that reach a chunk without a scan."""

    def __init__(self, layer: Layer, rate: int) -> None:
        self.layer = layer
        self.gain = np.float32(10 ** (layer.gain_db / 20))
        ordered = sorted(((ms_to_samples(p.start_ms, rate), p.audio) for p in layer.placements),
                         key=lambda item: item[0])
        self.starts = [start for start, _ in ordered]
        self.clips = [audio for _, audio in ordered]
        self.longest = max((audio.size for audio in self.clips), default=0)

    def add(self, out: Audio, begin: int, end: int) -> None:
        """Add the layer's samples [begin, end) into ``out``."""
        stereo = out.ndim == 2
        if self.layer.bed is not None:
            sound = self.layer.bed.render(begin, end) * self.gain
            out += sound if sound.ndim == out.ndim else sound[:, None]
            return
        first = bisect.bisect_left(self.starts, begin - self.longest)
        last = bisect.bisect_left(self.starts, end)
        for start, audio in zip(self.starts[first:last], self.clips[first:last], strict=True):
            lo, hi = max(start, begin), min(start + audio.size, end)
            if lo < hi:
                piece = audio[lo - start:hi - start] * self.gain
                out[lo - begin:hi - begin] += piece[:, None] if stereo else piece


def _duck_gain(depth_db: float, spans: Sequence[tuple[int, int]], begin: int, end: int,
               rate: int) -> Audio:
    """The linear gain of a ducked layer over samples [begin, end): full depth over each span,
    ramping in DUCK_ATTACK_MS before it and out DUCK_RELEASE_MS after."""
    attack = ms_to_samples(DUCK_ATTACK_MS, rate)
    release = ms_to_samples(DUCK_RELEASE_MS, rate)
    t = np.arange(begin, end, dtype=np.float64)
    depth = np.zeros(end - begin)
    for start, stop in spans:
        if stop + release <= begin:
            continue
        if start - attack >= end:
            break
        rise = np.clip((t - (start - attack)) / attack, 0.0, 1.0)
        fall = np.clip(1.0 - (t - stop) / release, 0.0, 1.0)
        np.maximum(depth, np.minimum(rise, fall), out=depth)
    return (10 ** (depth_db * depth / 20)).astype(np.float32)


def mix(layers: Sequence[Layer], duration_ms: int, *, rate: int = SAMPLE_RATE) -> Audio:
    """The whole mix as one array (for short tracks and tests; tracks stream)."""
    parts = list(mix_chunks(layers, duration_ms, rate=rate))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


def _peak_bound(layers: Sequence[Layer]) -> float:
    """A bound on the mix's true peak without measuring it.

    The layers marked ``apart`` (speech, and chimes: the planner keeps every chime clear of
    speech) never sound at once, so they peak no higher than the loudest of them; any other
    layer that is not ducked adds its peak. The ducked layers (music, clicks) may all peak at
    once, at their ducked level under that sound and at their full level alone.
    """
    def total(items: Iterable[tuple[float, float]]) -> float:
        return sum(10 ** ((peak + gain) / 20) for peak, gain in items)

    loud = [layer for layer in layers if not layer.duck_db]
    plain = max((total([(layer.peak_dbtp, layer.gain_db)]) for layer in loud if layer.apart),
                default=0.0)
    plain += total((layer.peak_dbtp, layer.gain_db) for layer in loud if not layer.apart)
    ducked = [layer for layer in layers if layer.duck_db]
    under = total((layer.peak_dbtp, layer.gain_db + layer.duck_db) for layer in ducked)
    alone = total((layer.peak_dbtp, layer.gain_db) for layer in ducked)
    worst = max(plain + under, alone)
    return 20 * math.log10(worst) if worst > 0 else -math.inf


@dataclass(frozen=True, kw_only=True)
class Mastered:
    """A track ready to encode: its layers, length and the master gain, streamed on demand."""

    layers: tuple[Layer, ...]
    duration_ms: int
    gain_db: float
    loudness_lufs: float
    ducking: tuple[tuple[int, int], ...] = ()

    @property
    def channels(self) -> int:
        """2 when a layer is stereo, else 1."""
        return max(layer.channels for layer in self.layers)

    def chunks(self) -> Iterator[Audio]:
        """The finished samples, a chunk at a time."""
        gain = np.float32(10 ** (self.gain_db / 20))
        for part in mix_chunks(self.layers, self.duration_ms, ducking=self.ducking):
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

    Speech and chimes never overlap: their loudness comes from each distinct clip's
    K-weighted energy placed where the clip plays, so only the sound is filtered, never the
    silence between. A bed or a ducked layer plays under them: the mix itself is then
    measured, streamed chunk by chunk. Ducked layers are lowered under every cue and chime.
    """
    layers = (speech_layer(timeline, clips), *extra)
    ducking = tuple(sorted([(c.start_ms, c.end_ms) for c in timeline.cues]
                           + [(s.start_ms, s.end_ms) for s in timeline.sounds]))
    total = ms_to_samples(timeline.duration_ms)
    if any(layer.bed is not None or layer.duck_db for layer in layers):
        meter = loudness.Meter(total, SAMPLE_RATE)
        at = 0
        for part in mix_chunks(layers, timeline.duration_ms, ducking=ducking):
            for channel in (part.T if part.ndim == 2 else (part,)):
                meter.add(at, channel)
            at += part.shape[0]
        measured = meter.lufs()
    else:
        measured = _placed_lufs(layers, total)
    bound = _peak_bound(layers)
    wanted = loudness.TARGET_LUFS - measured
    if math.isfinite(wanted) and bound + wanted > ceiling_dbtp:
        # The ceiling holds the gain back (an M4A's, lower for AAC's overshoot): limit the
        # few phrase peaks above it instead, so the track still reaches the target.
        layers = (_limited(layers[0], ceiling_dbtp - wanted), *layers[1:])
        bound = _peak_bound(layers)
    gain = loudness.gain_for(measured, bound, ceiling_dbtp=ceiling_dbtp)
    return Mastered(layers=layers, duration_ms=timeline.duration_ms, gain_db=gain,
                    loudness_lufs=measured + gain, ducking=ducking)


def _limited(layer: Layer, ceiling_dbtp: float) -> Layer:
    """``layer`` with each distinct clip's true peaks limited under ``ceiling_dbtp``."""
    limited: dict[int, Audio] = {}
    for placement in layer.placements:
        key = id(placement.audio)
        if key not in limited:
            limited[key] = loudness.limit_peaks(placement.audio, SAMPLE_RATE, ceiling_dbtp)
    placements = tuple(dataclasses.replace(p, audio=limited[id(p.audio)])
                       for p in layer.placements)
    return dataclasses.replace(layer, placements=placements,
                               peak_dbtp=min(layer.peak_dbtp, ceiling_dbtp))


def _placed_lufs(layers: Sequence[Layer], total: int) -> float:
    """The loudness of clips that never overlap, from each distinct clip's energy."""
    energies: dict[int, loudness.Energy] = {}
    parts = []
    for layer in layers:
        power = 10 ** (layer.gain_db / 10)
        for placement in layer.placements:
            key = id(placement.audio)
            if key not in energies:
                energies[key] = loudness.weighted_energy(placement.audio, SAMPLE_RATE)
            parts.append((ms_to_samples(placement.start_ms), energies[key], power))
    return loudness.placed_lufs(parts, total, SAMPLE_RATE)


def render(timeline: Timeline, clips: Mapping[str, Audio], *,
           extra: Sequence[Layer] = ()) -> Audio:
    """The finished track's samples as one array: speech plus extra layers at -16 LUFS."""
    return master(timeline, clips, extra=extra).samples()
