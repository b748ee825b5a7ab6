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

from walkcoach.audio import loudness
from walkcoach.audio.pcm import CHUNK, SAMPLE_RATE, Audio, ms_to_samples
from walkcoach.plan.model import Timeline

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
    silence between; a ducked layer of clips (the metronome) is measured as it plays, streamed
    chunk by chunk. The gain is what they need. A bed (music) is measured alone the same way,
    and its level is then set around its nominal one so the whole track integrates to the
    target: a sparse walk is mostly bed, and BS.1770 averages what it hears
    (:func:`_bed_offset`). Ducked layers are lowered under every cue and chime.
    """
    layers = (speech_layer(timeline, clips), *extra)
    ducking = tuple(sorted([(c.start_ms, c.end_ms) for c in timeline.cues]
                           + [(s.start_ms, s.end_ms) for s in timeline.sounds]))
    total = ms_to_samples(timeline.duration_ms)

    stereo = any(layer.channels == 2 for layer in layers)

    def measure(which: Sequence[Layer]) -> loudness.Meter:
        meter = _meter(which, timeline.duration_ms, ducking, total)
        if stereo and all(layer.bed is None for layer in which):
            meter.segments *= 2  # mono sound plays in both channels of a stereo track
        return meter

    meter = measure([layer for layer in layers if layer.bed is None])
    measured = meter.lufs()
    bound = _peak_bound(layers)
    wanted = loudness.TARGET_LUFS - measured
    if math.isfinite(wanted) and bound + wanted > ceiling_dbtp:
        # The ceiling holds the gain back (an M4A's, lower for AAC's overshoot; the ducked
        # layers' share under speech): limit the few phrase peaks above what is left instead,
        # so the track still reaches the target.
        under = sum(10 ** ((layer.peak_dbtp + layer.gain_db + layer.duck_db) / 20)
                    for layer in layers if layer.duck_db)
        room = 10 ** ((ceiling_dbtp - wanted) / 20) - under
        ceiling = 20 * math.log10(room) if room > 0 else ceiling_dbtp - wanted
        layers = (_limited(layers[0], ceiling), *layers[1:])
        bound = _peak_bound(layers)
        meter = measure([layer for layer in layers if layer.bed is None])
        measured = meter.lufs()
    gain = loudness.gain_for(measured, bound, ceiling_dbtp=ceiling_dbtp)
    loudness_lufs = measured + gain
    if any(layer.bed is not None for layer in layers):
        beds = measure([layer for layer in layers if layer.bed is not None])
        offset, gain, loudness_lufs = _bed_offset(layers, meter.segments, beds.segments,
                                                  gain, ceiling_dbtp)
        layers = tuple(dataclasses.replace(layer, gain_db=layer.gain_db + offset)
                       if layer.bed is not None else layer for layer in layers)
    return Mastered(layers=layers, duration_ms=timeline.duration_ms, gain_db=gain,
                    loudness_lufs=loudness_lufs, ducking=ducking)


BED_RANGE_DB = (-24.0, 7.0)
"""How far a bed's level may move from its nominal one to bring a track to the target: up
to 7 dB louder keeps it 11 LU under speech while ducked, and far quieter is still music."""


def _bed_offset(layers: Sequence[Layer], fixed: loudness.Energy, bed: loudness.Energy,
                gain_db: float, ceiling_dbtp: float) -> tuple[float, float, float]:
    """The change to the bed's level (dB) that brings the track nearest the target (of
    levels as near, the one nearest nominal), the master gain with it (lowered where a
    louder bed's peak bound needs it), and the track's loudness.

    Speech and bed add as powers (the bed does not correlate with speech), so each level is
    tried on the measured 100 ms segments, not on the audio.
    """
    low, high = BED_RANGE_DB
    tried = []
    for step in range(int((high - low) * 4) + 1):
        offset = low + step / 4
        moved = [dataclasses.replace(layer, gain_db=layer.gain_db + offset)
                 if layer.bed is not None else layer for layer in layers]
        gain = min(gain_db, ceiling_dbtp - _peak_bound(moved))
        lufs = loudness.gated_lufs((fixed + bed * 10 ** (offset / 10)) * 10 ** (gain / 10),
                                   SAMPLE_RATE)
        tried.append((abs(lufs - loudness.TARGET_LUFS), offset, gain, lufs))
    _, offset, gain, lufs = min(tried, key=lambda item: (round(item[0], 1), abs(item[1])))
    return offset, gain, lufs


def _meter(layers: Sequence[Layer], duration_ms: int, ducking: Sequence[tuple[int, int]],
           total: int) -> loudness.Meter:
    """The 100 ms energies of ``layers``: clips that are not ducked from their own placed
    energies (each distinct clip K-weighted once), beds and ducked layers streamed as they
    play."""
    meter = loudness.Meter(total, SAMPLE_RATE)
    energies: dict[int, loudness.Energy] = {}
    streamed = [layer for layer in layers if layer.duck_db or layer.bed is not None]
    for layer in layers:
        if layer.duck_db or layer.bed is not None:
            continue
        power = 10 ** (layer.gain_db / 10)
        for placement in layer.placements:
            key = id(placement.audio)
            if key not in energies:
                energies[key] = loudness.weighted_energy(placement.audio, SAMPLE_RATE)
            meter.add_energy(ms_to_samples(placement.start_ms), energies[key], power)
    if streamed:
        at = 0
        for part in mix_chunks(streamed, duration_ms, ducking=ducking):
            for channel in (part.T if part.ndim == 2 else (part,)):
                meter.add(at, np.ascontiguousarray(channel))
            at += part.shape[0]
    return meter


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


def render(timeline: Timeline, clips: Mapping[str, Audio], *,
           extra: Sequence[Layer] = ()) -> Audio:
    """The finished track's samples as one array: speech plus extra layers at -16 LUFS."""
    return master(timeline, clips, extra=extra).samples()
