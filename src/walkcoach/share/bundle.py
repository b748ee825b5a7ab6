"""The share bundle: every week of a program built for one client, with a page and a feed.

``DIR/<client-slug>-<token>/`` is what is published: the tracks (built, or reused when up to
date, by walkcoach.build.program), their captions, transcripts and chapters, the cover,
``index.html`` and, given the public address, ``feed.xml``; with ``make_zip``, the same
files as ``DIR/<client-slug>-<token>.zip``. The build's manifest and lock are the coach's
and never in it: they are kept in ``DIR/.walkcoach/<client-slug>-<token>/`` (:data:`PRIVATE`).
The token (walkcoach.share.tokens) is kept in the user's data folder, never in DIR, with the
folder's name and the schedule: a rebuild keeps the same address and dates, and a client's
podcast subscription keeps working. Nothing in one client's folder names or links another
client. Week N is dated ``start`` + N - 1 weeks, at 06:00 UTC; with days chosen (``days``,
or ``days:`` in the profile or the program), on week N's first session day, and the bundle
holds ``schedule.ics`` (walkcoach.share.calendar). A program whose weeks are earned
(``release: earned``) publishes only the weeks the check-ins imported for the client have
released (walkcoach.share.loop). The page's ``sw.js`` and ``manifest.webmanifest``
(walkcoach.share.offline) let it work offline and from the home screen.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from walkcoach.build import program as batch
from walkcoach.build.session import Progress
from walkcoach.encode import cover, export
from walkcoach.encode.sheets import sidecar_paths
from walkcoach.errors import InputError, RuntimeFailure, excerpt
from walkcoach.plan.model import ClientSpec, Program
from walkcoach.plan.schedule import session_dates
from walkcoach.share import loop, offline, tokens
from walkcoach.share.calendar import schedule_days, schedule_ics
from walkcoach.share.feed import feed_xml
from walkcoach.share.model import Bundle, Episode, Line
from walkcoach.share.page import page_html
from walkcoach.share.publish import write_zip
from walkcoach.share.release import Release
from walkcoach.share.tokens import (
    TOKENS,
    bundle_folder,
    bundle_owner,
    bundle_slug,
    tokens_path,
)

__all__ = ["PRIVATE", "TOKENS", "ShareResult", "build_share", "bundle_folder", "bundle_owner",
           "bundle_slug", "check_base_url", "check_start", "parse_start", "tokens_path"]

PRIVATE = ".walkcoach"
"""The folder in DIR of each bundle's manifest and lock: the coach's, never published."""
_URL_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
_MIME = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "wav": "audio/wav"}
PUBLISH_HOUR = datetime.time(6, 0, tzinfo=datetime.timezone.utc)
"""When on its day each week's episode is dated."""
CALENDAR = "schedule.ics"


@dataclass(frozen=True, kw_only=True)
class ShareResult:
    """A finished bundle: its folder, page, feed and archive, and what the batch did."""

    folder: Path
    page: Path
    feed: Path | None
    archive: Path | None
    url: str | None
    program: batch.ProgramResult
    files: tuple[str, ...] = ()  # the names of the files published in ``folder``, sorted
    calendar: Path | None = None  # schedule.ics, when days were chosen
    release: Release | None = None  # the weeks out, by the check-ins imported so far


MAX_URL = 300
"""The longest --base-url: the address goes into QR codes, which hold about 2,900 bytes at
the error correction a printed page needs, and into every link of the feed."""


def check_base_url(base_url: str) -> str:
    """``base_url`` if it is an http(s) address of a folder that a podcast app can fetch
    and a QR code can hold, with no password in it; else InputError."""
    problem = _url_problem(base_url)
    if problem:
        raise InputError(f"--base-url {problem} (give the http:// or https:// address where "
                         f"the output folder is published), not {excerpt(base_url)}")
    return base_url.rstrip("/") + "/"


def _url_problem(base_url: str) -> str | None:
    if len(base_url) > MAX_URL:
        return f"is {len(base_url)} characters long; at most {MAX_URL}"
    if not base_url.isascii() or any(not ch.isprintable() or ch.isspace() for ch in base_url):
        return "must be plain ASCII with no spaces (percent-encode anything else)"
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must start with http:// or https:// and name a host"
    if parts.username is not None or parts.password is not None:
        return "must not hold a user name or password: it is published in the feed"
    if parts.query or parts.fragment:
        return "must be a folder's address, with no ?query or #fragment"
    if not _URL_CHARS.fullmatch(base_url):
        return "has characters an address cannot hold (quotes, <, >, or a bad %-escape)"
    return None


