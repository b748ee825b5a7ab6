"""The studio's making pages: one track (its script first), an edited script, a program's
weeks and a client's share bundle. Each long piece of work is a job in the queue; what it
makes is a library call (walkcoach.workspace.making)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from walkcoach.errors import InputError
from walkcoach.studio.base import Studio, existing, name_param
from walkcoach.studio.pages import form_of, go
from walkcoach.workspace import (
    VOICES,
    FormError,
    Workspace,
    check_voice,
    edit_script,
    exercise_ref,
    file_version,
    making,
    recovery_choices,
    refusal_field,
    script_problems,
    titles,
    track_request,
)
from walkcoach.workspace.words import said

__all__ = ["routes"]

_DEFAULTS = {"exercise": "walking-backwards", "length": "minutes", "minutes": "8",
             "intervals": "6x1:00/1:00", "voice": "auto", "rate": "1.0", "intro": "full",
             "chimes": "", "seed": "0"}
_ACTIONS = {"script": "Script", "build": "Track"}


def _choices(space: Workspace, exercise: str) -> dict[str, Any]:
    """What the form offers for ``exercise``: its levels and settings, and the rest."""
    from walkcoach import content

    try:
        loaded = content.find_exercise(exercise_ref(space, exercise))
        levels, settings = loaded.level_names, loaded.setting_names
    except InputError:
        levels, settings = (), ()
    named = titles.exercise_titles(space)
    return {"exercises": named,
            "recoveries": {name: named.get(name, name) for name in recovery_choices(space)},
            "levels": levels, "settings": settings,
            "clients": titles.client_names(space), "music": space.names("music"),
            "voices": VOICES}


def _indices(form: Mapping[str, str], prefix: str) -> dict[int, str]:
    """The fields named PREFIX-N (N a plain number), by N."""
    found = {}
    for key, value in form.items():
        number = key.removeprefix(prefix)
        if key.startswith(prefix) and number.isascii() and number.isdigit():
            found[int(number)] = value
    return found


def routes(studio: Studio) -> list[Route]:
    """The routes of the making pages."""
    space = studio.space

    async def form_page(request: Request, form: Mapping[str, str],
                        problems: Mapping[str, str], *, whole: bool, job: Any = None
                        ) -> Response:
        choices = await run_in_threadpool(_choices, space,
                                          form.get("exercise") or "walking-backwards")
        return studio.page(request, "track.html" if whole else "_track_form.html",
                           form=form, problems=problems, job=job,
                           active=studio.jobs.active(), **choices)

    async def track(request: Request) -> Response:
        form = _DEFAULTS | {key: value for key, value in request.query_params.items()
                            if isinstance(value, str)}
        return await form_page(request, form, {}, whole=True)

    async def fields(request: Request) -> Response:
        exercise = request.query_params.get("exercise") or "walking-backwards"
        choices = await run_in_threadpool(_choices, space, exercise)
        return studio.page(request, "_level_setting.html", form={"exercise": exercise},
                           problems={}, **choices)

    async def make(request: Request) -> Response:
        action = request.path_params["action"]
        if action not in _ACTIONS:
            raise HTTPException(404, "No such page.")
        form = await form_of(request)
        try:
            asked = await run_in_threadpool(track_request, space, form)
        except FormError as exc:
            return await form_page(request, form, exc.problems, whole=False)
        what = titles.session_title(asked.spec)
        if action == "script":
            job = studio.jobs.submit(
                kind="script", title=f"The script of {what}", key=asked.name,
                work=lambda progress: making.preview_script(asked, progress))
        else:
            job = studio.jobs.submit(
                kind="track", title=f"Track: {what}", key=asked.name,
                work=lambda progress: making.build_track(space, asked, progress))
        page = await form_page(request, form, {}, whole=False, job=job)
        # Back from what comes next (the script's editor) finds the form as it was sent.
        page.headers["HX-Push-Url"] = f"/track?{urlencode(form)}"
        return page

    async def keep_script(request: Request) -> Response:
        form = await form_of(request)
        job = studio.jobs.get(form.get("job", ""))
        if job is None or job.kind not in ("script", "track") or job.state != "done":
            raise HTTPException(404, "That script is gone (the studio was restarted?): "
                                "preview it again.")
        kept = await run_in_threadpool(making.keep_script, space, job.result["name"],
                                       job.result["yaml"])
        return go(f"/scripts/{kept}")

    async def script_page(request: Request, name: str, *,
                          problems: Mapping[Any, str] | None = None, job: Any = None,
                          whole: bool = True, saved: bool = False,
                          typed: Mapping[Any, str] | None = None,
                          version: str | None = None) -> Response:
        from walkcoach.script import file as scriptfile
        from walkcoach.workspace.strip import strip

        path = existing(space, "scripts", name)
        # The version before the lines: a change in between makes a save refused, never
        # applied to lines the page did not show.
        version = version if version is not None else file_version(path)
        found: Mapping[Any, str] = problems if problems is not None else \
            await run_in_threadpool(script_problems, path)
        lines: list[Any] = []
        try:
            lines = list((await run_in_threadpool(scriptfile.read, path)).lines)
        except InputError as exc:
            found = {"form": said(exc), **found}
        return studio.page(request, "script.html" if whole else "_script_form.html",
                           name=name, title=titles.script_title(space, name), lines=lines,
                           problems=found, job=job,
                           clock=scriptfile.clock, saved=saved, typed=typed or {},
                           version=version, strip=strip(lines) if lines else None)

    async def script(request: Request) -> Response:
        return await script_page(request, name_param(request))

    async def save_script(request: Request) -> Response:
        name = name_param(request)
        path = existing(space, "scripts", name)
        form = await form_of(request)
        add = (form.get("add_walk", ""), form.get("add_say", ""))
        says = _indices(form, "say-")
        try:
            version = await run_in_threadpool(lambda: edit_script(
                path, says, delete=frozenset(_indices(form, "delete-")),
                add=add if add[1].strip() else None, version=form.get("version")))
        except InputError as exc:  # not kept: the file as it was, the form as it was typed
            typed: dict[Any, str] = {**says, "add_walk": add[0], "add_say": add[1]}
            return await script_page(request, name, problems=refusal_field(exc),
                                     whole=False, typed=typed, version=form.get("version"))
        problems = await run_in_threadpool(script_problems, path)
        job = None
        if not problems and form.get("then") == "build":
            job = studio.jobs.submit(
                kind="render", title=f"Track of your words: {titles.script_title(space, name)}",
                key=f"{name}@{version}",
                work=lambda progress: making.render_script(space, name, progress))
        return await script_page(request, name, problems=problems, job=job, whole=False,
                                 saved=True, version=version)

    async def build_program(request: Request) -> Response:
        name = name_param(request)
        existing(space, "programs", name)
        form = await form_of(request)
        voice = form.get("voice") or "auto"
        client = (form.get("client") or "").strip()
        try:
            await run_in_threadpool(check_voice, voice)
            if client:
                existing(space, "clients", client)
        except InputError as exc:
            return studio.page(request, "_problems.html",
                               problems={"voice": said(exc, "voice")})
        program = titles.program_titles(space).get(name, name)
        who = titles.client_names(space).get(client) if client else None
        job = studio.jobs.submit(kind="program",
                                 title=f"The weeks of {program}" + (f" for {who}" if who else ""),
                                 key=f"{name}/{voice}/{client}",
                                 work=lambda progress: making.build_weeks(
                                     space, name, voice, progress, client=client))
        return studio.page(request, "_job.html", job=job)

    async def share(request: Request) -> Response:
        name = name_param(request)
        path = existing(space, "programs", name)
        form = await form_of(request)
        client = (form.get("client") or "").strip()
        base_url = (form.get("base_url") or "").strip() or None
        voice = form.get("voice") or "auto"
        problems = await run_in_threadpool(_share_problems, space, path, client, base_url,
                                           voice)
        if problems:
            return studio.page(request, "_problems.html", problems=problems)
        who = titles.client_names(space).get(client) if client else None
        program = titles.program_titles(space).get(name, name)
        job = studio.jobs.submit(
            kind="share", title=f"Share {program} with {who or 'the program’s client'}",
            key=f"{name}/{client}/{base_url}/{voice}",
            work=lambda progress: making.share_program(space, name, client, base_url, voice,
                                                       progress))
        return studio.page(request, "_job.html", job=job)

    return [Route("/track", track), Route("/track/fields", fields),
            Route("/track/{action:str}", make, methods=["POST"]),
            Route("/scripts", keep_script, methods=["POST"]),
            Route("/scripts/{name}", script),
            Route("/scripts/{name}", save_script, methods=["POST"]),
            Route("/programs/{name}/build", build_program, methods=["POST"]),
            Route("/programs/{name}/share", share, methods=["POST"])]


def _share_problems(space: Workspace, path: Any, client: str, base_url: str | None,
                    voice: str) -> dict[str, str]:
    """What stops a share before it starts, by field, in the command line's words."""
    from walkcoach import content
    from walkcoach.share import check_base_url

    problems = {}
    checks: dict[str, Callable[[], object]] = {
        "client": lambda: space.existing("clients", client) if client else None,
        "base_url": lambda: check_base_url(base_url) if base_url else None,
        "voice": lambda: check_voice(voice)}
    for field, check in checks.items():
        try:
            check()
        except InputError as exc:
            problems[field] = said(exc, field)
    if not client and "client" not in problems:
        try:
            if content.load_program(path).client is None:
                problems["client"] = ("Client: a share bundle is for one client: choose one "
                                      "(this program names none)")
        except InputError as exc:
            problems["program"] = said(exc, "program")
    return problems
