"""The share bundles made for a client, as the tokens file keeps them: read only.

walkcoach.share.tokens keeps each client's token per output folder and program; this finds
them again from the client alone (a profile, or a bare name), with what a check-in needs:
the bundle's check-in tag, its program and its schedule's start. Nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from walkcoach.content import COMMAND_LINE
from walkcoach.plan.model import ClientSpec
from walkcoach.share.checkins import checkin_tag
from walkcoach.share.tokens import TOKEN_LENGTH, client_key, tokens_path

__all__ = ["KeptBundle", "bundles_of"]


@dataclass(frozen=True, kw_only=True)
class KeptBundle:
    """A bundle made for a client: its token (private), check-in tag, output folder, program
    file, folder name and the date of its week 1."""

    token: str
    tag: str
    out_dir: Path
    program: Path
    folder: str | None
    start: datetime.date | None


def bundles_of(client: ClientSpec) -> tuple[KeptBundle, ...]:
    """The bundles made for ``client`` (``walkcoach share ... --client``), in the order they
    were first made: those of its profile file, or of its bare name (and of a program's own
    client of that name)."""
    data = _read(tokens_path())
    tokens, records = data.get("tokens"), data.get("bundles")
    if not isinstance(tokens, dict):
        return ()
    name = client.name.strip()
    wanted = client_key(client, name, Path(), from_program=False)
    found = []
    for key, token in tokens.items():
        with contextlib.suppress(ValueError, TypeError):
            out_dir, program, who = json.loads(key)
            ours = who == wanted or (client.source.path == COMMAND_LINE
                                     and str(who).startswith("program:")
                                     and str(who).endswith(f":{name}"))
            if not (ours and isinstance(token, str) and len(token) >= TOKEN_LENGTH):
                continue
            record = records.get(token) if isinstance(records, dict) else None
            record = record if isinstance(record, dict) else {}
            found.append(KeptBundle(token=token, tag=checkin_tag(token), out_dir=Path(out_dir),
                                    program=Path(program), folder=_text(record.get("folder")),
                                    start=_date(record.get("start"))))
    return tuple(found)


def _read(path: Path) -> dict[str, object]:
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            return loaded
    return {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _date(value: object) -> datetime.date | None:
    with contextlib.suppress(ValueError, TypeError):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    return None
