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

from walkcoach.content.writer import dump_yaml
from walkcoach.encode.export import write_text
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.plan.cadence import parse_cadence
from walkcoach.workspace.folders import MUSIC_TYPES, Workspace, changing, check_name, file_version
from walkcoach.workspace.forms import FormError
from walkcoach.workspace.keeping import DROP, change_keys
from walkcoach.workspace.uploads import free_name, head, keep_checked, upload_suffix

__all__ = ["CLIENT_FIELDS", "KEEP_MUSIC", "LEVEL_RULE_WORDS", "MAX_UPLOAD", "client_choices",
           "client_form", "save_client", "save_music"]

CLIENT_FIELDS = ("name", "level", "level_rule", "setting", "spoken_notes", "notes", "chimes",
                 "cadence", "music")
"""The fields of a client profile's form, in the order of its file."""
LEVEL_RULE_WORDS = {"all": "Every week at this level", "highest": "Never above this level",
                    "start": "Start the program here"}
"""What a client's level means for a program's weeks (walkcoach.plan.levels), as the
form offers it."""
KEEP_MUSIC = "(kept)"
"""The music field's value for music the profile's file finds outside the music folder:
kept as written (changed as a file)."""
MAX_UPLOAD = 50 * 1024 * 1024
"""The largest music file taken (50 MB: a long track at a high bit rate)."""
_LINE_KEY = re.compile(r"lines\[(\d+)\]")
_AUDIO_MAGIC = (b"ID3", b"RIFF", b"fLaC", b"OggS", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2",
                b"\xff\xf1", b"\xff\xf9")


def client_form(space: Workspace, name: str) -> dict[str, str]:
    """A client profile's fields as a form shows them (spoken notes one per line), read by
    the loader ``--client`` uses; InputError, with its file, line and key, for a profile it
    refuses (to be fixed as its file)."""
    from walkcoach import content

    client = content.load_client(space.existing("clients", name))
    chimes = {True: "on", False: "off", None: ""}[client.chimes]
    return {"name": client.name, "level": client.level or "",
            "level_rule": client.level_rule, "setting": client.setting or "",
            "spoken_notes": "\n".join(client.spoken_notes), "notes": client.notes or "",
            "chimes": chimes, "cadence": "" if client.cadence is None else str(client.cadence),
            "music": _music_choice(space, client.music)}


def _music_choice(space: Workspace, music: Path | None) -> str:
    """The music field of a profile: a name of the music folder, or :data:`KEEP_MUSIC` for
    music the profile finds elsewhere (the form cannot show it, and a save keeps it)."""
    if music is None:
        return ""
    own = space.root / "music"
    if music.parent.resolve() == own.resolve() and music.name in space.names("music"):
        return music.name
    return KEEP_MUSIC


def client_choices(space: Workspace) -> dict[str, tuple[str, ...]]:
    """The levels and settings a profile may name: those of the exercises the coach can
    choose, easiest level first (a profile is not tied to one exercise)."""
    from walkcoach import content
    from walkcoach.workspace.forms import exercise_choices

    found: dict[str, dict[str, None]] = {"level": {}, "setting": {}}
    for ref in exercise_choices(space).values():
        try:
            exercise = content.find_exercise(ref)
        except InputError:
            continue
        found["level"].update(dict.fromkeys(exercise.level_names))
        found["setting"].update(dict.fromkeys(exercise.setting_names))
    return {key: tuple(names) for key, names in found.items()}


