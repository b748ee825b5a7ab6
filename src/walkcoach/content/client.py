"""Client profiles: who a track is for, as a YAML file a coach keeps per client.

The format (``clients/maria.yaml``)::

    name: "María"                      # said in the greeting
    level: beginner                    # optional: overrides the program's or --level
    setting: floor                     # optional: overrides the program's or --setting
                                       # (both: ones the exercise walked names)
    spoken_notes:                      # optional: said in the intro, as written
      - "Use the handrails today."
    notes: "Left knee replaced in 2025."   # optional: for the coach only, never said
    chimes: false                      # optional: no chimes before the cues
    cadence: 80                        # optional: a step metronome (steps a minute, or auto)
    music: music/calm.mp3              # optional: a music bed (relative to this file)

The sound keys (:data:`SOUND_KEYS`) go at a program's top level too; a client's own value
wins over the program's. A program file's ``client:`` section takes the same keys.
``--client maria`` finds ``clients/maria.yaml`` (in the current folder, or beside the
program file); a path to a YAML file works too, and any other value is a bare name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict, cast

from walkcoach.content.exercise import offered
from walkcoach.content.files import beside, names_a_file
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.model import (
    MAX_CADENCE,
    MIN_CADENCE,
    Cadence,
    ClientSpec,
    Exercise,
    Source,
)
from walkcoach.names import slug
from walkcoach.text import MAX_NAME, client_name, name_problem

SOUND_KEYS = ("chimes", "cadence", "music")
"""What a program or a client says about the sounds besides the voice (walkcoach.sounds)."""
CLIENT_KEYS = ("name", "level", "setting", "spoken_notes", "notes", *SOUND_KEYS)
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
    node.only(*CLIENT_KEYS)
    name = cast(str, node.text("name"))
    problem = name_problem(name)  # the same rule as a name given with --client
    if problem:
        raise node.error("name", problem)
    chosen = {key: offered(node, key, exercise, key) if exercise is not None
              else node.text(key, required=False) for key in ("level", "setting")}
    sources = tuple((key, node.source_of(key)) for key, value in chosen.items()
                    if value is not None)
    return ClientSpec(name=name, level=chosen["level"], setting=chosen["setting"],
                      sources=sources,
                      spoken_notes=node.texts("spoken_notes", required=False, spoken=True),
                      notes=node.text("notes", required=False),
                      **sound_choices(node, path), source=Source(path=path, line=node.line))


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
    false, ``cadence`` steps a minute (MIN_CADENCE to MAX_CADENCE) or auto, ``music`` a file
    (relative to ``path``'s folder) that must be there; ffmpeg checks it is audio later."""
    return SoundChoices(chimes=node.flag("chimes", required=False),
                        cadence=_cadence(node), music=_music(node, path))


def _cadence(node: Node) -> Cadence | None:
    text = node.text("cadence", required=False)
    if text is None or text == "auto":
        return "auto" if text else None
    if not (re.fullmatch(r"\d{1,4}", text) and MIN_CADENCE <= int(text) <= MAX_CADENCE):
        raise node.error("cadence", f"must be {MIN_CADENCE} to {MAX_CADENCE} steps a minute, "
                                    f"or auto, not {excerpt(text)}")
    return int(text)


def _music(node: Node, path: Path) -> Path | None:
    text = node.text("music", required=False)
    if text is None:
        return None
    music = beside(path, text)
    if music.is_dir():
        raise node.error("music", f"{music} is a folder, not a music file")
    if not music.is_file():
        raise node.error("music", f"no music file at {music}")
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
