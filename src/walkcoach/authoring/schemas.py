"""JSON Schemas (draft 2020-12) of the files a coach writes, built from the model's constants.

The schemas are shipped as files (``schemas/KIND.schema.json``) for editors: a YAML file whose
first line is ``# yaml-language-server: $schema=<file URI>`` is completed and checked while
the coach types. Those files are made from :func:`build` (:func:`write_all` writes them; a
test checks they are up to date), so a level, a setting or a range changed in the model
changes the schemas too.

What a schema cannot say (a line a voice cannot speak, a placeholder, a file that must exist,
parts that must add up to a week) the content readers check: ``walkcoach validate`` runs both.
Every value has a ``description``: the editor shows it, and validate says it as what is
expected. Spoken lines carry ``"format": "walkcoach-spoken"``, which validate checks.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from walkcoach.errors import InputError, excerpt
from walkcoach.plan.blocks import MAX_ROUNDS
from walkcoach.plan.levels import LEVEL_RULES
from walkcoach.plan.model import (
    INTROS,
    LEVELS,
    MAX_CADENCE,
    MAX_NAME_LENGTH,
    MAX_NAMES,
    MIN_CADENCE,
    NAME_PATTERN,
    ROLES,
    SETTINGS,
)
from walkcoach.plan.schedule import RELEASES, WEEKDAYS

__all__ = ["KINDS", "SCHEMAS_DIR", "SPOKEN", "build", "dumps", "schema", "schema_path",
           "schema_text", "write_all"]

KINDS = ("exercise", "program", "client", "session", "lexicon")
"""The kinds of file a coach writes: ``session`` is the session template, ``lexicon`` the
pronunciation lexicon."""
SCHEMAS_DIR = Path(__file__).parent / "schemas"
SPOKEN = "walkcoach-spoken"
"""The format of a line a voice says (walkcoach.text.speakable)."""
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_CLOCK = r"\d{1,3}:[0-5]\d"
_NUMBER = r"\d{1,5}(\.\d{1,3})?"

Schema = dict[str, Any]


def _text(description: str, *, spoken: bool = False) -> Schema:
    """One line of text (a number is read as text too); never empty."""
    out: Schema = {"description": description, "type": ["string", "number"], "pattern": r"\S"}
    if spoken:
        out["format"] = SPOKEN
    return out


def _lines(description: str, *, spoken: bool = True, required: bool = False) -> Schema:
    """A list of lines (``required``: not an empty one); one line alone counts as a list of
    one."""
    item = _text("a line of text", spoken=spoken)
    del item["description"]
    out = {**_text(description, spoken=spoken), "type": ["string", "number", "array"],
           "items": item}
    return out | {"minItems": 1} if required else out


def _number(description: str, low: float, high: float, *, integer: bool = False) -> Schema:
    return {"description": description, "type": "integer" if integer else "number",
            "minimum": low, "maximum": high}


def _choice(description: str, choices: tuple[str, ...]) -> Schema:
    return {"description": description, "enum": list(choices)}


def _length(description: str, low: float, high: float) -> Schema:
    """A part's length: a number (of minutes or seconds), or m:ss."""
    return {"description": description, "type": ["number", "string"], "minimum": low,
            "maximum": high, "pattern": rf"^\s*({_CLOCK}|{_NUMBER})\s*$"}


def _object(properties: Schema, *, required: tuple[str, ...] = (),
            description: str | None = None, **more: Any) -> Schema:
    out: Schema = {"type": "object"}
    if description:
        out["description"] = description
    out |= {"properties": properties, "additionalProperties": False, **more}
    if required:
        out["required"] = list(required)
    return out


def _groups(description: str, *, required: bool = False) -> Schema:
    """Named groups of technique cues: each name holds lines, said in turn during the walk."""
    out = {"description": description, "type": "object",
           "additionalProperties": _lines("the lines of one group of cues", required=True)}
    return out | {"minProperties": 1} if required else out


def _name(description: str) -> Schema:
    """A level's or a setting's name; which ones there are, the exercise file says (the
    content readers check a program's and a client's against it)."""
    return {"description": description, "type": "string", "pattern": NAME_PATTERN,
            "maxLength": MAX_NAME_LENGTH}


def _named(what: str, each: Schema) -> Schema:
    """An exercise's levels or settings (``what``): 1 to MAX_NAMES sections, each named."""
    return {"description": f"one section per {what}, named as you like (1 to {MAX_NAMES}, "
                           f"lowercase words joined by hyphens)",
            "type": "object", "minProperties": 1, "maxProperties": MAX_NAMES,
            "propertyNames": _name(f"a {what}'s name: lowercase words joined by hyphens, "
                                   f"at most {MAX_NAME_LENGTH} characters"),
            "additionalProperties": each}


