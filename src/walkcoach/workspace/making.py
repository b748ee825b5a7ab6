"""What the studio makes, as library calls: a script preview, a track, an edited script's
track, a program's weeks and a client's bundle, each into its place in the workspace.

Each takes a progress callback (stage, done, total) and returns a plain mapping for a page
to show: the files made (by their workspace paths), the script, and the notes a coach must
read (a cue left out for lack of room, as the command line prints them).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any

from walkcoach.encode.export import write_bytes
from walkcoach.errors import ExportError, InputError, excerpt
from walkcoach.workspace.folders import Workspace, check_name
from walkcoach.workspace.forms import TrackRequest

__all__ = ["build_track", "build_weeks", "client_levels", "keep_script", "preview_script",
           "render_script", "share_program", "weeks_folder"]

Progress = Callable[[str, int, int], None]


def preview_script(request: TrackRequest, progress: Progress) -> dict[str, Any]:
    """The session's script as ``walkcoach script`` prints it, and as the file ``script -o``
    writes (to keep for editing); phrases are spoken into the cache, no track is made."""
    from walkcoach.build import session
    from walkcoach.encode import sheets
    from walkcoach.script import file as scriptfile

    speaker = session.make_speaker(request.voice, rate=request.rate)
    timeline, _ = session.plan_session(request.spec, speaker, progress=progress)
    return {"script": sheets.script_text(timeline), "name": request.name,
            "yaml": scriptfile.write_text(timeline,
                                          scriptfile.options_of(request.spec, request.options)),
            "notes": list(sheets.dropped_notes(timeline))}


def build_track(space: Workspace, request: TrackRequest, progress: Progress) -> dict[str, Any]:
    """Build the track a form asked for into the workspace's tracks folder."""
    from walkcoach.build import session
    from walkcoach.script import file as scriptfile
    from walkcoach.workspace.settings import coach_name

    out = space.output_dir("tracks") / f"{request.name}.mp3"
    speaker = session.make_speaker(request.voice, rate=request.rate)
    artist = coach_name(space) or "walkcoach"
    built = session.build_track(request.spec, speaker, out, progress=progress,
                                tags=session.track_tags(request.spec, artist=artist))
    # Its words, to edit as a script after hearing it.
    return {**_built(space, built), "name": request.name,
            "yaml": scriptfile.write_text(built.timeline, scriptfile.options_of(
                request.spec, request.options))}


def keep_script(space: Workspace, name: str, text: str) -> str:
    """Keep a previewed script in the scripts folder under ``name``; returns the name it got.
    A script already kept under that name is the coach's own edit of the same session (the
    name says everything that makes it): it is kept as it is and its name returned, never a
    fresh copy without the edits. The file is whole or absent: written under a hidden name,
    then linked to the first free name (a link fails if the name is taken)."""
    base = check_name(name[:56])
    if space.path("scripts", base).is_file():
        return base
    folder = space.root / "scripts"
    trial = folder / f".{secrets.token_hex(8)}.keep.yaml"
    try:
        write_bytes(trial, text.encode("utf-8", errors="replace"))
        for number in range(1, 1000):
            kept = base if number == 1 else f"{base}-{number}"
            try:
                os.link(trial, space.path("scripts", kept))
            except FileExistsError:
                continue
            except OSError as exc:
                raise ExportError(f"{folder}: cannot keep the script: "
                                  f"{exc.strerror or exc}") from None
            return kept
    finally:
        trial.unlink(missing_ok=True)
    raise InputError(f"too many scripts named {excerpt(base)}: remove some")


def render_script(space: Workspace, name: str, progress: Progress) -> dict[str, Any]:
    """Build the track of an edited script as NAME-edited.mp3 beside the plain tracks."""
    from walkcoach.script import file as scriptfile

    path = space.existing("scripts", name)
    out = space.output_dir("tracks") / f"{name}-edited.mp3"
    return _built(space, scriptfile.render(path, out, progress=progress))


def _built(space: Workspace, built: Any) -> dict[str, Any]:
    from walkcoach.encode import sheets
    from walkcoach.workspace.titles import length_said

    timeline = built.timeline
    return {"file": space.relative(built.path), "captions": space.relative(built.captions),
            "sheet": space.relative(built.cue_sheet),
            "duration_ms": timeline.duration_ms, "cues": len(timeline.cues),
            "length": length_said(timeline.walk_end_ms - timeline.walk_start_ms,
                                  timeline.duration_ms),
            "script": sheets.script_text(built.timeline),
            "notes": list(sheets.dropped_notes(built.timeline))}


def weeks_folder(program: str, client: str = "") -> str:
    """The folder of weeks/ a program's weeks are built into: the program's, or one of
    its own for a client (a client's level may change every week's track)."""
    return f"{program}-for-{client}" if client else program


def client_levels(space: Workspace, program: Any, client: str) -> tuple[str, ...]:
    """The level each week of a loaded ``program`` is walked at for the workspace client
    ``client`` ("": the program's own client, or the program's levels), as its profile's
    level and level rule say."""
    from walkcoach import content
    from walkcoach.build.program import client_week_levels

    who = content.load_client(space.existing("clients", client)) if client else program.client
    return client_week_levels(program, who if who is not None and who.level else None)


def build_weeks(space: Workspace, program: str, voice: str,
                progress: Progress, client: str = "") -> dict[str, Any]:
    """Build every week of a workspace program into weeks/PROGRAM/ (what is up to date is
    kept), or for a workspace ``client`` into weeks/PROGRAM-for-CLIENT/, each week at the
    level the client's profile says."""
    from walkcoach import content
    from walkcoach.build import program as batch
    from walkcoach.workspace.settings import program_of

    path = space.existing("programs", program)
    who = content.load_client(space.existing("clients", client)) if client else None
    result = batch.build_program(program_of(space, content.load_program(path)),
                                 space.output_dir("weeks", weeks_folder(program, client)),
                                 voice=voice, progress=progress, client=who)
    tracks = []
    for track in result.tracks:
        captions = track.path.with_suffix(".vtt")
        tracks.append({"week": track.week, "status": track.status, "error": track.error,
                       "file": space.relative(track.path) if track.path.is_file() else "",
                       "captions": space.relative(captions) if captions.is_file() else ""})
    return {"tracks": tracks, "playlist": space.relative(result.playlist),
            "seconds": result.seconds}


def share_program(space: Workspace, program: str, client: str, base_url: str | None,
                  voice: str, progress: Progress) -> dict[str, Any]:
    """Make (or bring up to date) a client's share bundle of a workspace program, with its
    zip, in share/PROGRAM/; ``client`` is a workspace profile, or "" for the program's own."""
    from walkcoach import content, share
    from walkcoach.workspace.settings import program_of

    path = space.existing("programs", program)
    who = content.load_client(space.existing("clients", client)) if client else None
    result = share.build_share(program_of(space, content.load_program(path)),
                               space.output_dir("share", program),
                               client=who, base_url=base_url, make_zip=True, voice=voice,
                               progress=progress)
    return {"page": space.relative(result.page),
            "zip": space.relative(result.archive) if result.archive else "",
            "feed": f"{result.url}feed.xml" if result.url else "",
            "tracks": len(result.program.tracks)}
