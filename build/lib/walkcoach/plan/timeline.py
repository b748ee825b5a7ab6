"""A planned session on its track: cues, chimes and parts at exact milliseconds (the
planner's output; walkcoach.plan.model re-exports these with the rest of the model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["BlockKind", "BlockSpan", "Chapter", "Cue", "CueKind", "DroppedCue", "Level", "Phase",
           "Sound", "Timeline"]

Level = str  # a level an exercise file names (walking-backwards: beginner ... advanced)
CueKind = Literal["intro", "safety", "setup", "start", "switch", "technique", "time", "stop",
                  "outro"]
Phase = Literal["intro", "safety", "setup", "walk", "cooldown"]
BlockKind = Literal["warmup", "work", "recovery", "rest", "cooldown"]


@dataclass(frozen=True, kw_only=True)
class Cue:
    """One spoken phrase placed on the track."""

    start_ms: int
    end_ms: int
    text: str
    kind: CueKind
    phase: Phase
    anchor_ms: int | None = None  # for time cues: the walk time (from "begin") it marks
    group: str | None = None  # for technique cues: the idea it belongs to
    block: int | None = None  # for cues of the walk: the index of its part in Timeline.blocks


@dataclass(frozen=True, kw_only=True)
class DroppedCue:
    """An anchored cue the planner left out because it could not fit, and why."""

    anchor_ms: int
    text: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Chapter:
    """A span of the track with one purpose (intro, walk, cool-down ...)."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, kw_only=True)
class Sound:
    """A chime on the track: the kind of cue it announces, and when it plays (it ends before
    that cue starts)."""

    kind: CueKind
    start_ms: int
    end_ms: int


@dataclass(frozen=True, kw_only=True)
class BlockSpan:
    """A part of the walk as placed on the track (track times), with what it resolved to."""

    kind: BlockKind
    exercise: str
    title: str  # the exercise's title
    start_ms: int
    end_ms: int
    level: Level
    speed_mph: float | None = None  # on a treadmill only
    incline_percent: float | None = None
    round: int | None = None
    rounds: int | None = None

    @property
    def label(self) -> str:
        """How the part is named in chapters, captions and scripts."""
        if self.round is not None and self.kind == "work":
            return f"Round {self.round} of {self.rounds}: {self.title}"
        names = {"warmup": "Warm-up", "recovery": "Recovery", "rest": "Rest",
                 "cooldown": "Cool-down walk", "work": ""}
        return f"{names[self.kind]}: {self.title}" if names[self.kind] else self.title


@dataclass(frozen=True, kw_only=True)
class Timeline:
    """A planned session: every cue with its exact start and end, and the track length."""

    duration_ms: int
    walk_start_ms: int
    walk_end_ms: int
    cues: tuple[Cue, ...]
    dropped: tuple[DroppedCue, ...] = ()
    blocks: tuple[BlockSpan, ...] = ()
    sounds: tuple[Sound, ...] = ()  # chimes, in time order

    def chapters(self) -> tuple[Chapter, ...]:
        """The track's phases as chapters, each from its first cue to the next chapter; a
        walk in several parts has a chapter per part instead of one for the walk."""
        titles = {"intro": "Introduction", "safety": "Safety", "setup": "Setup",
                  "walk": "Walk", "cooldown": "Cool-down"}
        phases: list[tuple[str, int]] = []
        for cue in self.cues:
            start = self.walk_start_ms if cue.phase == "walk" else cue.start_ms
            if not phases or phases[-1][0] != cue.phase:
                phases.append((cue.phase, 0 if not phases else start))
        starts: list[tuple[str, int]] = []
        for phase, start in phases:
            if phase == "walk" and len(self.blocks) > 1:
                starts.append((self.blocks[0].label, start))
                starts.extend((block.label, block.start_ms) for block in self.blocks[1:])
            else:
                starts.append((titles[phase], start))
        chapters = []
        for i, (title, start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else self.duration_ms
            chapters.append(Chapter(title=title, start_ms=start, end_ms=end))
        return tuple(chapters)
