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
    email: coach@example.com                   # optional: the owner of the podcast feed
    chimes: true                               # optional: chimes before the cues (default)
    cadence: auto                              # optional: a step metronome (or steps a minute)
    music: music/calm.mp3                      # optional: a music bed under every week
    release: earned                            # optional: all (every week at once, default)
    pain_limit: 5                              # optional: above it the page says stop (0-10)
    days: mon,wed,fri                          # optional: the days sessions fall on

A week needs ``week``, ``level``, ``setting`` and ``focus`` (from itself or from
``defaults``; the level and the setting are ones the program's exercise names), and its
walk in one of three forms (a week's own form replaces the default's):

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
the last round's recovery (walkcoach.plan.blocks). A ``blocks`` week lists those parts itself:
the defaults' warmup, cooldown and recovery do not apply to it, and its own are refused. A
part lasts 10 seconds to 60 minutes, a week has at most 200 parts, and they add up to 1 to
60 minutes (the week's ``minutes`` as loaded). ``1:30`` is m:ss quoted or not (walkcoach
reads it as YAML 1.2 does).
``release: earned`` holds each week back until the client's check-ins earn it (the rule's
keys, with their defaults: ``release: {when: earned, sessions: 2, pain_at_most: 2}``;
walkcoach.plan.schedule.ReleaseRule says what they mean), and ``pain_limit`` is the pain
above which the client is told to stop and contact the coach.
Weeks are numbered 1-99 in increasing order. ``chimes``, ``cadence`` and ``music`` apply to
every week (walkcoach.content.client.sound_choices), a client's own value winning. Every
error names file, line and key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from walkcoach.content.client import SOUND_KEYS, client_from, read_days, sound_choices
from walkcoach.content.exercise import offered
from walkcoach.content.files import beside, not_a_file
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.content.parts import (
    AROUND,
    FORMS,
    At,
    Reader,
    check_around,
    read_blocks,
    read_intervals,
    week_walk,
)
from walkcoach.content.problems import Problems
from walkcoach.encode.cover import load_cover
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.plan.blocks import (
    parse_minutes,
)
from walkcoach.plan.model import (
    INTROS,
    ClientSpec,
    Exercise,
    Level,
    Program,
    Setting,
    Source,
)
from walkcoach.plan.model import Week as WeekSpec
from walkcoach.plan.schedule import PAIN_LIMIT, RELEASES, ReleaseRule
from walkcoach.text import label_problem

_TOP_KEYS = ("program", "coach", "exercise", "sessions_per_week", "defaults", "weeks", "client",
             "cover", "email", *SOUND_KEYS, "release", "pain_limit", "days")
_RULE_KEYS = ("when", "sessions", "pain_at_most")
_EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\".]+")
_WEEK_KEYS = ("week", "level", "setting", *FORMS, *AROUND, "speed_mph", "incline_percent",
              "focus", "cues", "intro")
_DEFAULT_KEYS = tuple(key for key in _WEEK_KEYS if key != "week")
_REQUIRED = ("level", "setting", "focus")
MAX_WEEK = 99  # two digits keep the track files in week order when sorted by name


