"""Tests for content loading: shipped files load, and every broken file says where it broke."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from yaml_edits import edit, line_of, load_error

from walkcoach.build.session import make_spec
from walkcoach.content import (
    TEMPLATES_DIR,
    exercise_names,
    find_exercise,
    load_exercise,
    load_lexicon,
    load_template,
)
from walkcoach.errors import ContentError, InputError
from walkcoach.plan import planner
from walkcoach.plan.model import LEVELS, SETTINGS

EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"
TEMPLATE = TEMPLATES_DIR / "session.yaml"
LEXICON = TEMPLATES_DIR / "lexicon.yaml"


def _assert_where(error: ContentError, path: Path, line: int, key: str | None) -> None:
    """The message names the file and line, and the key when there is one."""
    message = str(error)
    assert message.startswith(f"{path}:{line}:"), message
    assert error.path == path and error.line == line
    if key is not None:
        assert key in message
    assert "\n" not in message


@pytest.fixture()
def exercise_text() -> str:
    return EXERCISE.read_text(encoding="utf-8")


@pytest.fixture()
def template_text() -> str:
    return TEMPLATE.read_text(encoding="utf-8")


@pytest.fixture()
def exercise_path(tmp_path: Path) -> Path:
    """Where a broken copy of the exercise goes: the same stem, so the name still matches."""
    return tmp_path / "walking-backwards.yaml"


# --- shipped content ------------------------------------------------------------------------

def test_shipped_exercise_loads(exercise: Any) -> None:
    """The shipped exercise loads with every level and setting filled in."""
    assert exercise.name == "walking-backwards" == EXERCISE.stem
    assert exercise.title and exercise.purpose and exercise.safety and exercise.setup
    assert set(exercise.levels) == set(LEVELS)
    assert set(exercise.settings) == set(SETTINGS)
    assert exercise.technique and all(group.lines for group in exercise.technique)
    assert exercise.source.path == EXERCISE
    for level in LEVELS:
        assert 5 <= exercise.levels[level].cue_interval_s <= 600
    assert exercise.role == "work"
    assert exercise.switch == "Turn around carefully, and walk backwards."
    assert exercise.switch_text("floor") == exercise.switch
    assert exercise.settings["floor"].switch is None
    assert exercise.switch_text("treadmill") == exercise.settings["treadmill"].switch
    assert "handrails" in exercise.switch_text("treadmill")


def test_shipped_template_loads(template: Any) -> None:
    """The shipped session template loads, with a countdown and whole-millisecond pauses."""
    assert template.source.path == TEMPLATE
    assert 0 < len(template.time.countdown) <= 10
    assert "{n}" in template.time.minutes_left
    assert template.pauses.min_gap >= 0 and template.pauses.tail >= 0


def test_exercise_names_lists_shipped() -> None:
    """exercise_names() lists what is in audio_templates/exercises/, sorted."""
    names = exercise_names()
    assert "walking-backwards" in names
    assert list(names) == sorted(names)
    assert set(names) == {p.stem for p in (TEMPLATES_DIR / "exercises").glob("*.yaml")}


def test_find_exercise_by_name(exercise: Any) -> None:
    """A shipped exercise is found by its name."""
    assert find_exercise("walking-backwards") == exercise


def test_find_exercise_unknown_lists_available() -> None:
    """An unknown name is an input error that lists the exercises there are."""
    with pytest.raises(InputError) as info:
        find_exercise("nope")
    assert "nope" in str(info.value)
    for name in exercise_names():
        assert name in str(info.value)
    assert not isinstance(info.value, ContentError) or info.value.path is None


def test_exercise_from_any_path(tmp_path: Path, exercise_text: str) -> None:
    """An exercise is data: a copy under a new name is found by its path and plans a session."""
    path = tmp_path / "backwards-copy.yaml"
    path.write_text(edit(exercise_text, "name: walking-backwards", "name: backwards-copy"),
                    encoding="utf-8")
    exercise = find_exercise(str(path))
    assert exercise.name == "backwards-copy"
    assert exercise.source.path == path
    assert exercise.technique == find_exercise("walking-backwards").technique
    spec = make_spec(exercise=exercise, minutes=2)
    lengths = dict.fromkeys(planner.candidate_phrases(spec), 500)
    timeline = planner.plan(spec, lengths)
    assert timeline.walk_end_ms - timeline.walk_start_ms == 120_000


def test_missing_file(tmp_path: Path) -> None:
    """A file that is not there is a content error naming it."""
    path = tmp_path / "gone.yaml"
    with pytest.raises(ContentError) as info:
        load_exercise(path)
    assert str(path) in str(info.value)


# --- role and switch lines ------------------------------------------------------------------

def test_role_defaults_to_work_and_switch_falls_back(exercise_path: Path,
                                                     exercise_text: str) -> None:
    """Without role and switch lines, an exercise is work, and a change into it says the
    setting's switch, else its own, else its start line."""
    text = edit(exercise_text, "role: work\n", "")
    text = edit(text, 'switch: "Turn around carefully, and walk backwards."\n', "")
    exercise_path.write_text(text, encoding="utf-8")
    exercise = load_exercise(exercise_path)
    assert exercise.role == "work" and exercise.switch is None
    assert exercise.switch_text("floor") == "Now start stepping backwards."
    assert exercise.switch_text("treadmill").startswith("Hold the handrails")
    text = edit(text, '    switch: "Hold the handrails, and turn carefully to walk backwards. '
                      'Keep the belt slow."\n', "")
    text = edit(text, "  floor:\n", '  floor:\n    switch: "Turn round slowly."\n')
    text = edit(text, "\nsummary:", "\nrole: recovery\nsummary:")
    exercise_path.write_text(text, encoding="utf-8")
    exercise = load_exercise(exercise_path)
    assert exercise.role == "recovery"
    assert exercise.switch_text("floor") == "Turn round slowly."
    assert exercise.switch_text("treadmill") == "Now start stepping backwards."


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("role: work", "role: warmup", "role", "must be one of work, recovery, rest, not 'warmup'"),
    ('switch: "Turn around carefully, and walk backwards."',
     'switch: "Turn around, {client}, and walk backwards."', "switch", "unknown placeholder"),
    ('switch: "Hold the handrails, and turn', 'switch: "Hold the {rails}, and turn',
     "settings.treadmill.switch", "unknown placeholder in 'Hold the {rails}"),
    ('switch: "Hold the handrails, and turn', 'swich: "Hold the handrails, and turn',
     "settings.treadmill.swich", "expected one of: safety, setup, technique, cooldown, switch"),
    ('switch: "Turn around carefully, and walk backwards."', "switch: [a, b]", "switch",
     "must be text, not a list"),
])
def test_role_and_switch_are_checked(exercise_path: Path, exercise_text: str, old: str,
                                     new: str, key: str, words: str) -> None:
    """A role that is not one of the three, a switch line with a placeholder (said as
    written: braces would be read out), a misspelt key: at the file, line and key."""
    text = edit(exercise_text, old, new)
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, new), key)
    assert error.key == key and words in str(error)


