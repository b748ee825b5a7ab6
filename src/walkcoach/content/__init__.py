"""Content: the only place YAML is read. Files become validated model objects."""

from __future__ import annotations

from pathlib import Path

import walkcoach.audio_templates as _templates  # type: ignore[import-not-found]
from walkcoach.content.client import (
    COMMAND_LINE,
    SOUND_KEYS,
    check_client,
    find_client,
    load_client,
)
from walkcoach.content.exercise import load_exercise, unknown_name
from walkcoach.content.files import names_a_file
from walkcoach.content.parts import RECOVERY
from walkcoach.content.program import load_program
from walkcoach.content.template import load_lexicon, load_template
from walkcoach.errors import InputError, excerpt
from walkcoach.model import Exercise

__all__ = ["COMMAND_LINE", "RECOVERY", "SOUND_KEYS", "TEMPLATES_DIR", "check_client",
           "exercise_names", "find_client", "find_exercise", "load_client", "load_exercise",
           "load_lexicon", "load_program", "load_template", "unknown_name"]

TEMPLATES_DIR = Path(_templates.__file__).parent


def exercise_names() -> tuple[str, ...]:
    """The names of the exercises shipped in audio_templates/exercises/."""
    return tuple(sorted(p.stem for p in (TEMPLATES_DIR / "exercises").glob("*.yaml")))


def find_exercise(name_or_path: str) -> Exercise:
    """Load a shipped exercise by name, or any exercise file by its path."""
    if names_a_file(name_or_path):
        return load_exercise(Path(name_or_path))
    path = TEMPLATES_DIR / "exercises" / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(exercise_names()) or "none"
        raise InputError(f"unknown exercise {excerpt(name_or_path)} (available: {known})")
    return load_exercise(path)
