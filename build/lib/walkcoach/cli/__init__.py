"""The walkcoach command line: parse, make one library call, report. No logic lives here.

``app`` holds the group and what the commands share; each other module adds its commands.
"""

from __future__ import annotations

from walkcoach.cli import authoring, batch, tracks  # noqa: F401 - each adds its commands
from walkcoach.cli.app import cli, main, show_note

__all__ = ["cli", "main", "show_note"]
