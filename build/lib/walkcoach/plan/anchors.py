"""What is said at fixed moments of the walk: the parts laid end to end, what opens each
part, and the time cues within it. Pure, no I/O; walkcoach.plan.planner places them.

A session without blocks is one part: the whole walk, of the session's exercise. Times here
are walk times (milliseconds from "begin").

What opens a part (said exactly at its start):

* the first part: its exercise's start line (or the template's "Begin.");
* a later part: its exercise's switch line for the setting (how to turn around, and on a
  treadmill how to do it safely), or "Keep going." when the exercise does not change; after
  a rest, the exercise's start line, as at the first part (the walker stands as in setup);
* then, joined into the same phrase: "Round 3 of 6." (or "Last round.") on the first part of
  each round; "<time> to go in all." as a recovery or a rest begins; on a belt the new
  speed and incline when they change (a rest has none: the part after it is compared with
  the last part walked).

Time cues within a part, each only strictly inside it:

* the last part ends the walk as a continuous walk does: "N minutes left" (N = 5..2), one
  minute, thirty seconds, a countdown, and "Stop." at the end (said by the planner);
* before a change to another exercise: a heads-up ``heads_up_s`` before it (parts of at
  least three times that), and a short countdown into it (parts of 20 s or more);
* long parts also hear halfway (3 minutes or more; in a walk of one part always, as
  before), and before a change to another exercise "N minutes, then we switch" (parts longer
  than N+1 minutes) and one minute (parts of 2.5 minutes or more).

Cues that share a moment are said as one phrase. The openings, the time cues and "Stop." may
each have a chime just before them; walkcoach.plan.planner places those, where there is room.
"""

from __future__ import annotations

from dataclasses import dataclass

from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.plan.model import Block, BlockSpan, Exercise, Level, LevelSpec, SessionSpec

__all__ = ["Anchor", "Part", "anchors", "format_duration", "opening", "parts", "short_part"]

_SWITCH_COUNTDOWN_MIN_MS = 20_000
_ONE_MINUTE_MIN_MS = 150_000
_HALFWAY_MIN_MS = 180_000


@dataclass(frozen=True, kw_only=True)
class Part:
    """A block resolved against its session: where it lies on the walk and how it is done."""

    index: int
    block: Block
    start_ms: int  # walk time
    end_ms: int
    level: Level
    speed_mph: float
    incline_percent: float

    @property
    def exercise(self) -> Exercise:
        """The part's exercise."""
        return self.block.exercise

    @property
    def level_spec(self) -> LevelSpec:
        """The part's exercise at the part's level."""
        return self.block.exercise.levels[self.level]

    @property
    def length_ms(self) -> int:
        """How long the part lasts."""
        return self.end_ms - self.start_ms

    def span(self, spec: SessionSpec, walk_start_ms: int) -> BlockSpan:
        """The part as the timeline records it, in track times."""
        belt = spec.belt and self.block.kind != "rest"
        return BlockSpan(kind=self.block.kind, exercise=self.exercise.name,
                         title=self.exercise.title, start_ms=walk_start_ms + self.start_ms,
                         end_ms=walk_start_ms + self.end_ms, level=self.level,
                         speed_mph=self.speed_mph if belt else None,
                         incline_percent=self.incline_percent if belt else None,
                         round=self.block.round, rounds=self.block.rounds)


@dataclass(frozen=True, kw_only=True)
class Anchor:
    """A time cue: said exactly at ``at_ms`` (walk time), or dropped."""

    at_ms: int
    text: str
    priority: int


def parts(spec: SessionSpec) -> tuple[Part, ...]:
    """The session's parts end to end from walk time 0; one part for a continuous walk.

    A part's level, speed and incline are its block's own, else the session's (its level,
    its speed and incline overrides), else those of the part's exercise at its level. An
    exercise without the session's level takes its level of the same rank (easiest first,
    walkcoach.plan.model.Exercise.level_like).
    """
    blocks = spec.blocks or (Block(kind="work", exercise=spec.exercise,
                                   duration_ms=spec.walk_ms),)
    out = []
    at = 0
    for index, block in enumerate(blocks):
        level = block.level or block.exercise.level_like(spec.level,
                                                         spec.exercise.level_names)
        levels = block.exercise.levels[level]
        speed = next(v for v in (block.speed_mph, spec.speed_mph, levels.speed_mph)
                     if v is not None)
        incline = next(v for v in (block.incline_percent, spec.incline_percent,
                                   levels.incline_percent) if v is not None)
        out.append(Part(index=index, block=block, start_ms=at, end_ms=at + block.duration_ms,
                        level=level, speed_mph=speed, incline_percent=incline))
        at += block.duration_ms
    return tuple(out)


def format_duration(walk_ms: int) -> str:
    """A length as it is said: '8 minutes', '1 minute', '7 minutes 30 seconds'."""
    seconds = round(walk_ms / 1000)
    minutes, rest = divmod(seconds, 60)
    words = []
    if minutes:
        words.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if rest or not minutes:
        words.append(f"{rest} second" + ("s" if rest != 1 else ""))
    return " ".join(words)


