"""The studio's pages for what the workspace holds: exercises, programs (their weeks, their
builds and share bundles), clients, the files walkcoach made, and the jobs."""

from __future__ import annotations

from typing import Any, cast

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from walkcoach.authoring import validate_file
from walkcoach.errors import InputError
from walkcoach.studio.base import Studio, existing, name_param
from walkcoach.studio.checkins import progress_context
from walkcoach.studio.uploads import received
from walkcoach.workspace import (
    CLIENT_FIELDS,
    EDITABLE,
    MAX_UPLOAD,
    VOICES,
    FormError,
    StaleFile,
    checkins,
    client_choices,
    client_form,
    copy_exercise,
    copy_program,
    exercise_choices,
    file_version,
    making,
    save_client,
    save_cover,
    save_music,
    save_source,
    shares,
    titles,
)
from walkcoach.workspace.folders import read_versioned
from walkcoach.workspace.settings import coach_name, program_of
from walkcoach.workspace.sources import Editable
from walkcoach.workspace.words import said

__all__ = ["form_of", "go", "routes"]

async def form_of(request: Request) -> dict[str, str]:
    """The text fields of a posted form (files are read by their own routes)."""
    form = await request.form(max_files=0, max_fields=400)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _kind(request: Request) -> Editable:
    kind = request.path_params["kind"]
    if kind not in EDITABLE:
        raise HTTPException(404, "No such page.")
    return cast(Editable, kind)


