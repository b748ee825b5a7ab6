"""Sound design: what plays besides the voice (chimes, a step metronome, a music bed).

:func:`layers` gives the mixer the extra layers of a planned session.
"""

from __future__ import annotations

from walkcoach.mixer import Layer
from walkcoach.model import SessionSpec, Timeline
from walkcoach.sounds.chimes import chime_layer
from walkcoach.sounds.clicks import click_layer

__all__ = ["layers"]


def layers(spec: SessionSpec, timeline: Timeline) -> list[Layer]:
    """The layers a session plays besides its speech: its chimes, its metronome, its music."""
    out: list[Layer] = []
    if timeline.sounds:
        out.append(chime_layer(timeline))
    if spec.cadence is not None:
        out.append(click_layer(spec, timeline))
    if spec.music is not None:
        from walkcoach.sounds.music import bed_layer  # ffmpeg and the file only when asked

        out.append(bed_layer(spec.music, timeline))
    return out