# --- broken exercises -----------------------------------------------------------------------

def test_unknown_key(exercise_path: Path, exercise_text: str) -> None:
    """A typo in a key is caught, at its line, with the allowed keys."""
    text = edit(exercise_text, "\nsummary:", "\nsumary:")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "sumary:"), "sumary")
    assert "unknown key" in str(error) and "summary" in str(error)


def test_unknown_nested_key(exercise_path: Path, exercise_text: str) -> None:
    """A typo inside a level names the full key path."""
    text = edit(exercise_text, "    cue_interval_s: 30", "    cue_intervals: 30")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "cue_intervals:"),
                  "levels.intermediate.cue_intervals")


def test_missing_required_key(exercise_path: Path, exercise_text: str) -> None:
    """A missing top-level key is named; the line is where the mapping starts."""
    text = edit(exercise_text, "title: Walking backwards\n", "")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "name: walking-backwards"), "'title'")
    assert "missing" in str(error)


def test_missing_nested_key(exercise_path: Path, exercise_text: str) -> None:
    """A key missing in a level is named by its full path, at that level's block."""
    text = edit(exercise_text, "    cue_interval_s: 40\n", "")
    error = load_error(load_exercise, exercise_path, text)
    assert "levels.advanced.cue_interval_s" in str(error)
    advanced = line_of(text, "  advanced:")
    assert error.line in (advanced, advanced + 1)
    assert str(error).startswith(f"{exercise_path}:{error.line}:")


