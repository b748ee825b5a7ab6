"""YAML parsed into plain values that remember their line: the base of every content reader.

Only the content package touches PyYAML. Mappings come back as :class:`Node` objects that
know the file, the line of every key, and the dotted key path, so a validation error can say
exactly where the coach has to look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from walkcoach.content.files import read_text
from walkcoach.content.loader import LINE, LINES, SPELLED, Item, LineLoader, Problem, key_path, kind
from walkcoach.content.problems import Problems
from walkcoach.errors import ContentError, excerpt
from walkcoach.plan.model import Source
from walkcoach.text import speakable, xml_problem


def load_yaml(path: Path) -> Node:
    """Read a YAML file whose top level is a mapping; errors name the file and line."""
    text = read_text(path)
    try:
        data = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except Problem as exc:
        raise ContentError(exc.message, path=path, line=exc.line,
                           key=key_path(exc.path)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        at = text[: exc.position].count("\n") + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        raise ContentError(f"not valid YAML: the character {excerpt(char)} is not allowed",
                           path=path, line=at) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ContentError(f"not valid YAML: {exc.problem or exc.context}", path=path,
                           line=line) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"not valid YAML: {exc}", path=path) from None
    except RecursionError:
        raise ContentError("not valid content: nested too deeply", path=path) from None
    if not isinstance(data, dict):
        raise ContentError("the file must hold a mapping of keys at the top level", path=path,
                           line=1)
    return Node(data, path=path, key="")


class Node:
    """A YAML mapping with typed accessors; every error names file, line and key."""

    def __init__(self, data: dict[Any, Any], *, path: Path, key: str) -> None:
        self._lines: dict[Any, int] = data.get(LINES, {})
        self.line: int = data.get(LINE, 1)
        self._spelled: dict[Any, str] = data.get(SPELLED, {})
        self._data = {k: v for k, v in data.items()
                      if k is not LINES and k is not LINE and k is not SPELLED}
        self.path = path
        self.key = key

    # where things are -------------------------------------------------------------------
    def _full(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key

    def source_of(self, key: str) -> Source:
        """Where ``key`` of this mapping is (or would be) written."""
        return Source(path=self.path, line=self.line_of(key), key=self._full(key))

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of this mapping when the key is absent."""
        return self._lines.get(key, self.line)

    def error(self, key: str | None, message: str, line: int | None = None) -> ContentError:
        """An error at ``key`` of this mapping (or at the mapping itself)."""
        if key is None:
            return ContentError(message, path=self.path, line=line or self.line,
                                key=self.key or None)
        return ContentError(message, path=self.path, line=line or self.line_of(key),
                            key=self._full(key))

    def item_line(self, key: str, index: int) -> int:
        """The line of item ``index`` of the list at ``key`` (or of the key itself)."""
        raw = self._data.get(key)
        item = raw[index] if isinstance(raw, list) and 0 <= index < len(raw) else None
        return item.line if isinstance(item, Item) else self.line_of(key)

    def keys(self) -> Iterator[str]:
        """The keys present, in file order."""
        return iter(self._data)

    def names(self) -> tuple[str, ...]:
        """The keys of a mapping whose keys the coach names (cue groups, lexicon words).

        Each must be text: YAML reads ``1:`` as a number and ``yes:`` as true/false, and a
        name that is not what it looks like would only be missed later, under another name.
        """
        problems = Problems()
        for key in self._data:
            if not isinstance(key, str):
                problems.add(ContentError(
                    f"a name here must be text, not {kind(key)} (put it in quotes)",
                    path=self.path, line=self._lines.get(key, self.line),
                    key=self._full(self._spelling(key))))
        problems.raise_any()
        return tuple(self._data)

    def _spelling(self, key: Any) -> str:
        """A key as the file spells it (YAML reads ``yes`` as true and ``~`` as nothing)."""
        return self._spelled.get(key, str(key))

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def only(self, *allowed: str) -> None:
        """Reject any key not in ``allowed``: a typo must not be silently ignored. Every
        unknown key is reported, together."""
        problems = Problems()
        for key in self._data:
            if key not in allowed:
                choices = ", ".join(allowed)
                problems.add(ContentError(f"unknown key (expected one of: {choices})",
                                          path=self.path, line=self._lines.get(key, self.line),
                                          key=self._full(self._spelling(key))))
        problems.raise_any()

    # typed reads --------------------------------------------------------------------------
    def _get(self, key: str, required: bool) -> Any:
        if key not in self._data:
            if required:
                raise self.error(None, f"missing required key '{self._full(key)}'")
            return None
        if self._data[key] is None:  # "key:" or "key: ~", at its own line
            if required:
                raise self.error(key, "needs a value (it is empty)")
            return None
        return self._data[key]

    def text(self, key: str, *, required: bool = True, spoken: bool = False) -> str | None:
        """A non-empty string; with ``spoken``, one every voice can say (see ``speakable``)."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"must be text, not {kind(value)}")
        value = str(value).strip()
        if not value:
            raise self.error(key, "must not be empty")
        if spoken and (problem := speakable(value)):
            raise self.error(key, f"cannot be spoken: {problem}")
        if problem := xml_problem(value):  # any text may reach the feed or the page
            raise self.error(key, problem)
        return value

    def number(self, key: str, *, low: float, high: float, required: bool = True,
               integer: bool = False) -> float | None:
        """A number within [low, high]."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number, not {kind(value)}")
        if integer and isinstance(value, float) and not value.is_integer():
            raise self.error(key, f"must be a whole number, not {_shown(value)}")
        if not low <= value <= high:
            raise self.error(key, f"must be between {_num(low)} and {_num(high)}, "
                                  f"not {_shown(value)}")
        return float(value)

    def flag(self, key: str, *, required: bool = True) -> bool | None:
        """true or false (YAML also reads yes/no and on/off so)."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, not {excerpt(str(value))}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        """One of ``choices``."""
        value = self.text(key, required=required)
        if value is not None and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not {excerpt(value)}")
        return value

    def texts(self, key: str, *, required: bool = True, spoken: bool = False) -> tuple[str, ...]:
        """A list of non-empty strings (a single string counts as a list of one); with
        ``spoken``, each one a line every voice can say (see ``speakable``). Every line that
        is not is reported, together."""
        raw = self._get(key, required)
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [Item(raw, self.line_of(key))]
        if not isinstance(raw, list):
            raise self.error(key, f"must be a list of lines, not {kind(_unwrap(raw))}")
        if required and not raw:
            raise self.error(key, "must not be an empty list")
        out = []
        problems = Problems()
        for index, item in enumerate(raw):
            value = _unwrap(item)
            line = item.line if isinstance(item, Item) else None
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) \
                    or not str(value).strip():
                problems.add(self.error(f"{key}[{index}]", "must be a non-empty line of text",
                                        line=line))
                continue
            text = str(value).strip()
            problem = speakable(text) if spoken else None
            if problem:
                problems.add(self.error(f"{key}[{index}]", f"cannot be spoken: {problem}",
                                        line=line))
            elif problem := xml_problem(text):
                problems.add(self.error(f"{key}[{index}]", problem, line=line))
            out.append(text)
        problems.raise_any()
        return tuple(out)

    def mapping(self, key: str, *, required: bool = True) -> Node | None:
        """A nested mapping."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"must be a mapping of keys, not {kind(value)}")
        return Node(value, path=self.path, key=self._full(key))

    def mappings(self, key: str, *, required: bool = True) -> tuple[Node, ...]:
        """A list of mappings (e.g. the weeks of a program)."""
        raw = self._get(key, required)
        if raw is None:
            return ()
        if not isinstance(raw, list) or (required and not raw):
            raise self.error(key, "must be a non-empty list")
        out = []
        for index, item in enumerate(raw):
            value = _unwrap(item)
            if not isinstance(value, dict):
                raise self.error(f"{key}[{index}]", f"must be a mapping, not {kind(value)}",
                                 line=item.line if isinstance(item, Item) else None)
            out.append(Node(value, path=self.path, key=f"{self._full(key)}[{index}]"))
        return tuple(out)


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, Item) else value


def _shown(value: float) -> str:
    """A number as a message quotes it: a number of a thousand digits is cut short."""
    text = str(value)
    return text if len(text) <= 20 else text[:17] + "..."


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
