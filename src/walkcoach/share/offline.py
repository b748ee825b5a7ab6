"""The client's page offline: a service worker (``sw.js``) and a web app manifest.

Served over HTTPS (or from localhost), the page registers ``sw.js``, which keeps the page
and its files (cover, captions, manifest) for when the phone is offline, and the tracks the
client saves with "Save for offline", answering a player's Range requests from the saved
copy (206 with the bytes asked for) so it can seek. ``manifest.webmanifest`` lets the
client add the page to the home screen, with the cover as its icon. Opened from the
unpacked zip (file://) the page needs neither: it feature-detects them.

Both files are made from what the bundle holds, with no clock time: the same bundle makes
the same bytes, and a changed one a new ``sw.js`` (its version is a hash of the page, the
cover and the tracks), so a browser takes the new page.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence

import jinja2

from walkcoach.share.model import Episode

__all__ = ["MANIFEST", "SERVICE_WORKER", "cache_names", "service_worker", "web_manifest"]

SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
THEME = "#17323b"  # the page's ink
BACKGROUND = "#f7f9f9"  # the page's background

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("walkcoach.share", "templates"),
    autoescape=False, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def cache_names(tag: str, version: str) -> tuple[str, str]:
    """The service worker's caches of a bundle (its check-in tag): the page's, named by its
    version (an older one is dropped), and the saved tracks' (kept across versions).
    Several clients' bundles may share one host: each name holds the bundle's tag."""
    return f"walkcoach-{tag}-page-{version}", f"walkcoach-{tag}-tracks"


def service_worker(*, tag: str, page: str, cover: bytes, cover_name: str,
                   episodes: Sequence[Episode]) -> tuple[str, str]:
    """``sw.js`` for a bundle whose page is ``page`` (the HTML): its text, and its version
    (a hash of the page, the cover and each track's digest and size)."""
    digest = hashlib.sha256()
    for part in (page.encode("utf-8"), cover,
                 *(f"{e.audio}:{e.digest}:{e.size}".encode() for e in episodes)):
        digest.update(hashlib.sha256(part).digest())
    version = digest.hexdigest()[:16]
    page_cache, track_cache = cache_names(tag, version)
    files = ["index.html", cover_name, MANIFEST, *(e.captions for e in episodes)]
    text = _ENV.get_template("sw.js.j2").render(
        version=version, page_cache=page_cache, track_cache=track_cache, page_files=files,
        tracks={e.audio: e.size for e in episodes})
    return text, version


def web_manifest(*, title: str, client: str | None, cover: bytes, cover_name: str,
                 mime: str) -> bytes:
    """``manifest.webmanifest``: the page as an app on the home screen, its icon the
    cover (square, 600 to 3000 pixels)."""
    from PIL import Image

    with Image.open(io.BytesIO(cover)) as image:
        width, height = image.size
    data = {"name": f"{title} for {client}" if client else title,
            "short_name": _short(title), "start_url": "index.html", "scope": "./",
            "display": "standalone", "background_color": BACKGROUND, "theme_color": THEME,
            "icons": [{"src": cover_name, "sizes": f"{width}x{height}", "type": mime,
                       "purpose": "any"}]}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _short(title: str) -> str:
    """A home screen's label: the title, cut at a word to at most 12 characters."""
    if len(title) <= 12:
        return title
    cut = title[:12].rsplit(" ", 1)[0].rstrip(" ,:;-")
    return cut or title[:12]
