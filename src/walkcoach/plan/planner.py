"""Plan a session: from a SessionSpec and phrase lengths to a Timeline. Pure, no I/O.

How a track is laid out:

* Before the walk, the intro, safety and setup lines follow each other with the template's
  pauses; the walk starts ``before_start`` after the last of them. Safety and setup are the
  exercise's lines for every setting, then the session setting's own (the cool-down says the
  setting's first); speed and incline are said only in a setting with a belt (``belt:
  true``, the treadmill). In a circuit, another work exercise's safety and setup lines
  follow, and so do a rest's; each line said once (an exercise that does not name the
  session's setting has no lines of its own for it).
* The walk is a sequence of parts laid end to end (walkcoach.plan.anchors): one part for a
  continuous walk; warm-up, rounds of work and recovery, rests and a cool-down for a session
  in parts. The walk's length is the sum of the parts. The walk clock starts at "begin".
* What opens each part starts exactly at its first moment: the start cue for the first, a
  switch cue ("turn around carefully, and walk backwards", with the round and the time left
  joined to it) at every change. "Stop." starts exactly at the end of the walk. These are
  never dropped: a part too short for the phrase that opens it (plus ``min_gap``) is an
  error naming the file, line and key where the part was written.
* Time cues are anchored: each starts exactly at its moment within its part (halfway; "N
  minutes left"; one minute; thirty seconds; a countdown; a heads-up and a countdown before
  each change; see walkcoach.plan.anchors). Time cues that share a moment are said as one phrase.
* Drop rule: anchored cues are placed in priority order -- openings, stop, the final
  countdown (the last number first), the countdowns into changes, heads-ups, thirty seconds,
  one minute, halfway, then "N minutes left" (smallest N first). A cue that would overlap one
  already placed, or come closer than ``min_gap``, is dropped, never moved, and reported in
  ``Timeline.dropped``.
* Chimes (with ``spec.chimes``): a chime announces the opening of each part ("begin", every
  change), each time cue and "stop". Each is placed after all anchored speech and before
  the technique cues, and ends CHIME_GAP_MS before its cue starts; it starts at least
  CHIME_CLEAR_MS after the speech before it ends, and never overlaps speech or another
  chime. A chime never moves, delays or drops a cue: where there is no room, it is left
  out. A time cue said less than CHIME_RUN_MS after the anchored cue before it gets none:
  after the first number of a countdown, the numbers (a second apart) are chime enough
  themselves. ``Timeline.sounds`` lists the chimes, in time order; their lengths are
  CHIME_MS (walkcoach.audio.chimes makes them exactly that long).
* Technique cues fill the free time of each part from that part's own exercise (backward
  cues in backward parts, recovery cues in recovery): one slot every ``cue_interval_s`` of
  the part's level, counted from the part's start. A slot gets the next cue of the rotation
  if it fits (clear of its neighbours by ``between_phases``, inside its part, and before the
  last ``heads_up_s`` of a part that ends in a change) within half an interval of its
  target; otherwise the slot stays silent and that cue waits for the next slot. Each
  exercise (at a level, with its part's own cues) has one rotation across the session: the
  groups in turn and, within each group, its lines in a seeded shuffle, so no line repeats
  before the rest of its group has been said. The session's extra cues join
  the rotation of the session's own exercise.
* After "stop", the cool-down lines of the last part's exercise and the closing lines, then
  ``tail`` of silence.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice

from walkcoach.plan.anchors import (
    Part,
    anchors,
    format_duration,
    number,
    opening,
    parts,
    short_part,
)
from walkcoach.plan.chimeplan import (
    CHIME_CLEAR_MS,
    CHIME_GAP_MS,
    CHIME_MS,
    CHIME_RUN_MS,
    chime_sounds,
)
from walkcoach.plan.model import (
    Cue,
    CueGroup,
    CueKind,
    DroppedCue,
    Exercise,
    Level,
    Phase,
    SessionSpec,
    Setting,
    Timeline,
)

__all__ = ["CHIME_CLEAR_MS", "CHIME_GAP_MS", "CHIME_MS", "CHIME_RUN_MS", "candidate_phrases",
           "chime_sounds", "format_duration", "plan", "start_text", "technique_groups"]

@dataclass(frozen=True, kw_only=True)
class _Line:
    text: str
    kind: CueKind
    phase: Phase


def _values(spec: SessionSpec) -> dict[str, str]:
    return {
        "client": spec.client or "",
        "title": spec.exercise.title,
        "duration": format_duration(spec.walk_ms),
        "level": spec.level,
        "setting": spec.setting,
        "speed_mph": number(spec.effective_speed_mph),
        "incline_percent": number(spec.effective_incline_percent),
    }


def _others(spec: SessionSpec) -> list[Exercise]:
    """The circuit's other work exercises and the rests (standing on a treadmill's side rails
    has its own safety), in the order their parts come."""
    seen = {spec.exercise.name}
    out = []
    for block in spec.blocks:
        if block.exercise.role != "recovery" and block.exercise.name not in seen:
            seen.add(block.exercise.name)
            out.append(block.exercise)
    return out


def _before_walk(spec: SessionSpec) -> list[_Line]:
    t, ex, values = spec.template, spec.exercise, _values(spec)
    lines: list[_Line] = []
    said: set[str] = set()

    def add(kind: CueKind, phase: Phase, *texts: str) -> None:
        for text in texts:
            filled = text.format(**values)
            if filled not in said:
                said.add(filled)
                lines.append(_Line(text=filled, kind=kind, phase=phase))

    full = spec.intro == "full"
    others = _others(spec)
    if spec.client:
        add("intro", "intro", t.greeting)
    add("intro", "intro", t.welcome, *(ex.purpose if full else ()))
    if spec.focus:
        # The week's focus is the coach's own words, like extra cues: said as written.
        lines.append(_Line(text=spec.focus, kind="intro", phase="intro"))
    lines.extend(_Line(text=note, kind="intro", phase="intro") for note in spec.client_notes)
    if full:
        add("intro", "intro", *spec.level_spec.intro)
        add("safety", "safety", t.safety_lead)
        for each in (ex, *others):
            add("safety", "safety", *each.safety, *each.setting(spec.setting).safety)
    else:  # a returning listener: the one safety line that matters, then straight to setup
        add("safety", "safety", ex.safety_reminder)
    add("setup", "setup", t.setup_lead)
    for each in (ex, *others):
        add("setup", "setup", *each.setup, *each.setting(spec.setting).setup)
    if spec.belt:
        add("setup", "setup", t.treadmill_speed)
        if spec.effective_incline_percent > 0:
            add("setup", "setup", t.treadmill_incline)
    add("setup", "setup", t.ready)
    return lines


def _after_walk(spec: SessionSpec, last: Exercise) -> list[_Line]:
    t = spec.template
    texts = [t.cooldown_lead, *last.setting(spec.setting).cooldown, *last.cooldown, *t.finish]
    return [_Line(text=x, kind="outro", phase="cooldown") for x in texts]


def start_text(spec: SessionSpec) -> str:
    """The line said at the moment the walk begins."""
    return opening(spec, parts(spec), 0)


def _groups(exercise: Exercise, level: Level, setting: Setting,
            *extra: CueGroup) -> tuple[CueGroup, ...]:
    return (*exercise.technique, *exercise.setting(setting).technique,
            *exercise.levels[level].technique, *extra)


def technique_groups(spec: SessionSpec) -> tuple[CueGroup, ...]:
    """The technique ideas of the session's own exercise: exercise, setting, level, then the
    week's own."""
    extra = (CueGroup(name="this-week", lines=spec.extra_cues),) if spec.extra_cues else ()
    return _groups(spec.exercise, spec.level, spec.setting, *extra)


