"""A script as data: its lines and how to make its session again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from walkcoach.plan.model import CueKind, Phase, Source

__all__ = ["Line", "Script"]


@dataclass(frozen=True, kw_only=True)
class Line:
    """One line of a script: what is said, and where it goes."""

    say: str
    kind: CueKind
    phase: Phase
    walk_ms: int | None  # for lines of the walk: its time from "begin"
    line: int  # where it is in the file
    key: str


@dataclass(frozen=True, kw_only=True)
class Script:
    """A script as read: how to make its session again, and its lines."""

    session: dict[str, Any]
    walk_ms: int
    lines: tuple[Line, ...]
    path: Path
    places: Mapping[str, Source] = field(default_factory=dict)
    """Where each of the session's options is written (``session.exercise``: its line)."""
