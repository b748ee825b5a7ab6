"""A session as a picture, for the script page: its parts as bars along the track's time,
each line a tick at the time it is said.

A line of the walk is at its own time from "begin"; the lines before it and after it are
said one after another, each given the time its words take at a steady speaking pace (the
script does not hold the voice's lengths: a preview's cue sheet has them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from walkcoach.script.model import Line

__all__ = ["Bar", "Strip", "Tick", "strip"]

_MS_PER_WORD = 380
_PAUSE_MS = 700
_PARTS = {"intro": "Welcome", "safety": "Safety", "setup": "Getting ready",
          "walk": "The walk", "warmup": "Warm-up", "cooldown": "Cool-down"}


@dataclass(frozen=True, kw_only=True)
class Bar:
    """One part of the session: its name, its colour's class, where it starts and how long
    it is (percent of the whole)."""

    label: str
    phase: str
    start: float
    width: float


@dataclass(frozen=True, kw_only=True)
class Tick:
    """One line: its index in the script, its time (ms from the track's start), where it
    is (percent of the whole) and its words."""

    index: int
    at_ms: int
    at: float
    say: str


@dataclass(frozen=True, kw_only=True)
class Strip:
    """The picture of a session: its bars, its ticks, its whole length."""

    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    total_ms: int


def _said_ms(say: str) -> int:
    return max(1, len(say.split())) * _MS_PER_WORD + _PAUSE_MS


def strip(lines: Sequence[Line]) -> Strip:
    """The picture of a script's ``lines`` (walkcoach.script.file.read)."""
    clock = 0
    begin: int | None = None
    last_walk = 0
    times: list[int] = []
    for line in lines:
        if line.walk_ms is not None:
            if begin is None:
                begin = clock
            at = begin + line.walk_ms
            last_walk = max(last_walk, at + _said_ms(line.say))
            clock = max(clock, last_walk)
        else:
            at = clock if begin is None else max(clock, last_walk)
            clock = at + _said_ms(line.say)
        times.append(at)
    total = max([clock, *[at + _said_ms(line.say) for at, line in zip(times, lines,
                                                                      strict=True)], 1])

    def percent(ms: int) -> float:
        return round(100 * ms / total, 2)

    bars: list[Bar] = []
    starts: list[tuple[str, int]] = []
    for line, at in zip(lines, times, strict=True):
        phase: str = "walk" if line.walk_ms is not None and line.kind != "stop" else line.phase
        if not starts or starts[-1][0] != phase:
            starts.append((phase, at))
    for number, (phase, at) in enumerate(starts):
        end = starts[number + 1][1] if number + 1 < len(starts) else total
        bars.append(Bar(label=_PARTS.get(phase, phase.replace("_", " ").capitalize()),
                        phase=phase, start=percent(at), width=percent(end - at)))
    ticks = tuple(Tick(index=index, at_ms=at, at=percent(at), say=line.say)
                  for index, (line, at) in enumerate(zip(lines, times, strict=True)))
    return Strip(bars=tuple(bars), ticks=ticks, total_ms=total)
