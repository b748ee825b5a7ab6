"""Read a weekly program from YAML: shared defaults, one entry per week, an optional client.

The format (``audio_templates/programs/walking-backwards-6-weeks.yaml`` is the worked
example)::

    program: "Walking backwards: six weeks"   # the album title
    coach: "Your walkcoach coach"              # the artist tag
    exercise: walking-backwards                # a shipped name, or a file beside the program
    sessions_per_week: 3                       # optional, for the coach
    defaults: {setting: treadmill}             # any week key but ``week``
    weeks:
      - {week: 1, level: beginner, focus: "...", speed_mph: 0.5, cues: ["..."],
         warmup: 2, intervals: "6x1:00/1:00", cooldown: 2}
      - {week: 6, level: advanced, minutes: 10, focus: "..."}
    client: {name: Maria, level: beginner, spoken_notes: ["..."]}   # optional, as a profile
    cover: art/cover.png                       # optional: your own square image

A week needs ``week``, ``level``, ``setting`` and ``focus`` (from itself or from
``defaults``), and its walk in one of three forms (a week's own form replaces the default's):

* ``minutes``: one continuous walk of the program's exercise, 1 to 60 minutes.
* ``intervals: ROUNDSxWORK/RECOVERY`` (``6x1:00/1:00``, times as m:ss or seconds): rounds
  of the exercise, each followed by a part of the ``recovery`` exercise (walking-forward
  unless named).
* ``blocks``: the parts in order. A block has ``minutes`` (or m:ss) or ``time`` (m:ss or
  seconds), and optionally ``exercise`` (the program's unless named; a shipped name or a
  file beside the program), ``level``, ``speed_mph``, ``incline_percent`` and ``cues``. A
  repeat is ``{rounds: N, blocks: [...]}``: 1 to 50 rounds of its blocks, no repeat inside.

``warmup`` and ``cooldown`` (minutes or m:ss) add a part of easy forward walking (whatever
the recovery) before and after ``minutes`` or ``intervals``; a cool-down takes the place of
the last round's recovery (walkcoach.blocks). A ``blocks`` week lists those parts itself:
the defaults' warmup, cooldown and recovery do not apply to it, and its own are refused. A
part lasts 10 seconds to 60 minutes, a week has at most 200 parts, and they add up to 1 to
60 minutes (the week's ``minutes`` as loaded). ``1:30`` is m:ss quoted or not (walkcoach
reads it as YAML 1.2 does).
Weeks are numbered 1-99 in increasing order. Every error names file, line and key.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from walkcoach.blocks import (
    MAX_BLOCKS,
    MAX_ROUNDS,
    interval_blocks,
    parse_intervals,
    parse_minutes,
    parse_time,
    with_kinds,
)
from walkcoach.content.client import client_from
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.cover import load_cover
from walkcoach.errors import ContentError, InputError
from walkcoach.model import (
    INTROS,
    LEVELS,
    SETTINGS,
    Block,
    ClientSpec,
    Exercise,
    Level,
    Program,
    Setting,
    Source,
)
from walkcoach.model import Week as WeekSpec
from walkcoach.text import label_problem

_TOP_KEYS = ("program", "coach", "exercise", "sessions_per_week", "defaults", "weeks", "client",
             "cover")
_FORMS = ("minutes", "intervals", "blocks")
"""The three ways to write a week's walk: a week has exactly one."""
_AROUND = ("warmup", "cooldown", "recovery")
"""What ``minutes`` and ``intervals`` take around them; ``blocks`` lists it itself."""
_WEEK_KEYS = ("week", "level", "setting", *_FORMS, *_AROUND, "speed_mph", "incline_percent",
              "focus", "cues", "intro")
_DEFAULT_KEYS = tuple(key for key in _WEEK_KEYS if key != "week")
_REQUIRED = ("level", "setting", "focus")
_BLOCK_KEYS = ("exercise", "minutes", "time", "level", "speed_mph", "incline_percent", "cues")
_REPEAT_KEYS = ("rounds", "blocks")
RECOVERY = "walking-forward"
"""The recovery exercise of ``intervals``, ``warmup`` and ``cooldown`` unless one is named."""
MAX_WEEK = 99  # two digits keep the track files in week order when sorted by name
_WEEK_MS = (60_000, 60 * 60_000)


