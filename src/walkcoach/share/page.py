"""The client's page: one self-contained HTML file (no external scripts, fonts or CDNs).

It shows the program, the schedule, the safety notes, a player per week with its captions
(a ``<track>`` a phone's own player shows, and a line under the player as it plays), each
transcript, and with a public address a Subscribe block (links that open podcast apps, short
steps, the feed's address to copy) and QR codes of the page and the feed with their
addresses printed under them. With the loop back from the client (``checkins``, what
walkcoach.share.loop.page_checkins gives), each week has a check-in form kept on the phone,
"Send to my coach" makes the check-in code, and the page says when a week is offered again
and when to stop; served over HTTPS it works offline (walkcoach.share.offline). Printed,
it is a one-page handout: the schedule, the safety notes and the codes, no players.
Rendered with Jinja2 from a template shipped in the package, with every value escaped."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from walkcoach.plan.schedule import ReleaseRule
from walkcoach.share.model import Bundle, Episode

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("walkcoach.share", "templates"),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)

# Where a podcast app takes a feed from a link (the address without its scheme): Apple
# Podcasts opens podcast://, Pocket Casts pktc://subscribe/, AntennaPod
# antennapod-subscribe:// (the app puts the scheme back).
APP_LINKS = (("Apple Podcasts", "podcast://"), ("Pocket Casts", "pktc://subscribe/"),
             ("AntennaPod", "antennapod-subscribe://"))
"""Podcast apps that subscribe from a link, and the prefix each link starts with."""


def page_html(bundle: Bundle, episodes: Sequence[Episode], *,
              checkins: Mapping[str, Any] | None = None, rule: ReleaseRule | None = None,
              next_week: int | None = None) -> str:
    """The page of ``bundle``; with ``checkins`` (walkcoach.share.loop.page_checkins), the
    check-in forms and "Send to my coach", ``rule`` the program's release rule and
    ``next_week`` the week released next once earned."""
    feed = bundle.feed_url
    loop = _loop(bundle, checkins, rule, next_week) if checkins is not None else None
    return _ENV.get_template("index.html.j2").render(
        bundle=bundle, episodes=[_view(episode) for episode in episodes], checkin=loop,
        qr_page=_qr(bundle.page_url, "this page"), qr_feed=_qr(feed, "the podcast feed"),
        page_address=_segments(bundle.page_url), feed_address=_segments(feed),
        apps=[(name, prefix + _without_scheme(feed)) for name, prefix in APP_LINKS]
        if feed else [])


def iso_duration(ms: int) -> str:
    """A length as an ISO 8601 duration, the form HTML's ``<time datetime>`` takes:
    ``PT1M30S``, ``PT1H2M``, ``PT0S``."""
    hours, rest = divmod(max(ms, 0) // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
             if value]
    return "PT" + ("".join(parts) or "0S")


def _segments(url: str | None) -> list[str]:
    """``url`` cut after each run of "/": the pieces a printed address wraps between, so a
    line never ends inside a name (or at one of its hyphens) unless the name is too long."""
    return re.findall(r"[^/]*/+|[^/]+$", url or "")


def _without_scheme(url: str) -> str:
    """``url`` without its ``https://`` (or ``http://``): what the apps' links carry."""
    return url.split("://", 1)[-1]


def _script_json(value: object) -> str:
    """``value`` as JSON safe inside a <script> element."""
    data = json.dumps(value, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        data = data.replace(char, escape)
    return data


def _loop(bundle: Bundle, checkins: Mapping[str, Any], rule: ReleaseRule | None,
          next_week: int | None) -> dict[str, Any]:
    """What the template needs for check-ins: the data the page's script reads, and the
    words of the release and the stop message (with the exercise's own safety lines)."""
    needs = ""
    if rule is not None and checkins.get("released"):
        latest = checkins["released"][-1]
        count = "session" if rule.sessions == 1 else f"{rule.sessions} sessions"
        needs = f"your last {count} of week {latest} had pain of at most {rule.pain}"
    return {**checkins, "json": _script_json(dict(checkins)), "needs": needs,
            "earned": checkins.get("release") == "earned", "next": next_week,
            "stop_lines": bundle.safety[0][1] if bundle.safety else ()}


def _view(episode: Episode) -> dict[str, Any]:
    """What the template needs of an episode, with its cues as JSON safe inside <script>."""
    data = _script_json([[line.start_ms, line.end_ms, line.text] for line in episode.lines])
    minutes = f"{episode.minutes:g} min" + (f" ({episode.shape})" if episode.shape else "")
    return {**{field: getattr(episode, field) for field in episode.__dataclass_fields__},
            "length": episode.length, "length_iso": iso_duration(episode.duration_ms),
            "cues_json": data, "minutes_text": minutes,
            "lines": [{"start_ms": line.start_ms, "clock": line.clock, "text": line.text,
                       "iso": iso_duration(line.start_ms)} for line in episode.lines],
            "date": _date(episode)}


def _date(episode: Episode) -> dict[str, str] | None:
    """The week's date in the schedule, when the bundle gives one: ISO, and as read."""
    value = getattr(episode, "published", None)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        return None
    return {"iso": value.isoformat(), "text": f"{value:%a} {value.day} {value:%b}"}


def _qr(url: str | None, what: str) -> str:
    """An inline SVG QR code of ``url`` (segno) that scales with CSS (a viewBox, no fixed
    size), named for screen readers; or nothing."""
    if not url:
        return ""
    import segno

    svg: str = segno.make(url, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr-code", title=f"QR code of {what}")
    return svg.replace("<svg ", '<svg role="img" ', 1)  # named by its <title>
