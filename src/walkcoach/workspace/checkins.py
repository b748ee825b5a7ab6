"""A client's check-ins in the studio: a pasted code imported, their progress, their week at
a glance for the clients list.

The library does the work (walkcoach.share.loop); this module finds the client's profile in
the workspace, and says what happened, or what is wrong with a pasted code, in the coach's
words (a :class:`FormError` on the code's field).
"""

from __future__ import annotations

from typing import Any

from walkcoach.errors import InputError
from walkcoach.workspace.folders import Workspace
from walkcoach.workspace.forms import FormError

__all__ = ["client_progress", "glances", "paste_checkin", "progress_view"]

_REFUSED = {
    "DamagedCodeError": "This code has a mistake: check that it was copied whole, and paste "
                        "it again (or ask the client to send it again).",
    "ForeignCodeError": "This code comes from another client's page: paste it on the page "
                        "of the client who sent it.",
}


def _profile(space: Workspace, name: str) -> Any:
    from walkcoach import content

    return content.load_client(space.existing("clients", name))


def paste_checkin(space: Workspace, name: str, code: str) -> str:
    """Import the check-in ``code`` the client ``name`` sent; what happened, in words. A
    code that is empty, damaged, of another client's page, or for a client with no share
    bundle is a FormError on the ``code`` field (nothing kept); the same code twice
    changes nothing, and says so."""
    from walkcoach.share.clients import bundles_of
    from walkcoach.share.loop import import_checkin
    from walkcoach.workspace.words import said

    if not code.strip():
        raise FormError({"code": "Paste the code your client sent you."})
    client = _profile(space, name)
    if not bundles_of(client):
        raise FormError({"code": f"{client.name} has no client's page yet: a check-in code "
                                 "comes from one (make it with Share with a client, on a "
                                 "program's page)."})
    try:
        done = import_checkin(client, code)
    except InputError as exc:
        raise FormError({"code": _REFUSED.get(type(exc).__name__)
                         or said(exc, "code")}) from None
    merged = done.merged
    if not merged.added and not merged.changed:
        return (f"This code was imported before: its {_sessions(done.sessions)} are already "
                "here, and nothing changed.")
    parts = [f"{merged.added} new"] if merged.added else []
    if merged.changed:
        parts.append(f"{merged.changed} corrected")
    if merged.same:
        parts.append(f"{merged.same} already here")
    return f"Imported {_sessions(done.sessions)}: {', '.join(parts)}."


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"


def client_progress(space: Workspace, name: str) -> list[dict[str, Any]]:
    """The client's progress through each program they have a share bundle of: its title,
    the library's :class:`walkcoach.share.progress.Progress`, or ``problem``, in words, when
    it cannot be read. Empty when the client has no bundle or the profile cannot be read."""
    from walkcoach.share.clients import bundles_of
    from walkcoach.share.loop import client_progress as progress_of
    from walkcoach.share.tokens import path_key
    from walkcoach.workspace.titles import program_titles
    from walkcoach.workspace.words import said

    try:
        client = _profile(space, name)
    except InputError:
        return []
    titles = program_titles(space)
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for bundle in bundles_of(client):
        key = path_key(bundle.program)
        if key in seen:
            continue
        seen.add(key)
        title = titles.get(bundle.program.stem, bundle.program.stem)
        try:
            found.append({"title": title, "progress": progress_of(client, program=key)})
        except InputError as exc:
            found.append({"title": title, "problem": said(exc, "program")})
    return found


def progress_view(space: Workspace, name: str) -> list[dict[str, Any]]:
    """What the client's page shows of each program's progress: its title, the chart's
    shapes (walkcoach.workspace.chart), the week at a glance and what the release rule says
    comes next; or its ``problem`` in words."""
    from walkcoach.workspace.chart import chart

    shown = []
    for item in client_progress(space, name):
        progress = item.get("progress")
        if progress is None:
            shown.append(item)
            continue
        shown.append({"title": item["title"], "chart": chart(progress.series()),
                      "glance": progress.glance(), "says": progress.release.says})
    return shown


def glances(space: Workspace) -> dict[str, dict[str, Any]]:
    """Each client's week at a glance, by profile name (only clients with check-ins or a
    bundle): the week out, sessions done of planned, the last pain, again and stop, and
    ``call``: whether the coach should call them (told to stop, or offered a week again)."""
    found: dict[str, dict[str, Any]] = {}
    for name in space.names("clients"):
        for item in client_progress(space, name):
            if "progress" in item:
                glance = item["progress"].glance()
                found[name] = {**glance, "title": item["title"],
                               "call": glance["stop"] or glance["again"]}
                break
    return found
