"""The studio's side of the loop back from the client: a check-in code pasted on the
client's page, and the client's progress drawn there (walkcoach.workspace.checkins)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from walkcoach.studio.base import Studio, existing, name_param
from walkcoach.workspace import FormError, checkins, titles

__all__ = ["progress_context", "routes"]


async def progress_context(studio: Studio, name: str) -> dict[str, Any]:
    """What the client's page needs to show their progress (the _progress.html part)."""
    space = studio.space
    return {"progress": await run_in_threadpool(checkins.progress_view, space, name),
            "who": titles.client_names(space).get(name, name),
            "checkin_problems": {}, "code": "", "pasted": ""}


def routes(studio: Studio) -> list[Route]:
    """The routes of the loop's pages."""
    space = studio.space

    async def paste(request: Request) -> Response:
        name = name_param(request)
        existing(space, "clients", name)
        form = await request.form(max_files=0, max_fields=20)
        code = form.get("code", "")
        code = code if isinstance(code, str) else ""
        context = await progress_context(studio, name)
        try:
            pasted = await run_in_threadpool(checkins.paste_checkin, space, name, code)
        except FormError as exc:
            context.update(checkin_problems=exc.problems, code=code)
        else:
            context = await progress_context(studio, name) | {"pasted": pasted}
        return studio.page(request, "_progress.html", name=name, **context)

    return [Route("/clients/{name}/checkin", paste, methods=["POST"])]
