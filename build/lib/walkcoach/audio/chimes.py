"""Chimes: short bell sounds synthesized here (no samples), one kind per kind of cue.

* before a time cue: one high, bright bell stroke, the shortest;
* at "begin" and at each change of part (start and switch cues): two notes rising a fifth;
* at "stop": two lower notes falling a fifth, a little longer.

Each note is a few decaying sine partials (the inharmonic ratios of a small bell: a quick,
bright attack, then the upper partials die away first). A chime lasts exactly
``walkcoach.plan.planner.CHIME_MS[kind]``, so the planner, which is pure and knows no audio, can
place it; it is levelled CHIME_BELOW_LU under speech with its true peak under
``loudness.PEAK_CEILING_DBTP``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from walkcoach.audio import loudness
from walkcoach.audio.mixer import Layer, Placement
from walkcoach.audio.pcm import SAMPLE_RATE, Audio, ms_to_samples
from walkcoach.plan.model import CueKind, Timeline
from walkcoach.plan.planner import CHIME_MS

__all__ = ["CHIME_BELOW_LU", "CHIME_KINDS", "chime", "chime_layer"]

CHIME_BELOW_LU = 5.0
"""How far under the speech (TARGET_LUFS) a chime is levelled: heard, never startling."""

CHIME_KINDS: tuple[CueKind, ...] = tuple(CHIME_MS)
"""The kinds of cue a chime announces."""

# A small bell's partials: (frequency ratio, amplitude, decay time constant in seconds).
_PARTIALS = ((1.0, 1.0, 0.11), (2.0, 0.42, 0.07), (2.76, 0.3, 0.05), (4.07, 0.14, 0.035),
             (5.4, 0.07, 0.025))
_ATTACK_S = 0.004  # a ramp so short it sounds like a strike, long enough not to click
_RELEASE_S = 0.03  # the tail fades to silence by the chime's last sample

# Each chime: its notes as (start in seconds, fundamental in Hz, loudness).
_NOTES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "time": ((0.0, 1568.0, 1.0),),  # G6
    "start": ((0.0, 880.0, 0.9), (0.1, 1318.5, 1.0)),  # A5 then E6
    "stop": ((0.0, 659.3, 1.0), (0.11, 440.0, 1.1)),  # E5 then A4
}


def _sound(kind: CueKind) -> str:
    return "start" if kind == "switch" else kind


@functools.lru_cache(maxsize=8)
def chime(kind: CueKind) -> Audio:
    """The chime that comes before a cue of ``kind`` (start, switch, time or stop), levelled,
    exactly CHIME_MS[kind] long. The array is shared: do not write to it."""
    if kind not in CHIME_MS:
        raise ValueError(f"no chime for a {kind} cue")
    size = ms_to_samples(CHIME_MS[kind])
    t = np.arange(size) / SAMPLE_RATE
    out = np.zeros(size)
    for start, fundamental, gain in _NOTES[_sound(kind)]:
        local = t - start
        on = local >= 0
        note = np.zeros(size)
        for ratio, amplitude, decay in _PARTIALS:
            frequency = fundamental * ratio
            if frequency >= SAMPLE_RATE / 2 * 0.9:
                continue  # above what the rate can carry
            note[on] += amplitude * np.sin(2 * math.pi * frequency * local[on]) * np.exp(
                -local[on] / decay)
        out += gain * note * np.clip(local / _ATTACK_S, 0.0, 1.0)
    out *= np.clip((t[-1] - t) / _RELEASE_S, 0.0, 1.0)  # silent at the very end
    levelled = loudness.level(out.astype(np.float32), SAMPLE_RATE,
                              target_lufs=loudness.TARGET_LUFS - CHIME_BELOW_LU,
                              ceiling_dbtp=loudness.PEAK_CEILING_DBTP)
    levelled.flags.writeable = False
    return levelled


def chime_layer(timeline: Timeline) -> Layer:
    """The chimes of a planned session (``timeline.sounds``) as a mixer layer."""
    placements = tuple(Placement(start_ms=sound.start_ms, audio=chime(sound.kind))
                       for sound in timeline.sounds)
    peak = max((loudness.true_peak_dbtp(chime(kind)) for kind in
                {sound.kind for sound in timeline.sounds}),
               default=loudness.PEAK_CEILING_DBTP)
    return Layer(name="chimes", placements=placements, peak_dbtp=peak, apart=True)
