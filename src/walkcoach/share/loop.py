"""The loop back from the client: a check-in code imported, a client's progress, a bundle's weeks.

What the faces call (``walkcoach checkin`` and ``walkcoach progress``; the studio's client
page), and what the bundle asks before it publishes a program whose weeks are earned
(:func:`bundle_release`). The client's bundles are found from the tokens file
(walkcoach.share.clients), their check-ins in the logbook (walkcoach.share.logbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkcoach import content
from walkcoach.errors import InputError, WalkcoachError, excerpt
from walkcoach.plan.model import ClientSpec, Program, Source
from walkcoach.share import logbook
from walkcoach.share.checkins import VERSION, ForeignCodeError, checkin_tag, read_code
from walkcoach.share.clients import KeptBundle, bundles_of
from walkcoach.share.progress import Progress, progress_of
from walkcoach.share.release import Release, release
from walkcoach.share.tokens import path_key

__all__ = ["Imported", "bundle_release", "bundle_sessions", "client_progress",
           "import_checkin", "page_checkins"]


@dataclass(frozen=True, kw_only=True)
class Imported:
    """A check-in code imported: how many sessions it held, what changed, where they are
    kept, and the program's release after it (None when the program cannot be read now)."""

    client: str
    program: Path
    sessions: int
    merged: logbook.Merged
    release: Release | None


def import_checkin(client: ClientSpec, code: str) -> Imported:
    """Import the check-in code ``code`` for ``client`` (a profile, or a bare name): a damaged
    code, one of a newer walkcoach, or one of another client's bundle is an InputError in
    one line; the same code imported twice changes nothing."""
    parsed = read_code(code)
    bundles = bundles_of(client)
    if not bundles:
        raise InputError(f"no share bundle was made for {excerpt(client.name)}: a check-in "
                         "code comes from the page of one (walkcoach share PROGRAM --client "
                         "NAME)")
    bundle = next((b for b in bundles if b.tag == parsed.tag), None)
    if bundle is None:
        raise ForeignCodeError
    merged = logbook.merge(logbook.logbook_path(client, bundle.tag), bundle.tag,
                           bundle.program, parsed.sessions)
    try:
        program = content.load_program(bundle.program)
    except WalkcoachError:
        out = None  # the import is kept; progress says what is wrong with the program
    else:
        out = release(program, _sessions(client, _same_program(bundles, bundle.program)))
    return Imported(client=client.name, program=bundle.program,
                    sessions=len(parsed.sessions), merged=merged, release=out)


def client_progress(client: ClientSpec, *, program: str | None = None) -> Progress:
    """``client``'s progress through the program of their bundles (``program``, a file or a
    shipped name, picks one when they have bundles of several)."""
    bundles = bundles_of(client)
    if program is not None:
        path = content.find_program(program)
        chosen = [b for b in bundles if _same(b.program, path)]
    else:
        paths = list(dict.fromkeys(path_key(b.program) for b in bundles))
        if not paths:
            raise InputError(f"no share bundle was made for {excerpt(client.name)}: give "
                             "--program, or make one (walkcoach share PROGRAM --client NAME)")
        if len(paths) > 1:
            raise InputError(f"{excerpt(client.name)} has bundles of {len(paths)} programs "
                             f"({', '.join(Path(p).name for p in paths)}): give --program")
        path = bundles[0].program
        chosen = list(bundles)
    loaded = content.load_program(path)
    return progress_of(loaded, _sessions(client, chosen), client=client.name)


def bundle_sessions(program: Program, client: ClientSpec | str | None, token: str,
                    ) -> tuple[logbook.Logged, ...]:
    """The sessions imported for the bundle of ``token`` (made for ``client``: a profile,
    a bare name, or None for the program's own client), in the order walked."""
    spec = client if isinstance(client, ClientSpec) else ClientSpec(
        name=client or (program.client.name if program.client else ""),
        source=Source(path=content.COMMAND_LINE))
    tag = checkin_tag(token)
    return logbook.load(logbook.logbook_path(spec, tag), (tag,))


def bundle_release(program: Program, client: ClientSpec | str | None, token: str) -> Release:
    """The weeks of ``program`` out in the bundle of ``token``: all of them, or those the
    client's imported check-ins have earned (``release: earned``)."""
    return release(program, bundle_sessions(program, client, token))


def page_checkins(program: Program, client: ClientSpec | str | None,
                  token: str) -> dict[str, Any]:
    """What the client's page needs to log sessions and make check-in codes, as JSON-ready
    data for the page to embed: the bundle's check-in tag, the pain limit, the sessions a
    week, the weeks out (as imported so far), the week offered again, whether to stop, and
    the coach's e-mail for "Send to my coach" (None when the program gives none)."""
    out = bundle_release(program, client, token)
    return {"version": VERSION, "tag": checkin_tag(token), "pain_limit": out.pain_limit,
            "sessions_per_week": program.sessions_per_week, "release": out.mode,
            "released": list(out.weeks), "again": out.again, "stop": out.stop,
            "email": program.email}


def _sessions(client: ClientSpec, bundles: list[KeptBundle]) -> tuple[logbook.Logged, ...]:
    found: dict[object, logbook.Logged] = {}
    for bundle in bundles:
        for session in logbook.load(logbook.logbook_path(client, bundle.tag), (bundle.tag,)):
            found.setdefault(session.key, session)
    return tuple(sorted(found.values(), key=lambda s: (s.day, s.week, s.n)))


def _same_program(bundles: tuple[KeptBundle, ...], path: Path) -> list[KeptBundle]:
    return [b for b in bundles if _same(b.program, path)]


def _same(a: Path, b: Path) -> bool:
    return path_key(a) == path_key(b)
