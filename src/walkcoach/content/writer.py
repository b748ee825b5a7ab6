"""Writing content as YAML: what the studio saves is read back by the same loaders."""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["dump_yaml"]


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML, keys in the order given, text as written (UTF-8)."""
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                              default_flow_style=False))
