"""Plan a session: from a SessionSpec and phrase lengths to a Timeline. Pure, no I/O.

How a track is laid out:

* Before the walk, the intro, safety and setup lines follow each other with the template's
  pauses; the walk starts ``before_start`` after the last of them, with the start cue. Safety
  and setup are the exercise's lines for every setting, then the session setting's own (the
  cool-down says the setting's first); speed and incline are said on a treadmill only.
* The walk clock starts at the start cue. Time cues are anchored: each starts exactly at its
  moment (halfway; "N minutes left" for N = 5..2; one minute; thirty seconds; a countdown;
  "stop" exactly at the end of the walk). Only moments strictly inside the walk count. Time cues
  that share a moment are said as one phrase.
* Drop rule: anchored cues are placed in priority order -- start, stop, countdown (the last
  number first), thirty seconds, one minute, halfway, then "N minutes left" (smallest N first).
  A cue that would overlap one already placed, or come closer than ``min_gap``, is dropped,
  never moved, and reported in ``Timeline.dropped``.
* Technique cues fill the free time: one slot every ``cue_interval_s`` of the level. A slot gets
  the next cue of the rotation if it fits (clear of its neighbours by ``between_phases``) within
  half an interval of its target; otherwise the slot stays silent and that cue waits for the
  next slot. The rotation takes the groups in turn and, within each group, its lines in a
  seeded shuffle, so no line repeats before the rest of its group has been said.
* After "stop", the cool-down and closing lines, then ``tail`` of silence.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice

from walkcoach.model import Cue, CueGroup, CueKind, DroppedCue, Phase, SessionSpec, Timeline

_PRIORITY_START, _PRIORITY_STOP = 1000, 900


@dataclass(frozen=True, kw_only=True)
class _Line:
    text: str
    kind: CueKind
    phase: Phase


@dataclass(frozen=True, kw_only=True)
class _Anchor:
    at_ms: int  # walk time
    text: str
    priority: int


def format_duration(walk_ms: int) -> str:
    """A walk length as it is said: '8 minutes', '1 minute', '7 minutes 30 seconds'."""
    seconds = round(walk_ms / 1000)
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if rest or not minutes:
        parts.append(f"{rest} second" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _values(spec: SessionSpec) -> dict[str, str]:
    return {
        "client": spec.client or "",
        "title": spec.exercise.title,
        "duration": format_duration(spec.walk_ms),
        "level": spec.level,
        "setting": spec.setting,
        "speed_mph": _number(spec.effective_speed_mph),
        "incline_percent": _number(spec.effective_incline_percent),
    }


def _before_walk(spec: SessionSpec) -> list[_Line]:
    t, ex, values = spec.template, spec.exercise, _values(spec)
    lines: list[_Line] = []

    def add(kind: CueKind, phase: Phase, *texts: str) -> None:
        lines.extend(_Line(text=x.format(**values), kind=kind, phase=phase) for x in texts)

    full = spec.intro == "full"
    if spec.client:
        add("intro", "intro", t.greeting)
    add("intro", "intro", t.welcome, *(ex.purpose if full else ()))
    if spec.focus:
        # The week's focus is the coach's own words, like extra cues: said as written.
        lines.append(_Line(text=spec.focus, kind="intro", phase="intro"))
    lines.extend(_Line(text=note, kind="intro", phase="intro") for note in spec.client_notes)
    if full:
        add("intro", "intro", *spec.level_spec.intro)
        add("safety", "safety", t.safety_lead, *ex.safety, *ex.settings[spec.setting].safety)
    else:  # a returning listener: the one safety line that matters, then straight to setup
        add("safety", "safety", ex.safety_reminder)
    add("setup", "setup", t.setup_lead, *ex.setup, *ex.settings[spec.setting].setup)
    if spec.setting == "treadmill":
        add("setup", "setup", t.treadmill_speed)
        if spec.effective_incline_percent > 0:
            add("setup", "setup", t.treadmill_incline)
    add("setup", "setup", t.ready)
    return lines


def _after_walk(spec: SessionSpec) -> list[_Line]:
    t, ex = spec.template, spec.exercise
    texts = [t.cooldown_lead, *ex.settings[spec.setting].cooldown, *ex.cooldown, *t.finish]
    return [_Line(text=x, kind="outro", phase="cooldown") for x in texts]


def start_text(spec: SessionSpec) -> str:
    """The line said at the moment the walk begins."""
    return spec.exercise.start or spec.template.start


def _anchors(spec: SessionSpec) -> list[_Anchor]:
    """Time cues strictly inside the walk, merged where they share a moment."""
    words, walk = spec.template.time, spec.walk_ms
    raw: list[_Anchor] = []
    count = len(words.countdown)
    for index, word in enumerate(words.countdown):
        seconds = count - index
        raw.append(_Anchor(at_ms=walk - seconds * 1000, text=word, priority=800 - seconds))
    raw.append(_Anchor(at_ms=walk - 30_000, text=words.thirty_seconds, priority=700))
    raw.append(_Anchor(at_ms=walk - 60_000, text=words.one_minute_left, priority=600))
    raw.append(_Anchor(at_ms=walk // 2, text=words.halfway, priority=500))
    for n in range(2, 6):
        raw.append(_Anchor(at_ms=walk - n * 60_000, text=words.minutes_left.format(n=n),
                           priority=400 - n))
    merged: dict[int, _Anchor] = {}
    for anchor in sorted(raw, key=lambda a: (a.at_ms, -a.priority)):
        if not 0 < anchor.at_ms < walk:
            continue
        if anchor.at_ms in merged:
            first = merged[anchor.at_ms]
            anchor = _Anchor(at_ms=anchor.at_ms, text=f"{first.text} {anchor.text}",
                             priority=max(first.priority, anchor.priority))
        merged[anchor.at_ms] = anchor
    return list(merged.values())


def technique_groups(spec: SessionSpec) -> tuple[CueGroup, ...]:
    """The technique ideas of this session: exercise, setting, level, then the week's own."""
    groups = (*spec.exercise.technique, *spec.exercise.settings[spec.setting].technique,
              *spec.level_spec.technique)
    if spec.extra_cues:
        groups = (*groups, CueGroup(name="this-week", lines=spec.extra_cues))
    return groups