def number(value: float) -> str:
    """A number as it is written into a line: 1, 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def opening(spec: SessionSpec, all_parts: tuple[Part, ...], index: int) -> str:
    """The phrase said exactly as part ``index`` begins (see the module docstring)."""
    words, part = spec.template.blocks, all_parts[index]
    pieces: list[str] = []
    if index == 0:
        pieces.append(part.exercise.start or spec.template.start)
        previous_round = None
    else:
        before = all_parts[index - 1]
        if before.block.kind == "rest" and part.block.kind != "rest":
            # Back from a rest, standing where the setup put the walker: start as at first
            # (no turning round, whatever was walked before the rest).
            pieces.append(part.exercise.start or spec.template.start)
        elif before.exercise.name == part.exercise.name:
            pieces.append(words.keep_going)
        else:
            pieces.append(part.exercise.switch_text(spec.setting))
        previous_round = before.block.round
    block = part.block
    if block.round is not None and block.round != previous_round:
        pieces.append(words.last_round if block.round == block.rounds
                      else words.round.format(round=block.round, rounds=block.rounds))
    if block.kind in ("recovery", "rest") and index > 0:
        left = spec.walk_ms - part.start_ms
        pieces.append(words.time_left.format(duration=format_duration(left)))
    if spec.belt and block.kind != "rest":
        # The belt as it was last set: in the setup, or for the last part walked (a rest
        # leaves the belt as it was).
        walked = [p for p in all_parts[:index] if p.block.kind != "rest"]
        speed, incline = ((walked[-1].speed_mph, walked[-1].incline_percent) if walked
                          else (spec.effective_speed_mph, spec.effective_incline_percent))
        if part.speed_mph != speed:
            pieces.append(words.speed.format(speed_mph=number(part.speed_mph)))
        if part.incline_percent != incline:
            pieces.append(words.incline.format(incline_percent=number(part.incline_percent)))
    return " ".join(pieces)


def short_part(part: Part, text: str, needed_ms: int) -> InputError:
    """The error for a part too short for the phrase that opens it: where the coach wrote it."""
    seconds = part.length_ms / 1000
    message = (f"a part of {seconds:g} s is too short for what is said as it begins "
               f"({excerpt(text)}, {needed_ms / 1000:.1f} s with the pause after it): make "
               f"it at least {-(-needed_ms // 1000)} seconds")
    source = part.block.source
    if source is None:
        return InputError(message)
    return ContentError(message, path=source.path, line=source.line, key=source.key)


def anchors(spec: SessionSpec, all_parts: tuple[Part, ...]) -> list[Anchor]:
    """Every time cue of the walk strictly inside its part, merged where they share a moment
    (the opening phrases and "Stop." are not among them)."""
    raw: list[Anchor] = []
    for part in all_parts:
        last = part.index == len(all_parts) - 1
        if last:
            raw.extend(_closing(spec, part, single=len(all_parts) == 1))
        else:
            raw.extend(_before_change(spec, part, all_parts[part.index + 1]))
    merged: dict[int, Anchor] = {}
    for anchor in sorted(raw, key=lambda a: (a.at_ms, -a.priority)):
        if anchor.at_ms in merged:
            first = merged[anchor.at_ms]
            anchor = Anchor(at_ms=anchor.at_ms, text=f"{first.text} {anchor.text}",
                            priority=max(first.priority, anchor.priority))
        merged[anchor.at_ms] = anchor
    return list(merged.values())


def _inside(part: Part, anchors: list[Anchor]) -> list[Anchor]:
    return [a for a in anchors if part.start_ms < a.at_ms < part.end_ms]


def _closing(spec: SessionSpec, part: Part, *, single: bool) -> list[Anchor]:
    """The last part's time cues: the end of the walk (as a continuous walk has them)."""
    words, end, length = spec.template.time, part.end_ms, part.length_ms
    raw: list[Anchor] = []
    count = len(words.countdown)
    for index, word in enumerate(words.countdown):
        seconds = count - index
        raw.append(Anchor(at_ms=end - seconds * 1000, text=word, priority=800 - seconds))
    raw.append(Anchor(at_ms=end - 30_000, text=words.thirty_seconds, priority=700))
    raw.append(Anchor(at_ms=end - 60_000, text=words.one_minute_left, priority=600))
    if single:
        raw.append(Anchor(at_ms=part.start_ms + length // 2, text=words.halfway, priority=500))
    elif length >= _HALFWAY_MIN_MS:
        raw.append(Anchor(at_ms=part.start_ms + length // 2,
                          text=spec.template.blocks.halfway, priority=500))
    for n in range(2, 6):
        raw.append(Anchor(at_ms=end - n * 60_000, text=words.minutes_left.format(n=n),
                          priority=400 - n))
    return _inside(part, raw)


def _before_change(spec: SessionSpec, part: Part, after: Part) -> list[Anchor]:
    """A part's time cues when another part follows it."""
    words, end, length = spec.template.blocks, part.end_ms, part.length_ms
    raw: list[Anchor] = []
    if length >= _HALFWAY_MIN_MS:
        raw.append(Anchor(at_ms=part.start_ms + length // 2, text=words.halfway, priority=500))
    if after.exercise.name == part.exercise.name:  # nothing to switch for "keep going"
        return _inside(part, raw)
    if length >= _SWITCH_COUNTDOWN_MIN_MS:
        count = len(words.countdown)
        for index, word in enumerate(words.countdown):
            seconds = count - index
            raw.append(Anchor(at_ms=end - seconds * 1000, text=word, priority=770 - seconds))
    if length >= 3 * words.heads_up_s * 1000:
        raw.append(Anchor(at_ms=end - words.heads_up_s * 1000, text=words.heads_up,
                          priority=750))
    if length >= _ONE_MINUTE_MIN_MS:
        raw.append(Anchor(at_ms=end - 60_000, text=words.one_minute_left, priority=600))
    for n in range(2, 6):
        if length >= (n + 1) * 60_000:
            raw.append(Anchor(at_ms=end - n * 60_000, text=words.minutes_left.format(n=n),
                              priority=400 - n))
    return _inside(part, raw)
