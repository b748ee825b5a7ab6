"""The walkcoach command line: parse, make one library call, report. No logic lives here.

Takes in the words typed in a terminal; gives out one library call's result as lines on
stdout, and every problem as one line on stderr with exit status 2 (input) or 1 (machine).
Imports only click and light modules until a command runs: `--help` answers at once.

``app`` holds the group and what the commands share; each other module adds its commands.

Run as the program (the ``walkcoach`` script, ``python -m walkcoach``), a Ctrl-C or SIGTERM
ends the process quietly from here on, while the modules below import and the command line
is parsed (a third of a second): walkcoach.cli.app takes over when a command begins.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

_LEAVING: dict[int, tuple[int, str]] = {signal.SIGINT: (130, "interrupted")}
"""Before a command has begun: a stop signal's exit status and word."""
if hasattr(signal, "SIGTERM"):
    _LEAVING[signal.SIGTERM] = (143, "terminated")


def _leave_quietly(signum: int, frame: FrameType | None) -> None:
    """Nothing is written before a command begins: end now, with the usual line, not the
    traceback of whatever was importing."""
    status, word = _LEAVING.get(signum, (130, "interrupted"))
    try:
        os.write(2, f"walkcoach: {word}; no partial files were left\n".encode())
    finally:
        os._exit(status)


def _started_as_walkcoach() -> bool:
    """Whether this process is the walkcoach program (not a library user, a test run, or a
    batch worker, whose own handlers must stay theirs)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None:
        return bool(spec.name == "walkcoach.__main__")
    script = os.path.basename(getattr(main, "__file__", None) or "").lower()
    return script.removesuffix(".exe").removesuffix("-script.py") == "walkcoach"


if _started_as_walkcoach():
    for _signum in _LEAVING:
        signal.signal(_signum, _leave_quietly)

from walkcoach.cli import authoring, batch, loop, serve, tracks  # noqa: E402, F401 - each adds its commands
from walkcoach.cli.app import cli, main, show_note  # noqa: E402

__all__ = ["cli", "main", "show_note"]
