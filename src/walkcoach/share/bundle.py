"""The share bundle: every week of a program built for one client, with a page and a feed.

``DIR/<client-slug>-<token>/`` holds the tracks (built, or reused when up to date, by
walkcoach.build.program), their captions, transcripts and chapters, the cover, ``index.html`` and,
given the public address, ``feed.xml``. The token is random (``secrets``) and kept in the
user's walkcoach data folder (see :func:`tokens_path`: never in DIR, which is published) per
output folder, program and client, so a rebuild keeps the same address and a client's
podcast subscription keeps working; a leaked link is replaced by deleting the client's entry
there. Nothing in one client's folder names or links another client.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlsplit

import filelock
import platformdirs

from walkcoach import names
from walkcoach.build import program as batch
from walkcoach.build.session import Progress
from walkcoach.content import COMMAND_LINE
from walkcoach.encode import cover, export
from walkcoach.errors import ExportError, InputError, RuntimeFailure, excerpt
from walkcoach.plan.model import ClientSpec, Program
from walkcoach.plan.planner import format_duration
from walkcoach.share.feed import feed_xml
from walkcoach.share.model import Bundle, Episode, Line
from walkcoach.share.page import page_html

__all__ = ["TOKENS", "ShareResult", "build_share", "bundle_folder", "bundle_owner", "bundle_slug",
           "check_base_url", "tokens_path"]

TOKENS = "share-tokens.json"
"""The file of each client's private token, in the user's walkcoach data folder."""
DATA_ENV = "WALKCOACH_DATA_DIR"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")
TOKEN_BYTES = 16
TOKEN_LENGTH = 22
"""A client's token: 16 random bytes, 22 characters of URL-safe base64."""
_URL_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")
_PRIVATE = frozenset({batch.MANIFEST, batch.LOCK})  # the coach's files, not the client's
_MIME = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "wav": "audio/wav"}


@dataclass(frozen=True, kw_only=True)
class ShareResult:
    """A finished bundle: its folder, page, feed and archive, and what the batch did."""

    folder: Path
    page: Path
    feed: Path | None
    archive: Path | None
    url: str | None
    program: batch.ProgramResult


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


def build_share(program: Program, out_dir: Path, *, client: str | ClientSpec | None = None,
                base_url: str | None = None, make_zip: bool = False, jobs: int | None = None,
                voice: str = "auto", rate: float = 1.0, fmt: str = "mp3",
                progress: Progress | None = None) -> ShareResult:
    """Build (or bring up to date) ``program`` for one client (a profile, or a name) into a
    bundle under ``out_dir``; with ``base_url`` (where ``out_dir`` is published) also the
    feed."""
    given = client.name if isinstance(client, ClientSpec) else (client or "")
    name = given.strip() or (program.client.name if program.client else "")
    if not name:
        raise InputError("a share bundle is for one client: give --client NAME (or a "
                         "client: section in the program file)")
    base = check_base_url(base_url) if base_url else None
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: cannot write here: it is a file, not a folder")
    with export.new_folders(out_dir):
        token = _token(out_dir, program.source.path,
                       _client_key(client, name, program.source.path,
                                   from_program=program.client is not None))
        folder = out_dir / f"{names.slug(name)}-{token}"
        built = batch.build_program(program, folder, jobs=jobs, client=client or name,
                                    voice=voice, rate=rate, fmt=fmt, progress=progress)
        if built.failed:
            first = built.failed[0]
            raise RuntimeFailure(f"week {first.week} could not be built: {first.error}")
    url = f"{base}{quote(folder.name)}/" if base else None
    episodes = [_episode(program, track) for track in built.tracks]
    _remove_stale_chapters(folder, episodes)
    art = cover.load_cover(program.cover) if program.cover else cover.draw_cover(
        title=program.exercise.title, subtitle=program.name, coach=program.coach)
    (folder / "cover.jpg").unlink(missing_ok=True)
    (folder / "cover.png").unlink(missing_ok=True)
    art_name = "cover.png" if cover.mime_type(art) == "image/png" else "cover.jpg"
    export.write_bytes(folder / art_name, art)
    bundle = Bundle(
        title=program.name, description=program.exercise.summary,
        exercise=program.exercise.title, coach=program.coach, client=name,
        sessions_per_week=program.sessions_per_week, safety=_safety(program, episodes),
        cover=art_name, guid=f"urn:walkcoach:{token}",
        page_url=f"{url}index.html" if url else None,
        feed_url=f"{url}feed.xml" if url else None)
    page = folder / "index.html"
    export.write_text(page, page_html(bundle, episodes))
    feed = None
    if url:
        feed = folder / "feed.xml"
        export.write_bytes(feed, feed_xml(bundle, episodes, base_url=url))
    else:
        (folder / "feed.xml").unlink(missing_ok=True)  # a feed with an old address would lie
    archive = _zip(folder) if make_zip else None
    if not make_zip:
        folder.with_suffix(".zip").unlink(missing_ok=True)  # an earlier zip would be stale
    return ShareResult(folder=folder, page=page, feed=feed, archive=archive, url=url,
                       program=built)


def tokens_path() -> Path:
    """Where the clients' tokens are kept: the user's walkcoach data folder
    (``$WALKCOACH_DATA_DIR`` overrides it), never the folder that is published."""
    override = os.environ.get(DATA_ENV)
    base = Path(override) if override else Path(
        platformdirs.user_data_dir("walkcoach", appauthor=False))
    return base / TOKENS