def parse_start(text: str) -> datetime.date:
    """The date ``text`` says (YYYY-MM-DD, as ``--start`` takes it); else InputError."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            return check_start(datetime.date.fromisoformat(text.strip()))
    except ValueError:
        pass
    raise InputError(f"--start must be a date as YYYY-MM-DD (2027-01-04), not {excerpt(text)}")


def check_start(start: object) -> datetime.date:
    """``start`` if it is a date a schedule can begin on (1990 to 2200); else InputError."""
    if not isinstance(start, datetime.date) or isinstance(start, datetime.datetime):
        raise InputError(f"--start must be a date (YYYY-MM-DD), not {excerpt(str(start))}")
    if not 1990 <= start.year <= 2200:
        raise InputError(f"--start must be a date from 1990 to 2200, not {start.isoformat()}")
    return start


def build_share(program: Program, out_dir: Path, *, client: str | ClientSpec | None = None,
                base_url: str | None = None, make_zip: bool = False, jobs: int | None = None,
                voice: str = "auto", rate: float = 1.0, fmt: str = "mp3",
                progress: Progress | None = None,
                start: datetime.date | None = None,
                days: Sequence[int] | None = None) -> ShareResult:
    """Build (or bring up to date) ``program`` for one client (a profile, or a name) into a
    bundle under ``out_dir``; with ``base_url`` (where ``out_dir`` is published) also the
    feed. ``start`` is the date of week 1 (default: the one kept for this bundle, else the
    next Monday); ``days`` (Monday 0) the days the client walks (default: the profile's or
    the program's ``days``; none chosen anywhere: no calendar)."""
    given = client.name if isinstance(client, ClientSpec) else (client or "")
    name = given.strip() or (program.client.name if program.client else "")
    if not name:
        raise InputError("a share bundle is for one client: give --client NAME (or a "
                         "client: section in the program file)")
    base = check_base_url(base_url) if base_url else None
    start = check_start(start) if start is not None else None
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: cannot write here: it is a file, not a folder")
    with export.new_folders(out_dir):
        kept = tokens.keep(out_dir, program.source.path,
                           tokens.client_key(client, name, program.source.path,
                                             from_program=program.client is not None),
                           name=name, start=start)
        folder = out_dir / kept.folder
        out = loop.bundle_release(program, client or name, kept.token)
        built = batch.build_program(program, folder, jobs=jobs, client=client or name,
                                    voice=voice, rate=rate, fmt=fmt, progress=progress,
                                    state_dir=out_dir / PRIVATE / kept.folder,
                                    weeks=out.weeks if out.mode == "earned" else None)
        if built.failed:
            first = built.failed[0]
            raise RuntimeFailure(f"week {first.week} could not be built: {first.error}")
    url = f"{base}{quote(folder.name)}/" if base else None
    week_days = _chosen_days(program, client, days)
    episodes = [_episode(program, track, kept.start, week_days) for track in built.tracks]
    _remove_stale_chapters(folder, episodes)
    art = cover.load_cover(program.cover) if program.cover else cover.draw_cover(
        title=program.exercise.title, subtitle=program.name, coach=program.coach)
    art_name = "cover.png" if cover.mime_type(art) == "image/png" else "cover.jpg"
    bundle = Bundle(
        title=program.name, description=program.exercise.summary,
        exercise=program.exercise.title, coach=program.coach, client=name,
        sessions_per_week=program.sessions_per_week, safety=_safety(program, episodes),
        cover=art_name, guid=f"urn:walkcoach:{kept.token}",
        page_url=f"{url}index.html" if url else None,
        feed_url=f"{url}feed.xml" if url else None, email=program.email,
        calendar=CALENDAR if week_days else None,
        webcal_url=f"webcal://{url.split('://', 1)[1]}{CALENDAR}" if url and week_days
        else None)
    # Everything is made before anything is written: a page and feed of one run, or neither.
    checkins = loop.page_checkins(program, client or name, kept.token)
    html = page_html(bundle, episodes, checkins=checkins, rule=program.release,
                     next_week=out.next)
    xml = feed_xml(bundle, episodes, base_url=url) if url else None
    worker, _ = offline.service_worker(tag=checkins["tag"], page=html, cover=art,
                                       cover_name=art_name, episodes=episodes)
    manifest = offline.web_manifest(title=program.name, client=name, cover=art,
                                    cover_name=art_name, mime=cover.mime_type(art))
    ics = schedule_ics(title=program.name, episodes=episodes, start=kept.start,
                       days=week_days, token=kept.token, url=url) if week_days else None
    (folder / ("cover.png" if art_name == "cover.jpg" else "cover.jpg")).unlink(missing_ok=True)
    export.write_bytes(folder / art_name, art)
    page = folder / "index.html"
    export.write_text(page, html)
    feed = folder / "feed.xml"
    if xml is not None:
        export.write_bytes(feed, xml)
    else:
        feed.unlink(missing_ok=True)  # a feed with an old address would lie
    export.write_text(folder / offline.SERVICE_WORKER, worker)
    export.write_bytes(folder / offline.MANIFEST, manifest)
    calendar = folder / CALENDAR
    if ics is not None:
        export.write_bytes(calendar, ics)
    else:
        calendar.unlink(missing_ok=True)
    made = [art_name, page.name, *([feed.name] if xml is not None else []),
            offline.SERVICE_WORKER, offline.MANIFEST, *([CALENDAR] if ics is not None else []),
            built.playlist.name,
            *(path.name for track in built.tracks
              for path in (track.path, *sidecar_paths(track.path),
                           track.path.with_suffix(".chapters.json")))]
    archive = write_zip(folder, made) if make_zip else None
    if not make_zip:
        folder.with_suffix(".zip").unlink(missing_ok=True)  # an earlier zip would be stale
    return ShareResult(folder=folder, page=page, feed=feed if xml is not None else None,
                       archive=archive, url=url, program=built, files=tuple(sorted(made)),
                       calendar=calendar if ics is not None else None, release=out)


def _chosen_days(program: Program, client: str | ClientSpec | None,
                 given: Sequence[int] | None) -> tuple[int, ...]:
    """The days the client walks when someone chose them (``--days``, the profile's or the
    program's ``days``), else () (no calendar; weeks dated a week apart from the start)."""
    own = client if isinstance(client, ClientSpec) else program.client
    if given or (own is not None and own.days) or program.days:
        return schedule_days(program, client, given)
    return ()


def _episode(program: Program, track: batch.TrackResult, start: datetime.date,
             days: Sequence[int] = ()) -> Episode:
    """The page's and feed's view of one built track, from its files: titled by the whole
    track's length in minutes (what a player shows), then the walk's own; dated on the
    week's first session day (``days``), else on the week's first day."""
    sheet_path = track.path.with_suffix(".json")
    try:
        sheet = json.loads(sheet_path.read_text(encoding="utf-8"))
        size = track.path.stat().st_size
    except (OSError, ValueError) as exc:
        raise RuntimeFailure(f"{track.path}: cannot read the built track: {exc}") from None
    week = next(w for w in program.weeks if w.week == track.week)
    chapters = track.path.with_suffix(".chapters.json")
    export.write_text(chapters, json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": c["start_ms"] / 1000, "endTime": c["end_ms"] / 1000,
         "title": c["title"]} for c in sheet["chapters"]]}, indent=2) + "\n")
    lines = tuple(Line(start_ms=cue["start_ms"], end_ms=cue["end_ms"], text=cue["text"])
                  for cue in sheet["cues"])
    minutes = sheet["walk_minutes"]
    shape = sheet.get("shape")
    duration_ms = int(sheet["duration_ms"])
    total = max(1, round(duration_ms / 60_000))
    day = next(iter(session_dates(start, track.week, days)),
               start + datetime.timedelta(weeks=track.week - 1))
    return Episode(
        week=track.week, title=f"Week {track.week}: {total} min, {minutes:g} min walk, "
        f"{sheet['level']}" + (f", {shape}" if shape else ""), shape=shape,
        summary=week.focus, level=sheet["level"], setting=sheet["setting"], minutes=minutes,
        audio=track.path.name, captions=track.path.with_suffix(".vtt").name,
        chapters=chapters.name, transcript=track.path.with_suffix(".txt").name,
        size=size, mime=_MIME.get(track.path.suffix[1:], "audio/mpeg"),
        duration_ms=duration_ms, digest=track.content[:16], lines=lines,
        published=datetime.datetime.combine(day, PUBLISH_HOUR))


def _safety(program: Program, episodes: list[Episode]
            ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The exercise's safety notes, then those of each setting the client's tracks use (a
    client's own setting wins over the program's)."""
    exercise = program.exercise
    groups: list[tuple[str, tuple[str, ...]]] = [("", exercise.safety)]
    for setting in dict.fromkeys(episode.setting for episode in episodes):
        spec = exercise.settings.get(setting)
        lines = spec.safety if spec is not None else ()
        if lines:
            groups.append((f"On the {setting}", lines))
    return tuple(groups)


def _remove_stale_chapters(folder: Path, episodes: list[Episode]) -> None:
    keep = {episode.chapters for episode in episodes}
    for path in folder.glob("*.chapters.json"):
        if path.name not in keep:
            path.unlink(missing_ok=True)
