"""The library's messages in the coach's words: what a page shows next to a field names the
field as the form names it, and never an option (``--warmup``), a YAML key, a file path or
a line number. Those stay for the command line and for a file edited as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from walkcoach.errors import ContentError, WalkcoachError

__all__ = ["LABELS", "in_words", "said", "said_all"]

LABELS = {"exercise": "Exercise", "client": "Client", "level": "Level",
          "level_rule": "What the level means", "setting": "Setting",
          "minutes": "Minutes", "intervals": "Intervals", "warmup": "Warm-up",
          "cooldown": "Cool-down", "recovery": "Between rounds", "voice": "Voice",
          "rate": "Rate", "intro": "Intro", "chimes": "Chimes",
          "cadence": "Step metronome", "music": "Music", "seed": "Order of the tips",
          "name": "Name", "spoken_notes": "Spoken notes", "notes": "Notes for you only",
          "coach": "Your name", "base_url": "Where you will publish it",
          "file": "Music file", "cover": "Your own cover", "add": "Words", "program": "Program"}
"""Each field's label, as the forms show it."""
_OPTIONS = {"--exercise": "exercise", "--minutes": "minutes", "--intervals": "intervals",
            "--warmup": "warmup", "--cooldown": "cooldown", "--recovery": "recovery",
            "--level": "level", "--setting": "setting", "--voice": "voice", "--rate": "rate",
            "--intro": "intro", "--cadence": "cadence", "--music": "music",
            "--client": "client", "--seed": "seed", "--coach": "coach",
            "--base-url": "base_url", "--chimes": "chimes", "--no-chimes": "chimes"}
_QUOTED = re.compile(r"('[^']*')")
_OPTION = re.compile(r"--[a-z][a-z-]*")
_LEAD_OPTION = re.compile(r"^(--[a-z][a-z-]*):\s*")
_PATH = re.compile(r"(?<![\w:.])(?:[A-Za-z]:)?(?:[/\\][^\s/\\:'\"]+)+(?::\d+)?")
_FILE = re.compile(r"\b[\w-]+\.ya?ml\b(?::\d+)?")
_NUMBERED = re.compile(r"(lines|weeks)\[(\d+)\]")
_NUMBERED_AS = {"lines": "Line", "weeks": "Week"}
_KEY_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\[\d+\])?(?:\.[\w-]+(?:\[\d+\])?)*:\s*")


def in_words(message: str) -> str:
    """A library message with its options said as the form's labels and its file paths
    and line numbers left out."""
    message = _LEAD_OPTION.sub("", message)
    # What the coach typed, quoted ('...'), is said as typed; the rest in their words.
    parts = _QUOTED.split(message)
    for index in range(0, len(parts), 2):
        part = _OPTION.sub(lambda found: _label_of_option(found[0]), parts[index])
        part = _FILE.sub("the file", _PATH.sub("the file", part))
        parts[index] = part.replace("the file: ", "")
    return "".join(parts).strip() or "This could not be done."


def _label_of_option(option: str) -> str:
    field = _OPTIONS.get(option)
    return f"“{LABELS[field]}”" if field else "this choice"


def said(error: WalkcoachError | str, field: str = "form") -> str:
    """What a page says of ``error`` next to ``field``: in the coach's words, and naming
    the field's label (a message that does not yet name it starts with it)."""
    if isinstance(error, ContentError):
        text = in_words(_KEY_PATH.sub("", error.message))
        found = _NUMBERED.match(error.key or "")
        if found:  # the script's line, the program's week, counted from 1 as shown
            text = f"{_NUMBERED_AS[found[1]]} {int(found[2]) + 1}: {text}"
    else:
        text = in_words(str(error))
    label = LABELS.get(field)
    if label and label.lower() not in text.lower():
        text = f"{label}: {text}"
    return text


def said_all(problems: Mapping[str, str]) -> dict[str, str]:
    """A form's problems, by field, each :func:`said` next to its field."""
    return {field: said(message, field) for field, message in problems.items()}
