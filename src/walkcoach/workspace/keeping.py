"""A content file's top-level keys changed in its own text: every comment, every key a form
does not show and every line of a key left as it was stay as the coach (or an editor) wrote
them. Only a key whose value changed is written again, as block YAML."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from walkcoach.content.writer import dump_yaml, plain_data

__all__ = ["DROP", "change_keys", "read_mapping"]

DROP = object()
"""The value that removes a key."""
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def read_mapping(text: str) -> dict[str, Any] | None:
    """The top-level mapping of a YAML text, or None when it is not one (or not YAML)."""
    try:
        data = plain_data(text)
    except Exception:  # the YAML reader's own errors: a text no form can change in place
        return None
    return data if isinstance(data, dict) else None


def change_keys(text: str, changes: Mapping[str, Any]) -> str | None:
    """``text`` with each key of ``changes`` set to its value (:data:`DROP` removes it), the
    rest of the text as it was; a key not there is added at the end. None when the text is
    not a block mapping whose result reads back as asked (flow style, anchors, a key
    written twice...): then the file is changed as a file, not by a form."""
    before = read_mapping(text)
    if before is None:
        return None
    wanted = dict(before)
    for key, value in changes.items():
        if value is DROP:
            wanted.pop(key, None)
        else:
            wanted[key] = value
    for key, value in changes.items():
        if before.get(key, DROP) == value or (value is DROP and key not in before):
            continue  # unchanged: its lines (and comments inside them) stay as written
        block = "" if value is DROP else dump_yaml({key: value})
        text = _set_block(text, key, block)
    return text if read_mapping(text) == wanted else None


def _set_block(text: str, key: str, block: str) -> str:
    """``text`` with the lines of top-level ``key`` replaced by ``block`` (added at the end
    when the key is not there)."""
    lines = text.splitlines(keepends=True)
    start = next((number for number, line in enumerate(lines)
                  if (found := _TOP_KEY.match(line)) and found[1] == key), None)
    if start is None:
        if text and not text.endswith("\n"):
            text += "\n"
        return text + block
    end = start + 1
    while end < len(lines) and _inside(lines[end]):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():  # blank lines after it stay
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


def _inside(line: str) -> bool:
    """Whether a line after a top-level key still belongs to its value: indented, blank,
    or an item of a list written at the key's own indent."""
    return not line.strip() or line[0] in " \t" or line.startswith("- ") \
        or line.rstrip("\r\n") == "-"