def test_number_where_list_needed(exercise_path: Path, exercise_text: str) -> None:
    """A number where a list of lines belongs is a type error at that key."""
    old = exercise_text[exercise_text.index("\nsafety:"):exercise_text.index("\nsetup:")]
    text = edit(exercise_text, old, "\nsafety: 5\n")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "safety: 5"), "safety")
    assert "list" in str(error) and "number" in str(error)


def test_text_where_number_needed(exercise_path: Path, exercise_text: str) -> None:
    """Text where a number belongs is a type error at that key."""
    text = edit(exercise_text, "speed_mph: 1.2", "speed_mph: fast")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "speed_mph: fast"),
                  "levels.advanced.speed_mph")
    assert "number" in str(error)


@pytest.mark.parametrize("value", ["0", "4.5", "601", "-20"])
def test_cue_interval_out_of_range(exercise_path: Path, exercise_text: str, value: str) -> None:
    """A cue interval outside 5..600 s is refused, with the range."""
    text = edit(exercise_text, "cue_interval_s: 20", f"cue_interval_s: {value}")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, f"cue_interval_s: {value}"),
                  "levels.beginner.cue_interval_s")
    assert "between 5 and 600" in str(error)


def test_invalid_yaml_syntax(exercise_path: Path, exercise_text: str) -> None:
    """Broken YAML is a content error at the line of the problem."""
    text = edit(exercise_text, "title: Walking backwards\n", "title: Walking backwards: no\n")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "title: Walking"), None)
    assert "YAML" in str(error)


def test_bad_indentation(exercise_path: Path, exercise_text: str) -> None:
    """A list item indented wrongly is reported near its line, not as a traceback."""
    bad = line_of(exercise_text, "It builds steadier knees")
    text = edit(exercise_text, '  - "It builds steadier knees', ' - "It builds steadier knees')
    error = load_error(load_exercise, exercise_path, text)
    assert error.line is not None and bad <= error.line <= bad + 1
    assert str(exercise_path) in str(error)


def test_duplicate_key(exercise_path: Path, exercise_text: str) -> None:
    """A key given twice is refused at its second occurrence."""
    text = edit(exercise_text, "title: Walking backwards\n",
                 "title: Walking backwards\ntitle: Backwards walking\n")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "title: Backwards walking"), "title")
    assert "duplicate" in str(error)


def test_duplicate_nested_key(exercise_path: Path, exercise_text: str) -> None:
    """A duplicate deep in the file is caught too (the later one would silently win)."""
    text = edit(exercise_text, "    speed_mph: 0.5\n", "    speed_mph: 0.5\n    speed_mph: 0.7\n")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "speed_mph: 0.7"), "speed_mph")


def test_name_must_match_file(tmp_path: Path, exercise_text: str) -> None:
    """The name key must be the file's stem, so names and files cannot drift apart."""
    path = tmp_path / "other-walk.yaml"
    error = load_error(load_exercise, path, exercise_text)
    _assert_where(error, path, line_of(exercise_text, "name: walking-backwards"), "name")
    assert "other-walk" in str(error)


