"""Helpers for tests that break a YAML file on purpose and check where the error points."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from walkcoach.errors import ContentError


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the only line containing ``fragment``."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def load_error(loader: Callable[[Path], Any], path: Path, text: str) -> ContentError:
    """Write ``text`` to ``path``, load it, and return the ContentError it must raise."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        loader(path)
    return info.value


def one_minute_weeks(text: str) -> str:
    """A program's text with every week one continuous minute: intervals and minutes become
    ``minutes: 1``, and warm-ups and cool-downs go (for tests about files, not sessions)."""
    text = re.sub(r"\n *(warmup|cooldown): .*", "", text)
    return re.sub(r"(intervals|minutes): [^\s#]+", "minutes: 1", text)
