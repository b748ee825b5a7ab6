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
from starlette.templating import Jinja2Templates

from walkcoach import __version__, notes
from walkcoach.errors import InputError, one_line
from walkcoach.studio.jobs import Jobs
from walkcoach.studio.security import Guard, new_token
from walkcoach.workspace import MAX_UPLOAD, Workspace, check_name
from walkcoach.workspace.folders import Kind

__all__ = ["Studio", "create_app", "existing", "name_param"]

_HERE = Path(__file__).parent


class Studio:
    """What every route shares: the workspace, the job queue, the templates, the token."""

    def __init__(self, space: Workspace, *, token: str) -> None:
        self.space = space
        self.jobs = Jobs()
        self.token = token
        self.templates = Jinja2Templates(directory=str(_HERE / "templates"))
        self.templates.env.globals.update(version=__version__, csrf_token=token)

    def page(self, request: Request, template: str, status: int = 200,
             **context: Any) -> Response:
        """A template rendered with ``context`` (and the workspace)."""
        return self.templates.TemplateResponse(request, template,
                                               {"space": self.space, **context},
                                               status_code=status)


def name_param(request: Request) -> str:
    """The ``{name}`` of a route, if the workspace could have a file of that name; else the
    page is not found."""
    try:
        return check_name(request.path_params["name"])
    except InputError:
        raise HTTPException(404, "No such page.") from None


def existing(space: Workspace, kind: Kind, name: str) -> Path:
    """The workspace's file of ``kind`` and ``name``; a page not found when there is none."""
    try:
        return space.existing(kind, name)
    except InputError as exc:
        raise HTTPException(404, str(exc)) from None


def create_app(space: Workspace, *, hosts: frozenset[str],
               token: str | None = None) -> tuple[Any, Studio]:
    """The studio's ASGI app for ``space``, answering only at ``hosts`` ("127.0.0.1:8765"),
    with the Studio it serves (its job queue, for a caller that waits on it)."""
    from walkcoach.studio import pages, tracks

    studio = Studio(space, token=token or new_token())
    notes.set_handler(studio.jobs.note)  # the library's notes go with the job they are about
    routes = [*pages.routes(studio), *tracks.routes(studio),
              Mount("/static", app=StaticFiles(directory=str(_HERE / "static")),
                    name="static")]

    async def not_found(request: Request, exc: Exception) -> Response:
        detail = getattr(exc, "detail", None) or "Not found."
        status = getattr(exc, "status_code", 404)
        page = studio.page(request, "error.html", status=status, message=one_line(str(detail)))
        page.headers.update(getattr(exc, "headers", None) or {})  # a 405's Allow
        return page

    async def bad_input(request: Request, exc: Exception) -> Response:
        return studio.page(request, "error.html", status=400, message=str(exc))

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
    return Guard(app, hosts=hosts, token=studio.token), studio