def save_client(space: Workspace, form: Mapping[str, str], *, name: str | None = None,
                version: str | None = None) -> tuple[str, str]:
    """Write a client profile from its form (a new one named after the client unless
    ``name`` names the file to replace), then check it as ``--client`` would read it.
    Returns the file's name and the version written (walkcoach.workspace.folders).

    Refused before anything is written, with FormError naming each field: no name, a name
    taken, music that is not one of the workspace's own (a profile never points outside
    it), a cadence that is none. Refused after, with the loader's problem by field: a
    changed profile is kept all the same, as it would be from an editor; a new one is not,
    so that its form can be sent again. StaleFile when ``version`` is not the file's."""
    from walkcoach import content
    from walkcoach.authoring import schema_path
    from walkcoach.names import slug

    problems: dict[str, str] = {}
    who = (form.get("name") or "").strip()
    if not who:
        problems["name"] = "a client profile needs the client's name"
    if name is None and who:
        name = slug(who)
        if space.path("clients", name).exists():
            problems["name"] = (f"there is already a client named {excerpt(who)}: open "
                                "them in Clients to change them, or give this client another "
                                "name")
    data: dict[str, Any] = {"name": who}
    offered = client_choices(space)
    for key in ("level", "setting", "notes"):
        value = (form.get(key) or "").strip()
        if value and key in offered and value not in offered[key]:
            problems[key] = (f"choose the {key} from the list: no exercise has the {key} "
                             f"{excerpt(value)}")
        elif value:
            data[key] = value
    rule = (form.get("level_rule") or "").strip()
    if rule and rule not in LEVEL_RULE_WORDS:
        problems["level_rule"] = "choose one of the three from the list"
    elif rule and rule != "all" and data.get("level"):  # "all" is what a level says alone
        data["level_rule"] = rule
    cadence = (form.get("cadence") or "").strip()
    if cadence:
        try:
            data["cadence"] = parse_cadence(cadence)
        except InputError as exc:
            problems["cadence"] = f"cadence {exc}"
    notes = [line.strip() for line in (form.get("spoken_notes") or "").splitlines()
             if line.strip()]
    if notes:
        data["spoken_notes"] = notes
    if form.get("chimes") in ("on", "off"):
        data["chimes"] = form.get("chimes") == "on"
    music = (form.get("music") or "").strip()
    if music == KEEP_MUSIC and name is not None and space.path("clients", name).exists():
        data["music"] = KEEP_MUSIC
    elif music:
        try:
            space.existing("music", music)
            data["music"] = f"../music/{music}"
        except InputError as exc:
            problems["music"] = str(exc)
    if problems or name is None:
        raise FormError(problems)
    path = space.path("clients", check_name(name))
    header = (f"# yaml-language-server: $schema={schema_path('client').resolve().as_uri()}\n"
              "# A client profile, saved by walkcoach's studio; `walkcoach validate` checks it.\n")
    with changing(path, version):  # StaleFile: a change from another page is not undone
        new = not path.exists()
        if new:
            text = header + dump_yaml(data)
        else:
            text = _changed(path.read_text(encoding="utf-8", errors="replace"), data)
        write_text(path, text)
        written = file_version(path)
        try:
            content.load_client(path)
        except InputError as exc:
            if new:
                path.unlink(missing_ok=True)
            where = exc.key if isinstance(exc, ContentError) else None
            raise FormError({_client_field(where): str(exc)},
                            version=None if new else written) from None
    return name, written


def _changed(text: str, data: Mapping[str, Any]) -> str:
    """A profile's text with the form's fields set to ``data`` (a field left empty removed),
    every comment and key the form does not show kept; FormError when that cannot be."""
    changes = {key: data.get(key, DROP) for key in CLIENT_FIELDS if key != "music"}
    if data.get("music") != KEEP_MUSIC:
        changes["music"] = data.get("music", DROP)
    changed = change_keys(text, changes)
    if changed is None:
        raise FormError({"form": "This profile's file is written in a way this form cannot "
                                 "change without losing part of it: change it as a file "
                                 "(Edit as a file)."})
    return changed


def _client_field(key: str | None) -> str:
    head = re.split(r"[.\[]", key or "", maxsplit=1)[0]
    return head if head in CLIENT_FIELDS else "form"


def save_music(space: Workspace, filename: str, data: bytes | Path) -> str:
    """Keep an uploaded music file in the workspace's music folder, if it is audio that
    ffmpeg can play as a bed; returns its name there (``calm-2.mp3`` when a ``calm.mp3``
    is there in any case: a file a client uses is never replaced). ``data`` is the file's
    bytes, or the hidden file of the music folder it was received into (moved, not
    copied). InputError otherwise (nothing kept)."""
    from walkcoach.encode.music import check
    from walkcoach.names import slug

    suffix = upload_suffix(filename, data, types=MUSIC_TYPES, limit=MAX_UPLOAD,
                           what="a music file")
    first = head(data)
    if not first.startswith(_AUDIO_MAGIC) and first[4:8] != b"ftyp":
        raise InputError(f"{excerpt(filename)} is not an audio file (its first bytes are "
                         "not those of MP3, WAV, FLAC, OGG or M4A)")
    stem = slug(filename.rpartition('.')[0], fallback='music')
    for _ in range(5):  # another upload may take the free name first: the next one then
        path = free_name(space.root / "music", stem, suffix)
        try:
            keep_checked(space.path("music", path.name), data, check, replace=False)
        except FileExistsError:
            continue
        return path.name
    raise InputError(f"{excerpt(filename)}: could not find a free name for it; try again")