def load_program(path: Path) -> Program:
    """Read and validate a program file; a relative exercise path is taken from its folder."""
    node = load_yaml(path)
    node.only(*_TOP_KEYS)
    name = _label(node, "program")
    coach = _label(node, "coach")
    reader = _Reader(path)
    exercise = reader.program_exercise = reader.exercise(node, "exercise")
    per_week = node.number("sessions_per_week", low=1, high=14, integer=True, required=False)
    defaults: dict[str, Any] = {}
    defaults_node = node.mapping("defaults", required=False)
    if defaults_node is not None:
        defaults_node.only(*_DEFAULT_KEYS)
        defaults = _week_values(defaults_node, reader)
    weeks: list[WeekSpec] = []
    seen: dict[int, int] = {}
    for week_node in node.mappings("weeks"):
        week_node.only(*_WEEK_KEYS)
        number = int(cast(float, week_node.number("week", low=1, high=MAX_WEEK, integer=True)))
        line = week_node.line_of("week")
        if number in seen:
            raise week_node.error("week", f"week {number} is already at line {seen[number]}")
        if weeks and number < weeks[-1].week:
            raise week_node.error("week", f"weeks must be in order: week {number} comes after "
                                          f"week {weeks[-1].week}")
        seen[number] = line
        values = _merged(defaults, _week_values(week_node, reader))
        for key in _REQUIRED:
            if key not in values:
                raise week_node.error(key, f"missing required key '{key}' (set it on the week "
                                           "or under defaults)")
        minutes, blocks = _walk(values, week_node, reader)
        weeks.append(WeekSpec(
            week=number, level=cast(Level, values["level"]),
            setting=cast(Setting, values["setting"]), minutes=minutes,
            focus=values["focus"], speed_mph=values.get("speed_mph"),
            incline_percent=values.get("incline_percent"), cues=values.get("cues", ()),
            intro=values.get("intro"), blocks=blocks,
            source=Source(path=path, line=week_node.line)))
    return Program(name=name, coach=coach, exercise=exercise, weeks=tuple(weeks),
                   sessions_per_week=int(per_week) if per_week is not None else None,
                   client=_client(node, path), cover=_cover(node, path),
                   source=Source(path=path, line=1))


@dataclasses.dataclass(frozen=True)
class _At:
    """A value of a week's walk (a form or what goes around it) and where it was written."""

    value: Any
    node: Node
    key: str

    def error(self, message: str) -> ContentError:
        return self.node.error(self.key, message)

    @property
    def source(self) -> Source:
        return Source(path=self.node.path, line=self.node.line_of(self.key),
                      key=f"{self.node.key}.{self.key}" if self.node.key else self.key)