def rotation(spec: SessionSpec) -> Iterator[tuple[str, str]]:
    """The endless, seeded order of technique cues as (group, text)."""
    rng = random.Random(f"{spec.seed}|{spec.exercise.name}|{spec.level}|{spec.setting}")
    groups = list(technique_groups(spec))
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


def _slot_count(spec: SessionSpec) -> int:
    interval = int(spec.level_spec.cue_interval_s * 1000)
    return max(0, (spec.walk_ms - 1) // interval)


def candidate_phrases(spec: SessionSpec) -> tuple[str, ...]:
    """Every phrase the plan may use: the caller measures these, then calls :func:`plan`."""
    texts = [line.text for line in _before_walk(spec)]
    texts.append(start_text(spec))
    texts.extend(anchor.text for anchor in _anchors(spec))
    texts.append(spec.template.time.stop)
    texts.extend(text for _, text in islice(rotation(spec), _slot_count(spec)))
    texts.extend(line.text for line in _after_walk(spec))
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
    """Lay out the session; ``durations`` gives every candidate phrase's length in ms."""
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

    track = _Track()
    walk_cues: list[Cue] = []
    dropped: list[DroppedCue] = []

    def place(at: int, text: str, kind: CueKind, phase: Phase, anchor: int | None) -> bool:
        end = at + durations[text]
        if not track.free(at, end, pauses.min_gap):
            return False
        track.add(at, end)
        walk_cues.append(Cue(start_ms=at, end_ms=end, text=text, kind=kind, phase=phase,
                             anchor_ms=anchor))
        return True

    place(walk_start, start_text(spec), "start", "walk", 0)
    stop = spec.template.time.stop
    place(walk_end, stop, "stop", "cooldown", spec.walk_ms)
    for anchor in sorted(_anchors(spec), key=lambda a: -a.priority):
        at = walk_start + anchor.at_ms
        # "Stop" is already on the track, so the overlap check also keeps this cue before it.
        if not place(at, anchor.text, "time", "walk", anchor.at_ms):
            dropped.append(DroppedCue(anchor_ms=anchor.at_ms, text=anchor.text,
                                      reason="no room: it would overlap a higher-priority cue"))

    _fill_technique(spec, durations, track, walk_cues, walk_start, walk_end)

    cursor = max(walk_end + durations[stop], max(c.end_ms for c in walk_cues))
    cursor += pauses.after_stop
    outro = _after_walk(spec)
    for index, line in enumerate(outro):
        if index:
            cursor += pauses.between_lines
        end = cursor + durations[line.text]
        cues.append(Cue(start_ms=cursor, end_ms=end, text=line.text, kind=line.kind,
                        phase=line.phase))
        cursor = end
    all_cues = sorted([*cues, *walk_cues], key=lambda c: c.start_ms)
    return Timeline(duration_ms=cursor + pauses.tail, walk_start_ms=walk_start,
                    walk_end_ms=walk_end, cues=tuple(all_cues),
                    dropped=tuple(sorted(dropped, key=lambda d: d.anchor_ms)))


def _fill_technique(spec: SessionSpec, durations: Mapping[str, int], track: _Track,
                    walk_cues: list[Cue], walk_start: int, walk_end: int) -> None:
    interval = int(spec.level_spec.cue_interval_s * 1000)
    # A technique cue keeps a phase-sized pause from its neighbours, so it never runs on
    # straight after a time cue.
    gap = max(spec.template.pauses.between_phases, spec.template.pauses.min_gap)
    pending = islice(rotation(spec), _slot_count(spec))
    current = next(pending, None)
    for slot in range(1, _slot_count(spec) + 1):
        if current is None:
            return
        group, text = current
        duration = durations[text]
        target = walk_start + slot * interval
        latest = min(target + interval // 2, walk_end - duration - gap)
        start = _earliest_free(track, target, latest, duration, gap)
        if start is None:
            continue
        track.add(start, start + duration)
        walk_cues.append(Cue(start_ms=start, end_ms=start + duration, text=text,
                             kind="technique", phase="walk", group=group))
        current = next(pending, None)


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
