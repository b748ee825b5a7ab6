"""The studio's guards, in front of every request: the right Host, a CSRF token on every
POST, and headers that keep its pages from being framed or sniffed.

A page of another site (or one reached through DNS rebinding, whose Host header is the
attacker's name) can make the coach's browser send requests here: the Host check refuses
every request not addressed to the bound address, and a state-changing request must carry
the token that only the studio's own pages know (a per-server secret, sent by htmx as the
``X-CSRF-Token`` header; another site cannot set that header without a CORS preflight,
which is never allowed). Only GET and HEAD change nothing and need no token.

Other users and programs of the same computer can reach 127.0.0.1 too: a studio started
with a ``secret`` (``walkcoach serve`` makes one each launch, as Jupyter does) answers only a
browser that holds it. The address it opens carries it once (``/?token=...``); the studio
turns it into an HttpOnly, SameSite=Strict cookie and sends the browser on to the address
without it. The client's share bundle (``/files/share/``) is the exception: it is made to be
published, and its page runs sandboxed, in an origin of its own, which sends no cookie.

The studio's files (``/files/``, ``/static/``) are never a subresource of another site's
page, nor of a same-site one (``Sec-Fetch-Site``), and say so (``Cross-Origin-Resource-
Policy: same-origin``); a page's scripts come only from ``/static/``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["PAGE_POLICY", "Guard", "new_token"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_POLICY = ("default-src 'self'; script-src {static}; style-src 'self'; img-src 'self' data:;"
               " media-src 'self'; connect-src 'self'; form-action 'self'; "
               "frame-ancestors 'self'; base-uri 'none'; object-src 'none'")
"""The studio's own pages: nothing from elsewhere, no inline script, scripts only from the
studio's static folder (``{static}``: its address)."""
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
_PUBLISHED = "/files/share/"
"""The client's bundle: served without the cookie, and to the page's own subresources."""
_NOT_FROM = (b"cross-site", b"same-site")
STALE = ("This page is out of date (the studio was started again since it was opened): "
         "reload it, then do this again.")
"""What a page without the current token is told: in the coach's words."""


def new_token() -> str:
    """A fresh CSRF token for one server's life."""
    return secrets.token_urlsafe(32)


class Guard:
    """ASGI middleware: the Host check, the CSRF check, and the security headers."""

    def __init__(self, app: App, *, hosts: frozenset[str], token: str,
                 secret: str | None = None) -> None:
        self.app = app
        self.hosts = hosts
        self.token = token.encode()
        self.secret = secret.encode() if secret is not None else None
        port = sorted(hosts)[0].rpartition(":")[2] if hosts else ""
        # Cookies do not keep to a port: two studios on one computer keep one each.
        self.cookie = f"walkcoach-studio-{port}"

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
        path = scope["path"]
        published = path.startswith(_PUBLISHED) and scope["method"] in _SAFE
        if self.secret is not None and not published and not self._signed_in(headers):
            await self._sign_in(scope, send)
            return
        if path.startswith(("/files/", "/static/")) and not published \
                and headers.get("sec-fetch-site") in _NOT_FROM \
                and headers.get("sec-fetch-dest", b"document") not in (b"document",):
            await _refuse(send, 403, "Refused: another site's page asked for this file.")
            return
        if scope["method"] not in _SAFE:
            problem = self._csrf_problem(headers)
            if problem:
                await _refuse(send, 403, problem, stale=problem == STALE)
                return
        served = path.startswith("/files/")
        page_policy = PAGE_POLICY.format(static=f"http://{host}/static/")
        resource_policy = b"cross-origin" if published else b"same-origin"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kind = dict(message.get("headers", [])).get(b"content-type", b"")
                policy = page_policy if not served else MEDIA_POLICY \
                    if kind.startswith(_INERT) else FILE_POLICY
                message["headers"] = [*message.get("headers", []),
                                      (b"content-security-policy", policy.encode()),
                                      (b"x-content-type-options", b"nosniff"),
                                      (b"referrer-policy", b"no-referrer"),
                                      (b"x-frame-options", b"SAMEORIGIN"),
                                      (b"cross-origin-resource-policy", resource_policy),
                                      (b"cache-control", b"no-store")]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _signed_in(self, headers: dict[str, bytes]) -> bool:
        assert self.secret is not None
        for part in headers.get("cookie", b"").split(b";"):
            name, _, value = part.strip().partition(b"=")
            if name == self.cookie.encode() and hmac.compare_digest(value, self.secret):
                return True
        return False

    async def _sign_in(self, scope: Scope, send: Send) -> None:
        """The secret in the address turned into the cookie, and the browser sent on to the
        address without it; without the secret, a page saying where to start."""
        assert self.secret is not None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        given = dict(query).get("token", "").encode("latin-1")
        if scope["method"] not in _SAFE or not hmac.compare_digest(given, self.secret):
            await _refuse(send, 403, "This studio answers only the browser it was opened in. "
                                     "Open it again from the address walkcoach printed when "
                                     "it started.")
            return
        rest = urlencode([(key, value) for key, value in query if key != "token"])
        where = scope["path"] + (f"?{rest}" if rest else "")
        cookie = (f"{self.cookie}={self.secret.decode()}; HttpOnly; SameSite=Strict; "
                  "Path=/")
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", where.encode("latin-1")),
                                (b"set-cookie", cookie.encode("latin-1")),
                                (b"cache-control", b"no-store"),
                                (b"referrer-policy", b"no-referrer"),
                                (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def _csrf_problem(self, headers: dict[str, bytes]) -> str | None:
        origin = headers.get("origin")
        if origin is not None and origin.decode("latin-1").split("://", 1)[-1] \
                not in self.hosts:
            return "Refused: this request came from another site."
        if headers.get("sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
            return "Refused: this request came from another site."
        given = headers.get("x-csrf-token", b"")
        if not hmac.compare_digest(given, self.token):
            return STALE  # a page of an earlier run of the studio, most likely
        return None


async def _refuse(send: Send, status: int, text: str, *, stale: bool = False) -> None:
    body = text.encode()
    # The studio's script offers a Reload button for a stale page (walkcoach-stale).
    extra = [(b"x-walkcoach-stale", b"1")] if stale else []
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff"), *extra]})
    await send({"type": "http.response.body", "body": body})
