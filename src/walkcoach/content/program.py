"""Read a weekly program from YAML: shared defaults, one entry per week, an optional client.

The format (``audio_templates/programs/walking-backwards-6-weeks.yaml`` is the worked
example)::

    program: "Walking backwards: six weeks"   # the album title
    coach: "Your walkcoach coach"              # the artist tag
    exercise: walking-backwards                # a shipped name, or a file beside the program
    sessions_per_week: 3                       # optional, for the coach
    defaults: {setting: treadmill}             # any week key but ``week``
    weeks:
      - {week: 1, level: beginner, minutes: 5, focus: "...", speed_mph: 0.5, cues: ["..."]}
    client: {name: Maria, level: beginner, spoken_notes: ["..."]}   # optional, as a profile
    cover: art/cover.png                       # optional: your own square image

A week needs ``week``, ``level``, ``setting``, ``minutes`` and ``focus`` (from itself or from
``defaults``); weeks are numbered 1-99 in increasing order. Every error names file, line, key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from walkcoach.content.client import client_from
from walkcoach.content.exercise import load_exercise
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.cover import load_cover
from walkcoach.errors import ContentError, InputError
from walkcoach.model import (
    INTROS,
    LEVELS,
    SETTINGS,
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
_WEEK_KEYS = ("week", "level", "setting", "minutes", "speed_mph", "incline_percent", "focus",
              "cues", "intro")
_DEFAULT_KEYS = tuple(key for key in _WEEK_KEYS if key != "week")
_REQUIRED = ("level", "setting", "minutes", "focus")
MAX_WEEK = 99  # two digits keep the track files in week order when sorted by name


def load_program(path: Path) -> Program:
    """Read and validate a program file; a relative exercise path is taken from its folder."""
    node = load_yaml(path)
    node.only(*_TOP_KEYS)
    name = _label(node, "program")
    coach = _label(node, "coach")
    exercise = _exercise(node, path)
    per_week = node.number("sessions_per_week", low=1, high=14, integer=True, required=False)
    defaults: dict[str, Any] = {}
    defaults_node = node.mapping("defaults", required=False)
    if defaults_node is not None:
        defaults_node.only(*_DEFAULT_KEYS)
        defaults = _week_values(defaults_node)
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
        values = {**defaults, **_week_values(week_node)}
        for key in _REQUIRED:
            if key not in values:
                raise week_node.error(key, f"missing required key '{key}' (set it on the week "
                                           "or under defaults)")
        weeks.append(WeekSpec(
            week=number, level=cast(Level, values["level"]),
            setting=cast(Setting, values["setting"]), minutes=values["minutes"],
            focus=values["focus"], speed_mph=values.get("speed_mph"),
            incline_percent=values.get("incline_percent"), cues=values.get("cues", ()),
            intro=values.get("intro"), source=Source(path=path, line=week_node.line)))
    return Program(name=name, coach=coach, exercise=exercise, weeks=tuple(weeks),
                   sessions_per_week=int(per_week) if per_week is not None else None,
                   client=_client(node, path), cover=_cover(node, path),
                   source=Source(path=path, line=1))


def _week_values(node: Node) -> dict[str, Any]:
    """The week keys present in ``node``, each checked; absent keys are left out."""
    readers: dict[str, Callable[[], Any]] = {
        "level": lambda: node.choice("level", LEVELS, required=False),
        "setting": lambda: node.choice("setting", SETTINGS, required=False),
        "minutes": lambda: node.number("minutes", low=1, high=60, required=False),
        "speed_mph": lambda: node.number("speed_mph", low=0.1, high=15, required=False),
        "incline_percent": lambda: node.number("incline_percent", low=0, high=30,
                                               required=False),
        "focus": lambda: node.text("focus", required=False, spoken=True),
        "cues": lambda: node.texts("cues", required=False, spoken=True) or None,
        "intro": lambda: node.choice("intro", INTROS, required=False),
    }
    values = {key: read() for key, read in readers.items() if key in node}
    return {key: value for key, value in values.items() if value is not None}


def _exercise(node: Node, program_path: Path) -> Exercise:
    """The program's exercise: a shipped name, or a YAML file (relative to the program)."""
    # Imported here: walkcoach.content imports this module, and find_exercise lives there.
    from walkcoach.content import find_exercise

    value = _text(node, "exercise")
    if value.endswith((".yaml", ".yml")) or "/" in value or "\\" in value:
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = program_path.parent / path
        if not path.is_file():
            raise node.error("exercise", f"no exercise file at {path}")
        return load_exercise(path)
    try:
        return find_exercise(value)
    except ContentError:
        raise  # the exercise file itself is wrong: its own file and line say where
    except InputError as exc:
        raise node.error("exercise", str(exc)) from None


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
