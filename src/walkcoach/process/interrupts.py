"""Stopping on a signal: Ctrl-C and SIGTERM unwind as exceptions, and cleanups run whole.

Ctrl-C (SIGINT) raises KeyboardInterrupt in the main thread. The command line turns SIGTERM
(what a closed terminal, a service manager or a container stop sends) into
:class:`Terminated`, a KeyboardInterrupt too, so both pass through the same ``finally`` blocks:
temporary files are removed and worker processes stopped, wherever the run was.

A cleanup that must not itself be cut short (stopping a batch's workers, letting a voice
engine's threads return from native code) runs inside :func:`held`: a signal that arrives
meanwhile is delivered when it ends, never lost. Each such cleanup is bounded in time, so any
number of Ctrl-C still ends a run within seconds.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

__all__ = ["STOP_SIGNALS", "Terminated", "held", "sigterm_raises"]

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM) \
    if hasattr(signal, "SIGTERM") else (signal.SIGINT,)
"""The signals that ask walkcoach to stop cleanly."""


class Terminated(KeyboardInterrupt):
    """SIGTERM as an exception: it stops a run the way Ctrl-C does (exit status 143)."""

    exit_status = 143  # 128 + SIGTERM, what a shell reports for a process ended by it


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def _in_main_thread() -> bool:
    # Only the main thread may set handlers, and only it runs them.
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While the block runs, SIGTERM raises :class:`Terminated` (in the main thread only)."""
    if signal.SIGTERM not in STOP_SIGNALS or not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block ends, then deliver them to the usual handlers.

    For short cleanups that a second Ctrl-C must not interrupt halfway. Outside the main
    thread nothing is held (signals never interrupt other threads).
    """
    if not _in_main_thread():
        yield
        return
    arrived: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(arrived):
            signal.raise_signal(signum)
