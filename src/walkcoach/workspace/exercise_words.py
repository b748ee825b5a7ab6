"""An exercise's words as lists of lines, for a coach who never opens its file: each part
(why it helps, safety, getting ready, the first step, the technique tips of every group, by
level and by setting, the cool-down) a list to add to, take from and reorder, saved back into
the coach's own file with every other line and comment kept where the writer can.

A save is checked by the real loader before it is kept: a text that would not load is
refused, each problem said next to its line (or its part), and the file stays as it was.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkcoach.content.problems import problems_of
from walkcoach.encode.export import write_text
from walkcoach.errors import ContentError, InputError
from walkcoach.workspace.folders import Workspace, changing, read_versioned
from walkcoach.workspace.keeping import DROP, change_keys, read_mapping
from walkcoach.workspace.words import said

__all__ = ["MAX_LINES", "Part", "WordsError", "edited", "parts_of", "read_words",
           "save_words"]

MAX_LINES = 200
"""The most lines one part takes (a list editor, not a book)."""
_LISTS = (("purpose", "Why it helps"), ("safety", "Safety"), ("setup", "Getting ready"))
_IN_SETTING = (("safety", "Safety"), ("setup", "Getting ready"))
_PROBLEM_KEY = re.compile(r"^(?P<path>[\w.-]+?)(?:\[(?P<index>\d+)\])?$")


@dataclass(frozen=True, kw_only=True)
class Part:
    """One part of an exercise's words: where it is in the file, its heading, its lines."""

    path: tuple[str, ...]
    label: str
    lines: tuple[str, ...]
    single: bool = False  # one line at most (the first step)


class WordsError(InputError):
    """A save refused: each problem by part (its index) and line (its index, or None for
    the part as a whole); ``form`` for one that is about neither."""

    def __init__(self, *, lines: Mapping[tuple[int, int | None], str] | None = None,
                 form: str = "") -> None:
        self.lines = dict(lines or {})
        self.form = form
        super().__init__(form or "the words have problems: see each line")


def parts_of(data: Mapping[str, Any]) -> tuple[Part, ...]:
    """The parts of an exercise's plain data (its file read as YAML), in the order a
    session says them."""
    parts = [Part(path=(key,), label=label, lines=_lines(data.get(key)))
             for key, label in _LISTS]
    parts.append(Part(path=("start",), label="The first step", lines=_lines(data.get("start")),
                      single=True))
    parts += _tips(data.get("technique"), (), "Technique tips")
    levels = data.get("levels")
    for level, spec in (levels.items() if isinstance(levels, dict) else ()):
        if isinstance(spec, dict):
            parts += _tips(spec.get("technique"), ("levels", str(level)),
                           f"Technique tips at the {level} level")
    settings = data.get("settings")
    for setting, spec in (settings.items() if isinstance(settings, dict) else ()):
        if not isinstance(spec, dict):
            continue
        for key, label in _IN_SETTING:
            if key in spec:
                parts.append(Part(path=("settings", str(setting), key),
                                  label=f"{label} ({setting} only)", lines=_lines(spec[key])))
        parts += _tips(spec.get("technique"), ("settings", str(setting)),
                       f"Technique tips ({setting} only)")
        if "cooldown" in spec:
            parts.append(Part(path=("settings", str(setting), "cooldown"),
                              label=f"Cool-down ({setting} only)",
                              lines=_lines(spec["cooldown"])))
    parts.append(Part(path=("cooldown",), label="Cool-down", lines=_lines(data.get("cooldown"))))
    return tuple(parts)


def _tips(groups: Any, above: tuple[str, ...], label: str) -> list[Part]:
    if not isinstance(groups, dict):
        return []
    return [Part(path=(*above, "technique", str(name)), label=f"{label}: {name}",
                 lines=_lines(lines)) for name, lines in groups.items()]


