"""The studio's list editor of an exercise's words (the coach's own copy): each part's lines
to add, remove, move and hear, saved through walkcoach.workspace.exercise_words."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from walkcoach.errors import InputError
from walkcoach.studio.base import Studio, existing, name_param
from walkcoach.workspace import VOICES, StaleFile
from walkcoach.workspace.exercise_words import WordsError, edited, read_words, save_words
from walkcoach.workspace.hearing import hear, length_said
from walkcoach.workspace.words import said

__all__ = ["routes"]

_KEPT = 64
"""Lines heard kept in memory to play (the phrase cache keeps them all)."""


def routes(studio: Studio) -> list[Route]:
    """The routes of these pages."""
    space = studio.space
    heard: OrderedDict[str, bytes] = OrderedDict()

    def own(request: Request) -> str:
        name = name_param(request)
        if name not in space.names("exercises"):
            raise HTTPException(404, "Only your own copy of an exercise has its words here.")
        existing(space, "exercises", name)
        return name

    def render(request: Request, name: str, *, whole: bool, **context: Any) -> Response:
        return studio.page(request, "words.html" if whole else "_words_form.html", name=name,
                           voices=VOICES, **{"problems": {}, "form_problem": "",
                                             "voice": VOICES[0], **context})

    async def words(request: Request) -> Response:
        name = own(request)
        try:
            parts, version = await run_in_threadpool(read_words, space, name)
        except InputError:
            return Response(status_code=303, headers={"Location": f"/edit/exercises/{name}"})
        return render(request, name, whole=True, parts=parts, version=version)

    async def edit(request: Request) -> Response:
        name = own(request)
        form = await request.form(max_files=0, max_fields=5000)
        parts, _ = await run_in_threadpool(read_words, space, name)
        sent = {index: _texts(form, f"p{index}") for index in range(len(parts))
                if f"p{index}" in form or f"n{index}" in form}
        action = str(form.get("do", ""))
        version = str(form.get("version", ""))
        voice = str(form.get("voice", VOICES[0]))
        whole = False  # the form, swapped in by htmx
        changed = edited(parts, sent, "" if action == "save" else action)
        if action != "save":
            return render(request, name, whole=whole, parts=changed, version=version,
                          voice=voice)
        try:
            version = await run_in_threadpool(
                lambda: save_words(space, name, changed, version=version))
        except StaleFile as exc:
            return render(request, name, whole=whole, parts=changed, version=version,
                          voice=voice, form_problem=said(exc))
        except WordsError as exc:
            return render(request, name, whole=whole, parts=changed, version=version,
                          voice=voice, form_problem=exc.form, problems=_by_place(exc.lines))
        return render(request, name, whole=whole, parts=changed, version=version,
                      voice=voice, saved=True)

    async def hear_line(request: Request) -> Response:
        # The button is inside the editor's form, which htmx sends whole: "line" says which.
        form = await request.form(max_files=0, max_fields=5000)
        part, _, line = str(form.get("line", "0:0")).partition(":")
        lines = form.getlist(f"p{part}") if part.isdigit() else []
        text = str(lines[int(line)]) if line.isdigit() and int(line) < len(lines) else ""
        try:
            clip = await run_in_threadpool(hear, text, str(form.get("voice", "auto")))
        except InputError as exc:
            return studio.page(request, "_heard.html", problem=said(exc))
        heard[clip.key] = clip.wav
        heard.move_to_end(clip.key)
        while len(heard) > _KEPT:
            heard.popitem(last=False)
        return studio.page(request, "_heard.html", key=clip.key, length=length_said(clip.ms))

    async def play(request: Request) -> Response:
        wav = heard.get(request.path_params["key"])
        if wav is None:
            raise HTTPException(404, "Press Hear it again.")
        return Response(wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    return [Route("/exercises/{name}/words", words),
            Route("/exercises/{name}/words", edit, methods=["POST"]),
            Route("/hear", hear_line, methods=["POST"]),
            Route("/hear/{key:str}.wav", play)]


def _texts(form: FormData, key: str) -> list[str]:
    return [str(value).replace("\r", " ").replace("\n", " ") for value in form.getlist(key)]


def _by_place(lines: Mapping[tuple[int, int | None], str]) -> dict[str, str]:
    """Problems by where the page shows them: "P-L" next to a line, "P" under a part."""
    return {f"{part}" if line is None else f"{part}-{line}": text
            for (part, line), text in lines.items()}
