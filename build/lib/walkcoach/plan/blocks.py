"""Sessions in parts: times as coaches write them, the interval shorthand, and block lists.

One place for the rules both faces share (the command line's ``--intervals 6x1:00/1:00
--warmup 2 --cooldown 2`` and a program week's ``blocks:``), so that a part is the same part
whichever way it was written:

* A time is ``m:ss`` (``1:30``), or a number of seconds (``90``); warm-up and cool-down
  lengths are minutes (``2``, ``1.5``) or ``m:ss``.
* ``ROUNDSxWORK/RECOVERY`` is that many rounds of WORK of the session's exercise, each
  followed by RECOVERY of the recovery exercise (walking forward unless named);
  ``ROUNDSxWORK`` has no recovery. When a cool-down follows, the last round's recovery is
  left out: the cool-down is that recovery, and two parts of forward walking in a row would
  only say "turn around" to a walker already facing forward.
* A part's kind follows from its exercise's role and its place: a recovery exercise before
  the first work part is the warm-up, after the last one the cool-down, in between a
  recovery; a rest exercise is a rest; anything else is work.

Limits: a part lasts 10 seconds to 60 minutes, a repeat has 1 to 50 rounds, a session at most
200 parts (and 1 to 60 minutes in all: walkcoach.build.session checks the sum).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence

from walkcoach.errors import InputError, excerpt
from walkcoach.plan.limits import RECOVERY as RECOVERY
from walkcoach.plan.limits import WARMUP as WARMUP
from walkcoach.plan.model import Block, BlockKind, Exercise, Source

__all__ = ["MAX_BLOCKS", "MAX_ROUNDS", "MIN_BLOCK_MS", "RECOVERY", "WARMUP", "Intervals",
           "check_count", "interval_blocks", "parse_intervals", "parse_minutes", "parse_time",
           "with_kinds"]

MIN_BLOCK_MS = 10_000
MAX_BLOCK_MS = 60 * 60_000
MAX_ROUNDS = 50
MAX_BLOCKS = 200

_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)")
_NUMBER = re.compile(r"\d{1,5}(\.\d{1,3})?")
_INTERVALS = re.compile(r"\s*(\d{1,4})\s*[xX×]\s*([^/\s]+)\s*(?:/\s*([^/\s]+)\s*)?")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Intervals:
    """``6x1:00/1:00``: six rounds of one minute's work and one minute's recovery."""

    rounds: int
    work_ms: int
    recovery_ms: int | None


def _seconds(value: float, scale: int = 1) -> float:
    """``value`` times ``scale`` as a float; an integer too large for one is infinite."""
    try:
        return float(value) * scale
    except OverflowError:
        return math.inf


def _ms(seconds: float, value: object) -> int:
    if math.isinf(seconds) and isinstance(value, int):  # str() of it could fail, or be huge
        raise InputError("a part lasts 10 seconds to 60 minutes, not a number that large")
    if not math.isfinite(seconds):
        raise InputError(f"{excerpt(str(value))} is not a length of time")
    ms = round(seconds * 1000)
    if not MIN_BLOCK_MS <= ms <= MAX_BLOCK_MS:
        raise InputError(f"a part lasts 10 seconds to 60 minutes, not {excerpt(str(value))}")
    return ms


def parse_time(value: str | float) -> int:
    """A part's length in ms from ``m:ss`` or a number of seconds (``1:30``, ``90``)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"a time is m:ss or seconds, not {excerpt(str(value))}")
    if isinstance(value, (int, float)):
        return _ms(_seconds(value), value)
    text = value.strip()
    clock = _CLOCK.fullmatch(text)
    if clock:
        return _ms(int(clock[1]) * 60 + int(clock[2]), value)
    if _NUMBER.fullmatch(text):
        return _ms(float(text), value)
    raise InputError(f"a time is m:ss or seconds (1:30 or 90), not {excerpt(text)}")


