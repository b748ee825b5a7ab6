"""The studio's making pages: one track (its script first), an edited script, a program's
weeks and a client's share bundle. Each long piece of work is a job in the queue."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from walkcoach.errors import InputError
from walkcoach.studio.app import Studio
from walkcoach.studio.pages import form_of, go
from walkcoach.workspace import (
    VOICES,
    FormError,
    TrackRequest,
    Workspace,
    check_name,
    edit_script,
    exercise_choices,
    exercise_ref,
    script_problems,
    track_request,
)

__all__ = ["routes"]

Progress = Callable[[str, int, int], None]
_DEFAULTS = {"exercise": "walking-backwards", "length": "minutes", "minutes": "8",
             "intervals": "6x1:00/1:00", "voice": "auto", "rate": "1.0", "intro": "full",
             "chimes": "on", "seed": "0"}


def _choices(space: Workspace, exercise: str) -> dict[str, Any]:
    """What the form offers for ``exercise``: its levels and settings, and the rest."""
    from walkcoach import content

    try:
        loaded = content.find_exercise(exercise_ref(space, exercise))
        levels, settings = loaded.level_names, loaded.setting_names
    except InputError:
        levels, settings = (), ()
    return {"exercises": exercise_choices(space), "levels": levels, "settings": settings,
            "clients": space.names("clients"), "music": space.names("music"),
            "voices": VOICES}


def _track(space: Workspace, request: TrackRequest, progress: Progress) -> dict[str, Any]:
    from walkcoach import session, sheets

    out = space.output_dir("tracks") / f"{request.name}.mp3"
    speaker = session.make_speaker(request.voice, rate=request.rate)
    built = session.build_track(request.spec, speaker, out, progress=progress,
                                tags=session.track_tags(request.spec, artist="walkcoach"))
    return _built(space, built, sheets.script_text(built.timeline))


def _built(space: Workspace, built: Any, script: str) -> dict[str, Any]:
    return {"file": space.relative(built.path), "captions": space.relative(built.captions),
            "sheet": space.relative(built.cue_sheet),
            "duration_ms": built.timeline.duration_ms, "script": script,
            "cues": len(built.timeline.cues)}


def _script(request: TrackRequest, progress: Progress) -> dict[str, Any]:
    from walkcoach import scriptfile, session, sheets

    speaker = session.make_speaker(request.voice, rate=request.rate)
    timeline, _ = session.plan_session(request.spec, speaker, progress=progress)
    return {"script": sheets.script_text(timeline), "name": request.name,
            "yaml": scriptfile.write_text(timeline,
                                          scriptfile.options_of(request.spec, request.options)),
            "dropped": len(timeline.dropped)}


def routes(studio: Studio) -> list[Route]:
    """The routes of the making pages."""
    space = studio.space

    def form_page(request: Request, form: Mapping[str, str], problems: Mapping[str, str],
                  *, whole: bool) -> Response:
        return studio.page(request, "track.html" if whole else "_track_form.html",
                           form=form, problems=problems,
                           **_choices(space, form.get("exercise") or "walking-backwards"))

    async def track(request: Request) -> Response:
        form = _DEFAULTS | {key: value for key, value in request.query_params.items()
                            if isinstance(value, str)}
        return form_page(request, form, {}, whole=True)

    async def fields(request: Request) -> Response:
        exercise = request.query_params.get("exercise") or "walking-backwards"
        return studio.page(request, "_level_setting.html", form={"exercise": exercise},
                           problems={}, **_choices(space, exercise))

    async def make(request: Request) -> Response:
        form = await form_of(request)
        action = request.path_params["action"]
        try:
            asked = await run_in_threadpool(track_request, space, form)
        except FormError as exc:
            return form_page(request, form, exc.problems, whole=False)
        if action == "script":
            job = studio.jobs.submit(kind="script", title=f"Script: {asked.name}",
                                     work=lambda progress: _script(asked, progress))
        else:
            job = studio.jobs.submit(kind="track", title=f"Track: {asked.name}",
                                     work=lambda progress: _track(space, asked, progress))
        return studio.page(request, "_track_form.html", form=form, problems={}, job=job,
                           **_choices(space, form.get("exercise") or "walking-backwards"))

    async def keep_script(request: Request) -> Response:
        form = await form_of(request)
        job = studio.jobs.get(form.get("job", ""))
        if job is None or job.kind != "script" or job.state != "done":
            raise HTTPException(404, "That script is gone (the studio was restarted?): "
                                "preview it again.")
        from walkcoach.export import write_text

        name = check_name(job.result["name"][:60])
        path, number = space.path("scripts", name), 1
        while path.exists():
            number += 1
            path = space.path("scripts", f"{name[:56]}-{number}")
        write_text(path, job.result["yaml"])
        return go(f"/scripts/{path.stem}")

    async def script_page(request: Request, name: str, *,
                          problems: Mapping[Any, str] | None = None, job: Any = None,
                          whole: bool = True) -> Response:
        from walkcoach import scriptfile

        path = space.existing("scripts", name)
        found: Mapping[Any, str] = problems if problems is not None else \
            await run_in_threadpool(script_problems, path)
        lines: list[Any] = []
        try:
            lines = list(scriptfile.read(path).lines)
        except InputError as exc:
            found = {"form": str(exc), **found}
        return studio.page(request, "script.html" if whole else "_script_form.html",
                           name=name, lines=lines, problems=found, job=job,
                           clock=scriptfile.clock)

    async def script(request: Request) -> Response:
        return await script_page(request, _name(request))

    async def save_script(request: Request) -> Response:
        name = _name(request)
        path = space.existing("scripts", name)
        form = await form_of(request)
        says = {int(key[4:]): value for key, value in form.items()
                if key.startswith("say-") and key[4:].isascii() and key[4:].isdigit()}
        delete = frozenset(int(key[7:]) for key in form if key.startswith("delete-")
                           and key[7:].isascii() and key[7:].isdigit())
        add = (form.get("add_walk", ""), form.get("add_say", ""))
        try:
            edit_script(path, says, delete=delete, add=add if add[1].strip() else None)
        except InputError as exc:  # not kept: the script as it was, and why
            return await script_page(request, name, problems={"form": str(exc)}, whole=False)
        problems = await run_in_threadpool(script_problems, path)
        job = None
        if not problems and form.get("then") == "build":
            out = space.output_dir("tracks") / f"{name}-edited.mp3"
            job = studio.jobs.submit(kind="render", title=f"Track of script: {name}",
                                     work=lambda progress: _render(space, path, out, progress))
        return await script_page(request, name, problems=problems, job=job, whole=False)

    async def build_program(request: Request) -> Response:
        name = _name(request)
        path = space.existing("programs", name)
        form = await form_of(request)
        voice = form.get("voice") or "auto"
        out = space.output_dir("weeks", name)
        job = studio.jobs.submit(kind="program", title=f"Program: {name}",
                                 work=lambda progress: _program(space, path, out, voice,
                                                                progress))
        return studio.page(request, "_job.html", job=job)

    async def share(request: Request) -> Response:
        from walkcoach.share import check_base_url

        name = _name(request)
        path = space.existing("programs", name)
        form = await form_of(request)
        client = (form.get("client") or "").strip()
        base_url = (form.get("base_url") or "").strip() or None
        problems = {}
        try:
            if client:
                space.existing("clients", client)
        except InputError as exc:
            problems["client"] = str(exc)
        try:
            if base_url:
                check_base_url(base_url)
        except InputError as exc:
            problems["base_url"] = str(exc)
        if problems:
            return studio.page(request, "_problems.html", problems=problems)
        out = space.output_dir("share", name)
        voice = form.get("voice") or "auto"
        job = studio.jobs.submit(kind="share", title=f"Share: {name} for {client or 'client'}",
                                 work=lambda progress: _share(space, path, out, client,
                                                              base_url, voice, progress))
        return studio.page(request, "_job.html", job=job)

    return [Route("/track", track), Route("/track/fields", fields),
            Route("/track/{action:str}", make, methods=["POST"]),
            Route("/scripts", keep_script, methods=["POST"]),
            Route("/scripts/{name}", script),
            Route("/scripts/{name}", save_script, methods=["POST"]),
            Route("/programs/{name}/build", build_program, methods=["POST"]),
            Route("/programs/{name}/share", share, methods=["POST"])]


def _name(request: Request) -> str:
    try:
        return check_name(request.path_params["name"])
    except InputError:
        raise HTTPException(404, "No such page.") from None


def _render(space: Workspace, path: Any, out: Any, progress: Progress) -> dict[str, Any]:
    from walkcoach import scriptfile, sheets

    built = scriptfile.render(path, out, progress=progress)
    return _built(space, built, sheets.script_text(built.timeline))


def _program(space: Workspace, path: Any, out: Any, voice: str,
             progress: Progress) -> dict[str, Any]:
    from walkcoach import content
    from walkcoach import program as batch

    result = batch.build_program(content.load_program(path), out, voice=voice,
                                 progress=progress)
    return {"tracks": [{"week": track.week, "file": space.relative(track.path)
                        if track.path.is_file() else "",
                        "captions": space.relative(track.path.with_suffix(".vtt"))
                        if track.path.with_suffix(".vtt").is_file() else "",
                        "status": track.status, "error": track.error}
                       for track in result.tracks],
            "playlist": space.relative(result.playlist), "seconds": result.seconds}


def _share(space: Workspace, path: Any, out: Any, client: str, base_url: str | None,
           voice: str, progress: Progress) -> dict[str, Any]:
    from walkcoach import content, share

    who = content.load_client(space.existing("clients", client)) if client else None
    result = share.build_share(content.load_program(path), out, client=who,
                               base_url=base_url, make_zip=True, voice=voice,
                               progress=progress)
    return {"page": space.relative(result.page),
            "zip": space.relative(result.archive) if result.archive else "",
            "feed": result.url and f"{result.url}feed.xml",
            "tracks": len(result.program.tracks)}
