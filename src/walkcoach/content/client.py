"""Client profiles: who a track is for, as a YAML file a coach keeps per client.

The format (``clients/maria.yaml``)::

    name: "María"                      # said in the greeting
    level: beginner                    # optional: overrides the program's or --level
    level_rule: highest                # optional: all (default), highest or start
    setting: floor                     # optional: overrides the program's or --setting
                                       # (both: ones the exercise walked names)
    spoken_notes:                      # optional: said in the intro, as written
      - "Use the handrails today."
    notes: "Left knee replaced in 2025."   # optional: for the coach only, never said
    chimes: false                      # optional: no chimes before the cues
    cadence: 80                        # optional: a step metronome (steps a minute, or auto)
    music: music/calm.mp3              # optional: a music bed (relative to this file)
    days: mon,wed,fri                  # optional: the days the client walks (reminders)

The sound keys (:data:`SOUND_KEYS`) go at a program's top level too; a client's own value
wins over the program's. A program file's ``client:`` section takes the same keys.
``--client maria`` finds ``clients/maria.yaml`` (in the current folder, or beside the
program file); a path to a YAML file works too, and any other value is a bare name.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict, cast

from walkcoach.content.exercise import offered
from walkcoach.content.files import beside, names_a_file, not_a_file
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.content.problems import Problems
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.names import slug
from walkcoach.plan.cadence import parse_cadence
from walkcoach.plan.levels import DEFAULT_LEVEL_RULE, LEVEL_RULES
from walkcoach.plan.model import (
    Cadence,
    ClientSpec,
    Exercise,
    Source,
)
from walkcoach.plan.schedule import parse_days
from walkcoach.text import MAX_NAME, client_name, name_problem

SOUND_KEYS = ("chimes", "cadence", "music")
"""What a program or a client says about the sounds besides the voice (walkcoach.audio.layers)."""
CLIENT_KEYS = ("name", "level", "level_rule", "setting", "spoken_notes", "notes", *SOUND_KEYS,
               "days")
CLIENTS_FOLDER = "clients"
"""Where ``--client NAME`` looks for ``NAME.yaml``: this folder in the current one, or
beside the program file."""
COMMAND_LINE = Path("--client")
"""The source named for a client given as a bare name on the command line."""


def load_client(path: Path) -> ClientSpec:
    """Read and validate a client profile."""
    node = load_yaml(path)
    return client_from(node, path)


def _there(path: Path) -> bool:
    """Whether anything is at ``path`` (even a broken link, a folder, a device): a profile's
    place taken by something else is an error to report, not a reason to ignore it."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):  # a name too long, a NUL: no such file
        return False


def client_from(node: Node, path: Path, *, exercise: Exercise | None = None) -> ClientSpec:
    """A client from a mapping (a profile file, or a program's ``client:`` section).

    The level and setting are checked against ``exercise`` when it is known (a program's
    own client); a profile is checked when it is used (:func:`check_client`).
    """
    problems = Problems()
    with problems.each():
        node.only(*CLIENT_KEYS)
    values = problems.read_all({
        "name": lambda: _name(node),
        **{key: functools.partial(offered, node, key, exercise, key) if exercise is not None
           else functools.partial(node.text, key, required=False)
           for key in ("level", "setting")},
        "spoken_notes": lambda: node.texts("spoken_notes", required=False, spoken=True),
        "notes": lambda: node.text("notes", required=False),
        "level_rule": lambda: _level_rule(node),
    })
    sounds = problems.get(lambda: sound_choices(node, path))
    days = problems.get(lambda: read_days(node))
    problems.raise_any()
    sources = tuple((key, node.source_of(key)) for key in ("level", "setting")
                    if values[key] is not None)
    return ClientSpec(**values, sources=sources, **cast(SoundChoices, sounds),
                      days=days or (), source=Source(path=path, line=node.line))