def parse_minutes(value: str | float) -> int:
    """A warm-up or cool-down length in ms from minutes (``2``, ``1.5``) or ``m:ss``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InputError(f"a length is minutes or m:ss, not {excerpt(str(value))}")
    if isinstance(value, (int, float)):
        return _ms(_seconds(value, 60), value)
    text = value.strip()
    if _CLOCK.fullmatch(text):
        return parse_time(text)
    if _NUMBER.fullmatch(text):
        return _ms(float(text) * 60, value)
    raise InputError(f"a length is minutes or m:ss (2 or 1:30), not {excerpt(text)}")


def parse_intervals(value: str) -> Intervals:
    """``ROUNDSxWORK[/RECOVERY]`` with times as m:ss or seconds: ``6x1:00/1:00``, ``8x30``."""
    match = _INTERVALS.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise InputError(f"intervals are written ROUNDSxWORK/RECOVERY, such as 6x1:00/1:00 "
                         f"(times as m:ss or seconds), not {excerpt(str(value))}")
    rounds = int(match[1])
    check_count(rounds)
    return Intervals(rounds=rounds, work_ms=parse_time(match[2]),
                     recovery_ms=parse_time(match[3]) if match[3] else None)


def check_count(rounds: int) -> None:
    """Refuse a repeat of fewer than 1 or more than MAX_ROUNDS rounds."""
    if not 1 <= rounds <= MAX_ROUNDS:
        raise InputError(f"rounds must be between 1 and {MAX_ROUNDS}, not {rounds}")


def interval_blocks(exercise: Exercise, recovery: Exercise, intervals: Intervals | None, *,
                    work_ms: int | None = None, warmup_ms: int | None = None,
                    cooldown_ms: int | None = None, walk: Exercise | None = None,
                    source: Source | None = None) -> tuple[Block, ...]:
    """The parts of the shorthand: an optional warm-up, the rounds (or one part of
    ``work_ms`` when there are no intervals), an optional cool-down; kinds assigned.

    The warm-up and cool-down are ``walk`` (forward walking, say), else ``recovery``. A
    recovery that is itself a work exercise is refused: rounds of two exercises are a
    circuit, written as blocks.
    """
    if intervals is not None and intervals.recovery_ms and recovery.role == "work":
        raise InputError(f"the recovery exercise {excerpt(recovery.name)} is a work exercise "
                         "(its file has no role: recovery or rest)")
    walk = walk or recovery
    parts: list[Block] = []
    if warmup_ms:
        parts.append(Block(kind="warmup", exercise=walk, duration_ms=warmup_ms,
                           source=source))
    if intervals is None:
        if work_ms is None:
            raise InputError("a session needs its intervals or its minutes")
        parts.append(Block(kind="work", exercise=exercise, duration_ms=work_ms, source=source))
    else:
        for number in range(1, intervals.rounds + 1):
            parts.append(Block(kind="work", exercise=exercise, duration_ms=intervals.work_ms,
                               round=number, rounds=intervals.rounds, source=source))
            last = number == intervals.rounds
            if intervals.recovery_ms and not (last and cooldown_ms):
                parts.append(Block(kind="recovery", exercise=recovery,
                                   duration_ms=intervals.recovery_ms, round=number,
                                   rounds=intervals.rounds, source=source))
    if cooldown_ms:
        parts.append(Block(kind="cooldown", exercise=walk, duration_ms=cooldown_ms,
                           source=source))
    return with_kinds(parts)


def with_kinds(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """``blocks`` with each kind set from its exercise's role and its place (see above);
    refuses more than MAX_BLOCKS parts."""
    if len(blocks) > MAX_BLOCKS:
        raise InputError(f"a session has at most {MAX_BLOCKS} parts, not {len(blocks)}")
    work = [i for i, block in enumerate(blocks) if block.exercise.role == "work"]
    out = []
    for index, block in enumerate(blocks):
        kind: BlockKind
        if block.exercise.role == "work":
            kind = "work"
        elif block.exercise.role == "rest":
            kind = "rest"
        elif not work or index > work[-1]:
            kind = "cooldown" if work else "recovery"
        elif index < work[0]:
            kind = "warmup"
        else:
            kind = "recovery"
        out.append(dataclasses.replace(block, kind=kind))
    return tuple(out)
