"""Notes for the user from deep inside the library, which never prints.

Something worth telling but not worth failing for (a damaged cache entry made again, a cache
folder that cannot be written, a ``--jobs`` request lowered) is passed to :func:`note`. The
face in use (the command line, the studio) installs a handler with :func:`set_handler` and
shows the notes its own way; with no handler installed they are kept in :func:`recent` only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Handler = Callable[[str], None]
"""Shows one note (one line of text, no prefix)."""

_lock = threading.Lock()
_handler: Handler | None = None
_said: set[str] = set()
_recent: list[str] = []
_KEEP = 100


def set_handler(handler: Handler | None) -> Handler | None:
    """Install ``handler`` for the notes of this process; the one it replaces."""
    global _handler
    with _lock:
        previous, _handler = _handler, handler
    return previous


def handler() -> Handler | None:
    """The handler installed now (a batch passes it on to its worker processes)."""
    return _handler


def note(message: str, *, once: bool = False) -> None:
    """Tell the user ``message``; with ``once``, only the first time in this process."""
    with _lock:
        if once and message in _said:
            return
        _said.add(message)
        _recent.append(message)
        del _recent[:-_KEEP]
        show = _handler
    if show is not None:
        show(message)


def recent() -> tuple[str, ...]:
    """The latest notes of this process, oldest first (for tests and the studio)."""
    with _lock:
        return tuple(_recent)


def clear() -> None:
    """Forget the notes said so far (so a ``once`` note can be said again)."""
    with _lock:
        _said.clear()
        _recent.clear()
