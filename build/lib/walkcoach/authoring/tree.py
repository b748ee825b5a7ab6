"""A content file as plain JSON-like values, with the line of every key and list item.

The content loader (walkcoach.content) reads the YAML, safely and with every fault at its
line; this turns what it read into the plain dicts, lists and scalars a JSON Schema checks,
and keeps, for each path of keys and indexes, the line it was written at. A key left empty
(``speed_mph:``) is, as for the readers, no key at all: :attr:`Tree.empty` remembers it, to
say "needs a value" rather than "missing" where one is required.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from walkcoach.content.loader import LINE, LINES, SPELLED, Item
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.errors import ContentError

__all__ = ["MAX_VALUES", "JsonPath", "Tree", "read_tree"]

JsonPath = tuple[str | int, ...]
MAX_VALUES = 100_000
"""The most values a file may hold once its aliases (``*name``) are followed: a real file
holds a few hundred, and ten lines of nested aliases could otherwise hold billions."""


@dataclass
class Tree:
    """The plain values of a file, and where each one is."""

    path: Path
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[JsonPath, int] = field(default_factory=dict)
    """The line of each key (its path) and list item (its path, ending in its index)."""
    starts: dict[JsonPath, int] = field(default_factory=dict)
    """The first line of each mapping (its path): where a missing key is reported."""
    empty: set[JsonPath] = field(default_factory=set)
    """The keys written with no value."""

    def line(self, path: JsonPath) -> int:
        """The line of ``path``, or of the nearest thing above it that has one."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, self.starts.get((), 1))

    def start(self, path: JsonPath) -> int:
        """The first line of the mapping at ``path`` (where its missing keys are reported)."""
        return self.starts.get(path, self.line(path))

    def get(self, path: JsonPath) -> Any:
        """The value at ``path``, or None where there is none."""
        value: Any = self.data
        for part in path:
            if isinstance(value, dict) and isinstance(part, str):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value


def read_tree(path: Path) -> Tree:
    """The file at ``path`` read by the content loader, as a :class:`Tree`.

    Raises ContentError for what the loader refuses (a file that is not there or not a file,
    not UTF-8, not YAML, a duplicate key, a merge bomb, a top level that is no mapping), and
    for a file whose aliases expand to more than MAX_VALUES values.
    """
    node = load_yaml(path)
    tree = Tree(path=path)
    counter = [0]
    try:
        tree.data = _mapping(_raw(node), (), tree, counter)
    except RecursionError:
        raise ContentError("not valid content: nested too deeply", path=path) from None
    return tree


def _raw(node: Node) -> dict[Any, Any]:
    """The loader's own mapping under a Node: its values, their lines, the keys' spelling."""
    # The reader keeps them apart; the tree needs them together, as the loader made them.
    return {**node._data, LINES: node._lines, LINE: node.line,
            SPELLED: node._spelled}


def _mapping(raw: dict[Any, Any], path: JsonPath, tree: Tree,
             counter: list[int]) -> dict[str, Any]:
    lines: dict[Any, int] = raw.get(LINES, {})
    spelled: dict[Any, str] = raw.get(SPELLED, {})
    tree.starts[path] = raw.get(LINE, 1)
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key is LINES or key is LINE or key is SPELLED:
            continue
        name = key if isinstance(key, str) else spelled.get(key, str(key))
        here = (*path, name)
        tree.lines[here] = lines.get(key, tree.starts[path])
        if value is None:
            tree.empty.add(here)
            continue
        out[name] = _value(value, here, tree, counter)
    return out


def _value(value: Any, path: JsonPath, tree: Tree, counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_VALUES:
        raise ContentError(f"the file holds more than {MAX_VALUES:,} values once its aliases "
                           "(*name) are followed", path=tree.path, line=tree.line(path))
    if isinstance(value, dict):
        return _mapping(value, path, tree, counter)
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            here = (*path, index)
            if isinstance(item, Item):
                tree.lines[here] = item.line
                item = item.value
            items.append(_value(item, here, tree, counter))
        return items
    return value
