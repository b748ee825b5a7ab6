"""The studio's connections: a request's head must arrive within ``HEADER_TIMEOUT_S``, its
body within ``BODY_TIMEOUT_S`` more.

uvicorn closes a connection left idle between requests (``timeout_keep_alive``) and limits
the size of a request's head, but it waits for ever on a connection that sends nothing, or
sends a head slowly and never finishes it: a "slowloris" client that holds the studio's
connections (it serves at most ``limit_concurrency`` at once) until the coach's own browser
is refused. uvicorn has no option for this, so :class:`HeadTimeoutProtocol` is its h11
protocol with a clock: started when a connection is made, and when the first bytes of a next
request arrive on a kept-alive one; once h11 has read the whole head, a body still to come
gets a clock of its own (a body trickled in holds a connection as a slow head does; the
largest upload, 50 MB from the same computer, takes a second or two); stopped once the whole
request is in (the answer takes as long as it takes); when it runs out, the connection is
closed. Bytes trickling in do not restart it: the whole head, then the whole body, must be
in by its deadline.

It overrides the methods named in ``HOOKS``; a uvicorn that renamed one fails the studio's
tests (tests/test_studio_timeouts.py), not the coach's studio, quietly.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["BODY_TIMEOUT_S", "HEADER_TIMEOUT_S", "HOOKS", "HeadTimeoutProtocol"]

HEADER_TIMEOUT_S = 10.0
"""Seconds a connection has to deliver a request's whole head (read when the clock starts:
tests lower it). A browser sends one in a single packet; ten seconds is generous."""
BODY_TIMEOUT_S = 60.0
"""Seconds a request's body has to arrive once its head is in (tests lower it)."""
HOOKS = ("connection_made", "connection_lost", "handle_events")
"""The methods of uvicorn's ``H11Protocol`` this class overrides, which it must define."""


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection whose request head or body is late."""

    _clock: asyncio.TimerHandle | None = None
    _timing: str | None = None  # "head" or "body": what the running clock waits for

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: even a connection that sends nothing is waiting for a head."""
        super().connection_made(transport)
        self._start_clock("head")

    def handle_events(self) -> None:
        """Let uvicorn read what arrived, then start, change or stop the clock by what the
        request still lacks."""
        super().handle_events()
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            self._start_clock("body")  # the head is in: its body has a clock of its own
        elif state is h11.IDLE:
            # A head is on its way, or not begun: idle between requests is uvicorn's
            # keep-alive timeout's to watch. (The buffer is looked at once per request: it
            # is copied each time.)
            if self._timing != "head" and self.conn.trailing_data[0]:
                self._start_clock("head")
        else:
            self._stop_clock()  # the whole request is in, or the connection ended

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock of a connection that ended."""
        self._stop_clock()
        super().connection_lost(exc)

    def _start_clock(self, timing: str) -> None:
        if self._timing == timing:
            return  # already running: bytes trickling in do not restart it
        self._stop_clock()
        seconds = HEADER_TIMEOUT_S if timing == "head" else BODY_TIMEOUT_S
        self._clock = self.loop.call_later(seconds, self._late, timing, seconds)
        self._timing = timing

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
        self._clock, self._timing = None, None

    def _late(self, timing: str, seconds: float) -> None:
        self._clock, self._timing = None, None
        if not self.transport.is_closing():
            self.logger.debug("A request's %s did not arrive within %s s: connection closed.",
                              timing, seconds)
            self.transport.close()
