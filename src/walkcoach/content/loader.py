"""The YAML loader of content files: safe, and keeping the line of every key and list item.

Mappings come back as dicts that also hold their key lines (under :data:`LINES`, a key no
file can write), list items as :class:`Item` with their line. A value the loader cannot make
raises :class:`Problem`, whose key path grows on the way out, so the reader can say where.
Standard merge keys (``<<: *base``) are resolved as PyYAML's SafeLoader resolves them.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import yaml

from walkcoach.errors import excerpt

if TYPE_CHECKING or not yaml.__with_libyaml__:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = yaml.CSafeLoader  # libyaml: ten times faster, same nodes and marks

_MERGE = "tag:yaml.org,2002:merge"
# Where a mapping keeps its lines, and how its keys that are not text were written: never
# keys of the file itself.
LINES, LINE, SPELLED = object(), object(), object()


class LineLoader(_SafeLoader):
    """A safe loader that records the line (1-based) of every mapping key and list item."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.merged: dict[int, tuple[list[Any], list[Any]]] = {}  # see _merged_pairs

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value of the file; one YAML cannot make (``2024-13-45``, ``!!bool maybe``) is a
        fault at its line, not the ValueError or KeyError PyYAML's constructors raise."""
        try:
            return super().construct_object(node, deep=deep)
        except (Problem, yaml.YAMLError):
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            tag = str(node.tag).rsplit(":", 1)[-1]
            wanted = _TAGS.get(tag, f"!!{tag}")
            what = excerpt(str(node.value)) if isinstance(node, yaml.ScalarNode) else "this"
            detail = f": {exc}" if isinstance(exc, ValueError) else ""
            raise Problem(f"cannot read {what} as {wanted}{detail} (put text in quotes)",
                          _line(node)) from None


_TAGS = {"int": "a whole number", "float": "a number", "bool": "true/false",
         "timestamp": "a date", "map": "a mapping", "seq": "a list", "binary": "binary data"}


class Problem(Exception):  # noqa: N818 - turned into a ContentError by the reader
    """A fault found while the YAML is turned into values; the key path grows on the way out."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path: list[Any] = []  # keys (mappings) and int indexes (lists), outermost first


def key_path(path: list[Any]) -> str | None:
    """A problem's key path as the messages write it: ``levels.beginner.intro[2]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) and not isinstance(part, bool) else (
            f".{part}" if text else str(part))
    return text or None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


MAX_MERGED = 1000
"""The most keys one mapping may take from merge keys: real files merge a handful, and a few
lines of nested merges could otherwise ask for billions."""


def _merged_pairs(node: yaml.MappingNode, memo: dict[int, tuple[list[Any], list[Any]]]
                  ) -> tuple[list[Any], list[Any]]:
    """(merged pairs, own pairs) of a mapping: ``<<: *base`` keys resolved as SafeLoader's
    flatten_mapping does (the first mapping listed wins), without changing the node, and
    keeping every merged key's own line. Each mapping is resolved once (``memo``), a source
    listed twice counts once, and more than MAX_MERGED merged keys are refused."""
    if id(node) in memo:
        return memo[id(node)]
    merged: list[Any] = []
    own: list[Any] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            own.append((key_node, value_node))
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in reversed(list({id(source): source for source in sources}.values())):
            if not isinstance(source, yaml.MappingNode):
                raise Problem("a merge key ('<<') takes a mapping or a list of mappings",
                              _line(key_node))
            inner_merged, inner_own = _merged_pairs(source, memo)
            merged.extend(inner_merged + inner_own)
            if len(merged) > MAX_MERGED:
                raise Problem(f"merge keys ('<<') bring in more than {MAX_MERGED} keys",
                              _line(key_node))
    memo[id(node)] = merged, own
    return merged, own


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    merged, own = _merged_pairs(node, loader.merged)
    pairs: dict[Any, Any] = {}
    lines: dict[Any, int] = {}
    own_keys: set[Any] = set()
    spelled: dict[Any, str] = {}
    for index, (key_node, value_node) in enumerate([*merged, *own]):
        line = _line(key_node)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise Problem(f"a key must be a name, not {kind(key)}", line) from None
        if index >= len(merged):  # a key of this mapping may replace a merged one, not its own
            if key in own_keys:
                problem = Problem(f"duplicate key {excerpt(str(key))}", line)
                problem.path.insert(0, key)
                raise problem
            own_keys.add(key)
        try:
            pairs[key] = loader.construct_object(value_node, deep=True)
        except Problem as problem:
            problem.path.insert(0, key)
            raise
        lines[key] = line
        if not isinstance(key, str) and isinstance(key_node, yaml.ScalarNode):
            spelled[key] = str(key_node.value)  # "yes", not True; "1.0", not 1.0
    pairs[LINES] = lines
    pairs[SPELLED] = spelled
    pairs[LINE] = _line(node)
    return pairs


def _construct_sequence(loader: LineLoader, node: yaml.SequenceNode) -> list[Any]:
    items = []
    for index, child in enumerate(node.value):
        try:
            items.append(Item(loader.construct_object(child, deep=True), _line(child)))
        except Problem as problem:
            problem.path.insert(0, index)
            raise
    return items


_MAX_BITS = 3400  # about 1,000 decimal digits: far more than any count, and printable


def _construct_int(loader: LineLoader, node: yaml.ScalarNode) -> int | str:
    # ``1:30`` is text, as YAML 1.2 reads it: YAML 1.1 (PyYAML) reads it as 90 in base 60, and
    # a coach's warm-up of 1:30 is a minute and a half, never 90 minutes. The readers of
    # lengths take m:ss text (walkcoach.plan.blocks); anywhere else it is refused as text.
    if ":" in str(node.value):
        return str(node.value)
    # Python refuses to read or print integers of thousands of digits (ValueError), and hex
    # and binary forms can make one from a short-looking value.
    digits = sum(char.isalnum() for char in str(node.value))
    too_long = Problem(f"a number of {digits} digits is too long to read", _line(node))
    try:
        value = int(loader.construct_yaml_int(node))
    except ValueError:
        if digits > 1000:
            raise too_long from None
        raise
    if value.bit_length() > _MAX_BITS:
        raise too_long
    return value


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
def _construct_float(loader: LineLoader, node: yaml.ScalarNode) -> float | str:
    # ``1:30.5`` is text too (see _construct_int), never YAML 1.1's base-60 90.5.
    if ":" in str(node.value):
        return str(node.value)
    return float(loader.construct_yaml_float(node))


LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


class Item:
    """A list item with its line, unwrapped by :class:`Node`."""

    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int) -> None:
        self.value = value
        self.line = line


def kind(value: Any) -> str:
    """What a YAML value is, as a coach would say it (for "must be X, not Y")."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (dict, "a mapping"), (list, "a list"), (bool, "true/false"),
        ((int, float), "a number"), (datetime.datetime, "a date and time (put it in quotes)"),
        (datetime.date, "a date (put it in quotes)"), (bytes, "binary data"),
        ((set, frozenset), "a set"), (type(None), "empty"), (str, "text"),
    )
    return next((name for cls, name in kinds if isinstance(value, cls)), type(value).__name__)
