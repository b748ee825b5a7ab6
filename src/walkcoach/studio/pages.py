"""The studio's pages for what the workspace holds: exercises, programs (their weeks, their
builds and share bundles), clients, the files walkcoach made, and the jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from walkcoach.authoring import validate_file
from walkcoach.errors import InputError
from walkcoach.studio.app import Studio
from walkcoach.workspace import (
    CLIENT_FIELDS,
    EDITABLE,
    MAX_UPLOAD,
    FormError,
    Workspace,
    check_name,
    client_form,
    copy_exercise,
    exercise_choices,
    save_client,
    save_cover,
    save_music,
    save_source,
)
from walkcoach.workspace.sources import Editable

__all__ = ["form_of", "go", "routes"]

_AUDIO = (".mp3", ".m4a")


async def form_of(request: Request) -> dict[str, str]:
    """The text fields of a posted form (files are read by their own routes)."""
    form = await request.form(max_files=0, max_fields=400)
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _name(request: Request) -> str:
    name = request.path_params["name"]
    try:
        return check_name(name)
    except InputError:
        raise HTTPException(404, "No such page.") from None


def _kind(request: Request) -> Editable:
    kind = request.path_params["kind"]
    if kind not in EDITABLE:
        raise HTTPException(404, "No such page.")
    return cast(Editable, kind)


def _tracks_in(space: Workspace, folder: Path) -> list[dict[str, str]]:
    """The tracks walkcoach made in ``folder``, each with its captions."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.suffix in _AUDIO and path.is_file() and path.with_suffix(".json").is_file():
            captions = path.with_suffix(".vtt")
            found.append({"name": path.stem, "file": space.relative(path),
                          "captions": space.relative(captions) if captions.is_file() else ""})
    return found


def _bundles(space: Workspace, program: str, client: str | None = None) -> list[dict[str, str]]:
    """The share bundles made of a program (for one client's slug, if given)."""
    folder = space.output_dir("share", program)
    if not folder.is_dir():
        return []
    found = []
    from walkcoach.share.bundle import bundle_slug

    for page in sorted(folder.glob("*/index.html")):
        slug = bundle_slug(page.parent.name)
        if slug is None or client is not None and slug != client:
            continue
        archive = page.parent.with_suffix(".zip")
        found.append({"client": slug, "page": space.relative(page),
                      "zip": space.relative(archive) if archive.is_file() else ""})
    return found


