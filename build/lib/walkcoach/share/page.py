"""The client's page: one self-contained HTML file (no external scripts, fonts or CDNs).

It shows the program, the schedule, the safety notes, a player per week with captions shown
as it plays, each transcript, and (with a public address) QR codes of the page and the feed.
Printed, it is a one-page handout: the schedule and the safety notes, no players. Rendered
with Jinja2 from a template shipped in the package, with every value escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import jinja2

from walkcoach.share.model import Bundle, Episode

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("walkcoach.share", "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)


def page_html(bundle: Bundle, episodes: Sequence[Episode]) -> str:
    """The page of ``bundle``."""
    return _ENV.get_template("index.html.j2").render(
        bundle=bundle, episodes=[_view(episode) for episode in episodes],
        qr_page=_qr(bundle.page_url), qr_feed=_qr(bundle.feed_url))


def _view(episode: Episode) -> dict[str, Any]:
    """What the template needs of an episode, with its cues as JSON safe inside <script>."""
    cues = [[line.start_ms, line.end_ms, line.text] for line in episode.lines]
    data = json.dumps(cues, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        data = data.replace(char, escape)
    minutes = f"{episode.minutes:g} min" + (f" ({episode.shape})" if episode.shape else "")
    return {**{field: getattr(episode, field) for field in episode.__dataclass_fields__},
            "length": episode.length, "cues_json": data, "minutes_text": minutes}


def _qr(url: str | None) -> str:
    """An inline SVG QR code of ``url`` (segno), or nothing."""
    if not url:
        return ""
    import segno

    svg: str = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#17323b")
    return svg
