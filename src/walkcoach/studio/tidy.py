"""The studio's settings and tidying pages: the coach's name (asked once), deleting a track,
a client, edited words, music, a cover or a share bundle to the workspace's trash, with
Undo, and the trash itself (each deletion with Undo, and a way to empty it)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from walkcoach.errors import InputError
from walkcoach.studio.base import Studio, existing, name_param
from walkcoach.studio.pages import form_of, go
from walkcoach.workspace import FormError, shares, titles, trash
from walkcoach.workspace.settings import coach_name, save_coach
from walkcoach.workspace.words import said

__all__ = ["routes"]


def routes(studio: Studio) -> list[Route]:
    """The routes of these pages."""
    space = studio.space

    async def settings(request: Request) -> Response:
        return studio.page(request, "settings.html", coach=coach_name(space), problems={})

    async def save_settings(request: Request) -> Response:
        form = await form_of(request)
        first = form.get("first") == "1"
        try:
            name = await run_in_threadpool(save_coach, space, form.get("coach", ""))
        except FormError as exc:
            return studio.page(request, "_coach_form.html", coach=form.get("coach", ""),
                               problems=exc.problems, first=first)
        return studio.page(request, "_coach_form.html", coach=name, problems={},
                           first=first, saved=True)

    def tracks_part(request: Request, **context: Any) -> Response:
        return studio.page(request, "_tracks.html", tracks=titles.tracks(space, "tracks"),
                           **context)

    async def delete_track(request: Request) -> Response:
        form = await form_of(request)
        try:
            title = next(track["title"] for track in titles.tracks(space, "tracks")
                         if track["file"] == form.get("file"))
            token = await run_in_threadpool(trash.discard_track, space, form.get("file", ""))
        except (StopIteration, InputError):
            raise HTTPException(404, "That track is not there any more: reload the "
                                "page.") from None
        return tracks_part(request, deleted=title, token=token)

    async def restore(request: Request) -> Response:
        form = await form_of(request)
        try:
            await run_in_threadpool(trash.restore, space, form.get("token", ""))
        except InputError as exc:
            return tracks_part(request, problem=said(exc))
        if form.get("then"):
            return go(form["then"] if form["then"] in ("/clients", "/trash") else "/")
        return tracks_part(request, restored=True)

    async def delete_client(request: Request) -> Response:
        name = name_param(request)
        existing(space, "clients", name)
        who = titles.client_names(space).get(name, name)
        token = await run_in_threadpool(trash.discard_client, space, name)
        studio.deleted[token] = who
        return go(f"/clients?deleted={token}")

    def tidy_page(request: Request, **context: Any) -> Response:
        programs = titles.program_titles(space)
        return studio.page(
            request, "trash.html", deletions=trash.deletions(space),
            scripts={name: titles.script_title(space, name) for name in space.names("scripts")},
            music=space.names("music"),
            covers={name: title for name, title in programs.items() if space.cover_of(name)},
            bundles=[bundle | {"title": title} for name, title in programs.items()
                     for bundle in shares.bundles(space, name)], **context)

    async def trash_page(request: Request) -> Response:
        token = request.query_params.get("deleted", "")
        return tidy_page(request, deleted=studio.deleted.get(token), token=token,
                         emptied=request.query_params.get("emptied"))

    async def delete(request: Request) -> Response:
        form = await form_of(request)
        what, name = form.get("what", ""), form.get("name", "")
        discard = {"script": trash.discard_script, "music": trash.discard_music,
                   "cover": trash.discard_cover, "bundle": trash.discard_bundle}.get(what)
        if discard is None:
            raise HTTPException(404, "Nothing of that kind can be deleted here.")
        try:
            who = (titles.script_title(space, name) if what == "script"
                   else f"the cover of {titles.program_titles(space).get(name)}"
                   if what == "cover" else "the share bundle" if what == "bundle" else name)
            token = await run_in_threadpool(discard, space, name)
        except InputError:
            raise HTTPException(404, "That is not there any more: reload the page.") from None
        studio.deleted[token] = who
        return go(f"/trash?deleted={token}")

    async def empty(request: Request) -> Response:
        count = await run_in_threadpool(trash.empty, space)
        return go(f"/trash?emptied={count}")

    return [Route("/trash", trash_page), Route("/trash/delete", delete, methods=["POST"]),
            Route("/trash/empty", empty, methods=["POST"]),
            Route("/settings", settings), Route("/settings", save_settings, methods=["POST"]),
            Route("/tracks/delete", delete_track, methods=["POST"]),
            Route("/trash/restore", restore, methods=["POST"]),
            Route("/clients/{name}/delete", delete_client, methods=["POST"])]
