"""The errors walkcoach raises, and how the command line reports them.

The tree::

    WalkcoachError            anything walkcoach reports; exit status 1
    ├── InputError            bad input from the user; exit status 2
    │   ├── ContentError      a YAML file is wrong: names the file, line and key
    │   ├── UnknownName       a level or setting the exercise does not name; lists its own
    │   └── VoiceNotFound     an unknown voice id; lists the valid ones
    └── RuntimeFailure        the machine failed us; exit status 1
        ├── EngineError       a voice engine could not speak a phrase
        └── ExportError       an encoder (LAME, ffmpeg) or a file write failed

Every error's ``str()`` is one line, fit to print as it is: the base class makes it so.
"""

from __future__ import annotations

import re
from pathlib import Path

# Line breaks of every kind, with the spaces around them.
_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """``text`` as one printable line: line breaks become spaces, a tab a space, and any other
    character that does not print (controls, zero-width and direction marks) an escape.

    A message can carry text from outside (a parser's report, a file name, a key): this keeps
    it from spilling over lines or sending control characters to a terminal.
    """
    if text.isprintable():
        return text
    text = _BREAKS.sub(" ", text)
    return "".join(char if char.isprintable() else " " if char == "\t" else repr(char)[1:-1]
                   for char in text)


class WalkcoachError(Exception):
    """Base of every error walkcoach raises on purpose."""

    exit_code = 1

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(WalkcoachError):
    """The user asked for something that cannot be done (exit status 2)."""

    exit_code = 2


class ContentError(InputError):
    """A content file (exercise, template, program, lexicon) is invalid."""

    def __init__(
        self, message: str, *, path: Path | str | None = None, line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.key = key
        self.message = message
        where = ""
        if self.path is not None:
            where = str(self.path)
            if line is not None:
                where += f":{line}"
        if key:
            where = f"{where}: {key}" if where else key
        super().__init__(f"{where}: {message}" if where else message)


class UnknownName(InputError):  # noqa: N818 - reads as the condition it reports
    """A level or a setting the exercise does not name; the message lists those it does."""

    def __init__(self, message: str, *, what: str) -> None:
        self.what = what  # "level" or "setting": the choice (and the option) it is about
        super().__init__(message)


class VoiceNotFound(InputError):  # noqa: N818 - reads as the condition it reports
    """The requested voice does not exist."""


class RuntimeFailure(WalkcoachError):  # noqa: N818 - the counterpart of InputError
    """Something outside the user's input failed (exit status 1)."""

    exit_code = 1


class EngineError(RuntimeFailure):
    """A voice engine failed to synthesize speech."""


class ExportError(RuntimeFailure):
    """Encoding or writing an output file failed."""


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` quoted for a one-line message: control characters escaped, long text cut.

    A message names a phrase by its start: a 5,000-character line is quoted as its first
    words and an ellipsis, never whole, and never across lines.
    """
    flat = repr(text)[1:-1]  # escapes newlines, NULs and other control characters
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f"'{flat}'"