class _Reader:
    """What reading one program file takes besides its nodes: the program's exercise and the
    exercises named so far (each file read once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.program_exercise: Exercise | None = None
        self._exercises: dict[str, Exercise] = {}

    def exercise(self, node: Node, key: str) -> Exercise:
        """The exercise named at ``key``: a shipped name, or a YAML file (relative to the
        program's folder)."""
        value = _text(node, key)
        if value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value:
            path = Path(value).expanduser()
            if not path.is_absolute():
                path = self.path.parent / path
            if not path.is_file():
                raise node.error(key, f"no exercise file at {path}")
            value = str(path)
        return self.find(value, lambda message: node.error(key, message))

    def find(self, value: str, error: Callable[[str], ContentError]) -> Exercise:
        """A shipped exercise by name, or one by its path; ``error`` says where it was named."""
        # Imported here: walkcoach.content imports this module, and find_exercise lives there.
        from walkcoach.content import find_exercise

        if value not in self._exercises:
            try:
                self._exercises[value] = find_exercise(value)
            except ContentError:
                raise  # the exercise file itself is wrong: its own file and line say where
            except InputError as exc:
                raise error(str(exc)) from None
        return self._exercises[value]

    def length(self, node: Node, key: str, parse: Callable[[Any], int], *,
               required: bool = False) -> int | None:
        """The length at ``key`` in ms, read by ``parse`` (walkcoach.blocks)."""
        text = node.text(key, required=required)
        if text is None:
            return None
        value: str | float = text
        if re.fullmatch(r"-?\d{1,9}", text):
            value = int(text)
        elif re.fullmatch(r"-?\d{1,9}\.\d{1,9}", text):
            value = float(text)
        try:
            return parse(value)
        except InputError as exc:
            raise node.error(key, str(exc)) from None


def _week_values(node: Node, reader: _Reader) -> dict[str, Any]:
    """The week keys present in ``node``, each checked; absent keys are left out. The walk's
    keys (_FORMS, _AROUND) come as :class:`_At`, to say where they were written."""
    forms = sorted((key for key in _FORMS if key in node), key=node.line_of)
    if len(forms) > 1:
        raise node.error(forms[1], f"a week has one of minutes, intervals or blocks, not both "
                                   f"{forms[0]} and {forms[1]}")
    readers: dict[str, Callable[[], Any]] = {
        "level": lambda: node.choice("level", LEVELS, required=False),
        "setting": lambda: node.choice("setting", SETTINGS, required=False),
        "minutes": lambda: node.number("minutes", low=1, high=60, required=False),
        "intervals": lambda: _intervals(node),
        "blocks": lambda: _blocks(node, reader),
        "warmup": lambda: reader.length(node, "warmup", parse_minutes),
        "cooldown": lambda: reader.length(node, "cooldown", parse_minutes),
        "recovery": lambda: reader.exercise(node, "recovery"),
        "speed_mph": lambda: node.number("speed_mph", low=0.1, high=15, required=False),
        "incline_percent": lambda: node.number("incline_percent", low=0, high=30,
                                               required=False),
        "focus": lambda: node.text("focus", required=False, spoken=True),
        "cues": lambda: node.texts("cues", required=False, spoken=True) or None,
        "intro": lambda: node.choice("intro", INTROS, required=False),
    }
    values = {key: read() for key, read in readers.items() if key in node}
    values = {key: _At(value, node, key) if key in _FORMS + _AROUND else value
              for key, value in values.items() if value is not None}
    _check_around(values)
    return values


def _merged(defaults: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A week's values over the defaults: a week's own form of walk replaces the default's,
    and a week of blocks takes nothing around them from the defaults."""
    inherited = dict(defaults)
    if any(key in own for key in _FORMS):
        for key in _FORMS:
            inherited.pop(key, None)
    if "blocks" in own:
        for key in _AROUND:
            inherited.pop(key, None)
    values = {**inherited, **own}
    _check_around(values)
    return values


def _check_around(values: dict[str, Any]) -> None:
    if "blocks" not in values:
        return
    for key, what in (("warmup", "warm-up"), ("cooldown", "cool-down"),
                      ("recovery", "recovery exercise")):
        if key in values:
            raise values[key].error(f"a week of blocks lists its {what} among the blocks "
                                    "(name each block's exercise), so it takes no " + key)


def _walk(values: dict[str, Any], week_node: Node,
          reader: _Reader) -> tuple[float, tuple[Block, ...]]:
    """The week's minutes in all and its parts (none for one continuous walk)."""
    form: _At | None = next((values[key] for key in _FORMS if key in values), None)
    if form is None:
        raise week_node.error("minutes", "missing required key 'minutes' (or intervals, or "
                                         "blocks: set one on the week or under defaults)")
    warmup: _At | None = values.get("warmup")
    cooldown: _At | None = values.get("cooldown")
    if form.key == "minutes" and warmup is None and cooldown is None:
        return float(form.value), ()
    if form.key == "blocks":
        blocks: tuple[Block, ...] = form.value
    else:
        recovery = values["recovery"].value if "recovery" in values else \
            reader.find(RECOVERY, form.error)
        if recovery.role == "work" and "recovery" in values:
            raise values["recovery"].error(
                f"{recovery.name} is a work exercise: a recovery needs a file with role: "
                "recovery or rest (rounds of two exercises are a circuit: write blocks)")
        try:
            blocks = interval_blocks(
                cast(Exercise, reader.program_exercise), recovery,
                form.value if form.key == "intervals" else None,
                work_ms=round(form.value * 60_000) if form.key == "minutes" else None,
                warmup_ms=warmup.value if warmup else None,
                cooldown_ms=cooldown.value if cooldown else None,
                walk=reader.find(RECOVERY, form.error), source=form.source)
        except InputError as exc:
            raise form.error(str(exc)) from None
        # The warm-up and the cool-down are where their own keys are.
        if warmup:
            blocks = (dataclasses.replace(blocks[0], source=warmup.source), *blocks[1:])
        if cooldown:
            blocks = (*blocks[:-1], dataclasses.replace(blocks[-1], source=cooldown.source))
    total = sum(block.duration_ms for block in blocks)
    if not _WEEK_MS[0] <= total <= _WEEK_MS[1]:
        message = f"the parts add up to {total / 60_000:g} minutes; a week lasts 1 to 60"
        raise form.error(message) if form.node is week_node else week_node.error(None, message)
    return total / 60_000, blocks


def _intervals(node: Node) -> Any:
    text = node.text("intervals", required=False)
    if text is None:
        return None
    try:
        return parse_intervals(text)
    except InputError as exc:
        raise node.error("intervals", str(exc)) from None


def _blocks(node: Node, reader: _Reader) -> tuple[Block, ...]:
    """A ``blocks:`` list, repeats spelt out, each part of its kind (walkcoach.blocks)."""
    parts = _block_list(node, "blocks", reader, in_repeat=False)
    try:
        return with_kinds(parts)
    except InputError as exc:
        raise node.error("blocks", str(exc)) from None


def _block_list(node: Node, key: str, reader: _Reader, *, in_repeat: bool) -> list[Block]:
    parts: list[Block] = []
    for item in node.mappings(key):
        if "rounds" in item or "blocks" in item:
            if in_repeat:
                raise item.error("rounds" if "rounds" in item else "blocks",
                                 "a repeat cannot hold another repeat (write its blocks out "
                                 "in this one)")
            item.only(*_REPEAT_KEYS)
            rounds = int(cast(float, item.number("rounds", low=1, high=MAX_ROUNDS,
                                                 integer=True)))
            inner = _block_list(item, "blocks", reader, in_repeat=True)
            if len(parts) + rounds * len(inner) > MAX_BLOCKS:
                raise item.error("rounds", f"{rounds} rounds of {len(inner)} blocks make "
                                           f"{len(parts) + rounds * len(inner)} parts with "
                                           f"those before; a session has at most "
                                           f"{MAX_BLOCKS}")
            parts += [dataclasses.replace(block, round=number, rounds=rounds)
                      for number in range(1, rounds + 1) for block in inner]
        else:
            parts.append(_block(item, reader))
            if len(parts) > MAX_BLOCKS:
                raise item.error(None, f"a session has at most {MAX_BLOCKS} parts")
    return parts


def _block(node: Node, reader: _Reader) -> Block:
    """One part: its length, and optionally its exercise, level, speed, incline and cues."""
    node.only(*_BLOCK_KEYS)
    lengths = [key for key in ("minutes", "time") if key in node]
    if not lengths:
        raise node.error(None, "a block needs its length: minutes, or time (m:ss or seconds)")
    if len(lengths) > 1:
        raise node.error("time", "a block has minutes or time, not both")
    key = lengths[0]
    duration = reader.length(node, key, parse_minutes if key == "minutes" else parse_time,
                             required=True)
    exercise = reader.exercise(node, "exercise") if "exercise" in node else \
        reader.program_exercise
    return Block(
        kind="work", exercise=cast(Exercise, exercise), duration_ms=cast(int, duration),
        level=cast("Level | None", node.choice("level", LEVELS, required=False)),
        speed_mph=node.number("speed_mph", low=0.1, high=15, required=False),
        incline_percent=node.number("incline_percent", low=0, high=30, required=False),
        cues=node.texts("cues", required=False, spoken=True),
        source=Source(path=node.path, line=node.line, key=node.key))


def _cover(node: Node, program_path: Path) -> Path | None:
    """The program's own cover image (a JPEG or PNG file, relative to the program)."""
    value = node.text("cover", required=False)
    if value is None:
        return None
    path = Path(value).expanduser()
    path = path if path.is_absolute() else program_path.parent / path
    if not path.is_file():
        raise node.error("cover", f"no image file at {path}")
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise node.error("cover", f"must be a .png or .jpg image, not {path.name}")
    try:
        load_cover(path)  # read now, so a build never starts on a cover it cannot use
    except InputError as exc:
        raise node.error("cover", str(exc)) from None
    return path


def _client(node: Node, path: Path) -> ClientSpec | None:
    sub = node.mapping("client", required=False)
    return client_from(sub, path) if sub is not None else None


def _text(node: Node, key: str) -> str:
    return cast(str, node.text(key))


def _label(node: Node, key: str) -> str:
    """A name shown to the client (the program's, the coach's): one line, not too long."""
    value = _text(node, key)
    problem = label_problem(value)
    if problem:
        raise node.error(key, problem)
    return value