def routes(studio: Studio) -> list[Route]:
    """The routes of these pages."""
    space = studio.space

    async def home(request: Request) -> Response:
        return studio.page(request, "home.html", exercises=exercise_choices(space),
                           programs=space.names("programs"), clients=space.names("clients"),
                           scripts=space.names("scripts"),
                           tracks=_tracks_in(space, space.output_dir("tracks")),
                           jobs=studio.jobs.all()[:5])

    async def exercise(request: Request) -> Response:
        from walkcoach import content

        name = _name(request)
        choices = exercise_choices(space)
        if name not in choices:
            raise HTTPException(404, f"There is no exercise named {name}.")
        own = name in space.names("exercises")
        try:
            loaded = await run_in_threadpool(content.find_exercise, choices[name])
        except InputError as exc:
            if not own:
                raise
            return go_edit(request, "exercises", name, str(exc))
        path = loaded.source.path
        return studio.page(request, "exercise.html", exercise=loaded,
                           text=path.read_text(encoding="utf-8", errors="replace"), own=own)

    async def program(request: Request) -> Response:
        from walkcoach import content, labels

        name = _name(request)
        path = space.existing("programs", name)
        weeks: list[dict[str, Any]] = []
        problem = None
        loaded = None
        try:
            loaded = await run_in_threadpool(content.load_program, path)
        except InputError as exc:
            problem = str(exc)
        if loaded is not None:
            for week in loaded.weeks:
                weeks.append({"week": week.week, "level": week.level, "setting": week.setting,
                              "shape": labels.shape_label(week.blocks)
                              or f"{week.minutes:g} min", "focus": week.focus})
        return studio.page(request, "program.html", name=name, program=loaded, weeks=weeks,
                           problem=problem,
                           text=path.read_text(encoding="utf-8", errors="replace"),
                           tracks=_tracks_in(space, space.output_dir("weeks", name)),
                           bundles=_bundles(space, name), clients=space.names("clients"),
                           cover=_cover_of(space, name), problems={})

    async def clients(request: Request) -> Response:
        return studio.page(request, "clients.html", clients=space.names("clients"),
                           form=dict.fromkeys(CLIENT_FIELDS, ""), problems={},
                           music=space.names("music"))

    async def new_client(request: Request) -> Response:
        form = await form_of(request)
        try:
            name = await run_in_threadpool(save_client, space, form)
        except FormError as exc:
            return studio.page(request, "_client_form.html", form=form, problems=exc.problems,
                               action="/clients", music=space.names("music"))
        return go(f"/clients/{name}")

    async def client(request: Request) -> Response:
        from walkcoach import content

        name = _name(request)
        form = client_form(space, name)
        problems: dict[str, str] = {}
        try:  # a broken profile says so, not an empty form that Save would write over
            await run_in_threadpool(content.load_client, space.existing("clients", name))
        except InputError as exc:
            problems["form"] = str(exc)
        return studio.page(request, "client.html", name=name, form=form, problems=problems,
                           music=space.names("music"), **_client_links(space, name))

    async def edit_client(request: Request) -> Response:
        name = _name(request)
        space.existing("clients", name)
        form = await form_of(request)
        problems: dict[str, str] = {}
        try:
            await run_in_threadpool(lambda: save_client(space, form, name=name))
        except FormError as exc:
            problems = exc.problems
        return studio.page(request, "_client_form.html", form=form, problems=problems,
                           action=f"/clients/{name}", saved=not problems,
                           music=space.names("music"))

    async def output(request: Request) -> Response:
        try:
            path = space.output_file(request.path_params["path"])
        except InputError:
            raise HTTPException(404, "No such file.") from None
        download = request.query_params.get("download") == "1"
        return FileResponse(path, filename=path.name if download else None,
                            content_disposition_type="attachment" if download else "inline")

    async def music(request: Request) -> Response:
        problems: dict[str, str] = {}
        try:
            filename, data = await upload(request, MAX_UPLOAD, "a music file")
            await run_in_threadpool(save_music, space, filename, data)
        except InputError as exc:
            problems["file"] = str(exc)
        return studio.page(request, "_music.html", problems=problems)

    async def cover(request: Request) -> Response:
        from walkcoach.cover import MAX_BYTES

        name = _name(request)
        problems: dict[str, str] = {}
        try:
            filename, data = await upload(request, MAX_BYTES, "a cover image")
            await run_in_threadpool(save_cover, space, name, filename, data)
        except InputError as exc:
            problems["cover"] = str(exc)
        return studio.page(request, "_cover.html", name=name, problems=problems,
                           cover=_cover_of(space, name))

    async def source(request: Request) -> Response:
        return await source_page(request, _kind(request), _name(request))

    async def source_page(request: Request, kind: Editable, name: str) -> Response:
        path = space.existing(kind, name)
        report = await run_in_threadpool(validate_file, path)
        return studio.page(request, "source.html", kind=kind, name=name,
                           text=path.read_text(encoding="utf-8", errors="replace"),
                           problems=() if report.ok else report.lines(), saved=False)

    def go_edit(request: Request, kind: Editable, name: str, problem: str) -> Response:
        path = space.existing(kind, name)
        return studio.page(request, "source.html", kind=kind, name=name,
                           text=path.read_text(encoding="utf-8", errors="replace"),
                           problems=(problem,), saved=False)

    async def save(request: Request) -> Response:
        kind, name = _kind(request), _name(request)
        text = (await form_of(request)).get("text", "")
        problems = await run_in_threadpool(save_source, space, kind, name, text)
        return studio.page(request, "_source_form.html", kind=kind, name=name, text=text,
                           problems=problems, saved=True)

    async def copy(request: Request) -> Response:
        name = await run_in_threadpool(copy_exercise, space, _name(request))
        return go(f"/edit/exercises/{name}")

    async def jobs(request: Request) -> Response:
        return studio.page(request, "jobs.html", jobs=studio.jobs.all())

    async def job(request: Request) -> Response:
        found = studio.jobs.get(request.path_params["job"])
        if found is None:
            raise HTTPException(404, "No such job (the studio was restarted?).")
        return studio.page(request, "_job.html", job=found)

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
            Route("/jobs", jobs),
            Route("/jobs/{job}", job)]


async def upload(request: Request, limit: int, what: str) -> tuple[str, bytes]:
    """The file of a posted form's ``file`` field: its name and bytes, at most ``limit``
    bytes (refused from the request's declared size, before reading it)."""
    size = request.headers.get("content-length", "")
    if not size.isdigit() or int(size) > limit + 2 ** 16:
        raise InputError(f"{what} is at most {limit / 2 ** 20:.1f} MB (and the upload must say "
                         "its size)")
    form = await request.form(max_files=1, max_fields=5, max_part_size=2 ** 16)
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise InputError(f"choose {what} to upload")
    data = await sent.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{what} is at most {limit / 2 ** 20:.1f} MB")
    return Path(sent.filename).name, data


def _cover_of(space: Workspace, program: str) -> str:
    """The program's own cover under the workspace's covers folder, if it has one there."""
    for suffix in (".png", ".jpg"):
        path = space.root / "covers" / f"{program}{suffix}"
        if path.is_file():
            return space.relative(path)
    return ""


def _client_links(space: Workspace, name: str) -> dict[str, Any]:
    """A client's programs: those with a bundle made for the client's file name."""
    from walkcoach.names import slug

    who = client_form(space, name).get("name") or name
    bundles = []
    for program in space.names("programs"):
        for bundle in _bundles(space, program, slug(who)):
            bundles.append({"program": program, **bundle})
    return {"bundles": bundles, "programs": space.names("programs")}


def go(url: str) -> Response:
    """Where the page goes next (htmx goes where HX-Redirect says)."""
    return Response(status_code=200, headers={"HX-Redirect": url})
