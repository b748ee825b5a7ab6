"""The studio's web application: pages rendered on the server, htmx for the live parts.

Every route parses what the page sent, makes library calls (walkcoach.workspace, content,
session, program, share) and renders the answer; no logic of walkcoach's own lives here.
Bad input gets the library's own message next to its field; an unexpected fault a one-line
page, never a stack trace.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from walkcoach import notes
from walkcoach.errors import InputError, one_line
from walkcoach.studio import checkins, pages, tidy, tracks, words
from walkcoach.studio.base import Studio
from walkcoach.studio.security import Guard, new_token
from walkcoach.workspace import MAX_UPLOAD, Workspace
from walkcoach.workspace.words import said

__all__ = ["create_app"]

_HERE = Path(__file__).parent


def create_app(space: Workspace, *, hosts: frozenset[str], token: str | None = None,
               secret: str | None = None) -> tuple[Any, Studio]:
    """The studio's ASGI app for ``space``, answering only at ``hosts`` ("127.0.0.1:8765"),
    with the Studio it serves (its job queue, for a caller that waits on it). With a
    ``secret``, only a browser that opened the address carrying it (walkcoach.studio.security)."""
    studio = Studio(space, token=token or new_token())
    notes.set_handler(studio.jobs.note)  # the library's notes go with the job they are about
    routes = [*pages.routes(studio), *tracks.routes(studio), *tidy.routes(studio),
              *words.routes(studio),
              *checkins.routes(studio),
              Mount("/static", app=StaticFiles(directory=str(_HERE / "static")),
                    name="static")]

    async def not_found(request: Request, exc: Exception) -> Response:
        detail = getattr(exc, "detail", None) or "Not found."
        status = getattr(exc, "status_code", 404)
        page = studio.page(request, "error.html", status=status, message=one_line(str(detail)))
        page.headers.update(getattr(exc, "headers", None) or {})  # a 405's Allow
        return page

    async def bad_input(request: Request, exc: Exception) -> Response:
        message = said(exc) if isinstance(exc, InputError) else str(exc)
        return studio.page(request, "error.html", status=400, message=message)

    async def failure(request: Request, exc: Exception) -> Response:
        return HTMLResponse("<!doctype html><title>walkcoach studio</title><p>walkcoach failed "
                            "unexpectedly; the studio's terminal has the details.</p>",
                            status_code=500)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        studio.jobs.close()

    app = Starlette(routes=routes, debug=False,
                    exception_handlers={HTTPException: not_found, InputError: bad_input,
                                        500: failure},
                    lifespan=lifespan, max_body_size=MAX_UPLOAD + 2 ** 20)
    return Guard(app, hosts=hosts, token=studio.token, secret=secret), studio