_Key = tuple[str, str, tuple[str, ...]]


def _key(spec: SessionSpec, part: Part) -> _Key:
    """Which rotation a part draws from: its exercise, its level and its own cues."""
    return part.exercise.name, part.level, part.block.cues


def _rotation(spec: SessionSpec, part: Part) -> Iterator[tuple[str, str]]:
    """The endless, seeded order of a part's technique cues as (group, text)."""
    extra: list[CueGroup] = []
    seed = f"{spec.seed}|{part.exercise.name}|{part.level}|{spec.setting}"
    if part.exercise.name == spec.exercise.name and spec.extra_cues:
        extra.append(CueGroup(name="this-week", lines=spec.extra_cues))
    if part.block.cues:
        extra.append(CueGroup(name="this-part", lines=part.block.cues))
        seed += "|" + "|".join(part.block.cues)
    rng = random.Random(seed)
    groups = list(_groups(part.exercise, part.level, spec.setting, *extra))
    rng.shuffle(groups)
    queues: list[list[str]] = [[] for _ in groups]
    last: list[str | None] = [None for _ in groups]
    while True:
        for index, group in enumerate(groups):
            if not queues[index]:
                order = list(group.lines)
                rng.shuffle(order)
                if len(order) > 1 and order[0] == last[index]:
                    order.append(order.pop(0))  # no line twice in a row across a reshuffle
                queues[index] = order
            text = queues[index].pop(0)
            last[index] = text
            yield group.name, text


