"""What a coach fills in, as text, turned into the library's values: each problem is said
with the same words as on the command line and tied to the field it is about.

A form is a mapping of field names to the text typed or chosen. :class:`FormError` carries
every problem found, by field, so a page can show each next to its field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkcoach.build.session import MAX_MINUTES, MIN_MINUTES
from walkcoach.errors import ContentError, InputError, UnknownName, excerpt
from walkcoach.plan.cadence import parse_cadence
from walkcoach.plan.model import INTROS, ClientSpec, Exercise, SessionSpec
from walkcoach.workspace.folders import Workspace

__all__ = ["TRACK_FIELDS", "VOICES", "FormError", "TrackRequest", "check_voice",
           "exercise_choices", "exercise_ref", "recovery_choices", "track_request"]

VOICES = ("auto", "neural", "system")
"""The voices a form offers (a voice id from ``walkcoach voices`` is taken too)."""
TRACK_FIELDS = ("exercise", "client", "level", "setting", "length", "minutes", "intervals",
                "warmup", "cooldown", "recovery", "voice", "rate", "intro", "chimes",
                "cadence", "music", "seed")
"""The fields of the form for one track."""
_OPTION_FIELDS = {"--minutes": "minutes", "--intervals": "intervals", "--warmup": "warmup",
                  "--cooldown": "cooldown", "--recovery": "recovery"}
"""The option an error of session.make_spec starts with, and the field it is about."""


class FormError(InputError):
    """A form's problems, each tied to its field (``form`` for the form as a whole)."""

    def __init__(self, problems: Mapping[str, str], *, version: str | None = None) -> None:
        from walkcoach.workspace.words import said_all

        # In the coach's words, naming the field as the form does (walkcoach.workspace.words).
        self.problems = said_all(problems)
        self.version = version  # the file's version when it was written all the same
        super().__init__("; ".join(f"{field}: {message}"
                                   for field, message in self.problems.items()))


@dataclass(frozen=True, kw_only=True)
class TrackRequest:
    """One track as a form asked for it: the session, the voice, and a file name for it."""

    spec: SessionSpec
    voice: str
    rate: float
    name: str  # the track's file name without its extension
    options: dict[str, Any]  # as the command line's options, for an editable script


def exercise_choices(space: Workspace) -> dict[str, str]:
    """The exercises a coach can choose: name -> what find_exercise takes (a shipped name,
    or the path of the workspace's own file, which wins over a shipped one of its name)."""
    from walkcoach.content import exercise_names

    choices = {name: name for name in exercise_names()}
    for name in space.names("exercises"):
        choices[name] = str(space.path("exercises", name))
    return dict(sorted(choices.items()))


def recovery_choices(space: Workspace) -> tuple[str, ...]:
    """The exercises that can come between rounds: those whose role is recovery or rest
    (a work exercise there is refused; a file that cannot be read is left out)."""
    from walkcoach import content

    found = []
    for name, ref in exercise_choices(space).items():
        try:
            if content.find_exercise(ref).role != "work":
                found.append(name)
        except InputError:
            continue
    return tuple(found)


def exercise_ref(space: Workspace, name: str) -> str:
    """What find_exercise takes for the exercise a form names; InputError if none is."""
    choices = exercise_choices(space)
    if name not in choices:
        raise InputError(f"unknown exercise {excerpt(name)} (available: "
                         f"{', '.join(choices)})")
    return choices[name]


def _text(form: Mapping[str, str], field: str) -> str | None:
    value = form.get(field)
    value = value.strip() if isinstance(value, str) else None
    return value or None


def _number(form: Mapping[str, str], field: str, what: str, low: float, high: float,
            problems: dict[str, str]) -> float | None:
    text = _text(form, field)
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        problems[field] = (f"{what} must be a number from {_shown(low)} to {_shown(high)}, "
                           f"not {excerpt(text)}")
        return None
    return value


