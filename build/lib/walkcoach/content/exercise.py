"""Read an exercise from YAML into the model; the spoken-line checks the template shares."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from walkcoach.content.nodes import Node, load_yaml
from walkcoach.content.problems import Problems
from walkcoach.errors import excerpt
from walkcoach.plan.model import (
    MAX_CADENCE,
    MAX_NAME_LENGTH,
    MAX_NAMES,
    MIN_CADENCE,
    NAME_PATTERN,
    ROLES,
    CueGroup,
    Exercise,
    Level,
    LevelSpec,
    Setting,
    SettingSpec,
    Source,
)
from walkcoach.text import speakable

_FILLED = frozenset({"client", "title", "duration", "level", "setting", "speed_mph",
                     "incline_percent"})
"""The placeholders the planner fills in the lines said before the walk."""
COUNT = frozenset({"n"})
"""The one placeholder of ``time.minutes_left``."""
ROUND = frozenset({"round", "rounds"})
"""The placeholders of ``blocks.round``."""
AS_WRITTEN: frozenset[str] = frozenset()
"""Lines the planner says as written: a placeholder there would be read out in braces."""
DEFAULT_CADENCE: dict[Level, int] = {"beginner": 80, "intermediate": 90, "advanced": 100}
"""Steps a minute of a level whose exercise file gives no ``cadence``: an easy pace, slow
for beginners (older walkers step more slowly, and backwards no faster than forwards); a
level of another name, OTHER_CADENCE."""
OTHER_CADENCE = 90
T = TypeVar("T")


def load_exercise(path: Path) -> Exercise:
    """Read and validate one exercise file.

    ``role`` (work, recovery or rest; work unless given) says how the exercise serves in a
    session in parts; ``switch`` and ``settings.<setting>.switch`` are what is said as a part
    of it begins after another part (the setting's words first). ``levels.<level>.cadence``
    is the metronome's steps a minute at that level (``--cadence auto``; DEFAULT_CADENCE
    unless given).

    ``levels`` and ``settings`` name the exercise's own (1 to MAX_NAMES each, see
    :func:`read_names`); the levels in the file's order, the easiest first. A setting with
    ``belt: true`` has a moving belt (a treadmill): its speed and incline are said and used.
    """
    node = load_yaml(path)
    problems = Problems()
    with problems.each():
        node.only("name", "title", "summary", "role", "purpose", "muscles", "safety",
                  "safety_reminder", "setup", "start", "switch", "technique", "settings",
                  "levels", "cooldown")
    name = problems.get(lambda: _file_name(node, path))
    settings: dict[Setting, SettingSpec] = _named(node, "settings", "setting", _setting,
                                                  problems)
    levels: dict[Level, LevelSpec] = _named(node, "levels", "level", _level, problems)
    values = problems.read_all({
        "title": lambda: node.text("title", spoken=True),  # said in the welcome
        "summary": lambda: _text(node, "summary"),
        "purpose": lambda: _filled(node, "purpose"),
        "muscles": lambda: node.texts("muscles", required=False),
        "safety": lambda: _filled(node, "safety"),
        "safety_reminder": lambda: _filled_text(node, "safety_reminder"),
        "setup": lambda: _filled(node, "setup"),
        "start": lambda: node.text("start", required=False, spoken=True),
        "technique": lambda: _groups(node, "technique", required=True),
        "cooldown": lambda: node.texts("cooldown", spoken=True),
        "role": lambda: node.choice("role", ROLES, required=False) or "work",
        "switch": lambda: _switch(node),
    })
    problems.raise_any()
    values["safety_reminder"] = values["safety_reminder"] or values["safety"][0]
    return Exercise(name=cast(str, name), settings=settings, levels=levels,
                    source=Source(path=path, line=1), **values)


def _file_name(node: Node, path: Path) -> str:
    """The exercise's ``name``: its file's name, without ``.yaml``."""
    name = _text(node, "name")
    if name != path.stem:
        raise node.error("name", f"must match the file name {excerpt(path.stem)}, not "
                                 f"{excerpt(name)}")
    return name


def _named(node: Node, key: str, what: str, read: Callable[[Node, str], T],
           problems: Problems) -> dict[str, T]:
    """The exercise's ``levels`` or ``settings`` (``what``: level or setting), each read
    by ``read`` from its mapping; every name's and every entry's problems are kept."""
    found: dict[str, T] = {}
    names_node = problems.get(lambda: mapping_of(node, key))
    if names_node is None:
        return found
    for name in read_names(names_node, what, problems):
        with problems.each():
            found[name] = read(mapping_of(names_node, name), name)
    return found


def _setting(sub: Node, setting: str) -> SettingSpec:
    problems = Problems()
    with problems.each():
        sub.only("safety", "setup", "technique", "cooldown", "switch", "belt")
    values = problems.read_all({
        "belt": lambda: bool(sub.flag("belt", required=False)),
        "safety": lambda: _filled(sub, "safety", required=False),
        "setup": lambda: _filled(sub, "setup", required=False),
        "technique": lambda: _groups(sub, "technique", required=False),
        "cooldown": lambda: sub.texts("cooldown", required=False, spoken=True),
        "switch": lambda: _switch(sub),
    })
    problems.raise_any()
    return SettingSpec(**values)


def _level(sub: Node, level: str) -> LevelSpec:
    problems = Problems()
    with problems.each():
        sub.only("cue_interval_s", "speed_mph", "incline_percent", "cadence", "intro",
                 "technique")
    values = problems.read_all({
        "cadence": lambda: sub.number("cadence", low=MIN_CADENCE, high=MAX_CADENCE,
                                      integer=True, required=False),
        "cue_interval_s": lambda: number_of(sub, "cue_interval_s", 5, 600),
        "speed_mph": lambda: number_of(sub, "speed_mph", 0.1, 15),
        "incline_percent": lambda: number_of(sub, "incline_percent", 0, 30),
        "intro": lambda: _filled(sub, "intro", required=False),
        "technique": lambda: _groups(sub, "technique", required=False),
    })
    problems.raise_any()
    cadence = values.pop("cadence")
    return LevelSpec(cadence=int(cadence) if cadence is not None
                     else DEFAULT_CADENCE.get(level, OTHER_CADENCE), **values)


def read_names(node: Node, what: str, problems: Problems | None = None) -> tuple[str, ...]:
    """The names of an exercise's ``levels`` or ``settings`` (``what``: level or setting):
    1 to MAX_NAMES, each short lowercase words joined by hyphens (NAME_PATTERN).

    With ``problems``, every bad name is kept there and the good ones are returned; without,
    they are raised together.
    """
    own = Problems()
    names = own.get(node.names) or ()
    if not names and not own:
        own.add(node.error(None, f"needs at least one {what}"))
    good = []
    for index, name in enumerate(names):
        if index == MAX_NAMES:
            own.add(node.error(name, f"an exercise has at most {MAX_NAMES} {what}s, not "
                                     f"{len(names)}"))
            break
        if len(name) > MAX_NAME_LENGTH or not re.fullmatch(NAME_PATTERN, name):
            own.add(node.error(name, f"a {what}'s name is lowercase words joined by hyphens "
                                     f"(at most {MAX_NAME_LENGTH} characters, such as "
                                     f"'hallway' or 'rail-hall'), not {excerpt(name)}"))
        else:
            good.append(name)
    if problems is None:
        own.raise_any()
    else:
        problems.found += own.found
    return tuple(good)


def offered(node: Node, key: str, exercise: Exercise, what: str) -> str | None:
    """The level or setting (``what``) at ``key``, if given: one ``exercise`` names."""
    value = node.text(key, required=False)
    if value is not None and value not in _names(exercise, what):
        raise node.error(key, f"must be one of {', '.join(_names(exercise, what))} (the "
                              f"{what}s of {exercise.name}), not {excerpt(value)}")
    return value


def unknown_name(exercise: Exercise, what: str, value: str) -> str:
    """The message for a level or setting (``what``) that ``exercise`` does not name."""
    return (f"unknown {what} {excerpt(value)} ({exercise.name} has the {what}s "
            f"{', '.join(_names(exercise, what))})")


def _names(exercise: Exercise, what: str) -> tuple[str, ...]:
    return exercise.level_names if what == "level" else exercise.setting_names


def _switch(node: Node) -> str | None:
    """A switch line: said as written at a change of part, so it holds no placeholder."""
    value = node.text("switch", required=False, spoken=True)
    if value is not None:
        _check_placeholders(node, "switch", value, AS_WRITTEN)
    return value


def _groups(node: Node, key: str, *, required: bool) -> tuple[CueGroup, ...]:
    sub = node.mapping(key, required=required)
    if sub is None:
        return ()
    problems = Problems()
    lines = problems.read_all({name: functools.partial(sub.texts, name, spoken=True)
                               for name in sub.names()})
    problems.raise_any()
    groups = tuple(CueGroup(name=name, lines=texts) for name, texts in lines.items())
    if required and not groups:
        raise node.error(key, "needs at least one group of cues")
    return groups


def spoken_line(node: Node, key: str, allowed: frozenset[str] = _FILLED, *,
          named: bool = False) -> str:
    """A template line whose {placeholders} are all ones this line is filled with, and which
    can be spoken once filled in (``named``: it is only said to a client with a name)."""
    value = _text(node, key)
    _check_placeholders(node, key, value, allowed)
    _check_spoken(node, key, value, allowed, named=named)
    return value


def _filled(node: Node, key: str, *, required: bool = True) -> tuple[str, ...]:
    """Exercise lines the planner fills in like template lines (said before the walk)."""
    values = node.texts(key, required=required)
    problems = Problems()
    for index, value in enumerate(values):
        where, line = f"{key}[{index}]", node.item_line(key, index)
        with problems.each():
            _check_placeholders(node, where, value, _FILLED, line=line)
            _check_spoken(node, where, value, _FILLED, line=line)
    problems.raise_any()
    return values


def _filled_text(node: Node, key: str) -> str | None:
    """One optional exercise line the planner fills in (see :func:`_filled`)."""
    value = node.text(key, required=False)
    if value is not None:
        _check_placeholders(node, key, value, _FILLED)
        _check_spoken(node, key, value, _FILLED)
    return value


def _check_spoken(node: Node, key: str, value: str, allowed: frozenset[str], *,
                  line: int | None = None, named: bool = False) -> None:
    """A line the planner fills in must be speakable as filled in, in every session.

    Every value put in is speakable itself, except the client's name, which is empty when
    there is no client: a line that is only "{client}" and punctuation would then say nothing.
    """
    problem = speakable(value)
    if problem is None and "client" in allowed and not named:
        fills = dict.fromkeys(allowed, "1") | {"client": ""}
        if speakable(value.format(**fills)):
            problem = ("with no client it says nothing: the {client} placeholder is its only "
                       f"word ({excerpt(value)})")
    if problem:
        raise node.error(key, f"cannot be spoken: {problem}", line=line)


def _check_placeholders(node: Node, key: str, value: str, allowed: frozenset[str],
                        line: int | None = None) -> None:
    # The planner fills lines with str.format: a brace it cannot fill must fail here, at the
    # file and line, not as a KeyError while a track is being built.
    known = ", ".join("{" + p + "}" for p in sorted(allowed)) or "none here"
    try:
        fields = list(string.Formatter().parse(value))
    except ValueError:
        raise node.error(key, f"unmatched brace in {excerpt(value)} (known placeholders: "
                              f"{known})", line=line) from None
    for _, name, spec, conversion in fields:
        if name is not None and (name not in allowed or spec or conversion):
            raise node.error(key, f"unknown placeholder in {excerpt(value)} (known: {known})",
                             line=line)


def _text(node: Node, key: str) -> str:
    return cast(str, node.text(key))


def number_of(node: Node, key: str, low: float, high: float, integer: bool = False) -> float:
    """The required number at ``key``, ``low`` to ``high`` (whole if ``integer``)."""
    return cast(float, node.number(key, low=low, high=high, integer=integer))


def mapping_of(node: Node, key: str) -> Node:
    """The required mapping at ``key``, as a Node to read on."""
    return cast(Node, node.mapping(key))
