"""Changes a coach makes in the studio, saved as the YAML files the command line reads.

Every change is written first (nothing typed is lost), then read back by the same loader
the command line uses: its problems come back with their file, line and key, tied to the
field they are about (:class:`walkcoach.workspace.forms.FormError`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.export import write_text
from walkcoach.workspace.folders import MUSIC_TYPES, Workspace, check_name
from walkcoach.workspace.forms import FormError
from walkcoach.workspace.uploads import keep_checked, upload_suffix

__all__ = ["CLIENT_FIELDS", "MAX_UPLOAD", "client_form", "edit_script", "save_client",
           "save_music", "script_problems"]

CLIENT_FIELDS = ("name", "level", "setting", "spoken_notes", "notes", "chimes", "cadence",
                 "music")
"""The fields of a client profile's form, in the order of its file."""
MAX_UPLOAD = 50 * 1024 * 1024
"""The largest music file taken (50 MB: a long track at a high bit rate)."""
_LINE_KEY = re.compile(r"lines\[(\d+)\]")
_AUDIO_MAGIC = (b"ID3", b"RIFF", b"fLaC", b"OggS", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2",
                b"\xff\xf1", b"\xff\xf9")


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


def client_form(space: Workspace, name: str) -> dict[str, str]:
    """A client profile's fields as a form shows them (spoken notes one per line)."""
    path = space.existing("clients", name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    form = {key: "" for key in CLIENT_FIELDS}
    for key in CLIENT_FIELDS:
        value = data.get(key)
        if key == "spoken_notes" and isinstance(value, list):
            form[key] = "\n".join(str(note) for note in value)
        elif key == "chimes" and isinstance(value, bool):
            form[key] = "on" if value else "off"
        elif key == "music" and isinstance(value, str):
            form[key] = Path(value).name
        elif value is not None:
            form[key] = str(value)
    return form


def save_client(space: Workspace, form: Mapping[str, str], *, name: str | None = None) -> str:
    """Write a client profile from its form (a new one named after the client unless
    ``name`` names the file to replace), then check it as ``--client`` would read it.
    Returns the file's name; FormError, with every problem by field, when it is not valid
    (a changed profile is written all the same, as it would be from an editor; a new one is
    not kept, so that its form can be sent again). The music must be one of the workspace's
    own: a profile never points outside it."""
    from walkcoach import content
    from walkcoach.names import slug

    who = (form.get("name") or "").strip()
    if not who:
        raise FormError({"name": "a client profile needs the client's name"})
    if name is None:
        name = slug(who)
        if space.path("clients", name).exists():
            raise FormError({"name": f"there is already a client file {name}.yaml: open it "
                                     "to change it, or give this client another name"})
    path = space.path("clients", check_name(name))
    new = not path.exists()
    music = (form.get("music") or "").strip()
    if music:
        try:
            space.existing("music", music)
        except InputError as exc:
            raise FormError({"music": str(exc)}) from None
    data: dict[str, Any] = {"name": who}
    for key in ("level", "setting", "notes", "cadence"):
        value = (form.get(key) or "").strip()
        if value:
            data[key] = int(value) if key == "cadence" and _digits(value) else value
    notes = [line.strip() for line in (form.get("spoken_notes") or "").splitlines()
             if line.strip()]
    if notes:
        data["spoken_notes"] = notes
    if form.get("chimes") in ("on", "off"):
        data["chimes"] = form.get("chimes") == "on"
    if music:
        data["music"] = f"../music/{music}"
    header = "# A client profile, saved by walkcoach's studio; `walkcoach validate` checks it.\n"
    write_text(path, header + _dump(data))
    try:
        content.load_client(path)
    except InputError as exc:
        if new:
            path.unlink(missing_ok=True)
        where = exc.key if isinstance(exc, ContentError) else None
        raise FormError({_client_field(where): str(exc)}) from None
    return name


def _digits(text: str) -> bool:
    """Whether ``text`` is a whole number int() takes (str.isdigit is true of "²" too)."""
    return text.isascii() and text.isdigit()


def _client_field(key: str | None) -> str:
    head = re.split(r"[.\[]", key or "", maxsplit=1)[0]
    return head if head in CLIENT_FIELDS else "form"


def save_music(space: Workspace, filename: str, data: bytes) -> str:
    """Keep an uploaded music file in the workspace's music folder, if it is audio that
    ffmpeg can play as a bed; returns its name there. InputError otherwise (nothing kept)."""
    from walkcoach.names import slug
    from walkcoach.sounds.music import check

    suffix = upload_suffix(filename, data, types=MUSIC_TYPES, limit=MAX_UPLOAD,
                           what="a music file")
    if not data.startswith(_AUDIO_MAGIC) and data[4:8] != b"ftyp":
        raise InputError(f"{excerpt(filename)} is not an audio file (its first bytes are "
                         "not those of MP3, WAV, FLAC, OGG or M4A)")
    name = f"{slug(filename.rpartition('.')[0], fallback='music')}{suffix}"
    keep_checked(space.path("music", name), data, check)  # check decodes it whole
    return name


def edit_script(path: Path, says: Mapping[int, str], *, delete: frozenset[int] = frozenset(),
                add: tuple[str, str] | None = None) -> None:
    """Change the words of a script's lines (by index), delete lines, or add one to the walk
    (its walk time m:ss.mmm and its words); the file keeps its comments at the top.

    InputError, with ``walkcoach render``'s words, for a script it cannot read, and for an
    edit that would leave it unreadable (no lines left, words that cannot be spoken, a walk
    time that is not one): that edit is not kept, so the script can still be edited here."""
    from walkcoach import scriptfile

    scriptfile.read(path)
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True)[:20]
                     if line.startswith("#"))
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("lines"), list):
        raise InputError(f"{path}: not a session script (no lines)")
    lines: list[Any] = data["lines"]
    for index, say in says.items():
        if 0 <= index < len(lines) and isinstance(lines[index], dict):
            lines[index]["say"] = say.strip()
    kept = [line for index, line in enumerate(lines) if index not in delete]
    if add is not None and add[1].strip():
        kept.append({"walk": add[0].strip(), "kind": "technique", "say": add[1].strip()})
        kept.sort(key=_order)
    data["lines"] = kept
    write_text(path, header + _dump(data))
    try:
        scriptfile.read(path)
    except InputError:
        write_text(path, text)
        raise


def _order(line: Any) -> tuple[int, str]:
    if not isinstance(line, dict):
        return (1, "")
    if "before" in line:
        return (0, "")
    if "after" in line:
        return (2, "")
    walk = str(line.get("walk", ""))
    minutes, _, rest = walk.partition(":")
    return (1, f"{minutes.zfill(4)}:{rest}")


def script_problems(path: Path) -> dict[int | str, str]:
    """What is wrong with a script file as ``walkcoach render`` reads it (before speaking):
    by line index where a problem is about one line, else under "form"."""
    from walkcoach import scriptfile

    try:
        script = scriptfile.read(path)
        scriptfile.check(script, scriptfile.session_of(script))
    except ContentError as exc:
        found = _LINE_KEY.match(exc.key or "")
        return {int(found[1]) if found else "form": str(exc)}
    except InputError as exc:
        return {"form": str(exc)}
    return {}
