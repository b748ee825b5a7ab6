"""Content: the only place YAML is read. Files become validated model objects.

Takes in the coach's files (exercises, programs, client profiles, the session template, the
lexicon) and names of what ships; gives out the model (walkcoach.plan.model): an Exercise, a
Program, a ClientSpec, with every problem named by file, line and key.
"""

from __future__ import annotations

from walkcoach.content.client import (
    COMMAND_LINE,
    SOUND_KEYS,
    check_client,
    find_client,
    load_client,
)
from walkcoach.content.exercise import load_exercise, unknown_name
from walkcoach.content.parts import RECOVERY
from walkcoach.content.program import load_program
from walkcoach.content.shipped import (
    TEMPLATES_DIR,
    exercise_names,
    find_exercise,
    find_program,
    program_names,
)
from walkcoach.content.template import load_lexicon, load_template

__all__ = ["COMMAND_LINE", "RECOVERY", "SOUND_KEYS", "TEMPLATES_DIR", "check_client",
           "exercise_names", "find_client", "find_exercise", "load_client", "load_exercise",
           "find_program", "load_lexicon", "load_program", "load_template", "program_names",
           "unknown_name"]