def _level_rule(node: Node) -> str:
    """What the profile's level means for a program's weeks (walkcoach.plan.levels)."""
    rule = node.text("level_rule", required=False)
    if rule is None:
        return DEFAULT_LEVEL_RULE
    if rule not in LEVEL_RULES:
        raise node.error("level_rule", f"must be one of {', '.join(LEVEL_RULES)} (all: every "
                         "week at the client's level; highest: weeks above it held at it; "
                         f"start: the program's steps starting at it), not {excerpt(rule)}")
    return rule


def read_days(node: Node) -> tuple[int, ...]:
    """The ``days`` of a program or a profile: days of the week as ``mon,wed,fri`` (or a
    list of them), checked strictly (walkcoach.plan.schedule.parse_days); () when absent."""
    raw = node.texts("days", required=False)
    if not raw:
        return ()
    try:
        return parse_days(",".join(raw))
    except InputError as exc:
        raise node.error("days", str(exc)) from None


def _name(node: Node) -> str:
    name = cast(str, node.text("name"))
    problem = name_problem(name)  # the same rule as a name given with --client
    if problem:
        raise node.error("name", problem)
    return name


def check_client(client: ClientSpec, exercise: Exercise) -> None:
    """Refuse a client whose level or setting ``exercise`` does not name, at the file, line
    and key where the client's profile says it."""
    for what, value in (("level", client.level), ("setting", client.setting)):
        names = exercise.level_names if what == "level" else exercise.setting_names
        if value is not None and value not in names:
            where = client.source_of(what)
            raise ContentError(f"must be one of {', '.join(names)} (the {what}s of "
                               f"{exercise.name}), not {excerpt(value)}", path=where.path,
                               line=where.line, key=where.key)


class SoundChoices(TypedDict):
    """The sound keys of a program or a client, as read; None where the file says nothing."""

    chimes: bool | None
    cadence: Cadence | None
    music: Path | None


def sound_choices(node: Node, path: Path) -> SoundChoices:
    """The :data:`SOUND_KEYS` of a mapping in the file at ``path``: ``chimes`` true or
    false, ``cadence`` steps a minute or auto (walkcoach.plan.cadence.parse_cadence), ``music``
    a file (relative to ``path``'s folder) that must be there; ffmpeg checks it is audio later."""
    problems = Problems()
    values = problems.read_all({"chimes": lambda: node.flag("chimes", required=False),
                                "cadence": lambda: _cadence(node),
                                "music": lambda: _music(node, path)})
    problems.raise_any()
    return SoundChoices(chimes=values["chimes"], cadence=values["cadence"],
                        music=values["music"])


def _cadence(node: Node) -> Cadence | None:
    text = node.text("cadence", required=False)
    if text is None:
        return None
    try:
        return parse_cadence(text)
    except InputError as exc:
        raise node.error("cadence", str(exc)) from None


def _music(node: Node, path: Path) -> Path | None:
    text = node.text("music", required=False)
    if text is None:
        return None
    music = beside(path, text)
    problem = not_a_file(music, "music")
    if problem:
        raise node.error("music", problem)
    return music


def find_client(value: str, *, near: Iterable[Path] = ()) -> ClientSpec:
    """The client ``--client VALUE`` names: a profile file given by path, a profile found as
    ``clients/VALUE.yaml`` in one of the folders ``near``, or else a bare name."""
    text = value.strip()
    if names_a_file(text):
        path = Path(text).expanduser()
        if not _there(path):
            raise InputError(f"no client profile at {excerpt(text)}")
        return load_client(path)  # a folder or a device there is refused by the reader
    if len(text) <= MAX_NAME:  # a longer value is no profile's name (and no file's)
        for folder in near:
            for stem in dict.fromkeys((text, text.lower(), slug(text, fallback=""))):
                if not stem or stem.startswith("."):
                    continue
                path = folder / CLIENTS_FOLDER / f"{stem}.yaml"
                if _there(path):
                    return load_client(path)
    name = client_name(text)
    if name is None:
        raise InputError("the client name is empty")
    return ClientSpec(name=name, source=Source(path=COMMAND_LINE))