def _shown(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def track_request(space: Workspace, form: Mapping[str, str]) -> TrackRequest:
    """The track a form describes, checked as ``walkcoach build`` checks its options (and
    with its messages); FormError with every problem found, by field."""
    from walkcoach import content
    from walkcoach.build import session

    problems: dict[str, str] = {}
    exercise: Exercise | None = None
    ref = ""
    try:
        ref = exercise_ref(space, _text(form, "exercise") or "walking-backwards")
        exercise = content.find_exercise(ref)
    except InputError as exc:
        problems["exercise"] = str(exc)
    client: ClientSpec | None = None
    client_name = _text(form, "client")
    if client_name:
        try:
            client = content.load_client(space.existing("clients", client_name))
        except InputError as exc:
            problems["client"] = str(exc)
    minutes = intervals = None
    if (_text(form, "length") or "minutes") == "intervals":
        intervals = _text(form, "intervals")
        if intervals is None:
            problems["intervals"] = "give the intervals, such as 6x1:00/1:00"
    else:
        minutes = _number(form, "minutes", "minutes", MIN_MINUTES, MAX_MINUTES, problems)
    rate = _number(form, "rate", "the rate", 0.5, 2.0, problems) or 1.0
    seed = _number(form, "seed", "the seed", 0, 2_000_000_000, problems)
    if seed is not None and not seed.is_integer():
        problems["seed"] = f"the seed must be a whole number, not {excerpt(str(form['seed']))}"
    voice = _text(form, "voice") or "auto"
    try:
        check_voice(voice)
    except InputError as exc:
        problems["voice"] = str(exc)
    recovery = _text(form, "recovery") if intervals else None
    if recovery is not None:  # an exercise the studio offers, never a file named by hand
        try:
            recovery = exercise_ref(space, recovery)
        except InputError as exc:
            problems["recovery"] = str(exc)
    intro = _text(form, "intro") or "full"
    if intro not in INTROS:
        problems["intro"] = f"unknown intro {excerpt(intro)} (choose from {', '.join(INTROS)})"
    cadence_text = _text(form, "cadence")
    cadence: str | int | None = None
    if cadence_text is not None:
        try:
            cadence = parse_cadence(cadence_text)
        except InputError as exc:
            problems["cadence"] = f"cadence {exc}"
    music: Path | None = None
    if _text(form, "music"):
        try:
            music = space.existing("music", _text(form, "music") or "")
        except InputError as exc:
            problems["music"] = str(exc)
    if problems or exercise is None:
        raise FormError(problems)
    sounds: dict[str, Any] = {}
    if client is not None:
        sounds = {key: getattr(client, key) for key in content.SOUND_KEYS
                  if getattr(client, key) is not None}
    if form.get("chimes") in ("on", "off"):  # else the client's, else on
        sounds["chimes"] = form.get("chimes") == "on"
    if cadence is not None:
        sounds["cadence"] = cadence
    if music is not None:
        sounds["music"] = music
    options: dict[str, Any] = {
        "exercise": ref, "profile": client_name, "minutes": minutes, "intervals": intervals,
        "warmup": _text(form, "warmup"), "cooldown": _text(form, "cooldown"),
        "recovery": recovery,
        "voice": voice, "rate": rate}
    try:
        spec = session.make_spec(
            exercise=exercise, level=_text(form, "level"), setting=_text(form, "setting"),
            minutes=minutes, intervals=intervals, warmup=options["warmup"],
            cooldown=options["cooldown"], recovery=options["recovery"], client=client,
            seed=int(seed or 0), intro=intro, **sounds)
    except UnknownName as exc:
        raise FormError({exc.what: str(exc)}) from None
    except ContentError as exc:
        raise FormError({_field_of_content(exc): str(exc)}) from None
    except InputError as exc:
        raise FormError({_field_of(str(exc)): str(exc)}) from None
    return TrackRequest(spec=spec, voice=voice, rate=rate, name=track_name(spec, options),
                        options=options)


def check_voice(voice: str) -> str:
    """``voice`` if it names a voice of this machine (auto, neural, system or an id), else
    the InputError ``walkcoach build --voice`` gives."""
    from walkcoach.voice.select import resolve_voice

    resolve_voice(voice)
    return voice


def _field_of(message: str) -> str:
    option = message.split(":", 1)[0]
    if option in _OPTION_FIELDS:
        return _OPTION_FIELDS[option]
    for word in ("cadence", "music", "minutes", "rate", "intervals"):
        if message.startswith(word) or f" {word} " in message[:40]:
            return word
    return "form"


def _field_of_content(error: ContentError) -> str:
    path = str(error.path or "")
    if path in _OPTION_FIELDS:
        return _OPTION_FIELDS[path]
    return "client" if "clients" in Path(path).parts else "exercise"


def track_name(spec: SessionSpec, options: Mapping[str, Any]) -> str:
    """A track's file name from what it is (client, exercise, level, setting, length), then
    six hex digits of everything that makes it (its parts, intro, sounds, voice, rate, seed):
    two different tracks never share a file, and the same track is built again in place."""
    import hashlib
    import json

    from walkcoach.encode import labels
    from walkcoach.names import slug

    shape = labels.shape_label(spec.blocks) or f"{spec.walk_ms / 60_000:g} min"
    parts = [spec.client or "", spec.exercise.name, spec.level, spec.setting, shape]
    made = {**options, "client": spec.client, "notes": spec.client_notes,
            "level": spec.level, "setting": spec.setting,
            "intro": spec.intro, "chimes": spec.chimes, "cadence": spec.cadence,
            "music": str(spec.music) if spec.music else None, "seed": spec.seed}
    digest = hashlib.blake2b(json.dumps(made, sort_keys=True, default=str).encode(),
                             digest_size=3).hexdigest()
    readable = "-".join(slug(part, fallback="") for part in parts if slug(part, fallback=""))
    return f"{readable[:100]}-{digest}"
