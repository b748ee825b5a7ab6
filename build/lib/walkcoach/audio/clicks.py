"""A step metronome: a soft woodblock click on every step of the walking parts.

Clicks play in the parts whose exercise walks (role work or recovery: warm-up, work,
recovery, cool-down), never in a rest, before "begin" or after "stop". Each part's clicks
start on its first moment and come every 60000 / cadence ms (rounded to the millisecond from
the part's start, so they never drift); the cadence is the session's, or with "auto" the
part's exercise at the part's level (``LevelSpec.cadence``). The clicks are a ducked layer:
the mixer lowers them by CLICK_DUCK_DB under speech and chimes.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from walkcoach.audio import loudness
from walkcoach.audio.mixer import Layer, Placement
from walkcoach.audio.pcm import SAMPLE_RATE, Audio, ms_to_samples
from walkcoach.plan.anchors import parts
from walkcoach.plan.model import SessionSpec, Timeline

__all__ = ["CLICK_DUCK_DB", "CLICK_MS", "CLICK_PEAK_DBTP", "click", "click_layer",
           "click_times"]

CLICK_MS = 12
"""How long one click lasts."""
CLICK_PEAK_DBTP = -20.0
"""The click's true peak: well under speech (phrases peak near -2.5 dBTP), yet clear in the
silence between cues."""
CLICK_DUCK_DB = -12.0
"""How far the clicks are lowered while something is said."""

# A woodblock: two damped resonances (frequency in Hz, amplitude, decay in seconds).
_MODES = ((1150.0, 1.0, 0.0025), (2650.0, 0.5, 0.0015))


@functools.lru_cache(maxsize=1)
def click() -> Audio:
    """One click, CLICK_MS long, its true peak at CLICK_PEAK_DBTP. Shared: do not write."""
    size = ms_to_samples(CLICK_MS)
    t = np.arange(size) / SAMPLE_RATE
    sound = sum(amplitude * np.sin(2 * math.pi * frequency * t) * np.exp(-t / decay)
                for frequency, amplitude, decay in _MODES)
    sound = np.asarray(sound) * np.clip(t / 0.0005, 0.0, 1.0)  # a half-millisecond onset
    sound[-1] = 0.0
    peak = loudness.true_peak_dbtp(sound.astype(np.float32))
    out = (sound * 10 ** ((CLICK_PEAK_DBTP - peak) / 20)).astype(np.float32)
    out.flags.writeable = False
    return out


def click_times(spec: SessionSpec, timeline: Timeline) -> list[int]:
    """When each click starts (track ms): every step of every walking part."""
    if spec.cadence is None:
        return []
    times = []
    for part in parts(spec):
        if part.exercise.role == "rest":
            continue
        cadence = part.level_spec.cadence if spec.cadence == "auto" else spec.cadence
        start = timeline.walk_start_ms + part.start_ms
        step = 0
        while (offset := round(step * 60_000 / cadence)) < part.length_ms:
            times.append(start + offset)
            step += 1
    return times


def click_layer(spec: SessionSpec, timeline: Timeline) -> Layer:
    """The metronome of ``spec`` over ``timeline`` as a ducked mixer layer."""
    sound = click()
    return Layer(name="metronome",
                 placements=tuple(Placement(start_ms=at, audio=sound)
                                  for at in click_times(spec, timeline)),
                 peak_dbtp=loudness.true_peak_dbtp(sound), duck_db=CLICK_DUCK_DB)