@pytest.mark.parametrize(
    ("old", "new", "at", "key"),
    [
        ('cooldown:\n  - "Breathe slowly, and shake out your legs."\n'
         '  - "Notice how your knees are feeling right now."', "cooldown: []", "cooldown: []",
         "cooldown"),
        ("technique:\n  posture:", "technique:\n  posture: []\n  old-posture:", "posture: []",
         "technique.posture"),
    ],
)
def test_empty_list(exercise_path: Path, exercise_text: str, old: str, new: str, at: str,
                    key: str) -> None:
    """An empty list where lines are needed is refused at its key."""
    text = edit(exercise_text, old, new)
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, at), key)
    assert "empty" in str(error)


def test_empty_line_in_list(exercise_path: Path, exercise_text: str) -> None:
    """A blank line of speech is refused at that item's own line."""
    text = edit(exercise_text, '  - "Move at your own pace the whole time."', '  - ""')
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, '  - ""'), "safety[4]")


def test_empty_file(exercise_path: Path) -> None:
    """An empty file is a content error, not a crash."""
    error = load_error(load_exercise, exercise_path, "")
    assert str(error).startswith(str(exercise_path))


# --- broken templates -----------------------------------------------------------------------

def test_template_unknown_placeholder(tmp_path: Path, template_text: str) -> None:
    """A misspelt placeholder is refused at its line and the known ones are listed."""
    path = tmp_path / "session.yaml"
    text = edit(template_text, "{title}", "{titel}")
    error = load_error(load_template, path, text)
    _assert_where(error, path, line_of(text, "{titel}"), "welcome")
    assert "{titel}" in str(error) and "{title}" in str(error)


def test_template_unknown_placeholder_nested(tmp_path: Path, template_text: str) -> None:
    """The same check applies to the time words, with their full key."""
    path = tmp_path / "session.yaml"
    text = edit(template_text, '"You have {n} minutes left."', '"You have {minutes} minutes left."')
    error = load_error(load_template, path, text)
    _assert_where(error, path, line_of(text, "{minutes}"), "time.minutes_left")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('welcome: "This is', 'welcome: "{n} of you. This is'),
        ('minutes_left: "You have {n} minutes left."',
         'minutes_left: "{client}, you have {n} minutes left."'),
        ('start: "Begin."', 'start: "Begin, {client}."'),
        ('stop: "Stop."', 'stop: "Stop, {client}."'),
    ],
)
def test_template_placeholder_must_fit_its_line(tmp_path: Path, template_text: str, old: str,
                                                new: str) -> None:
    """A placeholder the line never gets a value for is refused when the template loads.

    Otherwise the template loads and the track fails later (a KeyError while planning) or
    speaks the braces aloud.
    """
    path = tmp_path / "session.yaml"
    text = edit(template_text, old, new)
    error = load_error(load_template, path, text)
    key = new.split(":")[0]
    _assert_where(error, path, line_of(text, new), key)


def test_template_pause_must_be_whole(tmp_path: Path, template_text: str) -> None:
    """Pauses are whole milliseconds."""
    path = tmp_path / "session.yaml"
    text = edit(template_text, "min_gap: 250", "min_gap: 2.5")
    error = load_error(load_template, path, text)
    _assert_where(error, path, line_of(text, "min_gap: 2.5"), "pauses_ms.min_gap")


def test_template_countdown_at_most_ten(tmp_path: Path, template_text: str) -> None:
    """A countdown from more than ten is refused."""
    path = tmp_path / "session.yaml"
    words = ", ".join(f'"{n}."' for n in range(11, 0, -1))
    old = 'countdown: ["Five!", "Four!", "Three!", "Two!", "One!"]'
    text = edit(template_text, old, f"countdown: [{words}]")
    error = load_error(load_template, path, text)
    _assert_where(error, path, line_of(text, f"countdown: [{words}]"), "time.countdown")


# --- exercise lines with braces -------------------------------------------------------------

def test_exercise_line_with_unknown_braces(exercise_path: Path, exercise_text: str) -> None:
    """An exercise line is filled in like a template line, so stray braces are refused at load."""
    text = edit(exercise_text, "Stand up tall, with your spine", "Stand {tall}, with your spine")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "{tall}"), "setup[0]")


