"""Double the sample rate of a stream of chunks: 22.05 kHz mixes to 44.1 kHz for the encoders.

A polyphase half-band interpolator: every input sample is kept, and each new sample halfway
between two is a Kaiser-windowed sinc of its ``2 * HALF_TAPS`` neighbours. The chunks flow
through with a little carried context, so the result does not depend on how the stream is cut,
and stretches where the input is silent (within a chunk too) cost nothing but the zeros.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import numpy.typing as npt

from walkcoach.audio.pcm import Audio, stretches

HALF_TAPS = 16
"""Neighbours on each side of a new sample: stopband about -80 dB, passband to ~9 kHz."""

_BETA = 8.0
_QUIET_RUN = 4096  # zeros in a row that end a stretch of sound worth correlating on its own


def _taps() -> npt.NDArray[np.float32]:
    offsets = np.arange(-HALF_TAPS + 1, HALF_TAPS + 1) - 0.5  # x[i-15] .. x[i+16] seen from i+0.5
    taps = np.sinc(offsets) * np.kaiser(2 * HALF_TAPS, _BETA)
    normalized: npt.NDArray[np.float32] = (taps / taps.sum()).astype(np.float32)
    return normalized


_TAPS = _taps()


def upsample2x(chunks: Iterable[Audio]) -> Iterator[Audio]:
    """The stream at twice the rate: ``n`` samples in give exactly ``2 n`` samples out.

    Inside the stream the output runs ``HALF_TAPS`` input samples behind (its look-ahead);
    the end of the stream is completed from zeros.
    """
    span = 2 * HALF_TAPS
    history = np.zeros(HALF_TAPS - 1, dtype=np.float32)  # zeros before the first sample
    pending = np.zeros(0, dtype=np.float32)  # input samples still waiting for their halfway
    for chunk in chunks:
        window = np.concatenate((history, chunk.astype(np.float32, copy=False)))
        pending = np.concatenate((pending, chunk.astype(np.float32, copy=False)))
        if window.size < span:
            history = window
            continue
        between = _halfway(window)
        yield _interleave(pending[:between.size], between)
        pending = pending[between.size:]
        history = window[-(span - 1):]
    if pending.size:
        between = _halfway(np.concatenate((history, np.zeros(HALF_TAPS, dtype=np.float32))))
        yield _interleave(pending, between)


def _halfway(window: Audio) -> Audio:
    """The samples halfway between neighbours, for every full run of taps in ``window``.

    Only where there is sound: a new sample is zero when its taps see only zeros, so the
    correlation runs over each stretch of sound (runs of zeros shorter than _QUIET_RUN
    inside it), and the rest stays zeros.
    """
    span = 2 * HALF_TAPS
    out = np.zeros(window.size - span + 1, dtype=np.float32)
    for first, after in stretches(window, _QUIET_RUN):
        start, end = max(0, first - span + 1), min(out.size, after)
        if start < end:
            out[start:end] = np.correlate(window[start:end + span - 1], _TAPS, mode="valid")
    return out


def _interleave(kept: Audio, between: Audio) -> Audio:
    out = np.empty(2 * kept.size, dtype=np.float32)
    out[0::2] = kept
    out[1::2] = between
    return out