_LEVEL = _name(f"a level of the exercise (walking-backwards: {', '.join(LEVELS)})")
_SETTING = _name(f"where the client walks: a setting of the exercise (walking-backwards: "
                 f"{', '.join(SETTINGS)})")
_SPEED = _number("miles an hour on a treadmill, 0.1 to 15", 0.1, 15)
_INCLINE = _number("a treadmill's incline in percent, 0 to 30", 0, 30)
_CADENCE = {"description": f"the step metronome: steps a minute ({MIN_CADENCE} to "
                           f"{MAX_CADENCE}), or auto for each exercise's level default",
            "type": ["integer", "string"], "minimum": MIN_CADENCE, "maximum": MAX_CADENCE,
            "pattern": r"^\s*([Aa][Uu][Tt][Oo]|[+-]?[0-9]{1,9})\s*$"}
_SOUNDS: Schema = {
    "chimes": {"description": "true for a chime before the cues that mark a moment, false "
                              "for none", "type": "boolean"},
    "cadence": _CADENCE,
    "music": _text("a music file played under the walk, relative to this file"),
}


_DAYS = {"description": "the days of the week sessions fall on: mon,wed,fri (or a list)",
         "type": ["string", "array"], "minLength": 1, "minItems": 1,
         "items": _text(f"a day of the week: {', '.join(WEEKDAYS)}")}


def _exercise() -> Schema:
    setting = _object({
        "safety": _lines("safety lines said in this setting only"),
        "setup": _lines("setup lines said in this setting only"),
        "technique": _groups("groups of technique cues for this setting only"),
        "cooldown": _lines("cool-down lines said in this setting only"),
        "switch": _text("said in this setting as a part of this exercise begins after "
                        "another part", spoken=True),
        "belt": {"description": "true for a moving belt (a treadmill): the level's speed and "
                                "incline are said and used", "type": "boolean"},
    }, description="lines that hold only in this setting")
    level = _object({
        "cue_interval_s": _number("seconds between technique cues, 5 to 600", 5, 600),
        "speed_mph": _SPEED,
        "incline_percent": _INCLINE,
        "cadence": _number(f"the metronome's steps a minute at this level, {MIN_CADENCE} to "
                           f"{MAX_CADENCE}", MIN_CADENCE, MAX_CADENCE, integer=True),
        "intro": _lines("lines said in the intro at this level"),
        "technique": _groups("groups of technique cues at this level only"),
    }, required=("cue_interval_s", "speed_mph", "incline_percent"),
        description="how the exercise is done at this level")
    return _object({
        "name": _text("the exercise's name: the file name without .yaml"),
        "title": _text("the exercise's title, said in the welcome", spoken=True),
        "summary": _text("one sentence shown in `walkcoach exercises`"),
        "role": _choice(f"how it serves in a session in parts: {', '.join(ROLES)}", ROLES),
        "purpose": _lines("why the exercise helps, said in the intro", required=True),
        "muscles": _lines("the muscles it works (not said)", spoken=False),
        "safety": _lines("safety lines said before the walk", required=True),
        "safety_reminder": _text("the one safety line of a short intro", spoken=True),
        "setup": _lines("setup lines said before the walk", required=True),
        "start": _text("said as the walk begins", spoken=True),
        "switch": _text("said as a part of this exercise begins after another part",
                        spoken=True),
        "technique": _groups("groups of technique cues said during the walk",
                             required=True),
        "settings": _named("setting", setting),
        "levels": _named("level", level) | {
            "description": f"one section per level, the easiest first, named as you like (1 "
                           f"to {MAX_NAMES}, lowercase words joined by hyphens)"},
        "cooldown": _lines("lines said in the cool-down", required=True),
    }, required=("name", "title", "summary", "purpose", "safety", "setup", "technique",
                 "settings", "levels", "cooldown"),
        description="An exercise for walkcoach: what is said before, during and after it.")


def _client(description: str) -> Schema:
    return _object({
        "name": _text("the client's name, said in the greeting", spoken=True),
        "level": _LEVEL | {"description": "the client's level, one the exercise names: it "
                                          "overrides the program's"},
        "level_rule": {"enum": list(LEVEL_RULES), "description": "what the client's level "
                       "means for a program's weeks: all (every week at it), highest (weeks "
                       "above it held at it) or start (the program's steps starting at it)"},
        "setting": _SETTING | {"description": "where the client walks, a setting the "
                                              "exercise names: it overrides the program's"},
        "spoken_notes": _lines("notes said in the intro, as written"),
        "notes": _text("notes for the coach only, never said"),
        **_SOUNDS,
        "days": _DAYS | {"description": "the days of the week the client walks: mon,wed,fri"},
    }, required=("name",), description=description)