def test_exercise_line_with_stray_brace(exercise_path: Path, exercise_text: str) -> None:
    """A lone brace in a line that is filled in is refused at its own line, not a crash later."""
    text = edit(exercise_text, '  - "If anything hurts, stop right away."',
                 '  - "If anything hurts :} stop right away."')
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, ":}"), "safety[3]")
    assert "brace" in str(error)


def test_safety_reminder_is_checked_like_the_lines_it_stands_for(
        exercise_path: Path, exercise_text: str) -> None:
    """The short intro's safety line is filled in and spoken too: a stray brace or a line of
    punctuation is refused at its key; without it, the first safety line stands in."""
    text = edit(exercise_text, 'safety_reminder: "If anything hurts, stop right away."',
                'safety_reminder: "If anything hurts :} stop."')
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, ":} stop."), "safety_reminder")
    text = edit(exercise_text, 'safety_reminder: "If anything hurts, stop right away."',
                'safety_reminder: "..."')
    error = load_error(load_exercise, exercise_path, text)
    assert "cannot be spoken" in str(error)
    exercise_path.write_text(edit(exercise_text, 'safety_reminder: "If anything hurts, stop '
                                  'right away."', ""), encoding="utf-8")
    exercise = load_exercise(exercise_path)
    assert exercise.safety_reminder == exercise.safety[0]


def test_level_intro_with_unknown_placeholder(exercise_path: Path, exercise_text: str) -> None:
    """Level intros are filled in too, and checked with their full key."""
    text = edit(exercise_text, "as smooth as it was", "as {smooth} as it was")
    error = load_error(load_exercise, exercise_path, text)
    _assert_where(error, exercise_path, line_of(text, "{smooth}"), "levels.advanced.intro[1]")


def test_exercise_line_with_known_placeholder(exercise_path: Path, exercise_text: str) -> None:
    """A known placeholder in an exercise's spoken lines is filled in when planning."""
    text = edit(exercise_text, "Stand up tall, with your spine", "Stand tall for {duration}, spine")
    exercise_path.write_text(text, encoding="utf-8")
    spec = make_spec(exercise=load_exercise(exercise_path), minutes=3)
    assert "Stand tall for 3 minutes, spine long and neutral." in planner.candidate_phrases(spec)


# --- lexicon --------------------------------------------------------------------------------

def test_shipped_lexicon_loads() -> None:
    """The shipped lexicon maps words to plain spellings."""
    words = load_lexicon(LEXICON)
    assert words and all(isinstance(k, str) and isinstance(v, str) for k, v in words.items())
    assert all(v.strip() for v in words.values())


def test_lexicon_good_file(tmp_path: Path) -> None:
    """A small lexicon loads as given, phrases included."""
    path = tmp_path / "lexicon.yaml"
    path.write_text("words:\n  tibialis: tibbeeaylis\n  plantar fasciitis: plantar fashee itis\n",
                    encoding="utf-8")
    assert load_lexicon(path) == {"tibialis": "tibbeeaylis",
                                  "plantar fasciitis": "plantar fashee itis"}


def test_lexicon_without_words(tmp_path: Path) -> None:
    """A lexicon with no words is empty, not an error."""
    path = tmp_path / "lexicon.yaml"
    path.write_text("words:\n", encoding="utf-8")
    assert load_lexicon(path) == {}


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("words:\n  tibialis: [a, b]\n", 2, "words.tibialis"),
        ("words:\n  - tibialis\n", 1, "words"),
        ("wrds:\n  tibialis: x\n", 1, "wrds"),
        ("words:\n  tibialis: ''\n", 2, "words.tibialis"),
    ],
)
def test_lexicon_bad_file(tmp_path: Path, text: str, line: int, key: str) -> None:
    """A broken lexicon names the file, line and key."""
    path = tmp_path / "lexicon.yaml"
    error = load_error(load_lexicon, path, text)
    _assert_where(error, path, line, key)