def load_program(path: Path) -> Program:
    """Read and validate a program file; a relative exercise path is taken from its folder.

    Each week is checked on past a problem in another (and each key of a week, and of the
    defaults, past one in another): all the problems found are raised together
    (walkcoach.content.problems). What needs the program's exercise (the weeks, the
    defaults, the client) is checked only when it could be read.
    """
    node = load_yaml(path)
    problems = Problems()
    with problems.each():
        node.only(*_TOP_KEYS)
    top = problems.read_all({"name": lambda: _label(node, "program"),
                             "coach": lambda: _label(node, "coach")})
    reader = Reader(path)
    exercise = reader.program_exercise = problems.get(lambda: reader.exercise(node, "exercise"))
    per_week = problems.get(lambda: node.number("sessions_per_week", low=1, high=14,
                                                integer=True, required=False))
    weeks: list[WeekSpec] = []
    if exercise is not None:
        defaults: dict[str, Any] = {}
        failed: set[str] = set()  # the keys of the defaults that could not be read
        defaults_node = problems.get(lambda: node.mapping("defaults", required=False))
        if defaults_node is not None:
            with problems.each():
                defaults_node.only(*_DEFAULT_KEYS)
            defaults, failed = _week_values(defaults_node, reader, problems)
        numbers: dict[int, int] = {}  # each week's number, and its line
        for week_node in problems.get(lambda: node.mappings("weeks")) or ():
            week = _week(week_node, reader, defaults, failed, numbers, problems)
            if week is not None:
                weeks.append(week)
        top["client"] = problems.get(lambda: _client(node, path, exercise))
    top |= problems.read_all({"cover": lambda: _cover(node, path),
                              "email": lambda: _email(node),
                              "sounds": lambda: sound_choices(node, path),
                              "release": lambda: _release(node),
                              "days": lambda: read_days(node)})
    problems.raise_any()
    return Program(exercise=cast(Exercise, exercise), weeks=tuple(weeks),
                   sessions_per_week=int(per_week) if per_week is not None else None,
                   name=top["name"], coach=top["coach"], client=top["client"],
                   cover=top["cover"], email=top["email"], **top["sounds"],
                   release=top["release"], days=top["days"],
                   source=Source(path=path, line=1))


def _week(node: Node, reader: Reader, defaults: dict[str, Any], failed: set[str],
          numbers: dict[int, int], problems: Problems) -> WeekSpec | None:
    """One week of a program, or None when it has a problem (kept in ``problems``).

    ``defaults`` are the values read under ``defaults`` and ``failed`` the keys there that
    could not be read; ``numbers`` the weeks read so far (number: line), this one added.
    What depends on a key that could not be read (here or in the defaults) is not checked.
    """
    found = len(problems)
    with problems.each():
        node.only(*_WEEK_KEYS)
    number = problems.get(lambda: int(cast(float, node.number("week", low=1, high=MAX_WEEK,
                                                               integer=True))))
    if number is not None:
        if number in numbers:
            problems.add(node.error("week", f"week {number} is already at line "
                                            f"{numbers[number]}"))
        elif numbers and number < max(numbers):
            problems.add(node.error("week", f"weeks must be in order: week {number} comes "
                                            f"after week {max(numbers)}"))
        numbers.setdefault(number, node.line_of("week"))
    own, own_failed = _week_values(node, reader, problems)
    # A default the week replaces does not matter; one it takes does.
    failed = own_failed | {key for key in failed if key not in own and key not in node}
    values = _merged(defaults, own)
    with problems.each():
        if not failed & {*FORMS, *AROUND}:
            check_around(values)
        for key in _REQUIRED:
            if key not in values and key not in failed:
                raise node.error(key, f"missing required key '{key}' (set it on the week "
                                      "or under defaults)")
        if failed & {*FORMS, *AROUND}:
            return None  # the walk cannot be laid out without them
        minutes, blocks = week_walk(values, node, reader)
    if len(problems) > found or failed:
        return None
    return WeekSpec(
        week=cast(int, number), level=cast(Level, values["level"]),
        setting=cast(Setting, values["setting"]), minutes=minutes,
        focus=values["focus"], speed_mph=values.get("speed_mph"),
        incline_percent=values.get("incline_percent"), cues=values.get("cues", ()),
        intro=values.get("intro"), blocks=blocks,
        source=Source(path=node.path, line=node.line))


