"""The session a script keeps (``session:``): the options that made it, written out and read
back, and the session made again from them (walkcoach.script.file re-exports these)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from walkcoach.content import find_exercise
from walkcoach.content.files import names_a_file, not_a_file
from walkcoach.content.nodes import Node
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.plan.limits import MAX_SEED, MIN_SEED
from walkcoach.plan.model import Exercise, SessionSpec, Source
from walkcoach.script.model import Script

__all__ = ["OPTIONS", "options_of", "read_options", "session_of"]

_TEXT_OPTIONS = ("exercise", "level", "setting", "intervals", "warmup", "cooldown", "recovery",
                 "client", "intro", "voice", "music", "cadence")
_NUMBER_OPTIONS = {"minutes": (1.0, 60.0), "seed": (MIN_SEED, MAX_SEED), "rate": (0.5, 2.0)}
OPTIONS = (*_TEXT_OPTIONS, *_NUMBER_OPTIONS, "chimes")
"""The session options a script keeps: those of ``walkcoach script`` that made it."""


def options_of(spec: SessionSpec, given: Mapping[str, Any]) -> dict[str, Any]:
    """The session options a script keeps to make its session again: the shape of the walk
    as ``given`` (minutes or intervals, warm-up, cool-down, recovery), the rest as ``spec``
    resolved them (a client profile's level, setting and sounds included), files as
    absolute paths, so the script renders from any folder."""
    options: dict[str, Any] = {"exercise": _file_or_name(given.get("exercise")
                                                         or spec.exercise.name),
                               "level": spec.level, "setting": spec.setting}
    for key in ("minutes", "intervals", "warmup", "cooldown", "recovery"):
        if given.get(key) is not None:
            options[key] = given[key]
    if "recovery" in options:
        options["recovery"] = _file_or_name(options["recovery"])
    if "minutes" not in options and "intervals" not in options:
        options["minutes"] = spec.walk_ms / 60_000 if not spec.blocks else None
        options = {key: value for key, value in options.items() if value is not None}
    if spec.client:
        options["client"] = spec.client
    options |= {"intro": spec.intro, "seed": spec.seed, "chimes": "on" if spec.chimes else "off"}
    if spec.cadence is not None:
        options["cadence"] = str(spec.cadence)
    if spec.music is not None:
        options["music"] = str(spec.music.expanduser().resolve())
    for key in ("voice", "rate"):
        if given.get(key) is not None:
            options[key] = given[key]
    return options


def _file_or_name(value: Any) -> str:
    """An exercise as a script keeps it: a shipped name as it is, a file as an absolute path
    (so the script renders from any folder)."""
    text = str(value)
    return str(Path(text).expanduser().resolve()) if names_a_file(text) else text


def read_options(node: Node) -> dict[str, Any]:
    """The session options as written (see OPTIONS); the voice's choices are kept apart."""
    node.only(*OPTIONS)
    options: dict[str, Any] = {}
    for key in node.keys():
        if key in _NUMBER_OPTIONS:
            low, high = _NUMBER_OPTIONS[key]
            options[key] = node.number(key, low=low, high=high, integer=key == "seed")
        elif key == "chimes":
            options[key] = node.choice(key, ("on", "off")) == "on"
        else:
            options[key] = node.text(key)
    if isinstance(options.get("seed"), float):
        options["seed"] = int(options["seed"])
    if "music" in options:
        options["music"] = Path(options["music"])
    return options


def session_of(script: Script) -> SessionSpec:
    """The session a script was planned from, made again from its options (the content as
    it is now); an error about it names the script's ``session``."""
    from walkcoach.build import session

    options = {key: value for key, value in script.session.items()
               if key not in ("voice", "rate")}
    for key in ("exercise", "recovery"):
        if isinstance(options.get(key), str):
            options[key] = _exercise(script, key, options[key])
    try:
        return session.make_spec(**options)
    except ContentError:
        raise  # a content file's own fault names its own file and line
    except InputError as exc:
        raise ContentError(f"the session cannot be made again: {exc}", path=script.path,
                           line=1, key="session") from None


def _exercise(script: Script, key: str, value: str) -> Exercise:
    """The exercise the session's ``key`` (exercise or recovery) names; one that is not there
    is refused at that key's line of the script (a file that is there but wrong, at its own
    file and line)."""
    where = script.places.get(key, Source(path=script.path, line=1, key="session"))
    problem = None
    if names_a_file(value):  # as make_spec reads it: relative to the current folder
        try:
            problem = not_a_file(Path(value).expanduser(), "exercise")
        except RuntimeError:  # ~user/... with no such user
            problem = f"no exercise file at {excerpt(value)}"
    if problem is None:
        try:
            return find_exercise(value)
        except ContentError:
            raise  # the exercise file itself is wrong: its own file and line say where
        except InputError as exc:
            problem = str(exc)
    raise ContentError(f"the session cannot be made again: {problem}", path=script.path,
                       line=where.line, key=where.key)
