"""The editable script: a planned session written as YAML a coach can edit, and read back.

``walkcoach script ... -o session.yaml`` writes every line of the planned session, its kind
and its time; ``walkcoach render session.yaml -o track.mp3`` builds exactly those lines.

The file::

    script: 1
    session: {exercise: walking-backwards, level: beginner, minutes: 8, ...}  # as planned
    walk_ms: 480000          # from "begin" to "stop"
    lines:
    - before: intro
      say: This is walking backwards ...
    - walk: '0:00.000'
      kind: start
      say: Now start stepping backwards.
      fixed: true
    - walk: '0:20.000'             # m:ss.mmm from "begin"
      kind: technique              # the default for a line added to the walk
      say: Ball first, then heel.
    - after: outro
      say: Well done today.

Re-timing does only what an edit forces (:func:`timeline`): the lines before the walk are
laid out again in order with the template's pauses, so "begin" moves with their length; every
line of the walk keeps its walk time (a time cue stays exactly on its moment); the lines after
"stop" follow it in order. An edit that cannot fit is refused with the file, line and key: a
line that runs into the next one, two lines at once, a line outside the walk.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from walkcoach.content.nodes import Node, load_yaml
from walkcoach.content.problems import Problems
from walkcoach.content.writer import dump_yaml
from walkcoach.errors import ContentError, excerpt
from walkcoach.plan.anchors import anchors, parts
from walkcoach.plan.chimeplan import chime_sounds
from walkcoach.plan.model import CUE_KINDS, Cue, CueKind, Phase, SessionSpec, Timeline
from walkcoach.script.model import Line, Script
from walkcoach.script.options import OPTIONS, options_of, read_options, session_of

if TYPE_CHECKING:
    from walkcoach.build.session import BuiltTrack, Progress

__all__ = ["OPTIONS", "SCRIPT_VERSION", "Script", "check", "options_of", "read", "render",
           "session_of", "timeline", "write_text"]

SCRIPT_VERSION = 1
MAX_BEFORE_LINES, MAX_AFTER_LINES = 60, 20
"""The most lines a script may say before "begin" and after "stop" (a planned one says
about a dozen before and two after)."""
MAX_BEFORE_MS, MAX_AFTER_MS = 10 * 60_000, 5 * 60_000
"""The longest a script may talk before "begin" and after "stop": with at most 60 minutes
of walk, a track stays at most 75 minutes."""
_BEFORE: tuple[Phase, ...] = ("intro", "safety", "setup")
_FIXED = ("start", "switch", "time", "stop")
_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)(?:\.(\d{1,3}))?")
_HEADER = """\
# A walkcoach session script: every line of the session, its kind and its time.
# Edit the words (say), delete a line, or add one to the walk with its time, e.g.
#   - walk: '2:10.000'
#     say: Shoulders soft.
# Lines before the walk are said in order and "begin" moves with them; every line of the
# walk keeps its time from "begin" (m:ss.mmm), and fixed lines (time cues) must stay on it.
# Then: walkcoach render THIS-FILE -o track.mp3
"""


def clock(ms: int) -> str:
    """A walk time as the script writes it: m:ss.mmm."""
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest // 1000:02d}.{rest % 1000:03d}"


def write_text(planned: Timeline, session: Mapping[str, Any]) -> str:
    """The script of a planned session; ``session`` holds the options that made it."""
    lines: list[dict[str, Any]] = []
    for cue in planned.cues:
        if cue.phase in _BEFORE:
            lines.append({"before": cue.phase, "say": cue.text})
        elif cue.kind == "outro":
            lines.append({"after": "outro", "say": cue.text})
        else:
            walk = cue.start_ms - planned.walk_start_ms
            line: dict[str, Any] = {"walk": clock(walk), "kind": cue.kind, "say": cue.text}
            if cue.kind in _FIXED:
                line["fixed"] = True
            lines.append(line)
    data = {"script": SCRIPT_VERSION, "session": dict(session),
            "walk_ms": planned.walk_end_ms - planned.walk_start_ms, "lines": lines}
    return _HEADER + dump_yaml(data)


def read(path: Path) -> Script:
    """Read a script; every error names the file, line and key."""
    node = load_yaml(path)
    node.only("script", "session", "walk_ms", "lines")
    version = node.number("script", low=1, high=2 ** 31, integer=True)
    if version != SCRIPT_VERSION:
        raise node.error("script", f"this script is of another kind (version {version:g}) than "
                         f"this walkcoach reads ({SCRIPT_VERSION}): write it again with "
                         "walkcoach script -o")
    session = cast(Node, node.mapping("session"))
    options = read_options(session)
    walk_ms = int(cast(float, node.number("walk_ms", low=10_000, high=3_600_000,
                                          integer=True)))
    problems = Problems()  # every line's problems, together
    lines = [problems.get(functools.partial(_line, item, walk_ms))
             for item in node.mappings("lines")]
    problems.raise_any()
    _count(node, [line for line in lines if line is not None])
    return Script(session=options, walk_ms=walk_ms, lines=tuple(cast(list[Line], lines)),
                  path=path, places={key: session.source_of(key) for key in session.keys()})


def _count(node: Node, lines: list[Line]) -> None:
    """Refuse a script that says more before "begin" or after "stop" than a session does."""
    before = sum(1 for line in lines if line.walk_ms is None and line.kind != "outro")
    after = sum(1 for line in lines if line.kind == "outro")
    for count, most, where in ((before, MAX_BEFORE_LINES, 'before "begin"'),
                               (after, MAX_AFTER_LINES, 'after "stop"')):
        if count > most:
            raise node.error("lines", f"{count} lines {where}: at most {most}")


def _line(node: Node, walk_ms: int) -> Line:
    node.only("before", "walk", "after", "kind", "say", "fixed")
    places = [key for key in ("before", "walk", "after") if key in node]
    if len(places) != 1:
        raise node.error(None, "a line has one of before, walk or after")
    say = cast(str, node.text("say", spoken=True))
    where = places[0]
    key = f"{node.key}.say"
    if where == "before":
        before = cast(CueKind, node.choice("before", _BEFORE))
        return Line(say=say, kind=before, phase=cast(Phase, before), walk_ms=None,
                    line=node.line_of("say"), key=key)
    if where == "after":
        node.choice("after", ("outro",))
        return Line(say=say, kind="outro", phase="cooldown", walk_ms=None,
                    line=node.line_of("say"), key=key)
    at = _walk_time(node, walk_ms)
    kind = cast(CueKind, node.choice("kind", CUE_KINDS, required=False) or "technique")
    if kind in ("intro", "safety", "setup", "outro"):
        raise node.error("kind", f"a line of the walk is start, switch, technique, time or "
                                 f"stop, not {kind}")
    if kind == "stop" and at != walk_ms:
        raise node.error("walk", f"stop is said at the end of the walk, {clock(walk_ms)}")
    phase: Phase = "cooldown" if kind == "stop" else "walk"
    return Line(say=say, kind=kind, phase=phase, walk_ms=at, line=node.line_of("say"), key=key)


def _walk_time(node: Node, walk_ms: int) -> int:
    text = cast(str, node.text("walk"))
    match = _CLOCK.fullmatch(text)
    if not match:
        raise node.error("walk", f"a walk time is m:ss.mmm, such as 2:10.000, not "
                                 f"{excerpt(text)}")
    ms = (int(match[1]) * 60 + int(match[2])) * 1000 + int((match[3] or "0").ljust(3, "0"))
    if ms > walk_ms:
        raise node.error("walk", f"{clock(ms)} is after the walk's end, {clock(walk_ms)}")
    return ms


def timeline(script: Script, spec: SessionSpec, durations: Mapping[str, int]) -> Timeline:
    """The script's lines on a track: re-timed only as far as the edits force (see above).

    ``spec`` is the session the script was planned from (for its pauses and parts);
    ``durations`` the spoken length of every line.
    """
    pauses = spec.template.pauses
    cues: list[Cue] = []
    cursor, previous = pauses.lead_in, None
    for line in (x for x in script.lines if x.walk_ms is None and x.kind != "outro"):
        if previous is not None:
            cursor += pauses.between_lines if previous == line.phase else pauses.between_phases
        end = cursor + durations[line.say]
        cues.append(Cue(start_ms=cursor, end_ms=end, text=line.say, kind=line.kind,
                        phase=line.phase))
        cursor, previous = end, line.phase
    walk_start = cursor + pauses.before_start
    walk_end = walk_start + script.walk_ms
    _bounded(script, walk_start, MAX_BEFORE_MS, 'before "begin"')
    walk = check(script, spec)
    spans = tuple(part.span(spec, walk_start) for part in parts(spec))
    last_end = walk_end
    for before, after in zip(walk, walk[1:], strict=False):
        _fits(script, before, after, durations, pauses.min_gap)
    for line in walk:
        start = walk_start + cast(int, line.walk_ms)
        block = next((i for i, span in enumerate(spans) if span.start_ms <= start < span.end_ms),
                     None) if line.phase == "walk" else None
        cues.append(Cue(start_ms=start, end_ms=start + durations[line.say], text=line.say,
                        kind=line.kind, phase=line.phase,
                        anchor_ms=line.walk_ms if line.kind in _FIXED else None, block=block))
        last_end = max(last_end, start + durations[line.say])
    cursor = last_end + pauses.after_stop
    for index, line in enumerate(x for x in script.lines if x.kind == "outro"):
        if index:
            cursor += pauses.between_lines
        end = cursor + durations[line.say]
        cues.append(Cue(start_ms=cursor, end_ms=end, text=line.say, kind="outro",
                        phase="cooldown"))
        cursor = end
    _bounded(script, cursor - last_end, MAX_AFTER_MS, 'after "stop"')
    # The chimes of the session, where the lines as edited leave them room (as planned).
    sounds = tuple(chime_sounds(cues)) if spec.chimes else ()
    return Timeline(duration_ms=cursor + pauses.tail, walk_start_ms=walk_start,
                    walk_end_ms=walk_end, cues=tuple(sorted(cues, key=lambda c: c.start_ms)),
                    blocks=spans, sounds=sounds)


def check(script: Script, spec: SessionSpec) -> list[Line]:
    """What can be checked of a script without its phrase lengths (``render`` and
    ``validate`` both run it): its session still makes its walk, and the lines that mark
    moments are on them. Returns the walk's lines in time order."""
    if spec.walk_ms != script.walk_ms:
        raise ContentError(f"the session no longer makes a walk of {clock(script.walk_ms)} "
                           f"(it makes {clock(spec.walk_ms)}): write the script again",
                           path=script.path, line=1, key="walk_ms")
    walk = sorted((x for x in script.lines if x.walk_ms is not None),
                  key=lambda x: (cast(int, x.walk_ms), x.line))
    _check_fixed(script, spec, walk)
    return walk


