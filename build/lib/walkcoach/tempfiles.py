"""Temporary files named for their writer, so a later run can clear what a killed run left.

Every file walkcoach writes (tracks, sidecars, cached phrases) is first written to a
temporary beside it and renamed into place. A temporary's name carries the writer's process
id (``.track.mp3.wc1234-x1y2z3.part``), so the next run into that folder can tell the
leftovers of a run killed outright (SIGKILL, power loss) from those of a run still writing,
and removes only the first.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

_PART = re.compile(r"\.wc(\d+)-[a-z0-9_]+\.part\Z")
STALE_AFTER_S = 24 * 3600
"""A temporary whose writer cannot be checked (other systems, older names) is stale after
this long: nothing walkcoach writes takes a day."""


def make(folder: Path, name: str) -> Path:
    """A new empty temporary in ``folder`` for the file ``name`` (mode 0600, as mkstemp
    makes it); OSError as the system gives it."""
    fd, made = tempfile.mkstemp(dir=folder, prefix=f".{name}.wc{os.getpid()}-", suffix=".part")
    os.close(fd)
    return Path(made)


def remove_stale(folder: Path) -> tuple[Path, ...]:
    """Delete the temporaries in ``folder`` that no running writer will finish; those deleted.

    On POSIX a temporary is stale when the process named in it is gone (a run killed outright
    never removed its own); elsewhere, and for names without a process id, when it is older
    than STALE_AFTER_S. Another live run's temporaries are never touched.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return ()
    removed = []
    now = time.time()
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".part")):
            continue
        match = _PART.search(entry.name)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if match and sys.platform != "win32":
                stale = not _alive(int(match.group(1)))
            else:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER_S
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove: leave it
    return tuple(removed)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (POSIX: signal 0 checks without sending anything)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but is not ours to signal
    return True
