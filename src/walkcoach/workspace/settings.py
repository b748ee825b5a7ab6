"""The workspace's own settings, asked once: the coach's name, said as the artist of every
track and on each client's page instead of the shipped programs' stand-in coach.

Kept in ``settings.yaml`` at the top of the workspace, beside the folders it is about.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from walkcoach.content.writer import dump_yaml
from walkcoach.encode.export import write_text
from walkcoach.text import label_problem
from walkcoach.workspace.folders import Workspace, changing
from walkcoach.workspace.forms import FormError
from walkcoach.workspace.keeping import read_mapping

__all__ = ["STAND_IN", "coach_name", "program_of", "save_coach", "settings_path"]

STAND_IN = "Your walkcoach coach"
"""The coach the shipped programs name until the coach says who they are."""


def settings_path(space: Workspace) -> Path:
    """Where the workspace keeps its settings."""
    return space.root / "settings.yaml"


def coach_name(space: Workspace) -> str:
    """The coach's name as they gave it, or "" when they have not yet."""
    path = settings_path(space)
    try:
        data = read_mapping(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        data = None
    name = (data or {}).get("coach")
    return name.strip() if isinstance(name, str) and not label_problem(name.strip()) else ""


def save_coach(space: Workspace, name: str) -> str:
    """Keep the coach's name (one line of printable text); FormError next to the field
    otherwise. Returns the name kept."""
    name = (name or "").strip()
    problem = "give your name, as your clients will see it" if not name else \
        label_problem(name)
    if problem:
        raise FormError({"coach": f"your name {problem}" if name else problem})
    path = settings_path(space)
    with changing(path, None):
        write_text(path, "# The studio's settings for this workspace.\n"
                   + dump_yaml({"coach": name}))
    return name


def program_of(space: Workspace, program: Any) -> Any:
    """A loaded program with the coach's own name in place of the stand-in coach (a
    program that names its coach keeps it)."""
    name = coach_name(space)
    if name and program.coach == STAND_IN:
        return dataclasses.replace(program, coach=name)
    return program