def _check_fixed(script: Script, spec: SessionSpec, walk: list[Line]) -> None:
    """The lines that mark moments stay on them: one start at 0, one stop at the end, each
    switch on a change of part, each time cue on a moment the session has (a time cue may be
    deleted, never moved)."""
    all_parts = parts(spec)
    moments = {
        "start": {0},
        "switch": {part.start_ms for part in all_parts[1:]},
        "time": {anchor.at_ms for anchor in anchors(spec, all_parts)},
        "stop": {script.walk_ms},
    }
    for kind in ("start", "stop"):
        found = [line for line in walk if line.kind == kind]
        if len(found) != 1:
            where = found[1] if found else None
            raise ContentError(f"the script needs exactly one {kind} line (at "
                               f"{clock(min(moments[kind]))}), not {len(found)}",
                               path=script.path, line=where.line if where else 1,
                               key=where.key if where else "lines")
    for line in walk:
        if line.kind in moments and cast(int, line.walk_ms) not in moments[line.kind]:
            shown = ", ".join(clock(at) for at in sorted(moments[line.kind])[:6])
            raise ContentError(f"a {line.kind} line stays on its moment ({shown or 'none'}), "
                               f"not {clock(cast(int, line.walk_ms))}: move a technique line "
                               "instead", path=script.path, line=line.line, key=line.key)


