"""The share bundles in a workspace: those made of a program, and a client's own."""

from __future__ import annotations

import re
from pathlib import Path

from walkcoach.errors import InputError
from walkcoach.workspace.folders import Workspace

__all__ = ["bundles", "client_bundles"]

_CHANNEL_LINK = re.compile(r"<link>(https?://[^<\s]+)</link>")


def bundles(space: Workspace, program: str) -> list[dict[str, str]]:
    """The bundles made of a program: each client's slug, who it is for (``who``: a name),
    page and zip (workspace paths)."""
    from walkcoach.share import bundle_owner, bundle_slug
    from walkcoach.workspace.titles import client_names

    folder = space.output_dir("share", program)
    if not folder.is_dir():
        return []
    found = []
    names = client_names(space)
    for page in sorted(folder.glob("*/index.html")):
        slug = bundle_slug(page.parent.name)
        if slug is not None:
            owner = bundle_owner(folder, space.path("programs", program), page.parent)
            found.append(_bundle(space, program, slug, page.parent)
                         | {"owner": owner, "who": _who(owner, names)})
    return found


def _who(owner: str, names: dict[str, str]) -> str:
    """Who a bundle is for, by name ("Maria Lopez"), as the lists show it."""
    kind, _, rest = owner.partition(" ")
    if kind == "profile":
        stem = rest.rsplit(".", 1)[0]
        return names.get(stem, "a client no longer in the workspace")
    if owner.startswith("the name "):
        return owner.removeprefix("the name ")
    return owner or "a client"


def client_bundles(space: Workspace, client: str) -> list[dict[str, str]]:
    """The bundles made for one client profile of the workspace, found by the client's own
    token (two clients of one name have bundles of one name, and never see each other's)."""
    from walkcoach import content
    from walkcoach.share import bundle_folder

    try:
        profile = content.load_client(space.existing("clients", client))
    except InputError:
        return []
    found = []
    for program in space.names("programs"):
        folder = bundle_folder(space.output_dir("share", program),
                               space.path("programs", program), profile)
        if folder is not None and (folder / "index.html").is_file():
            found.append(_bundle(space, program, client, folder))
    return found


def _bundle(space: Workspace, program: str, client: str, folder: Path) -> dict[str, str]:
    archive = folder.with_suffix(".zip")
    from walkcoach.workspace.titles import program_titles

    return {"program": program, "client": client,
            "title": program_titles(space).get(program, program),
            "page": space.relative(folder / "index.html"),
            "zip": space.relative(archive) if archive.is_file() else "",
            "feed": _feed_address(folder)}


def _feed_address(folder: Path) -> str:
    """Where the bundle's feed will be, once published: its feed names its page's address
    (the feed is made only with a base URL)."""
    feed = folder / "feed.xml"
    try:
        head = feed.read_text(encoding="utf-8", errors="replace")[:4000] if feed.is_file() else ""
    except OSError:
        return ""
    found = _CHANNEL_LINK.search(head)
    return f"{found[1].rsplit('/', 1)[0]}/feed.xml" if found else ""