def _slot_count(part: Part) -> int:
    interval = int(part.level_spec.cue_interval_s * 1000)
    return max(0, (part.length_ms - 1) // interval)


def _rotations(spec: SessionSpec, all_parts: tuple[Part, ...]
               ) -> dict[_Key, Iterator[tuple[str, str]]]:
    """One rotation per exercise, level and part cues, cut to the slots there are for it."""
    slots: Counter[_Key] = Counter()
    first: dict[_Key, Part] = {}
    for part in all_parts:
        slots[_key(spec, part)] += _slot_count(part)
        first.setdefault(_key(spec, part), part)
    return {key: islice(_rotation(spec, part), slots[key]) for key, part in first.items()}


def candidate_phrases(spec: SessionSpec) -> tuple[str, ...]:
    """Every phrase the plan may use: the caller measures these, then calls :func:`plan`."""
    all_parts = parts(spec)
    texts = [line.text for line in _before_walk(spec)]
    texts.extend(opening(spec, all_parts, part.index) for part in all_parts)
    texts.extend(anchor.text for anchor in anchors(spec, all_parts))
    texts.append(spec.template.time.stop)
    for rotation in _rotations(spec, all_parts).values():
        texts.extend(text for _, text in rotation)
    texts.extend(line.text for line in _after_walk(spec, all_parts[-1].exercise))
    return tuple(dict.fromkeys(texts))


class _Track:
    """Cues placed so far on the walk, kept sorted, with overlap checks."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int, gap: int) -> bool:
        return all(end + gap <= s or start >= e + gap for s, e in self.spans)

    def add(self, start: int, end: int) -> None:
        self.spans.append((start, end))
        self.spans.sort()


def plan(spec: SessionSpec, durations: Mapping[str, int]) -> Timeline:
    """Lay out the session; ``durations`` gives every candidate phrase's length in ms.

    Raises InputError (ContentError when the part came from a file) for a part too short for
    the phrase that opens it.
    """
    pauses = spec.template.pauses
    cues: list[Cue] = []
    cursor = pauses.lead_in
    previous: _Line | None = None
    for line in _before_walk(spec):
        if previous is not None:
            same = previous.phase == line.phase
            cursor += pauses.between_lines if same else pauses.between_phases
        end = cursor + durations[line.text]
        cues.append(Cue(start_ms=cursor, end_ms=end, text=line.text, kind=line.kind,
                        phase=line.phase))
        cursor, previous = end, line
    walk_start = cursor + pauses.before_start
    walk_end = walk_start + spec.walk_ms
    all_parts = parts(spec)

    track = _Track()
    walk_cues: list[Cue] = []
    dropped: list[DroppedCue] = []

    def part_of(at: int) -> int:
        return next(p.index for p in reversed(all_parts) if p.start_ms <= at - walk_start)

    def place(at: int, text: str, kind: CueKind, phase: Phase, anchor: int | None) -> bool:
        end = at + durations[text]
        if not track.free(at, end, pauses.min_gap):
            return False
        track.add(at, end)
        walk_cues.append(Cue(start_ms=at, end_ms=end, text=text, kind=kind, phase=phase,
                             anchor_ms=anchor, block=part_of(at) if phase == "walk" else None))
        return True

    stop = spec.template.time.stop
    for part in all_parts:  # the openings and "stop" are never dropped: they must fit
        text = opening(spec, all_parts, part.index)
        needed = durations[text] + pauses.min_gap  # clear of the next opening, or "Stop."
        if part.length_ms < needed:
            raise short_part(part, text, needed)
        place(walk_start + part.start_ms, text, "start" if part.index == 0 else "switch",
              "walk", part.start_ms)
    place(walk_end, stop, "stop", "cooldown", spec.walk_ms)
    for anchor in sorted(anchors(spec, all_parts), key=lambda a: -a.priority):
        at = walk_start + anchor.at_ms
        # The openings and "Stop" are already placed, so the overlap check also keeps this
        # cue inside its part.
        if not place(at, anchor.text, "time", "walk", anchor.at_ms):
            dropped.append(DroppedCue(anchor_ms=anchor.at_ms, text=anchor.text,
                                      reason="no room: it would overlap a higher-priority cue"))

    sounds = chime_sounds([*cues, *walk_cues]) if spec.chimes else []
    for sound in sounds:
        track.add(sound.start_ms, sound.end_ms)
    _fill_technique(spec, all_parts, durations, track, walk_cues, walk_start)

    cursor = max(walk_end + durations[stop], max(c.end_ms for c in walk_cues))
    cursor += pauses.after_stop
    for index, line in enumerate(_after_walk(spec, all_parts[-1].exercise)):
        if index:
            cursor += pauses.between_lines
        end = cursor + durations[line.text]
        cues.append(Cue(start_ms=cursor, end_ms=end, text=line.text, kind=line.kind,
                        phase=line.phase))
        cursor = end
    all_cues = sorted([*cues, *walk_cues], key=lambda c: c.start_ms)
    return Timeline(duration_ms=cursor + pauses.tail, walk_start_ms=walk_start,
                    walk_end_ms=walk_end, cues=tuple(all_cues),
                    dropped=tuple(sorted(dropped, key=lambda d: d.anchor_ms)),
                    blocks=tuple(part.span(spec, walk_start) for part in all_parts),
                    sounds=tuple(sounds))


def _fill_technique(spec: SessionSpec, all_parts: tuple[Part, ...],
                    durations: Mapping[str, int], track: _Track, walk_cues: list[Cue],
                    walk_start: int) -> None:
    # A technique cue keeps a phase-sized pause from its neighbours, so it never runs on
    # straight after a time cue.
    gap = max(spec.template.pauses.between_phases, spec.template.pauses.min_gap)
    rotations = _rotations(spec, all_parts)
    pending: dict[_Key, tuple[str, str] | None] = {}
    for part in all_parts:
        key = _key(spec, part)
        if key not in pending:
            pending[key] = next(rotations[key], None)
        interval = int(part.level_spec.cue_interval_s * 1000)
        start_at, end_at = walk_start + part.start_ms, walk_start + part.end_ms
        following = all_parts[part.index + 1] if part.index + 1 < len(all_parts) else None
        if following is not None and following.exercise.name != part.exercise.name:
            end_at -= spec.template.blocks.heads_up_s * 1000  # the last seconds: the change
        for slot in range(1, _slot_count(part) + 1):
            current = pending[key]
            if current is None:
                break
            group, text = current
            duration = durations[text]
            target = start_at + slot * interval
            latest = min(target + interval // 2, end_at - duration - gap)
            start = _earliest_free(track, target, latest, duration, gap)
            if start is None:
                continue
            track.add(start, start + duration)
            walk_cues.append(Cue(start_ms=start, end_ms=start + duration, text=text,
                                 kind="technique", phase="walk", group=group,
                                 block=part.index))
            pending[key] = next(rotations[key], None)


def _earliest_free(track: _Track, earliest: int, latest: int, duration: int,
                   gap: int) -> int | None:
    """The first start in [earliest, latest] where a cue of ``duration`` is clear by ``gap``."""
    start = earliest
    while start <= latest:
        blocking = [e for s, e in track.spans if not (start + duration + gap <= s
                                                       or start >= e + gap)]
        if not blocking:
            return start
        start = max(blocking) + gap
    return None