def _bounded(script: Script, spoken_ms: int, most_ms: int, where: str) -> None:
    """Refuse a script whose lines talk longer than a session may, before or after the walk."""
    if spoken_ms > most_ms:
        raise ContentError(f"its lines {where} take {clock(spoken_ms)[:-4]}: at most "
                           f"{most_ms // 60_000} minutes", path=script.path, key="lines")


def _fits(script: Script, before: Line, after: Line, durations: Mapping[str, int],
          gap: int) -> None:
    """Refuse two walk lines that would be said at once."""
    a, b = cast(int, before.walk_ms), cast(int, after.walk_ms)
    if a == b:
        raise ContentError(f"two lines at once: this one and the line at {after.line} are "
                           f"both at {clock(a)}", path=script.path, line=before.line,
                           key=before.key)
    over = a + durations[before.say] + gap - b
    if over > 0:
        raise ContentError(f"too long for its gap: said at {clock(a)}, it runs {over / 1000:.1f}"
                           f" s into the line at {clock(b)} (line {after.line}): shorten it, "
                           "or move a line that is not fixed", path=script.path,
                           line=before.line, key=before.key)


def render(path: Path, out: Path, *, voice: str | None = None, rate: float | None = None,
           fmt: str | None = None, progress: Progress | None = None) -> BuiltTrack:
    """Build the track of a script file: its session made again from its options, its lines
    spoken and laid out by :func:`timeline` (``voice`` and ``rate`` replace the script's)."""
    from walkcoach.build import session

    script = read(path)
    voice = voice or script.session.get("voice") or "auto"
    rate = rate or script.session.get("rate") or 1.0
    session.check_output(out, fmt=fmt)
    spec = session_of(script)
    speaker = session.make_speaker(voice, rate=rate)
    texts = tuple(dict.fromkeys(line.say for line in script.lines))
    clips = session.speak(speaker, texts, progress)  # on every core (walkcoach.build.workers)
    durations = {text: speaker.duration_ms(text) for text in texts}
    laid = timeline(script, spec, durations)
    return session.build_track(spec, speaker, out, fmt=fmt, progress=progress,
                               planned=(laid, clips))
