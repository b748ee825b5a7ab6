"""The stretches of an MP3 stream encoded side by side, their frames kept in stream order.

walkcoach's MP3 writer gives each stretch of sound its own LAME encoder (walkcoach.encode.mp3),
so stretches do not depend on each other: each is a :class:`Lane`, encoded in a thread of a
small pool while the next is being mixed (LAME lets go of the GIL while it works, so two
stretches take the time of one on two cores). :class:`Ordered` writes what the lanes give,
and the silent frames between them, in the order of the stream, as soon as it can.

Held to one core (a batch worker) or on one, a lane encodes as it is given its samples, in
the calling thread, as the writer always did. Either way the bytes are the same: each lane's
encoder sees the same samples.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from walkcoach.errors import ExportError
from walkcoach.process import cores

__all__ = ["DEPTH", "Encoder", "Lane", "Ordered", "SilenceUntil", "pool_size"]

DEPTH = 16
"""Pieces of samples a lane may hold before its encoder takes them: the mixing waits beyond
that, so a long stretch (a music bed under the whole walk) is never held whole in memory."""

_ABORT = np.zeros(0, np.int16)
"""Given to a lane instead of its end: stop without flushing (the stream is abandoned)."""


class Encoder(Protocol):
    """What a lane needs of an encoder (lameenc's Encoder)."""

    def encode(self, pcm: bytes) -> bytes:
        """The frames ready after taking 16-bit samples ``pcm``."""
        ...

    def flush(self) -> bytes:
        """The last frames."""
        ...


def pool_size() -> int:
    """Threads for lanes: none (encode inline) when held to one core or on one."""
    if cores.one_core():
        return 0
    available = cores.available()
    return 0 if available < 2 else min(available, 4)


class Lane:
    """One stretch of sound and its encoder: give it samples with :meth:`put`, end it with
    :meth:`close`; what it encodes collects in ``out``, in order."""

    def __init__(self, make: Callable[[], Encoder], *, threaded: bool) -> None:
        self.out: collections.deque[bytes] = collections.deque()
        self.done = threading.Event()
        self.error: BaseException | None = None
        self._threaded = threaded
        self._pieces: queue.Queue[NDArray[np.int16] | None] = queue.Queue(maxsize=DEPTH)
        self._encoder: Encoder | None = None if threaded else make()
        self._make = make

    def put(self, pcm: NDArray[np.int16]) -> None:
        """Give the lane the next samples of its stretch."""
        if not pcm.size:
            return
        if self._encoder is not None:
            self.out.append(self._encoder.encode(pcm.tobytes()))
        else:
            self._give(pcm.copy())  # its own samples, not a view keeping a whole chunk alive

    def close(self) -> None:
        """The stretch has ended: flush the encoder (in its thread, when threaded)."""
        if self._encoder is not None:
            self.out.append(self._encoder.flush())
            self._encoder = None
            self.done.set()
        elif self._threaded:
            self._give(None)
            self._threaded = False  # given its end: nothing more goes in

    def abort(self) -> None:
        """Stop the lane without flushing; its output is thrown away. Only the writing
        thread gives a lane anything, so emptying its queue leaves room for the word."""
        if self._threaded:
            self._threaded = False
            with contextlib.suppress(queue.Empty):
                while True:
                    self._pieces.get_nowait()
            self._pieces.put_nowait(_ABORT)

    def run(self) -> None:
        """The lane's thread: encode each piece as it comes, then flush."""
        try:
            encoder = self._make()
            while (pcm := self._pieces.get()) is not None:
                if pcm is _ABORT:
                    return
                self.out.append(encoder.encode(pcm.tobytes()))
            self.out.append(encoder.flush())
        except BaseException as exc:  # reported by Ordered, in the writing thread
            self.error = exc
        finally:
            self.done.set()

    def _give(self, item: NDArray[np.int16] | None) -> None:
        while True:
            try:
                self._pieces.put(item, timeout=0.05)
                return
            except queue.Full:
                if self.done.is_set():
                    return  # it has stopped (its error is reported as it is written)


class SilenceUntil:
    """Silent frames from wherever the stream has got to up to frame ``frame``."""

    def __init__(self, frame: int, *, exact: bool) -> None:
        self.frame = frame
        self.exact = exact  # the stream must not already be past it


class Ordered:
    """Lanes and silent frames in stream order, written out as they are ready: ``write``
    writes a lane's bytes, ``silent(n)`` writes ``n`` silent frames and ``count()`` says how
    many frames are out."""

    def __init__(self, write: Callable[[bytes], None], silent: Callable[[int], None],
                 count: Callable[[], int]) -> None:
        self._write = write
        self._silent = silent
        self._count = count
        self._items: collections.deque[Lane | SilenceUntil] = collections.deque()
        self._threads = pool_size()
        self._pool: ThreadPoolExecutor | None = None
        self._open: Lane | None = None

    def lane(self, make: Callable[[], Encoder]) -> Lane:
        """A new lane, after everything before it. When the lanes already waiting for a
        thread are many (mixing runs ahead of the encoders), the oldest are finished first:
        the stretches held in memory stay a few."""
        while sum(isinstance(item, Lane) for item in self._items) > 2 * self._threads:
            head = self._items[0]
            if isinstance(head, Lane):
                head.done.wait(0.05)
            self.drain()
        lane = Lane(make, threaded=self._threads > 0)
        self._items.append(lane)
        self._open = lane  # before it is started: shutdown() can always stop it
        if self._threads:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="mp3-lane")
            self._pool.submit(lane.run)
        return lane

    def end(self, lane: Lane) -> None:
        """``lane`` has had all its samples."""
        lane.close()
        if self._open is lane:
            self._open = None
        self.drain()

    def silence_until(self, frame: int, *, exact: bool = True) -> None:
        """Silent frames up to ``frame``, after everything before."""
        self._items.append(SilenceUntil(frame, exact=exact))
        self.drain()

    def drain(self, *, wait: bool = False) -> None:
        """Write out what is ready, in order; with ``wait``, everything."""
        while self._items:
            head = self._items[0]
            if isinstance(head, SilenceUntil):
                behind = head.frame - self._count()
                if behind < 0 and head.exact:
                    raise ExportError("the MP3 encoder ran past the start of the next sound")
                self._silent(max(0, behind))
                self._items.popleft()
                continue
            finished = head.done.is_set()
            while head.out:
                self._write(head.out.popleft())
            if head.error is not None:
                raise head.error
            if finished:
                self._items.popleft()
                continue
            if not wait:
                return
            head.done.wait(0.05)

    def close(self) -> None:
        """Write everything out and stop the threads."""
        self.drain(wait=True)
        self.shutdown()

    def shutdown(self) -> None:
        """Stop at once: a lane being fed is aborted, lanes not begun never begin."""
        for item in self._items:
            if isinstance(item, Lane):
                item.abort()  # a lane given its end already has nothing to stop
        self._open = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