def bundle_slug(folder: str) -> str | None:
    """The client's slug of a bundle folder's name (``maria-lopez-<token>``), or None when
    the name is not one of a bundle."""
    slug, dash, token = folder[:-TOKEN_LENGTH - 1], folder[-TOKEN_LENGTH - 1:-TOKEN_LENGTH], \
        folder[-TOKEN_LENGTH:]
    return slug if slug and dash == "-" and _TOKEN.fullmatch(token) else None


def bundle_folder(out_dir: Path, program_path: Path, client: ClientSpec) -> Path | None:
    """The bundle folder of ``client`` for the program at ``program_path`` under ``out_dir``,
    if a token is kept for them (the one :func:`build_share` made) and the folder is there;
    else None. Only reads: no token is made, nothing is written."""
    name = client.name.strip()
    if not name:
        return None
    key = _client_key(client, name, program_path, from_program=False)
    token = _kept_tokens(tokens_path()).get(_token_key(out_dir, program_path, key))
    if not (isinstance(token, str) and _TOKEN.fullmatch(token)):
        return None
    folder = out_dir / f"{names.slug(name)}-{token}"
    return folder if folder.is_dir() else None


def bundle_owner(out_dir: Path, program_path: Path, folder: Path) -> str:
    """Who a bundle folder under ``out_dir`` was made for, in words: "profile FILE", "the
    program's own client" or "the name NAME" ("" when no token kept names it). Only reads."""
    token = folder.name[-TOKEN_LENGTH:]
    prefix = _token_key(out_dir, program_path, "")[:-3]  # the key without its client
    for key, kept in _kept_tokens(tokens_path()).items():
        if kept != token or not key.startswith(prefix):
            continue
        client = json.loads(key)[2]
        kind, _, rest = str(client).partition(":")
        if kind == "profile":
            return f"profile {Path(rest).name}"
        return "the program's own client" if kind == "program" else f"the name {rest}"
    return ""


def _client_key(client: str | ClientSpec | None, name: str, program_path: Path, *,
                from_program: bool) -> str:
    """Who a token is for: a profile by its file (two clients may share a first name), a
    program's own client (``from_program``: the program file names one) by the program, a
    bare name by itself."""
    if isinstance(client, ClientSpec) and client.source.path != COMMAND_LINE:
        return f"profile:{_resolved(client.source.path)}"
    if not client and from_program:
        return f"program:{_resolved(program_path)}:{name}"
    return f"name:{name}"


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def _token_key(out_dir: Path, program_path: Path, client: str) -> str:
    """The key of a client's token in the tokens file: output folder, program, client."""
    return json.dumps([_resolved(out_dir), _resolved(program_path), client])


def _kept_tokens(path: Path) -> dict[str, Any]:
    """The tokens kept in the file at ``path``; none when it is missing or unreadable."""
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict) and isinstance(loaded.get("tokens"), dict):
            return cast(dict[str, Any], loaded["tokens"])
    return {}


def _token(out_dir: Path, program_path: Path, client: str) -> str:
    """The client's token for this program and output folder: the one kept, or a new one."""
    path = tokens_path()
    key = _token_key(out_dir, program_path, client)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with filelock.FileLock(path.with_name(path.name + ".lock")):
            tokens = _kept_tokens(path)
            token = tokens.get(key)
            if isinstance(token, str) and _TOKEN.fullmatch(token):
                return token
            token = secrets.token_urlsafe(TOKEN_BYTES)
            tokens[key] = token
            export.write_text(path, json.dumps({"version": 2, "tokens": tokens}, indent=2,
                                               sort_keys=True) + "\n")
            return token
    except OSError as exc:
        raise ExportError(f"{path}: cannot keep the clients' tokens here: "
                          f"{exc.strerror or exc}") from exc


def _episode(program: Program, track: batch.TrackResult) -> Episode:
    """The page's and feed's view of one built track, from its files."""
    sheet_path = track.path.with_suffix(".json")
    try:
        sheet = json.loads(sheet_path.read_text(encoding="utf-8"))
        data = track.path.read_bytes()
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
    return Episode(
        week=track.week, title=f"Week {track.week}: "
        f"{format_duration(round(minutes * 60_000))}, {sheet['level']}"
        + (f", {shape}" if shape else ""), shape=shape,
        summary=week.focus, level=sheet["level"], setting=sheet["setting"], minutes=minutes,
        audio=track.path.name, captions=track.path.with_suffix(".vtt").name,
        chapters=chapters.name, transcript=track.path.with_suffix(".txt").name,
        size=len(data), mime=_MIME.get(track.path.suffix[1:], "audio/mpeg"),
        duration_ms=int(sheet["duration_ms"]), digest=hashlib.sha256(data).hexdigest()[:12],
        lines=lines)


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


def _zip(folder: Path) -> Path:
    """``folder`` as one archive beside it (the coach's own files left out)."""
    archive = folder.with_suffix(".zip")
    with export.atomic_path(archive) as tmp, zipfile.ZipFile(tmp, "w") as packed:
        for path in sorted(_shared_files(folder)):
            method = zipfile.ZIP_STORED if path.suffix in (".mp3", ".m4a", ".png") \
                else zipfile.ZIP_DEFLATED
            packed.write(path, f"{folder.name}/{path.name}", compress_type=method)
    return archive


def _shared_files(folder: Path) -> Iterator[Path]:
    for path in folder.iterdir():
        if path.is_file() and path.name not in _PRIVATE and not path.name.startswith("."):
            yield path
