"""Each client's private token, and what is kept with it: the bundle's folder and schedule.

The token is random (``secrets``) and kept in the user's walkcoach data folder (see
:func:`tokens_path`: never in the folder that is published), readable by that user only, per
output folder, program and client. The token is the client's identity: the bundle's folder
name (``<client-slug>-<token>``) is recorded with it the first time, so renaming the client
in their profile keeps the folder and the feed's address, and so is the first week's date
(the schedule), so a rebuild dates every episode as before.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import filelock
import platformdirs

from walkcoach import names
from walkcoach.content import COMMAND_LINE
from walkcoach.encode import export
from walkcoach.errors import ExportError
from walkcoach.plan.model import ClientSpec

__all__ = ["TOKENS", "Kept", "bundle_folder", "bundle_owner", "bundle_slug", "client_key",
           "keep", "next_monday", "path_key", "tokens_path"]

TOKENS = "share-tokens.json"
"""The file of each client's private token, in the user's walkcoach data folder."""
DATA_ENV = "WALKCOACH_DATA_DIR"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")
TOKEN_BYTES = 16
TOKEN_LENGTH = 22
"""A client's token: 16 random bytes, 22 characters of URL-safe base64."""


@dataclass(frozen=True, kw_only=True)
class Kept:
    """A client's token for a program and output folder, with its folder's name and the
    date of its first week."""

    token: str
    folder: str
    start: datetime.date


def tokens_path() -> Path:
    """Where the clients' tokens are kept: the user's walkcoach data folder
    (``$WALKCOACH_DATA_DIR`` overrides it), never the folder that is published."""
    override = os.environ.get(DATA_ENV)
    base = Path(override) if override else Path(
        platformdirs.user_data_dir("walkcoach", appauthor=False))
    return base / TOKENS


def next_monday(today: datetime.date | None = None) -> datetime.date:
    """The first Monday after ``today`` (default: today): a schedule's default start."""
    today = today or datetime.date.today()
    return today + datetime.timedelta(days=7 - today.weekday())


def bundle_slug(folder: str) -> str | None:
    """The client's slug of a bundle folder's name (``maria-lopez-<token>``), or None when
    the name is not one of a bundle."""
    slug, dash, token = folder[:-TOKEN_LENGTH - 1], folder[-TOKEN_LENGTH - 1:-TOKEN_LENGTH], \
        folder[-TOKEN_LENGTH:]
    return slug if slug and dash == "-" and _TOKEN.fullmatch(token) else None


def client_key(client: str | ClientSpec | None, name: str, program_path: Path, *,
               from_program: bool) -> str:
    """Who a token is for: a profile by its file (two clients may share a first name; its
    name is a label that may change), a program's own client (``from_program``: the program
    file names one) by the program, a bare name by itself."""
    if isinstance(client, ClientSpec) and client.source.path != COMMAND_LINE:
        return f"profile:{path_key(client.source.path)}"
    if not client and from_program:
        return f"program:{path_key(program_path)}:{name}"
    return f"name:{name}"


def keep(out_dir: Path, program_path: Path, client: str, *, name: str,
         start: datetime.date | None = None) -> Kept:
    """The client's token for this program and output folder (the one kept, or a new one),
    its folder's name (the one recorded, else an existing folder of the token, else one
    from ``name``) and its schedule's start (``start`` when given, and then kept; else the
    one kept; else the next Monday)."""
    path = tokens_path()
    key = _token_key(out_dir, program_path, client)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = path.with_name(path.name + ".lock")
        with filelock.FileLock(lock, mode=0o600):
            os.chmod(lock, 0o600)  # one an older walkcoach made readable
            data = _kept(path)
            tokens = data["tokens"]
            token = tokens.get(key)
            if not (isinstance(token, str) and _TOKEN.fullmatch(token)):
                token = tokens[key] = secrets.token_urlsafe(TOKEN_BYTES)
            bundles = data["bundles"]
            record = bundles.get(token) if isinstance(bundles.get(token), dict) else {}
            folder = _folder(out_dir, token, record.get("folder"), name)
            kept_start = _date(record.get("start"))
            when = start or kept_start or next_monday()
            new = {"folder": folder, "start": when.isoformat()}
            loose = not path.exists() or path.stat().st_mode & 0o077  # an older walkcoach's
            if record != new or loose:
                bundles[token] = new
                export.write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n",
                                  private=True)
            return Kept(token=token, folder=folder, start=when)
    except OSError as exc:
        raise ExportError(f"{path}: cannot keep the clients' tokens here: "
                          f"{exc.strerror or exc}") from exc


def bundle_folder(out_dir: Path, program_path: Path, client: ClientSpec) -> Path | None:
    """The bundle folder of ``client`` for the program at ``program_path`` under ``out_dir``,
    if a token is kept for them (the one :func:`keep` made) and the folder is there;
    else None. Only reads: no token is made, nothing is written."""
    name = client.name.strip()
    if not name:
        return None
    key = client_key(client, name, program_path, from_program=False)
    data = _kept(tokens_path())
    token = data["tokens"].get(_token_key(out_dir, program_path, key))
    if not (isinstance(token, str) and _TOKEN.fullmatch(token)):
        return None
    record = data["bundles"].get(token)
    recorded = record.get("folder") if isinstance(record, dict) else None
    folder = out_dir / _folder(out_dir, token, recorded, name)
    return folder if folder.is_dir() else None


def bundle_owner(out_dir: Path, program_path: Path, folder: Path) -> str:
    """Who a bundle folder under ``out_dir`` was made for, in words: "profile FILE", "the
    program's own client" or "the name NAME" ("" when no token kept names it). Only reads."""
    token = folder.name[-TOKEN_LENGTH:]
    prefix = _token_key(out_dir, program_path, "")[:-3]  # the key without its client
    for key, kept in _kept(tokens_path())["tokens"].items():
        if kept != token or not key.startswith(prefix):
            continue
        client = json.loads(key)[2]
        kind, _, rest = str(client).partition(":")
        if kind == "profile":
            return f"profile {Path(rest).name}"
        return "the program's own client" if kind == "program" else f"the name {rest}"
    return ""


def _folder(out_dir: Path, token: str, recorded: object, name: str) -> str:
    """The bundle folder's name: the one recorded with the token; else the one folder there
    of this token (made before folders were recorded); else one from the client's name."""
    if isinstance(recorded, str) and bundle_slug(recorded) and recorded.endswith(f"-{token}") \
            and Path(recorded).name == recorded:
        return recorded
    with contextlib.suppress(OSError):
        found = [path.name for path in out_dir.glob(f"*-{token}")  # no glob characters
                 if path.is_dir() and bundle_slug(path.name)]
        if len(found) == 1:
            return found[0]
    return f"{names.slug(name)}-{token}"


def _date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def path_key(path: Path) -> str:
    """One text for one file however it was named (its resolved path, or its absolute one
    where it cannot be resolved): to key and compare programs and folders by."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def _token_key(out_dir: Path, program_path: Path, client: str) -> str:
    """The key of a client's token in the tokens file: output folder, program, client."""
    return json.dumps([path_key(out_dir), path_key(program_path), client])


def _kept(path: Path) -> dict[str, Any]:
    """The tokens file at ``path``: its tokens and their bundles (none when it is missing
    or unreadable)."""
    data: dict[str, Any] = {"version": 2, "tokens": {}, "bundles": {}}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            for part in ("tokens", "bundles"):
                if isinstance(loaded.get(part), dict):
                    data[part] = cast(dict[str, Any], loaded[part])
    return data
