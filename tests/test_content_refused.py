"""Hostile content is refused when it is read, with file, line and key: never a traceback, a
hang, or a failure minutes later when a voice meets the line.

Every case here was a crash, a hang, a late failure or a wrong message before.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from yaml_edits import edit, line_of, load_error

from walkcoach.build.session import make_spec
from walkcoach.content import (
    TEMPLATES_DIR,
    load_exercise,
    load_lexicon,
    load_program,
    load_template,
)
from walkcoach.content.files import MAX_BYTES
from walkcoach.errors import ContentError, InputError, WalkcoachError

EXERCISE = TEMPLATES_DIR / "exercises" / "walking-backwards.yaml"
TEMPLATE = TEMPLATES_DIR / "session.yaml"
PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"


def _where(error: ContentError, path: Path, line: int, key: str | None) -> str:
    """The message: one line, starting with file, line and (where there is one) key."""
    message = str(error)
    prefix = f"{path}:{line}: {key}: " if key else f"{path}:{line}: "
    assert message.startswith(prefix), message
    assert "\n" not in message and "\x00" not in message
    return message


@pytest.fixture()
def text() -> str:
    return EXERCISE.read_text(encoding="utf-8")


@pytest.fixture()
def path(tmp_path: Path) -> Path:
    return tmp_path / "walking-backwards.yaml"


# --- lines that cannot be spoken ------------------------------------------------------------

# (the line as shipped, the line as broken in YAML source, the key it is under)
ROLL = '"Land on the ball of your foot first, then the heel."'  # the second roll line
UNSPEAKABLE = [
    (ROLL, '"..."', "technique.roll[1]"),
    (ROLL, '"\\u200b\\u200b"', "technique.roll[1]"),
    (ROLL, '"\U0001f600 \U0001f44d"', "technique.roll[1]"),
    (ROLL, '"Ball first,\\nthen heel."', "technique.roll[1]"),
    ('"Keep inside your clear space."', '"\\0"', "settings.floor.technique.space[0]"),
    ('"Keep inside your clear space."', '"Stay \\x07inside."', "settings.floor.technique.space[0]"),
    ('"Hold the rails lightly, without leaning on them."', '"— – -"',
     "settings.treadmill.technique.rails[1]"),
    ('"At this level, we go slowly."', '"?!"', "levels.beginner.intro[0]"),
    ('"Feel your glutes doing their share."', '"Σπίτι"', "levels.advanced.technique.strength[1]"),
    ('"Now start stepping backwards."', '"***"', "start"),
    ('"Breathe slowly, and shake out your legs."', '"(...)"', "cooldown[0]"),
    ('"Turn around and walk forward slowly for a minute."', '"‽"', "settings.floor.cooldown[0]"),
    ('"Walk on a flat, dry floor, wearing shoes that grip."', '"!!!"', "settings.floor.safety[1]"),
    ('"Stand up tall, with your spine long and neutral."', '"{client}."', "setup[0]"),
    ("title: Walking backwards", 'title: "..."', "title"),
    ('"Turn around carefully, and walk backwards."', '"..."', "switch"),
    ('"Hold the handrails, and turn carefully to walk backwards. Keep the belt slow."',
     '"\U0001f600 \u200b"', "settings.treadmill.switch"),
    ('"Hold the handrails, and turn carefully to walk backwards. Keep the belt slow."',
     '"Hold on,\\nthen turn."', "settings.treadmill.switch"),
]


@pytest.mark.parametrize(("old", "new", "key"), UNSPEAKABLE)
def test_unspeakable_line_is_refused_at_load(path: Path, text: str, old: str, new: str,
                                             key: str) -> None:
    """Punctuation, zero-width or control characters, emoji, a line break, letters the voices
    do not read: refused when the file is read (not when a long walk reaches the line)."""
    broken = edit(text, old, new)
    error = load_error(load_exercise, path, broken)
    message = _where(error, path, line_of(broken, new), key)
    assert "cannot be spoken" in message


def test_a_paragraph_for_a_line_is_refused_with_the_limit(path: Path, text: str) -> None:
    """A 2,000-word line would take gigabytes to speak whole: refused when read, naming the
    limit (a 500-character line still loads)."""
    words = " ".join(["step back slowly"] * 667)
    broken = edit(text, ROLL, f'"{words}."')
    error = load_error(load_exercise, path, broken)
    message = _where(error, path, line_of(broken, "step back slowly"), "technique.roll[1]")
    assert "a spoken line has at most 500" in message and len(message) < 300
    longest = "x" * 498 + "."
    path.write_text(edit(text, ROLL, f'"{longest}"'), encoding="utf-8")
    assert any(longest in group.lines for group in load_exercise(path).technique)


def test_speakable_oddities_load(path: Path, text: str) -> None:
    """A line needs one word; the rest may be anything a voice can pass over."""
    broken = edit(text, ROLL, '"Ball first \U0001f600, then\theel\u200b ½."')
    broken = edit(broken, '"Keep inside your clear space."', '"5%"')
    path.write_text(broken, encoding="utf-8")
    exercise = load_exercise(path)
    roll = next(group for group in exercise.technique if group.name == "roll")
    assert "Ball first \U0001f600, then\theel\u200b ½." in roll.lines


@pytest.mark.parametrize(("old", "new", "key"), [
    ('stop: "Stop."', 'stop: "..."', "time.stop"),
    ('countdown: ["Five!", "Four!"', 'countdown: ["Five!", "\\u200b"', "time.countdown[1]"),
    ('  - "Well done today."', '  - "🙂"', "finish[0]"),
    ('ready: "Get ready. We start in a moment."', 'ready: "{client}!"', "ready"),
])
def test_unspeakable_template_line(tmp_path: Path, old: str, new: str, key: str) -> None:
    """Template lines too, as they are filled in: "{client}" alone says nothing with no client."""
    path = tmp_path / "session.yaml"
    broken = edit(TEMPLATE.read_text(encoding="utf-8"), old, new)
    error = load_error(load_template, path, broken)
    assert "cannot be spoken" in _where(error, path, line_of(broken, new), key)


def test_greeting_may_be_the_name_alone(tmp_path: Path) -> None:
    """The greeting is said only to a named client, so "{client}!" is a whole greeting."""
    path = tmp_path / "session.yaml"
    path.write_text(edit(TEMPLATE.read_text(encoding="utf-8"), 'greeting: "Hi {client}."',
                         'greeting: "{client}!"'), encoding="utf-8")
    assert load_template(path).greeting == "{client}!"


def test_welcome_with_client_and_words_loads(tmp_path: Path) -> None:
    """"{client}" with other words is fine: with no client, the other words are said."""
    path = tmp_path / "session.yaml"
    path.write_text(edit(TEMPLATE.read_text(encoding="utf-8"), 'welcome: "This is',
                         'welcome: "{client}. This is'), encoding="utf-8")
    assert load_template(path).welcome.startswith("{client}. This is")


def test_unspeakable_lexicon_respelling(tmp_path: Path) -> None:
    """A respelling is what the voice says instead of the word: it must be speakable too."""
    path = tmp_path / "lexicon.yaml"
    error = load_error(load_lexicon, path, "words:\n  retro: reh-tro\n  tibialis: '...'\n")
    assert "cannot be spoken" in _where(error, path, 3, "words.tibialis")


@pytest.mark.parametrize(("old", "new", "key"), [
    ('focus: "This week the backward turns are longer, at the same easy pace."',
     'focus: "..."', "weeks[1].focus"),
    ('      - "Steady beat, smooth roll."', '      - "\\u200b"', "weeks[3].cues[0]"),
    ("# client:\n#   name: Maria", "client:\n  name: \"\U0001f600\"", "client.name"),
    ("# client:\n#   name: Maria", f"client:\n  name: {'x' * 61}", "client.name"),
])
def test_unspeakable_program_text(tmp_path: Path, old: str, new: str, key: str) -> None:
    """A week's focus and cues, and the client's name, are spoken: checked the same way."""
    path = tmp_path / "program.yaml"
    broken = edit(PROGRAM.read_text(encoding="utf-8"), old, new)
    error = load_error(load_program, path, broken)
    _where(error, path, line_of(broken, new.splitlines()[-1]), key)


@pytest.mark.parametrize("name", ["x" * 61, "Ma\udcffria", "😀", "...", "Sam\nBob", "\x00"])
def test_client_name_from_the_command_line(exercise: Any, name: str) -> None:
    """--client is checked like a file's client name: too long, not UTF-8 (surrogate escapes
    from argv), or nothing a voice can say is an input error, before any work."""
    with pytest.raises(InputError) as info:
        make_spec(exercise=exercise, client=name)
    assert "client name" in str(info.value) and "\n" not in str(info.value)


def test_client_name_kept_or_dropped(exercise: Any) -> None:
    assert make_spec(exercise=exercise, client="  Dr. Maria Lopez ").client == "Dr. Maria Lopez"
    assert make_spec(exercise=exercise, client="x" * 60).client == "x" * 60
    assert make_spec(exercise=exercise, client="   ").client is None


# --- YAML that crashed the reader -----------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "key"), [
    ("cue_interval_s: 20", "cue_interval_s: " + "9" * 5000, "levels.beginner.cue_interval_s"),
    ("title: Walking backwards", "title: " + "7" * 5000, "title"),
    ('  - "Notice how your knees are feeling right now."', "  - " + "1" * 4500, "cooldown[1]"),
    ("cue_interval_s: 20", "cue_interval_s: 0x" + "f" * 5000, "levels.beginner.cue_interval_s"),
])
def test_huge_integer(path: Path, text: str, old: str, new: str, key: str) -> None:
    """Python refuses to read an integer of thousands of digits (ValueError): a content error."""
    broken = edit(text, old, new)
    error = load_error(load_exercise, path, broken)
    message = _where(error, path, line_of(broken, new), key)
    assert "digits" in message and len(message) < 300


def test_base_60_numbers_are_text(path: Path, text: str) -> None:
    """``1:30`` is m:ss text (YAML 1.2), never 90: a number key refuses it in one line, however
    long (YAML 1.1's base 60 once made a 3,000-digit integer of it)."""
    for value in ("1:30", "1:" * 3000 + "1"):
        broken = edit(text, "cue_interval_s: 20", f"cue_interval_s: {value}")
        error = load_error(load_exercise, path, broken)
        message = _where(error, path, line_of(broken, value[:20]),
                         "levels.beginner.cue_interval_s")
        assert message.endswith("must be a number, not text") and len(message) < 300


@pytest.mark.parametrize(("value", "says"), [
    ("2024-13-45", "cannot read '2024-13-45' as a date: month must be in 1..12"),
    ("2024-01-01T25:00:00", "as a date: hour must be in 0..23"),
    ("!!bool maybe", "cannot read 'maybe' as true/false"),
    ("!!timestamp garbage", "cannot read 'garbage' as a date"),
    ("!!float abc", "cannot read 'abc' as a number"),
    ("!!int abc", "cannot read 'abc' as a whole number"),
    ("!!map [a]", "cannot read this as a mapping"),
    ("!!seq {a: 1}", "cannot read this as a list"),
])
def test_values_yaml_cannot_make(path: Path, text: str, value: str, says: str) -> None:
    """Impossible dates and mistagged values raised ValueError, KeyError, AttributeError or
    TypeError from inside PyYAML: now a content error at the value's line and key."""
    broken = edit(text, "title: Walking backwards", f"title: {value}")
    error = load_error(load_exercise, path, broken)
    assert says in _where(error, path, line_of(broken, "title:"), "title")


def test_empty_required_value_is_named_at_its_line(path: Path, text: str) -> None:
    broken = edit(text, "title: Walking backwards", "title: ~")
    error = load_error(load_exercise, path, broken)
    assert "needs a value" in _where(error, path, line_of(broken, "title: ~"), "title")


def test_large_integer_in_range_message_is_short(path: Path, text: str) -> None:
    """A number too big for its range is quoted short, and never overflows a float."""
    broken = edit(text, "cue_interval_s: 20", "cue_interval_s: " + "9" * 400)
    message = str(load_error(load_exercise, path, broken))
    assert "between 5 and 600" in message and len(message) < 300
    template = TEMPLATE.read_text(encoding="utf-8")
    broken = edit(template, "min_gap: 250", "min_gap: " + "9" * 400)
    message = str(load_error(load_template, path.with_name("session.yaml"), broken))
    assert "pauses_ms.min_gap" in message and "between 0 and 60000" in message


@pytest.mark.parametrize(("old", "new", "at", "key"), [
    ("title: Walking backwards", "title: Walking backwards\n? [a, b]\n: c", "? [a, b]", None),
    ("  roll:\n", "  ? {a: 1}\n  : [x]\n  roll:\n", "? {a: 1}", "technique"),
])
def test_complex_mapping_key(path: Path, text: str, old: str, new: str, at: str,
                             key: str | None) -> None:
    """A list or mapping as a key (unhashable: a TypeError before) is refused at its line."""
    broken = edit(text, old, new)
    error = load_error(load_exercise, path, broken)
    assert "key must be a name" in _where(error, path, line_of(broken, at), key)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_device_is_refused_not_read() -> None:
    """/dev/zero used to be read until memory ran out."""
    with pytest.raises(ContentError) as info:
        load_exercise(Path("/dev/zero"))
    assert str(info.value) == "/dev/zero: not a regular file (a device)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO would block the open for ever: refused before it is opened."""
    fifo = tmp_path / "walking-backwards.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_exercise(fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():  # unblock the reader so the run can end, then fail
        with open(fifo, "w", encoding="utf-8"):
            pass
        pytest.fail("reading a pipe hung")
    assert isinstance(outcome[0], ContentError) and "a pipe" in str(outcome[0])


def test_folder_and_oversized_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(ContentError, match="not a regular file"):
        load_exercise(folder)
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: nothing to write, and nothing must be read
    with pytest.raises(ContentError, match="at most 1,000,000"):
        load_exercise(huge)


def test_not_utf8_names_its_line(path: Path) -> None:
    path.write_bytes(b"name: walking-backwards\ntitle: caf\xe9\n")
    error = pytest.raises(ContentError, load_exercise, path).value
    assert "UTF-8" in _where(error, path, 2, None)


def test_nul_byte_file_is_one_line(path: Path) -> None:
    """PyYAML's reader error spans two lines; the message is one, at the right line."""
    path.write_bytes(b"name: walking-backwards\ntitle: a\x00b\n")
    error = pytest.raises(ContentError, load_exercise, path).value
    assert "'\\x00' is not allowed" in _where(error, path, 2, None)


def test_deep_nesting(path: Path) -> None:
    path.write_text("name: " + "[" * 990 + "]" * 990 + "\n", encoding="utf-8")
    error = pytest.raises(ContentError, load_exercise, path).value
    assert str(error).startswith(f"{path}")


# --- messages -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "kind"), [
    ("2024-05-01", "a date (put it in quotes)"),
    ("2024-05-01 10:30:00", "a date and time (put it in quotes)"),
    ("!!binary aGVsbG8=", "binary data"),
    ("!!set {a, b}", "a set"),
])
def test_text_key_names_what_it_got(path: Path, text: str, value: str, kind: str) -> None:
    """Not "must be text, not text": the message says what YAML made of the value."""
    broken = edit(text, "title: Walking backwards", f"title: {value}")
    error = load_error(load_exercise, path, broken)
    assert _where(error, path, line_of(broken, "title:"), "title").endswith(
        f"must be text, not {kind}")


