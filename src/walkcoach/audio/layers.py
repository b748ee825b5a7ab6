"""Sound design: what plays besides the voice (chimes, a step metronome, a music bed).

:func:`layers` gives the mixer the extra layers of a planned session.
"""

from __future__ import annotations

from walkcoach.audio.chimes import chime_layer
from walkcoach.audio.clicks import click_layer
from walkcoach.audio.mixer import Layer
from walkcoach.audio.music import Music, bed_layer
from walkcoach.plan.model import SessionSpec, Timeline

__all__ = ["layers"]


def layers(spec: SessionSpec, timeline: Timeline, music: Music | None = None) -> list[Layer]:
    """The layers a session plays besides its speech: its chimes, its metronome, its music
    (``spec.music`` decoded, walkcoach.encode.music)."""
    out: list[Layer] = []
    if timeline.sounds:
        out.append(chime_layer(timeline))
    if spec.cadence is not None:
        out.append(click_layer(spec, timeline))
    if music is not None:
        out.append(bed_layer(music, timeline))
    return out