_EXERCISE_NAME = _text("an exercise: a name from `walkcoach exercises`, or a YAML file "
                       "relative to this one")


def _program() -> Schema:
    block = _object({
        "exercise": _EXERCISE_NAME,
        "minutes": _length("the part's length: minutes, or m:ss", 1 / 6, 60),
        "time": _length("the part's length: m:ss or seconds", 10, 3600),
        "level": _LEVEL,
        "speed_mph": _SPEED,
        "incline_percent": _INCLINE,
        "cues": _lines("extra lines said during this part"),
    }, description="one part: its length (minutes or time), and optionally its exercise, "
                   "level, speed, incline and cues",
        anyOf=[{"required": ["minutes"]}, {"required": ["time"]}],
        dependentSchemas={"minutes": {"description": "a block has minutes or time, not both",
                                      "properties": {"time": False}}})
    repeat = _object({
        "rounds": _number(f"how many times the blocks repeat, 1 to {MAX_ROUNDS}", 1,
                          MAX_ROUNDS, integer=True),
        "blocks": {"description": "the blocks of one round (no repeat inside)",
                   "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/block"}},
    }, required=("rounds", "blocks"), description="a repeat: rounds of its blocks")
    week_keys: Schema = {
        "week": _number("the week's number, 1 to 99, in increasing order", 1, 99,
                        integer=True),
        "level": _LEVEL,
        "setting": _SETTING,
        "minutes": _number("one continuous walk of the program's exercise, 1 to 60 minutes",
                           1, 60),
        "intervals": {"description": "rounds of the exercise and recovery: ROUNDSxWORK/"
                                     "RECOVERY, times as m:ss or seconds (6x1:00/1:00)",
                      "type": "string",
                      "pattern": r"^\s*\d{1,4}\s*[xX×]\s*[^/\s]+\s*(/\s*[^/\s]+\s*)?$"},
        "blocks": {"description": "the week's parts in order: blocks and repeats",
                   "type": "array", "minItems": 1,
                   "items": {"if": {"anyOf": [{"required": ["rounds"]},
                                              {"required": ["blocks"]}]},
                             "then": {"$ref": "#/$defs/repeat"},
                             "else": {"$ref": "#/$defs/block"}}},
        "warmup": _length("easy forward walking before the walk: minutes or m:ss", 1 / 6, 60),
        "cooldown": _length("easy forward walking after the walk: minutes or m:ss", 1 / 6, 60),
        "recovery": _EXERCISE_NAME | {"description": "the exercise between rounds of "
                                                     "intervals (walking-forward unless named)"},
        "speed_mph": _SPEED,
        "incline_percent": _INCLINE,
        "focus": _text("what the week is about, said in the intro", spoken=True),
        "cues": _lines("extra lines said during the walk"),
        "intro": _choice(f"the intro: {', '.join(INTROS)}", INTROS),
    }
    together = {
        "minutes": {"description": "a week has one of minutes, intervals or blocks",
                    "properties": {"intervals": False, "blocks": False}},
        "intervals": {"description": "a week has one of minutes, intervals or blocks",
                      "properties": {"blocks": False}},
        "blocks": {"description": "a week of blocks lists its warm-up, cool-down and "
                                  "recovery among its blocks",
                   "properties": {"warmup": False, "cooldown": False, "recovery": False}},
    }
    defaults = {key: value for key, value in week_keys.items() if key != "week"}
    return _object({
        "program": _text("the program's name: the album title"),
        "coach": _text("who coaches: the artist tag"),
        "exercise": _EXERCISE_NAME | {"description": "the program's exercise: a name from "
                                                     "`walkcoach exercises`, or a YAML file"},
        "sessions_per_week": _number("sessions a week, 1 to 14 (for the coach)", 1, 14,
                                     integer=True),
        "defaults": _object(defaults, description="keys every week takes unless it sets them",
                            dependentSchemas=together),
        "weeks": {"description": "one entry per week, each one track", "type": "array",
                  "minItems": 1, "items": {"$ref": "#/$defs/week"}},
        "client": _client("the client this program is for (the keys of a client profile)"),
        "cover": _text("your own cover image (.png or .jpg), relative to this file"),
        "email": _text("your e-mail address: the owner of a client's podcast feed"),
        **_SOUNDS,
        "release": {"description": "when the weeks reach the client: all at once, or each "
                                   "once earned (or the earned rule's keys)",
                    "if": {"type": "object"}, "else": _choice("all or earned", RELEASES),
                    "then": _object({
                        "when": _choice("all or earned", RELEASES),
                        "sessions": _number("sessions of the latest week that earn the "
                                            "next, 1 to 14", 1, 14, integer=True),
                        "pain_at_most": _number("pain (0-10) each of them may have", 0, 10,
                                                integer=True)}, required=("when",))},
        "pain_limit": _number("pain (0-10) above which the client is told to stop and "
                              "contact you (default 5)", 0, 10, integer=True),
        "days": _DAYS,
    }, required=("program", "coach", "exercise", "weeks"),
        description="A weekly program for walkcoach: one track per week.",
        **{"$defs": {"week": _object(week_keys, required=("week",),
                                     description="a week: its level, setting, focus and walk",
                                     dependentSchemas=together),
                     "block": block, "repeat": repeat}})


