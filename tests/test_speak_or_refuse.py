"""Random text in any spoken field of an exercise is refused when the file is read (with file
and key), or every line made from it is spoken by the real system voice: never an error at
speaking time, whatever the text and however long the walk."""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml_edits import edit

from walkcoach.build.session import make_spec
from walkcoach.content import TEMPLATES_DIR, load_exercise
from walkcoach.errors import ContentError
from walkcoach.plan import planner
from walkcoach.plan.model import LEVELS, SETTINGS, Exercise
from walkcoach.voice import Speaker, resolve_voice

EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"

# Every kind of spoken field: (the shipped YAML it replaces, its key, how a value is written).
FIELDS = [
    ("title: Walking backwards", "title", "title: {}"),
    ('  - "Walking backwards trains your balance and your coordination."', "purpose[0]",
     "  - {}"),
    ('  - "If you get dizzy or feel unsteady, always use support."', "safety[0]", "  - {}"),
    ('safety_reminder: "If anything hurts, stop right away."', "safety_reminder",
     "safety_reminder: {}"),
    ('  - "Stand up tall, with your spine long and neutral."', "setup[0]", "  - {}"),
    ('start: "Now start stepping backwards."', "start", "start: {}"),
    ('    - "Land on the ball of your foot first, then the heel."', "technique.roll[1]",
     "    - {}"),
    ('      - "Walk on a flat, dry floor, wearing shoes that grip."', "settings.floor.safety[1]",
     "      - {}"),
    ('      - "Know where your space ends before you start."', "settings.floor.setup[2]",
     "      - {}"),
    ('        - "Walk in the middle of the belt."', "settings.treadmill.technique.rails[2]",
     "        - {}"),
    ('      - "Turn around and walk forward slowly for a minute."', "settings.floor.cooldown[0]",
     "      - {}"),
    ('      - "At this level, we go slowly."', "levels.beginner.intro[0]", "      - {}"),
    ('        - "Strong legs, smooth roll, steady breath."',
     "levels.advanced.technique.strength[3]", "        - {}"),
    ('  - "Notice how your knees are feeling right now."', "cooldown[1]", "  - {}"),
]

_JUNK = list("!?.,;:-–—…'\"()[]{}<>/\\|*&%$#@^~`+=_ \t\n\r\x00\x07\x1b\x7f\x85") + [
    "\u200b", "\u200d", "\ufeff", "\u2028", "\u202e", "\u0301", "\U0001f600", "\U0001f44d",
    "\U0001f3fd", "ꜜ", "Σ", "日", "٣", "²", "½", "\ue000", "\ufffe", "\U0010ffff",
]
_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),  # any character a file holds
    st.text(st.sampled_from(_JUNK), max_size=12),
    st.lists(st.one_of(st.sampled_from(_JUNK), st.sampled_from(["a", "I", "Go", "x", "5"])),
             max_size=12).map("".join),
    st.integers(min_value=-(10**80), max_value=10**80).map(str),
)
# Written without quotes, so YAML makes numbers, dates, lists, nothing ... of them.
_PLAIN = st.sampled_from(["9" * 5000, "0x" + "f" * 3000, "2024-13-45", "!!bool maybe",
                          "123", "0.5", "1e5", ".nan", "yes", "~", "2024-05-01",
                          "[a, b]", "{a: 1}", "!!binary aGVsbG8=", "''", "'{client}'",
                          "'{{}}'", "'{title}!'", "'{n}'"])


def _quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: every character outside YAML's printable set
    (and the quote and backslash) escaped, so the file itself is always valid YAML."""
    out = []
    for char in text:
        code = ord(char)
        printable = (char in "\t" or 0x20 <= code <= 0x7E or code == 0x85
                     or 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000)
        out.append(char if printable and char not in '"\\' else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


@functools.cache
def _speaker() -> Speaker:
    return Speaker(resolve_voice("system"))


def _said(exercise: Exercise) -> set[str]:
    """Every line sessions of this exercise can say, at every level and setting."""
    lines: set[str] = set()
    for level in LEVELS:
        for setting in SETTINGS:
            spec = make_spec(exercise=exercise, level=level, setting=setting, minutes=60,
                             client="Sam")
            for variant in (spec, dataclasses.replace(spec, client=None),
                            dataclasses.replace(spec, intro="short")):
                lines.update(planner.candidate_phrases(variant))
            lines.update(line for group in planner.technique_groups(spec) for line in group.lines)
    return lines


@functools.cache
def _shipped_lines() -> frozenset[str]:
    return frozenset(_said(load_exercise(EXERCISE)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS),
       value=st.one_of(_TEXT.map(_quoted), _PLAIN))
def test_random_text_is_refused_at_load_or_spoken(tmp_path: Path, field: tuple[str, str, str],
                                                  value: str) -> None:
    old, key, form = field
    path = tmp_path / "walking-backwards.yaml"
    path.write_text(edit(EXERCISE.read_text(encoding="utf-8"), old, form.format(value)),
                    encoding="utf-8")
    try:
        exercise = load_exercise(path)
    except ContentError as exc:
        message = str(exc)
        assert message.startswith(f"{path}:") and f": {key}: " in message, message
        assert len(message.splitlines()) == 1 and message.isprintable(), repr(message)
        return
    for line in sorted(_said(exercise) - _shipped_lines()):
        assert _speaker().clip(line).size > 0, line  # raises on any engine failure


@pytest.mark.parametrize("text", ["\U0001f600", "...", "\u200b", "a\x00b", "ꜜ", "Σ"])
def test_lines_the_voice_cannot_say_are_refused(tmp_path: Path, text: str) -> None:
    """Each of these once failed while a track was being made (exit 1, no file or line)."""
    path = tmp_path / "walking-backwards.yaml"
    old, key, form = FIELDS[6]
    path.write_text(edit(EXERCISE.read_text(encoding="utf-8"), old,
                         form.format(_quoted(text))), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    assert re.match(rf"{re.escape(str(path))}:\d+: {re.escape(key)}: cannot be spoken: ",
                    str(info.value)), str(info.value)