def routes(studio: Studio) -> list[Route]:
    """The routes of these pages."""
    space = studio.space

    async def home(request: Request) -> Response:
        scripts = {name: titles.script_title(space, name) for name in space.names("scripts")}
        return studio.page(request, "home.html",
                           exercises=await run_in_threadpool(titles.exercise_titles, space),
                           programs=titles.program_titles(space),
                           clients=titles.client_names(space), scripts=scripts,
                           tracks=titles.tracks(space, "tracks"), coach=coach_name(space),
                           active=studio.jobs.active(), problems={})

    async def exercise(request: Request) -> Response:
        from walkcoach import content

        name = name_param(request)
        choices = exercise_choices(space)
        if name not in choices:
            raise HTTPException(404, f"There is no exercise named {name}.")
        own = name in space.names("exercises")
        try:
            loaded = await run_in_threadpool(content.find_exercise, choices[name])
        except InputError as exc:
            if not own:
                raise
            return await source_page(request, "exercises", name, (str(exc),))
        path = loaded.source.path
        return studio.page(request, "exercise.html", exercise=loaded,
                           text=path.read_text(encoding="utf-8", errors="replace"), own=own,
                           copied=f"my-{name}" in space.names("exercises"))

    async def program(request: Request) -> Response:
        from walkcoach import content
        from walkcoach.encode import labels

        name = name_param(request)
        path = existing(space, "programs", name)
        weeks: list[dict[str, Any]] = []
        problem = None
        loaded = None
        try:
            loaded = await run_in_threadpool(content.load_program, path)
        except InputError as exc:
            problem = str(exc)
        chosen = request.query_params.get("client", "")
        chosen = chosen if chosen in titles.client_names(space) else ""
        levels: tuple[str, ...] = ()
        if loaded is not None:
            try:
                levels = await run_in_threadpool(making.client_levels, space, loaded, chosen)
            except InputError as exc:  # a profile that cannot be read: the program's levels
                problem = said(exc, "client")
            for index, week in enumerate(loaded.weeks):
                weeks.append({"week": week.week, "level": week.level, "setting": week.setting,
                              "for_client": levels[index] if levels else week.level,
                              "shape": labels.shape_label(week.blocks)
                              or f"{week.minutes:g} min walk", "focus": week.focus})
        return studio.page(request, "program.html", name=name,
                           program=program_of(space, loaded) if loaded else None,
                           weeks=weeks, problem=problem, chosen=chosen,
                           tracks=titles.tracks(space, "weeks",
                                                making.weeks_folder(name, chosen)),
                           bundles=shares.bundles(space, name),
                           clients=titles.client_names(space),
                           cover=space.cover_of(name), problems={}, voices=VOICES)

    async def clients(request: Request) -> Response:
        token = request.query_params.get("deleted", "")
        return studio.page(request, "clients.html", clients=titles.client_names(space),
                           glances=await run_in_threadpool(checkins.glances, space),
                           deleted=studio.deleted.get(token), token=token,
                           choices=await run_in_threadpool(client_choices, space),
                           form=dict.fromkeys(CLIENT_FIELDS, ""), problems={},
                           music=space.names("music"))

    async def new_client(request: Request) -> Response:
        form = await form_of(request)
        try:
            name, _ = await run_in_threadpool(save_client, space, form)
        except FormError as exc:
            return studio.page(request, "_client_form.html", form=form, problems=exc.problems,
                               choices=await run_in_threadpool(client_choices, space),
                               action="/clients", music=space.names("music"))
        return go(f"/clients/{name}")

    async def client(request: Request) -> Response:
        name = name_param(request)
        # The version before the content: a change in between makes a save refused, never
        # written over.
        version = file_version(existing(space, "clients", name))
        try:
            form = await run_in_threadpool(client_form, space, name)
        except InputError as exc:  # a broken profile: fixed as its file, not written over
            return await source_page(request, "clients", name, (str(exc),))
        bundles = await run_in_threadpool(shares.client_bundles, space, name)
        loop = await progress_context(studio, name)
        return studio.page(request, "client.html", name=name, form=form, problems={}, **loop,
                           choices=await run_in_threadpool(client_choices, space),
                           music=space.names("music"), bundles=bundles,
                           programs=titles.program_titles(space), version=version)

    async def edit_client(request: Request) -> Response:
        name = name_param(request)
        existing(space, "clients", name)
        form = await form_of(request)
        problems: dict[str, str] = {}
        version = form.get("version")
        try:
            _, version = await run_in_threadpool(lambda: save_client(
                space, form, name=name, version=version))
        except StaleFile as exc:  # the other page's change stays; this one is said refused
            problems = {"form": str(exc)}
        except FormError as exc:
            problems = exc.problems
            version = exc.version or version
        return studio.page(request, "_client_form.html", form=form, problems=problems,
                           choices=await run_in_threadpool(client_choices, space),
                           action=f"/clients/{name}", saved=not problems,
                           music=space.names("music"), version=version)

    async def output(request: Request) -> Response:
        try:
            path = space.output_file(request.path_params["path"])
        except InputError:
            raise HTTPException(404, "No such file.") from None
        # A download link on the client's page (sandboxed: another origin, where a link's
        # download attribute is ignored) navigates to the track: it is a download, as it is
        # on the published page.
        download = request.query_params.get("download") == "1" or (
            path.suffix in (".mp3", ".m4a", ".zip")
            and request.headers.get("sec-fetch-dest") in ("document", "iframe")
            and request.headers.get("sec-fetch-site") == "cross-site")
        return FileResponse(path, filename=path.name if download else None,
                            content_disposition_type="attachment" if download else "inline")

    async def music(request: Request) -> Response:
        problems: dict[str, str] = {}
        added = ""
        try:
            async with received(request, space.root / "music", limit=MAX_UPLOAD,
                                what="a music file") as (filename, data):
                added = await run_in_threadpool(save_music, space, filename, data)
        except InputError as exc:
            problems["file"] = said(exc, "file")
        return studio.page(request, "_music.html", problems=problems, added=added)

    async def cover(request: Request) -> Response:
        from walkcoach.encode.cover import MAX_BYTES

        name = name_param(request)
        problems: dict[str, str] = {}
        try:
            async with received(request, space.root / "covers", limit=MAX_BYTES,
                                what="a cover image") as (filename, data):
                await run_in_threadpool(save_cover, space, name, filename, data)
        except InputError as exc:
            problems["cover"] = said(exc, "cover")
        return studio.page(request, "_cover.html", name=name, problems=problems,
                           cover=space.cover_of(name))

    async def source(request: Request) -> Response:
        return await source_page(request, _kind(request), name_param(request))

    async def source_page(request: Request, kind: Editable, name: str,
                          problems: tuple[str, ...] | None = None) -> Response:
        """A file to edit as text, with ``problems`` (else what validate finds) under it."""
        path = existing(space, kind, name)
        if problems is None:
            report = await run_in_threadpool(validate_file, path)
            problems = () if report.ok else report.lines()
        text, version = read_versioned(path)
        return studio.page(request, "source.html", kind=kind, name=name, text=text,
                           problems=problems, saved=False, version=version)

    async def save(request: Request) -> Response:
        kind, name = _kind(request), name_param(request)
        existing(space, kind, name)
        form = await form_of(request)
        text, version = form.get("text", ""), form.get("version")
        saved = True
        try:
            problems, version = await run_in_threadpool(lambda: save_source(
                space, kind, name, text, version=version))
        except StaleFile as exc:  # the other page's change stays; the text typed here too
            problems, saved = (str(exc),), False
        return studio.page(request, "_source_form.html", kind=kind, name=name, text=text,
                           problems=problems, saved=saved, version=version)

    async def copy(request: Request) -> Response:
        name = await run_in_threadpool(copy_exercise, space, name_param(request))
        return go(f"/exercises/{name}/words")

    async def copy_a_program(request: Request) -> Response:
        name = name_param(request)
        existing(space, "programs", name)
        return go(f"/edit/programs/{await run_in_threadpool(copy_program, space, name)}")

    async def jobs(request: Request) -> Response:
        return studio.page(request, "jobs.html", jobs=studio.jobs.all())

    async def job(request: Request) -> Response:
        found = studio.jobs.get(request.path_params["job"])
        if found is None:
            raise HTTPException(404, "No such job (the studio was restarted?).")
        polled = request.query_params.get("polled", "0")
        return studio.page(request, "_job.html", job=found,
                           polled=min(int(polled), 1000) if polled.isdigit() else 0)

    async def cancel(request: Request) -> Response:
        found = studio.jobs.cancel((await form_of(request)).get("job", ""))
        if found is None:
            raise HTTPException(404, "No such job (the studio was restarted?).")
        return studio.page(request, "_job.html", job=found, polled=0)

    return [Route("/", home), Route("/exercises/{name}", exercise),
            Route("/programs/{name}", program), Route("/clients", clients),
            Route("/clients", new_client, methods=["POST"]),
            Route("/clients/{name}", client), Route("/clients/{name}", edit_client,
                                                    methods=["POST"]),
            Route("/files/{path:path}", output), Route("/music", music, methods=["POST"]),
            Route("/programs/{name}/cover", cover, methods=["POST"]),
            Route("/edit/{kind}/{name}", source),
            Route("/edit/{kind}/{name}", save, methods=["POST"]),
            Route("/exercises/{name}/copy", copy, methods=["POST"]),
            Route("/programs/{name}/copy", copy_a_program, methods=["POST"]),
            Route("/jobs", jobs),
            Route("/jobs/{job}", job),
            Route("/jobs/cancel", cancel, methods=["POST"])]


def go(url: str) -> Response:
    """Where the page goes next (htmx goes where HX-Redirect says)."""
    return Response(status_code=200, headers={"HX-Redirect": url})
