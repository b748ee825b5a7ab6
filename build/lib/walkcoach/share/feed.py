"""The client's private podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 tags.

One episode per week. A client adds the feed's address to any podcast app once, and every
week's track appears there, with its cover, chapters and transcript. The feed is blocked
from podcast directories (``itunes:block``): it is found only through its unguessable link.
Written with feedgen; the Podcasting 2.0 tags (``podcast:transcript``, ``podcast:chapters``)
through a small feedgen extension.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from walkcoach.share.model import Bundle, Episode

PODCAST_NS = "https://podcastindex.org/namespace/1.0"


class _PodcastIndex(BaseExtension):  # type: ignore[misc]
    """Declares the Podcasting 2.0 namespace on the feed."""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}


class _PodcastIndexEntry(BaseEntryExtension):  # type: ignore[misc]
    """``podcast:transcript`` and ``podcast:chapters`` of one episode."""

    def __init__(self) -> None:
        self.links: list[tuple[str, str, str]] = []  # (tag, url, type)

    def extend_rss(self, entry: Any) -> Any:
        for tag, url, kind in self.links:
            element = xml_elem(f"{{{PODCAST_NS}}}{tag}", entry)
            element.attrib["url"] = url
            element.attrib["type"] = kind
            if tag == "transcript":
                element.attrib["language"] = "en"
        return entry


def feed_xml(bundle: Bundle, episodes: Sequence[Episode], *, base_url: str) -> bytes:
    """The feed, as UTF-8 bytes, with every link under ``base_url`` (the bundle's folder)."""
    base = base_url.rstrip("/") + "/"
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("podcastindex", _PodcastIndex, _PodcastIndexEntry, atom=False)
    feed.title(bundle.title)
    feed.link(href=base + "index.html", rel="alternate")
    feed.description(bundle.description)
    feed.author({"name": bundle.coach})
    feed.language("en")
    feed.image(url=base + bundle.cover, title=bundle.title, link=base + "index.html")
    feed.podcast.itunes_author(bundle.coach)
    feed.podcast.itunes_image(base + bundle.cover)
    feed.podcast.itunes_block(True)  # a private feed: never listed in directories
    feed.podcast.itunes_explicit("no")
    feed.podcast.itunes_type("serial")
    feed.podcast.itunes_category("Health & Fitness", "Fitness")
    # Episodes dated a day apart in week order, so every app lists week 1 first (the dates
    # are fixed, not today's, so a rebuilt feed does not look like new episodes).
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    feed.lastBuildDate(start + timedelta(days=max((e.week for e in episodes), default=0)))
    for episode in episodes:
        entry = feed.add_entry(order="append")
        entry.id(f"{bundle.guid}/week-{episode.week:02d}/{episode.digest}")
        entry.guid(f"{bundle.guid}/week-{episode.week:02d}/{episode.digest}", permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary)
        entry.link(href=f"{base}index.html#week-{episode.week}")
        entry.enclosure(base + episode.audio, str(episode.size), episode.mime)
        entry.published(start + timedelta(days=episode.week))
        entry.podcast.itunes_duration(round(episode.duration_ms / 1000))
        entry.podcast.itunes_episode(episode.week)
        entry.podcast.itunes_episode_type("full")
        entry.podcast.itunes_image(base + bundle.cover)
        entry.podcastindex.links = [
            ("transcript", base + episode.captions, "text/vtt"),
            ("chapters", base + episode.chapters, "application/json+chapters")]
    xml: bytes = feed.rss_str(pretty=True)
    return xml