def _lines(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple("" if item is None else str(item) for item in value)
    return (str(value),)


def read_words(space: Workspace, name: str) -> tuple[tuple[Part, ...], str]:
    """The parts of the coach's own exercise ``name`` and the version of the file they were
    read from. InputError when it is not one of the coach's or its file is not a mapping
    (then it is changed as a file)."""
    text, version = read_versioned(space.existing("exercises", name))
    data = read_mapping(text)
    if data is None:
        raise InputError("this exercise's file is written in a way the list of lines cannot "
                         "show: change it as a file")
    return parts_of(data), version


def edited(parts: Sequence[Part], sent: Mapping[int, Sequence[str]],
           action: str = "") -> tuple[Part, ...]:
    """``parts`` with the lines the page sent (by part index) and ``action`` done: ``add:P``
    (an empty line at the end of part P), ``remove:P:L``, ``up:P:L`` or ``down:P:L``. An
    action that names no line changes nothing."""
    lines = [list(sent.get(index, part.lines))[:MAX_LINES] for index, part in enumerate(parts)]
    verb, _, where = action.partition(":")
    numbers = [int(n) for n in where.split(":") if n.isdigit()] if where else []
    if numbers and numbers[0] < len(lines):
        own = lines[numbers[0]]
        at = numbers[1] if len(numbers) > 1 else -1
        single = parts[numbers[0]].single
        if verb == "add" and len(own) < (1 if single else MAX_LINES):
            own.append("")
        elif 0 <= at < len(own):
            if verb == "remove":
                del own[at]
            elif verb == "up" and at > 0:
                own[at - 1], own[at] = own[at], own[at - 1]
            elif verb == "down" and at + 1 < len(own):
                own[at + 1], own[at] = own[at], own[at + 1]
    return tuple(Part(path=part.path, label=part.label, lines=tuple(own), single=part.single)
                 for part, own in zip(parts, lines, strict=True))


def save_words(space: Workspace, name: str, parts: Sequence[Part], *,
               version: str | None) -> str:
    """Write ``parts`` into the coach's exercise ``name`` (the file's comments and other
    keys kept where the writer can), if the result loads; returns the version written.
    WordsError when it would not load (nothing written); StaleFile when the file changed
    since ``version`` was read."""
    from walkcoach.content import load_exercise

    path = space.existing("exercises", name)
    with changing(path, version):
        text, _ = read_versioned(path)
        before = read_mapping(text)
        if before is None:
            raise WordsError(form="This exercise's file is written in a way the list of "
                                  "lines cannot change: change it as a file.")
        after = _with_parts(before, parts)
        changes = {key: after.get(key, DROP) for key in after.keys() | before.keys()
                   if after.get(key, DROP) != before.get(key, DROP)}
        new_text = change_keys(text, changes) if changes else text
        if new_text is None:
            raise WordsError(form="This exercise's file is written in a way the list of "
                                  "lines cannot change without losing part of it: change "
                                  "it as a file.")
        with tempfile.TemporaryDirectory(prefix="walkcoach-words-") as folder:
            trial = Path(folder) / path.name  # an exercise is named after its file
            trial.write_text(new_text, encoding="utf-8")
            try:
                load_exercise(trial)
            except ContentError as exc:
                raise _refusal(exc, parts) from None
        write_text(path, new_text)
        load_exercise(path)  # read back by the real loader, as every build will
        return read_versioned(path)[1]


def _with_parts(data: Mapping[str, Any], parts: Sequence[Part]) -> dict[str, Any]:
    """A copy of ``data`` with each part's lines at its path (an emptied optional part, or
    the first step left empty, taken out)."""
    import copy

    out: dict[str, Any] = copy.deepcopy(dict(data))
    for part in parts:
        holder = out
        for key in part.path[:-1]:
            holder = holder.setdefault(key, {})
        last = part.path[-1]
        if part.single:
            if part.lines and part.lines[0].strip():
                holder[last] = part.lines[0]
            else:
                holder.pop(last, None)
        elif part.lines or part.path[0] != "settings":
            holder[last] = list(part.lines)
        else:
            holder.pop(last, None)
    return out


def _refusal(error: ContentError, parts: Sequence[Part]) -> WordsError:
    """The loader's problems, each next to the line or part it is about."""
    where = {".".join(part.path): index for index, part in enumerate(parts)}
    lines: dict[tuple[int, int | None], str] = {}
    others = []
    for problem in problems_of(error):
        found = _PROBLEM_KEY.match(problem.key or "")
        text = said(ContentError(problem.message), "")
        if found and found["path"] in where:
            at = int(found["index"]) if found["index"] is not None else None
            if parts[where[found["path"]]].single:
                at = 0 if parts[where[found["path"]]].lines else None
            lines.setdefault((where[found["path"]], at), text)
        else:
            others.append(text)
    form = " ".join(others)
    if not lines and not form:
        form = "These words cannot be saved: change them as a file to see why."
    return WordsError(lines=lines, form=form)