@pytest.mark.parametrize(("name", "kind"), [("1", "a number"), ("yes", "true/false")])
def test_group_name_must_be_text(path: Path, text: str, name: str, kind: str) -> None:
    """``1:`` and ``yes:`` are not text in YAML: said at that key, not "missing 'technique.1'"."""
    broken = edit(text, "  roll:\n", f"  {name}:\n")
    error = load_error(load_exercise, path, broken)
    message = _where(error, path, line_of(broken, f"  {name}:"), f"technique.{name}")
    assert f"must be text, not {kind} (put it in quotes)" in message
    assert "missing" not in message


def test_lexicon_word_must_be_text(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    error = load_error(load_lexicon, path, "words:\n  retro: reh-tro\n  2: two\n")
    assert "must be text, not a number" in _where(error, path, 3, "words.2")


MERGED = """levels:
  beginner: &base
    cue_interval_s: 20
    speed_mph: 0.5
    incline_percent: 0
"""


def _with_merge(text: str, intermediate: str) -> str:
    text = edit(text, MERGED.replace(" &base", ""), MERGED)
    return edit(text, "  intermediate:\n    cue_interval_s: 30\n    speed_mph: 1.0\n"
                      "    incline_percent: 0\n", intermediate)


def test_merge_keys_are_supported(path: Path, text: str) -> None:
    """``<<: *base`` is standard YAML: merged keys apply, the mapping's own keys win."""
    path.write_text(_with_merge(text, "  intermediate:\n    <<: *base\n    cue_interval_s: 30\n"
                                      "    speed_mph: 1.0\n"), encoding="utf-8")
    level = load_exercise(path).levels["intermediate"]
    assert (level.cue_interval_s, level.speed_mph, level.incline_percent) == (30, 1.0, 0)
    assert level.intro[0].startswith("Your step is smoother now")  # its own, not the base's


def test_merged_key_errors_point_at_their_own_line(path: Path, text: str) -> None:
    broken = _with_merge(text, "  intermediate:\n    <<: [*base]\n    cue_interval_s: 30\n"
                               "    speed_mph: 1.0\n")
    broken = edit(broken, "    speed_mph: 0.5\n", "    speed_mph: 0.5\n    unknown_key: 1\n")
    error = load_error(load_exercise, path, broken)
    _where(error, path, line_of(broken, "unknown_key"), "levels.beginner.unknown_key")


@pytest.mark.parametrize(("merge", "message"), [
    ("<<: *base\n    cue_interval_s: 30\n    cue_interval_s: 31\n", "duplicate key"),
    ("<<: 5\n    cue_interval_s: 30\n", "merge key"),
])
def test_merge_key_faults(path: Path, text: str, merge: str, message: str) -> None:
    broken = _with_merge(text, f"  intermediate:\n    {merge}    speed_mph: 1.0\n")
    error = load_error(load_exercise, path, broken)
    assert message in str(error) and "levels.intermediate" in str(error)


def test_special_names_are_ordinary_keys(path: Path, text: str) -> None:
    """The reader's own bookkeeping cannot be reached from the file."""
    broken = edit(text, "title: Walking backwards", "title: Walking backwards\n__lines__: 1")
    error = load_error(load_exercise, path, broken)
    assert "unknown key" in _where(error, path, line_of(broken, "__lines__"), "__lines__")


@pytest.mark.parametrize("error", [
    ContentError("not valid YAML: bad\n  in \"<unicode string>\", position 1",
                 path="a\nb.yaml", line=3, key="k\r\ney"),
    InputError("two\nlines\x1b[31m red"),
    WalkcoachError("line\u2028separator\x00"),
])
def test_every_error_is_one_line(error: WalkcoachError) -> None:
    """Whatever text an error carries, it prints as one line without control characters."""
    message = str(error)
    assert message.isprintable(), repr(message)
    assert len(message.splitlines()) == 1


def _in_time(call: Any, seconds: float = 30) -> Any:
    """``call()``'s result, or a test failure if it runs longer than ``seconds``."""
    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return outcome[0]


def _outcome(call: Any) -> Any:
    try:
        return call()
    except BaseException as exc:  # noqa: BLE001 - handed back to the test
        return exc


def test_a_merge_key_bomb_is_refused_at_once(path: Path) -> None:
    """Eight lines of nested merges (each listing the last anchor ten times) once took
    minutes and gigabytes before any check: each mapping is merged once now."""
    lines = ["x0: &a0 {k: 1}"] + [
        f"x{n}: &a{n} {{<<: [{', '.join([f'*a{n - 1}'] * 10)}]}}" for n in range(1, 9)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _in_time(lambda: load_exercise(path))
    assert isinstance(error, ContentError) and "x0: unknown key" in str(error)
    lines = [f"y0_{j}: &b0_{j} {{k{j}: 1}}" for j in range(10)] + [
        f"y{n}_{j}: &b{n}_{j} {{<<: [{', '.join(f'*b{n - 1}_{i}' for i in range(10))}]}}"
        for n in range(1, 7) for j in range(10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _in_time(lambda: load_exercise(path))
    assert isinstance(error, ContentError) and "more than 1000 keys" in str(error)


# --- a program week's parts -------------------------------------------------------------------

PARTS = """program: "Parts"
coach: "Ana"
exercise: walking-backwards
weeks:
  - week: 1
    level: beginner
    setting: floor
    focus: "Parts."
"""


@pytest.mark.parametrize(("week", "at", "key", "says"), [
    ("    blocks:\n      - {time: " + "9" * 900 + "}\n", "{time: 9", "weeks[0].blocks[0].time",
     "a time is m:ss or seconds (1:30 or 90), not '99999"),
    ("    warmup: " + "9" * 900 + "\n    minutes: 5\n", "warmup:", "weeks[0].warmup",
     "a length is minutes or m:ss (2 or 1:30), not '99999"),
    ("    blocks:\n      - rounds: .inf\n        blocks: [{time: 30}]\n", "rounds:",
     "weeks[0].blocks[0].rounds", "must be a whole number, not inf"),
    ("    blocks:\n      - {time: .nan}\n", "{time: .nan}", "weeks[0].blocks[0].time",
     "a time is m:ss or seconds (1:30 or 90), not 'nan'"),
    ("    intervals: 99999x1:00/1:00\n", "intervals:", "weeks[0].intervals",
     "intervals are written ROUNDSxWORK/RECOVERY"),
    ("    intervals: [6, 1]\n", "intervals:", "weeks[0].intervals", "must be text, not a list"),
    ("    blocks: {time: 30}\n", "blocks:", "weeks[0].blocks", "must be a non-empty list"),
    ("    blocks:\n      - {time: 30, cues: ['...']}\n", "cues:",
     "weeks[0].blocks[0].cues[0]", "cannot be spoken"),
])
def test_hostile_parts_are_refused_in_one_short_line(tmp_path: Path, week: str, at: str,
                                                     key: str, says: str) -> None:
    """A number of 900 digits, infinity, not-a-number, a list for the shorthand, a line of
    dots as a part's cue: a short message at the value's line and key, never a traceback."""
    path = tmp_path / "parts.yaml"
    text = PARTS + week
    error = load_error(load_program, path, text)
    message = _where(error, path, line_of(text, at), key)
    assert says in message and len(message) < 300, message


def test_a_repeat_of_many_parts_is_refused_before_it_is_spelt_out(tmp_path: Path) -> None:
    """50 rounds of 1,000 parts would be 50,000 parts: refused at the repeat, at once."""
    path = tmp_path / "parts.yaml"
    text = PARTS + "    blocks:\n      - rounds: 50\n        blocks:\n" + \
        "          - {time: 10}\n" * 150
    error = _in_time(lambda: load_error(load_program, path, text), 10)
    assert "a session has at most 200" in _where(error, path, line_of(text, "rounds: 50"),
                                                 "weeks[0].blocks[0].rounds")