def _week_values(node: Node, reader: Reader,
                 problems: Problems) -> tuple[dict[str, Any], set[str]]:
    """The week keys present in ``node``, each checked, and those that could not be read
    (their problems kept in ``problems``); absent keys are left out. The walk's keys (FORMS,
    AROUND) come as :class:`At`, to say where they were written."""
    exercise = cast(Exercise, reader.program_exercise)
    forms = sorted((key for key in FORMS if key in node), key=node.line_of)
    if len(forms) > 1:
        problems.add(node.error(forms[1], f"a week has one of minutes, intervals or blocks, "
                                          f"not both {forms[0]} and {forms[1]}"))
        return {}, {*forms}
    readers: dict[str, Callable[[], Any]] = {
        "level": lambda: offered(node, "level", exercise, "level"),
        "setting": lambda: offered(node, "setting", exercise, "setting"),
        "minutes": lambda: node.number("minutes", low=1, high=60, required=False),
        "intervals": lambda: read_intervals(node),
        "blocks": lambda: read_blocks(node, reader),
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
    values = problems.read_all({key: read for key, read in readers.items() if key in node})
    failed = {key for key in readers if key in node and key not in values}
    values = {key: At(value, node, key) if key in FORMS + AROUND else value
              for key, value in values.items() if value is not None}
    if not failed & {*FORMS, *AROUND}:
        with problems.each():
            check_around(values)
            return values, failed
    return values, failed | {"blocks"}


def _merged(defaults: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A week's values over the defaults: a week's own form of walk replaces the default's,
    and a week of blocks takes nothing around them from the defaults."""
    inherited = dict(defaults)
    if any(key in own for key in FORMS):
        for key in FORMS:
            inherited.pop(key, None)
    if "blocks" in own:
        for key in AROUND:
            inherited.pop(key, None)
    return {**inherited, **own}


def _cover(node: Node, program_path: Path) -> Path | None:
    """The program's own cover image (a JPEG or PNG file, relative to the program)."""
    value = node.text("cover", required=False)
    if value is None:
        return None
    path = beside(program_path, value)
    problem = not_a_file(path, "image")
    if problem:
        raise node.error("cover", problem)
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        raise node.error("cover", f"must be a .png or .jpg image, not {path.name}")
    try:
        load_cover(path)  # read now, so a build never starts on a cover it cannot use
    except InputError as exc:
        raise node.error("cover", str(exc)) from None
    return path


def _email(node: Node) -> str | None:
    """The coach's e-mail address, if given: one address, as a feed's owner carries it."""
    value = node.text("email", required=False)
    if value is not None and (len(value) > 254 or not _EMAIL.fullmatch(value)):
        raise node.error("email", f"must be one e-mail address (name@example.com), not "
                                  f"{excerpt(value)}")
    return value


def _release(node: Node) -> ReleaseRule:
    """``release`` (all, earned, or the earned rule as a mapping) and ``pain_limit``."""
    limit = node.number("pain_limit", low=0, high=10, integer=True, required=False)
    pain_limit = PAIN_LIMIT if limit is None else int(limit)
    try:
        rule = node.mapping("release", required=False)
    except ContentError:
        rule = None  # a word, read as one
    if rule is None:
        mode = node.choice("release", RELEASES, required=False) or "all"
        return ReleaseRule(mode=cast(Any, mode), pain_limit=pain_limit,
                           pain=min(ReleaseRule.pain, pain_limit))
    problems = Problems()
    with problems.each():
        rule.only(*_RULE_KEYS)
    values = problems.read_all({
        "when": lambda: rule.choice("when", RELEASES),
        "sessions": lambda: rule.number("sessions", low=1, high=14, integer=True,
                                        required=False),
        "pain_at_most": lambda: rule.number("pain_at_most", low=0, high=10, integer=True,
                                            required=False)})
    problems.raise_any()
    pain = ReleaseRule.pain if values["pain_at_most"] is None else int(values["pain_at_most"])
    if pain > pain_limit:
        raise rule.error("pain_at_most", f"must be at most the pain_limit ({pain_limit}): "
                                         f"above it the client is told to stop, not {pain}")
    sessions = values["sessions"]
    return ReleaseRule(mode=values["when"], pain=pain, pain_limit=pain_limit,
                       sessions=ReleaseRule.sessions if sessions is None else int(sessions))


def _client(node: Node, path: Path, exercise: Exercise) -> ClientSpec | None:
    sub = node.mapping("client", required=False)
    return client_from(sub, path, exercise=exercise) if sub is not None else None


def _text(node: Node, key: str) -> str:
    return cast(str, node.text(key))


def _label(node: Node, key: str) -> str:
    """A name shown to the client (the program's, the coach's): one line, not too long."""
    value = _text(node, key)
    problem = label_problem(value)
    if problem:
        raise node.error(key, problem)
    return value
