"""The studio's guards, in front of every request: the right Host, a CSRF token on every
POST, and headers that keep its pages from being framed or sniffed.

A page of another site (or one reached through DNS rebinding, whose Host header is the
attacker's name) can make the coach's browser send requests here: the Host check refuses
every request not addressed to the bound address, and a state-changing request must carry
the token that only the studio's own pages know (a per-server secret, sent by htmx as the
``X-CSRF-Token`` header; another site cannot set that header without a CORS preflight,
which is never allowed). Only GET and HEAD change nothing and need no token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["PAGE_POLICY", "Guard", "new_token"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
               " media-src 'self'; connect-src 'self'; form-action 'self'; "
               "frame-ancestors 'self'; base-uri 'none'; object-src 'none'")
"""The studio's own pages: nothing from elsewhere, no inline script."""
FILE_POLICY = ("default-src 'self' 'unsafe-inline' data: blob:; connect-src 'self'; "
               "frame-ancestors 'self'; base-uri 'none'; object-src 'none'; "
               "sandbox allow-scripts allow-popups allow-downloads allow-modals")
"""What walkcoach made: the client's page is self-contained (its own inline script, its cues
inside it), and runs sandboxed, in an origin of its own: whatever a page in the outputs
holds, it cannot read the studio's pages or their CSRF token."""
MEDIA_POLICY = "default-src 'self'; frame-ancestors 'self'; object-src 'none'"
"""A track, captions, an image or a zip: nothing in them runs, and a track opened in a tab
of its own must play (a sandboxed media page could not fetch its own file)."""
_INERT = (b"audio/", b"video/", b"image/png", b"image/jpeg", b"text/vtt", b"text/plain",
          b"application/json", b"application/zip")
"""What the outputs hold that cannot run script; anything else is served sandboxed."""
_SAFE = frozenset({"GET", "HEAD"})


def new_token() -> str:
    """A fresh CSRF token for one server's life."""
    return secrets.token_urlsafe(32)


class Guard:
    """ASGI middleware: the Host check, the CSRF check, and the security headers."""

    def __init__(self, app: App, *, hosts: frozenset[str], token: str) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse what must be refused, else pass the request on with the headers added."""
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets here: refused before any route
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = {key.decode("latin-1").lower(): value for key, value in scope["headers"]}
        host = headers.get("host", b"").decode("latin-1")
        if host not in self.hosts:
            await _refuse(send, 421, "This studio answers only at its own address "
                                     f"({sorted(self.hosts)[0]}).")
            return
        if scope["method"] not in _SAFE:
            problem = self._csrf_problem(headers)
            if problem:
                await _refuse(send, 403, problem)
                return
        served = scope["path"].startswith("/files/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                policy = PAGE_POLICY if not served else MEDIA_POLICY \
                    if kind.startswith(_INERT) else FILE_POLICY
                message["headers"] = [*message.get("headers", []),
                                      (b"content-security-policy", policy.encode()),
                                      (b"x-content-type-options", b"nosniff"),
                                      (b"referrer-policy", b"no-referrer"),
                                      (b"x-frame-options", b"SAMEORIGIN"),
                                      (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _csrf_problem(self, headers: dict[str, bytes]) -> str | None:
        origin = headers.get("origin")
        if origin is not None and origin.decode("latin-1").split("://", 1)[-1] \
                not in self.hosts:
            return "Refused: this request came from another site."
        if headers.get("sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
            return "Refused: this request came from another site."
        given = headers.get("x-csrf-token", b"")
        if not hmac.compare_digest(given, self.token):
            return ("Refused: this request has no valid CSRF token (reload the studio's page "
                    "and try again).")
        return None


async def _refuse(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})
