"""What ships with walkcoach, found by name: its exercises and its programs.

A name (``walking-backwards``, ``walking-backwards-6-weeks``) finds the shipped file wherever
walkcoach is installed; anything that looks like a path (a folder in it, or a ``.yaml``
suffix) is read as that file instead.
"""

from __future__ import annotations

from pathlib import Path

import walkcoach.audio_templates as _templates  # type: ignore[import-not-found]
from walkcoach.content.exercise import load_exercise
from walkcoach.content.files import names_a_file
from walkcoach.errors import InputError, excerpt
from walkcoach.plan.model import Exercise

__all__ = ["TEMPLATES_DIR", "exercise_names", "find_exercise", "find_program", "program_names"]

TEMPLATES_DIR = Path(_templates.__file__).parent
"""The shipped content: ``exercises/*.yaml``, ``programs/*.yaml`` and the session template."""


def exercise_names() -> tuple[str, ...]:
    """The names of the exercises shipped in audio_templates/exercises/."""
    return _names("exercises")


def program_names() -> tuple[str, ...]:
    """The names of the programs shipped in audio_templates/programs/."""
    return _names("programs")


def _names(folder: str) -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in (TEMPLATES_DIR / folder).glob("*.yaml")))


def find_exercise(name_or_path: str) -> Exercise:
    """Load a shipped exercise by name, or any exercise file by its path."""
    if names_a_file(name_or_path):
        return load_exercise(Path(name_or_path))
    path = TEMPLATES_DIR / "exercises" / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(exercise_names()) or "none"
        raise InputError(f"unknown exercise {excerpt(name_or_path)} (available: {known})")
    return load_exercise(path)


def find_program(name_or_path: str) -> Path:
    """The file of a shipped program by name, or the given path (read, and refused if
    missing, by the loader)."""
    if names_a_file(name_or_path):
        return Path(name_or_path)
    path = TEMPLATES_DIR / "programs" / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(program_names()) or "none"
        raise InputError(f"unknown program {excerpt(name_or_path)} (a file, or one of the "
                         f"programs walkcoach ships: {known})")
    return path
