"""Writing content as YAML: what the studio saves is read back by the same loaders."""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["dump_yaml", "plain_data", "set_top_key"]


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML, keys in the order given, text as written (UTF-8)."""
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                              default_flow_style=False))


def plain_data(text: str) -> Any:
    """The plain data (dicts, lists, text) of a YAML text the loaders already checked, to
    change and write back with :func:`dump_yaml`."""
    return yaml.safe_load(text)


def set_top_key(text: str, key: str, value: str, *, after: str | None = None) -> str | None:
    """``text`` (a content file) with its top-level ``key`` line set to ``value`` (YAML as
    written), every comment and other line kept; a key not there is added below the
    top-level ``after`` line. None when neither line is there (a file in flow style, say)."""
    line = f"{key}: {value}"
    found = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    if found.search(text):
        return found.sub(lambda _: line, text, count=1)
    anchor = re.compile(rf"^{re.escape(after)}:.*$", re.MULTILINE) if after else None
    if anchor is None or not anchor.search(text):
        return None
    return anchor.sub(lambda above: f"{above[0]}\n{line}", text, count=1)
