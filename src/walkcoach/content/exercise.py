"""Read an exercise, the session template and the lexicon from YAML into the model."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import cast

from walkcoach.content.nodes import Node, load_yaml
from walkcoach.errors import excerpt
from walkcoach.model import (
    MAX_CADENCE,
    MAX_NAME_LENGTH,
    MAX_NAMES,
    MIN_CADENCE,
    NAME_PATTERN,
    ROLES,
    BlockWords,
    CueGroup,
    Exercise,
    Level,
    LevelSpec,
    Pauses,
    Role,
    SessionTemplate,
    Setting,
    SettingSpec,
    Source,
    TimeWords,
)
from walkcoach.text import speakable

_FILLED = frozenset({"client", "title", "duration", "level", "setting", "speed_mph",
                     "incline_percent"})
"""The placeholders the planner fills in the lines said before the walk."""
_COUNT = frozenset({"n"})
"""The one placeholder of ``time.minutes_left``."""
_ROUND = frozenset({"round", "rounds"})
"""The placeholders of ``blocks.round``."""
_AS_WRITTEN: frozenset[str] = frozenset()
"""Lines the planner says as written: a placeholder there would be read out in braces."""
DEFAULT_CADENCE: dict[Level, int] = {"beginner": 80, "intermediate": 90, "advanced": 100}
"""Steps a minute of a level whose exercise file gives no ``cadence``: an easy pace, slow
for beginners (older walkers step more slowly, and backwards no faster than forwards); a
level of another name, OTHER_CADENCE."""
OTHER_CADENCE = 90


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
    node.only("name", "title", "summary", "role", "purpose", "muscles", "safety",
              "safety_reminder", "setup", "start", "switch", "technique", "settings", "levels",
              "cooldown")
    name = _text(node, "name")
    if name != path.stem:
        raise node.error("name", f"must match the file name {excerpt(path.stem)}, not "
                                 f"{excerpt(name)}")
    settings_node = _mapping(node, "settings")
    settings: dict[Setting, SettingSpec] = {}
    for setting in read_names(settings_node, "setting"):
        sub = _mapping(settings_node, setting)
        sub.only("safety", "setup", "technique", "cooldown", "switch", "belt")
        settings[setting] = SettingSpec(
            belt=bool(sub.flag("belt", required=False)),
            safety=_filled(sub, "safety", required=False),
            setup=_filled(sub, "setup", required=False),
            technique=_groups(sub, "technique", required=False),
            cooldown=sub.texts("cooldown", required=False, spoken=True),
            switch=_switch(sub))
    levels_node = _mapping(node, "levels")
    levels: dict[Level, LevelSpec] = {}
    for level in read_names(levels_node, "level"):
        sub = _mapping(levels_node, level)
        sub.only("cue_interval_s", "speed_mph", "incline_percent", "cadence", "intro",
                 "technique")
        cadence = sub.number("cadence", low=MIN_CADENCE, high=MAX_CADENCE, integer=True,
                             required=False)
        levels[level] = LevelSpec(
            cue_interval_s=_number(sub, "cue_interval_s", 5, 600),
            speed_mph=_number(sub, "speed_mph", 0.1, 15),
            incline_percent=_number(sub, "incline_percent", 0, 30),
            intro=_filled(sub, "intro", required=False),
            technique=_groups(sub, "technique", required=False),
            cadence=int(cadence) if cadence is not None
            else DEFAULT_CADENCE.get(level, OTHER_CADENCE),
        )
    return Exercise(
        name=name,
        title=cast(str, node.text("title", spoken=True)),  # said in the welcome
        summary=_text(node, "summary"),
        purpose=_filled(node, "purpose"),
        muscles=node.texts("muscles", required=False),
        safety=(safety := _filled(node, "safety")),
        safety_reminder=_filled_text(node, "safety_reminder") or safety[0],
        setup=_filled(node, "setup"),
        start=node.text("start", required=False, spoken=True),
        technique=_groups(node, "technique", required=True),
        settings=settings,
        levels=levels,
        cooldown=node.texts("cooldown", spoken=True),
        source=Source(path=path, line=1),
        role=cast(Role, node.choice("role", ROLES, required=False) or "work"),
        switch=_switch(node),
    )


def read_names(node: Node, what: str) -> tuple[str, ...]:
    """The names of an exercise's ``levels`` or ``settings`` (``what``: level or setting):
    1 to MAX_NAMES, each short lowercase words joined by hyphens (NAME_PATTERN)."""
    names = node.names()
    if not names:
        raise node.error(None, f"needs at least one {what}")
    for index, name in enumerate(names):
        if index == MAX_NAMES:
            raise node.error(name, f"an exercise has at most {MAX_NAMES} {what}s, not "
                                   f"{len(names)}")
        if len(name) > MAX_NAME_LENGTH or not re.fullmatch(NAME_PATTERN, name):
            raise node.error(name, f"a {what}'s name is lowercase words joined by hyphens "
                                   f"(at most {MAX_NAME_LENGTH} characters, such as "
                                   f"'hallway' or 'rail-hall'), not {excerpt(name)}")
    return names


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


def load_template(path: Path) -> SessionTemplate:
    """Read and validate the session template (phases' lead lines and time-cue wording)."""
    node = load_yaml(path)
    node.only("greeting", "welcome", "safety_lead", "setup_lead", "treadmill_speed",
              "treadmill_incline", "ready", "start", "time", "blocks", "cooldown_lead",
              "finish", "pauses_ms")
    time = _mapping(node, "time")
    time.only("halfway", "minutes_left", "one_minute_left", "thirty_seconds", "countdown", "stop")
    countdown = time.texts("countdown", spoken=True)
    if len(countdown) > 10:
        raise time.error("countdown", "may count down from ten at the most")
    blocks = _mapping(node, "blocks")
    blocks.only("heads_up", "heads_up_s", "countdown", "keep_going", "round", "last_round",
                "time_left", "halfway", "minutes_left", "one_minute_left", "speed", "incline")
    switch_countdown = blocks.texts("countdown", spoken=True)
    if len(switch_countdown) > 5:
        raise blocks.error("countdown", "may count down from five at the most")
    pauses = _mapping(node, "pauses_ms")
    keys = ("lead_in", "between_lines", "between_phases", "before_start", "after_stop", "tail",
            "min_gap")
    pauses.only(*keys)
    values = {key: int(_number(pauses, key, 0, 60_000, integer=True)) for key in keys}
    template = SessionTemplate(
        greeting=_line(node, "greeting", named=True),  # said only to a named client
        welcome=_line(node, "welcome"),
        safety_lead=_line(node, "safety_lead"),
        setup_lead=_line(node, "setup_lead"),
        treadmill_speed=_line(node, "treadmill_speed"),
        treadmill_incline=_line(node, "treadmill_incline"),
        ready=_line(node, "ready"),
        start=_line(node, "start", _AS_WRITTEN),
        time=TimeWords(
            halfway=_line(time, "halfway", _AS_WRITTEN),
            minutes_left=_line(time, "minutes_left", _COUNT),
            one_minute_left=_line(time, "one_minute_left", _AS_WRITTEN),
            thirty_seconds=_line(time, "thirty_seconds", _AS_WRITTEN),
            countdown=countdown,
            stop=_line(time, "stop", _AS_WRITTEN),
        ),
        blocks=BlockWords(
            heads_up=_line(blocks, "heads_up", _AS_WRITTEN),
            heads_up_s=int(_number(blocks, "heads_up_s", 5, 30, integer=True)),
            countdown=switch_countdown,
            keep_going=_line(blocks, "keep_going", _AS_WRITTEN),
            round=_line(blocks, "round", _ROUND),
            last_round=_line(blocks, "last_round", _AS_WRITTEN),
            time_left=_line(blocks, "time_left", frozenset({"duration"})),
            halfway=_line(blocks, "halfway", _AS_WRITTEN),
            minutes_left=_line(blocks, "minutes_left", _COUNT),
            one_minute_left=_line(blocks, "one_minute_left", _AS_WRITTEN),
            speed=_line(blocks, "speed", frozenset({"speed_mph"})),
            incline=_line(blocks, "incline", frozenset({"incline_percent"})),
        ),
        cooldown_lead=_line(node, "cooldown_lead", _AS_WRITTEN),
        finish=node.texts("finish", spoken=True),
        pauses=Pauses(**values),
        source=Source(path=path, line=1),
    )
    return template


def load_lexicon(path: Path) -> dict[str, str]:
    """Read a pronunciation lexicon: ``words:`` mapping a word or phrase to how it is said."""
    node = load_yaml(path)
    node.only("words")
    words = node.mapping("words", required=False)
    if words is None:
        return {}
    # A respelling is what the voice says instead of the word: it must be speakable itself.
    return {key: cast(str, words.text(key, spoken=True)) for key in words.names()}


def _switch(node: Node) -> str | None:
    """A switch line: said as written at a change of part, so it holds no placeholder."""
    value = node.text("switch", required=False, spoken=True)
    if value is not None:
        _check_placeholders(node, "switch", value, _AS_WRITTEN)
    return value


def _groups(node: Node, key: str, *, required: bool) -> tuple[CueGroup, ...]:
    sub = node.mapping(key, required=required)
    if sub is None:
        return ()
    groups = tuple(CueGroup(name=name, lines=sub.texts(name, spoken=True))
                   for name in sub.names())
    if required and not groups:
        raise node.error(key, "needs at least one group of cues")
    return groups


def _line(node: Node, key: str, allowed: frozenset[str] = _FILLED, *,
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
    for index, value in enumerate(values):
        where, line = f"{key}[{index}]", node.item_line(key, index)
        _check_placeholders(node, where, value, _FILLED, line=line)
        _check_spoken(node, where, value, _FILLED, line=line)
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


def _number(node: Node, key: str, low: float, high: float, integer: bool = False) -> float:
    return cast(float, node.number(key, low=low, high=high, integer=integer))


def _mapping(node: Node, key: str) -> Node:
    return cast(Node, node.mapping(key))
