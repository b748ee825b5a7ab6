"""The studio's connections: a request's head must arrive within ``HEADER_TIMEOUT_S``.

uvicorn closes a connection left idle between requests (``timeout_keep_alive``) and limits
the size of a request's head, but it waits for ever on a connection that sends nothing, or
sends a head slowly and never finishes it: a "slowloris" client that holds the studio's
connections (it serves at most ``limit_concurrency`` at once) until the coach's own browser
is refused. uvicorn has no option for this, so :class:`HeadTimeoutProtocol` is its h11
protocol with a clock: started when a connection is made, and when the first bytes of a next
request arrive on a kept-alive one; stopped once h11 has read the whole head (the request's
body and the answer take as long as they take); when it runs out, the connection is closed.
Bytes trickling in do not restart it: the whole head must be in by the deadline.

It overrides the methods named in ``HOOKS``; a uvicorn that renamed one fails the studio's
tests (tests/test_studio_timeouts.py), not the coach's studio, quietly.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HEADER_TIMEOUT_S", "HOOKS", "HeadTimeoutProtocol"]

HEADER_TIMEOUT_S = 10.0
"""Seconds a connection has to deliver a request's whole head (read when the clock starts:
tests lower it). A browser sends one in a single packet; ten seconds is generous."""
HOOKS = ("connection_made", "connection_lost", "handle_events")
"""The methods of uvicorn's ``H11Protocol`` this class overrides, which it must define."""


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection whose request head is late."""

    _head_clock: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: even a connection that sends nothing is waiting for a head."""
        super().connection_made(transport)
        self._start_clock()

    def handle_events(self) -> None:
        """Let uvicorn read what arrived, then start or stop the clock by what is left."""
        super().handle_events()
        if self.conn.their_state is h11.IDLE and self.conn.trailing_data[0]:
            self._start_clock()  # part of a next head: it has until the deadline
        else:
            # The head is in (or the connection ended), or it is idle between requests,
            # which uvicorn's keep-alive timeout already watches.
            self._stop_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock of a connection that ended."""
        self._stop_clock()
        super().connection_lost(exc)

    def _start_clock(self) -> None:
        if self._head_clock is None:
            self._head_clock = self.loop.call_later(HEADER_TIMEOUT_S, self._head_late)

    def _stop_clock(self) -> None:
        if self._head_clock is not None:
            self._head_clock.cancel()
            self._head_clock = None

    def _head_late(self) -> None:
        self._head_clock = None
        if not self.transport.is_closing():
            self.logger.debug("A request's head did not arrive within %s s: connection closed.",
                              HEADER_TIMEOUT_S)
            self.transport.close()
