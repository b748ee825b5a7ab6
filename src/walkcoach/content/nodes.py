"""YAML parsed into plain values that remember their line: the base of every content reader.

Only the content package touches PyYAML. Mappings come back as :class:`Node` objects that
know the file, the line of every key, and the dotted key path, so a validation error can say
exactly where the coach has to look.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from walkcoach.errors import ContentError

if TYPE_CHECKING or not yaml.__with_libyaml__:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = yaml.CSafeLoader  # libyaml: ten times faster, same nodes and marks


class _LineLoader(_SafeLoader):
    """A safe loader that records the line (1-based) of every mapping key and list item."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    pairs: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in pairs:
            raise ContentError(
                f"duplicate key {key!r}", line=key_node.start_mark.line + 1, key=str(key),
            )
        pairs[key] = loader.construct_object(value_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    pairs["__lines__"] = lines
    pairs["__line__"] = node.start_mark.line + 1
    return pairs


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> list[Any]:
    items = [loader.construct_object(child, deep=True)
             for child in node.value]
    pairs = zip(items, node.value, strict=True)
    return [_Item(value, child.start_mark.line + 1) for value, child in pairs]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _Item:
    """A list item with its line, unwrapped by :class:`Node`."""

    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def load_yaml(path: Path) -> Node:
    """Read a YAML file whose top level is a mapping; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("file not found", path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read the file ({exc})", path=path) from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except ContentError as exc:
        raise ContentError(exc.message, path=path, line=exc.line, key=exc.key) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ContentError(f"not valid YAML: {exc.problem or exc.context}", path=path,
                           line=line) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"not valid YAML: {exc}", path=path) from None
    if not isinstance(data, dict):
        raise ContentError("the file must hold a mapping of keys at the top level", path=path,
                           line=1)
    return Node(data, path=path, key="")


class Node:
    """A YAML mapping with typed accessors; every error names file, line and key."""

    def __init__(self, data: dict[Any, Any], *, path: Path, key: str) -> None:
        self._lines: dict[Any, int] = data.get("__lines__", {})
        self.line: int = data.get("__line__", 1)
        self._data = {k: v for k, v in data.items() if k not in ("__lines__", "__line__")}
        self.path = path
        self.key = key

    # where things are -------------------------------------------------------------------
    def _full(self, key: str) -> str:
        return f"{self.key}.{key}" if self.key else key

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
        return item.line if isinstance(item, _Item) else self.line_of(key)

    def keys(self) -> Iterator[str]:
        """The keys present, in file order."""
        return iter(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def only(self, *allowed: str) -> None:
        """Reject any key not in ``allowed``: a typo must not be silently ignored."""
        for key in self._data:
            if key not in allowed:
                choices = ", ".join(allowed)
                raise self.error(str(key), f"unknown key (expected one of: {choices})")

    # typed reads --------------------------------------------------------------------------
    def _get(self, key: str, required: bool) -> Any:
        if key not in self._data or self._data[key] is None:
            if required:
                raise self.error(None, f"missing required key '{self._full(key)}'")
            return None
        return self._data[key]

    def text(self, key: str, *, required: bool = True) -> str | None:
        """A non-empty string."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"must be text, not {_kind(value)}")
        value = str(value).strip()
        if not value:
            raise self.error(key, "must not be empty")
        return value

    def number(self, key: str, *, low: float, high: float, required: bool = True,
               integer: bool = False) -> float | None:
        """A number within [low, high]."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number, not {_kind(value)}")
        if integer and not float(value).is_integer():
            raise self.error(key, f"must be a whole number, not {value}")
        if not low <= value <= high:
            raise self.error(key, f"must be between {_num(low)} and {_num(high)}, not {value}")
        return float(value)

    def choice(self, key: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        """One of ``choices``."""
        value = self.text(key, required=required)
        if value is not None and value not in choices:
            raise self.error(key, f"must be one of {', '.join(choices)}, not '{value}'")
        return value

    def texts(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings (a single string counts as a list of one)."""
        raw = self._get(key, required)
        if raw is None:
            return ()
        if isinstance(raw, str):
            raw = [_Item(raw, self.line_of(key))]
        if not isinstance(raw, list):
            raise self.error(key, f"must be a list of lines, not {_kind(_unwrap(raw))}")
        if required and not raw:
            raise self.error(key, "must not be an empty list")
        out = []
        for index, item in enumerate(raw):
            value = _unwrap(item)
            line = item.line if isinstance(item, _Item) else None
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) \
                    or not str(value).strip():
                raise self.error(f"{key}[{index}]", "must be a non-empty line of text",
                                 line=line)
            out.append(str(value).strip())
        return tuple(out)

    def mapping(self, key: str, *, required: bool = True) -> Node | None:
        """A nested mapping."""
        value = _unwrap(self._get(key, required))
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(key, f"must be a mapping of keys, not {_kind(value)}")
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
                raise self.error(f"{key}[{index}]", f"must be a mapping, not {_kind(value)}",
                                 line=item.line if isinstance(item, _Item) else None)
            out.append(Node(value, path=self.path, key=f"{self._full(key)}[{index}]"))
        return tuple(out)


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, _Item) else value


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
