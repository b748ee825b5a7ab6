"""The step metronome's cadence as a coach writes it: one reader for the command line
(``--cadence``), the YAML files (``cadence:``) and the library (``make_spec``)."""

from __future__ import annotations

import re

from walkcoach.errors import InputError, excerpt
from walkcoach.plan.limits import MAX_CADENCE, MIN_CADENCE, Cadence

__all__ = ["parse_cadence"]

_WHOLE = re.compile(r"[+-]?[0-9]{1,9}")


def parse_cadence(value: object) -> Cadence:
    """Steps a minute, a whole number MIN_CADENCE to MAX_CADENCE (an int, or text of one),
    or "auto" (in any case: each part's level default), from ``value``.

    Raises InputError, "must be 30 to 200 steps a minute, or auto, not 'fast'", for anything
    else (true/false, a fraction, another word); the caller says where it was written.
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.lower() == "auto":
            return "auto"
        number = int(text) if _WHOLE.fullmatch(text) else None
    if number is None or not MIN_CADENCE <= number <= MAX_CADENCE:
        raise InputError(f"must be {MIN_CADENCE} to {MAX_CADENCE} steps a minute, or auto, "
                         f"not {excerpt(str(value))}")
    return number
