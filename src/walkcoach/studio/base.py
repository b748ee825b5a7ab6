"""What every route of the studio shares: the workspace, the job queue, the templates, the
page's token, and the two ways a route finds the file a URL names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from walkcoach import __version__
from walkcoach.errors import InputError
from walkcoach.studio.jobs import Jobs
from walkcoach.workspace import Workspace, check_name
from walkcoach.workspace.edits import LEVEL_RULE_WORDS
from walkcoach.workspace.folders import Kind

__all__ = ["Studio", "existing", "name_param"]

_HERE = Path(__file__).parent


class Studio:
    """What every route shares: the workspace, the job queue, the templates, the token."""

    def __init__(self, space: Workspace, *, token: str) -> None:
        self.space = space
        self.jobs = Jobs()
        self.token = token
        self.deleted: dict[str, str] = {}  # a deletion's token -> what it deleted, for Undo
        self.templates = Jinja2Templates(directory=str(_HERE / "templates"))
        # Not "version": a page's own context has a file's version by that name.
        self.templates.env.globals.update(walkcoach_version=__version__, csrf_token=token,
                                          level_rules=LEVEL_RULE_WORDS)

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