def _session() -> Schema:
    def line(description: str) -> Schema:
        return _text(description, spoken=True)

    def countdown(most: int) -> Schema:
        return _lines(f"a countdown, at most {most} lines", required=True) | {"maxItems": most}

    time = _object({key: line(f"the time cue '{key}'") for key in (
        "halfway", "minutes_left", "one_minute_left", "thirty_seconds", "stop")}
        | {"countdown": countdown(10)},
        required=("halfway", "minutes_left", "one_minute_left", "thirty_seconds", "countdown",
                  "stop"), description="the time cues of a continuous walk")
    block_lines = ("heads_up", "keep_going", "round", "last_round", "time_left", "halfway",
                   "minutes_left", "one_minute_left", "speed", "incline")
    blocks = _object({key: line(f"said around a change of part: '{key}'")
                      for key in block_lines}
                     | {"heads_up_s": _number("seconds before a change the heads-up comes, "
                                              "5 to 30", 5, 30, integer=True),
                        "countdown": countdown(5)},
                     required=(*block_lines, "heads_up_s", "countdown"),
                     description="what is said around the changes of a session in parts")
    pause_keys = ("lead_in", "between_lines", "between_phases", "before_start", "after_stop",
                  "tail", "min_gap")
    pauses = _object({key: _number("milliseconds, 0 to 60000", 0, 60_000, integer=True)
                      for key in pause_keys}, required=pause_keys,
                     description="the pauses between lines, in milliseconds")
    leads = ("greeting", "welcome", "safety_lead", "setup_lead", "treadmill_speed",
             "treadmill_incline", "ready", "start", "cooldown_lead")
    return _object({key: line(f"the lead line '{key}'") for key in leads}
                   | {"time": time, "blocks": blocks, "pauses_ms": pauses,
                      "finish": _lines("the last lines of the track", required=True)},
                   required=(*leads, "time", "blocks", "finish", "pauses_ms"),
                   description="The session template of walkcoach: its lead lines, time "
                               "cues and pauses.")


def _lexicon() -> Schema:
    return _object({"words": {"description": "a word or phrase, and how the voice says it",
                              "type": "object",
                              "additionalProperties": _text("how to say it", spoken=True)}},
                   description="A pronunciation lexicon for walkcoach's voices.")


def build(kind: str) -> Schema:
    """The schema of ``kind`` (one of :data:`KINDS`), as a JSON-ready dict."""
    makers = {"exercise": _exercise, "program": _program,
              "client": lambda: _client("A client profile for walkcoach."),
              "session": _session, "lexicon": _lexicon}
    body = makers[_known(kind)]()
    return {"$schema": _DRAFT, "title": f"walkcoach {kind}", **body}


def schema(kind: str) -> Schema:
    """The shipped schema of ``kind``, as read from its file."""
    loaded: Schema = json.loads(schema_text(kind))
    return loaded


def schema_path(kind: str) -> Path:
    """The shipped schema file of ``kind`` (editors read it)."""
    return SCHEMAS_DIR / f"{_known(kind)}.schema.json"


def schema_text(kind: str) -> str:
    """The shipped schema of ``kind`` as JSON text; an unknown kind is an InputError."""
    return _read(schema_path(kind), kind)


@functools.cache
def _read(path: Path, kind: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the {kind} schema at {path}: "
                         f"{exc.strerror or exc} (reinstall walkcoach)") from None


def dumps(kind: str) -> str:
    """The schema of ``kind`` as its file holds it."""
    return json.dumps(build(kind), indent=2, ensure_ascii=False) + "\n"


def _known(kind: str) -> str:
    if kind not in KINDS:
        from difflib import get_close_matches

        close = get_close_matches(kind, KINDS, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise InputError(f"unknown kind {excerpt(kind)} ({hint}choose from "
                         f"{', '.join(KINDS)})")
    return kind


def write_all() -> None:
    """Write the shipped schema files from :func:`build` (after a change to the model)."""
    for kind in KINDS:
        schema_path(kind).write_text(dumps(kind), encoding="utf-8")
        _read.cache_clear()
