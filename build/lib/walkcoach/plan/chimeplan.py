"""Where chimes go: just before the cues they announce, never on speech. Pure, no I/O.

The planner places every anchored cue first; then :func:`chime_sounds` puts a chime before
each opening ("begin", each change), each time cue and "stop", ending CHIME_GAP_MS before its
cue and starting at least CHIME_CLEAR_MS after the speech (or chime) before it. A chime never
moves, delays or drops a cue: where there is no room it is left out, and a time cue within
CHIME_RUN_MS of the anchored cue before it (a countdown's next number) gets none. The same
rule places the chimes of an edited script (walkcoach.script.file).
"""

from __future__ import annotations

from collections.abc import Mapping

from walkcoach.plan.model import Cue, CueKind, Sound

__all__ = ["CHIME_CLEAR_MS", "CHIME_GAP_MS", "CHIME_MS", "CHIME_RUN_MS", "chime_sounds"]

CHIME_MS: Mapping[CueKind, int] = {"start": 320, "switch": 320, "time": 240, "stop": 340}
"""How long the chime before each kind of cue lasts; the kinds not here get none."""
CHIME_GAP_MS = 100
"""The silence between a chime's end and its cue's start."""
CHIME_CLEAR_MS = 80
"""The least silence between the speech (or chime) before a chime and the chime."""
CHIME_RUN_MS = 2000
"""A time cue this soon after the anchored cue before it (a countdown's next number) gets no
chime."""


def chime_sounds(spoken: list[Cue]) -> list[Sound]:
    """A chime before each opening, time cue and "stop" of ``spoken`` (every cue placed so
    far) where it fits; see the module docstring."""
    spans = sorted((cue.start_ms, cue.end_ms) for cue in spoken)
    sounds: list[Sound] = []
    previous: int | None = None  # the start of the anchored cue before
    for cue in sorted((c for c in spoken if c.kind in CHIME_MS), key=lambda c: c.start_ms):
        run = previous is not None and cue.start_ms - previous < CHIME_RUN_MS
        previous = cue.start_ms
        if cue.kind == "time" and run:
            continue
        end = cue.start_ms - CHIME_GAP_MS
        start = end - CHIME_MS[cue.kind]
        clear = all(e + CHIME_CLEAR_MS <= start or s >= end + CHIME_GAP_MS
                    for s, e in [*spans, *((x.start_ms, x.end_ms) for x in sounds)])
        if start >= 0 and clear:
            sounds.append(Sound(kind=cue.kind, start_ms=start, end_ms=end))
    return sounds
