"""The client's private podcast feed: RSS 2.0 with the iTunes and Podcasting 2.0 tags.

One episode per week. A client adds the feed's address to any podcast app once, and every
week's track appears there, with its cover, chapters and transcript. The feed is blocked
from podcast directories (``itunes:block``, ``podcast:locked``): it is found only through its
unguessable link. It follows the W3C feed validator's rules: ``itunes:explicit`` is "false",
``atom:link rel="self"`` gives the feed's own address, and ``itunes:owner`` (with
``itunes:email``) is there when the coach gives an e-mail address (the validator's one
warning otherwise; an empty address is never written). The show's ``podcast:guid`` is the
Podcasting 2.0 one: a UUIDv5 of the feed's address without its scheme and trailing slashes.
Each episode's ``guid`` is the client's token, the week and a hash of what the week says, so
a rebuilt track (another voice's noise, a lost cache) stays the same episode. Episodes are
dated by the schedule and ``lastBuildDate`` is the latest of them: no clock time, so the
same bundle makes the same bytes. Written with feedgen; the Podcasting 2.0 tags through a
small feedgen extension.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from walkcoach.errors import InputError
from walkcoach.share.model import Bundle, Episode

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace of a show's ``podcast:guid`` (a UUIDv5 of its address)."""


def podcast_guid(feed_url: str) -> str:
    """A show's ``podcast:guid``: the UUIDv5 of its feed's address with the scheme
    (``https://``) and trailing slashes removed."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE,
                          re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")))


class _PodcastIndex(BaseExtension):  # type: ignore[misc]
    """The Podcasting 2.0 namespace, the show's ``podcast:guid`` and ``podcast:locked``,
    and ``itunes:explicit`` as "false" (feedgen writes only yes, no or clean)."""

    def __init__(self) -> None:
        self.guid = ""
        self.owner: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss: Any) -> Any:
        channel = rss[0]
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "false"
        locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
        locked.text = "yes"  # no directory or host may import it
        if self.owner:
            locked.attrib["owner"] = self.owner
        xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        return rss


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
    try:
        return _feed(bundle, episodes, base_url=base_url)
    except ValueError as exc:  # lxml: text XML cannot carry (content refuses it first)
        raise InputError(f"the podcast feed cannot be written: {exc}") from None


def _feed(bundle: Bundle, episodes: Sequence[Episode], *, base_url: str) -> bytes:
    base = base_url.rstrip("/") + "/"
    feed_url = bundle.feed_url or base + "feed.xml"
    feed = FeedGenerator()
    feed.load_extension("podcast")
    feed.register_extension("podcastindex", _PodcastIndex, _PodcastIndexEntry, atom=False)
    feed.title(bundle.title)
    feed.link(href=feed_url, rel="self", type="application/rss+xml")
    feed.link(href=base + "index.html", rel="alternate")  # after: the channel's <link>
    feed.description(bundle.description)
    feed.language("en")
    feed.image(url=base + bundle.cover, title=bundle.title, link=base + "index.html")
    feed.podcast.itunes_author(bundle.coach)
    if bundle.email:
        feed.podcast.itunes_owner(name=bundle.coach, email=bundle.email)
    feed.podcast.itunes_image(base + bundle.cover)
    feed.podcast.itunes_block(True)  # a private feed: never listed in directories
    feed.podcast.itunes_type("serial")
    feed.podcast.itunes_category("Health & Fitness", "Fitness")
    feed.podcastindex.guid = podcast_guid(feed_url)
    feed.podcastindex.owner = bundle.email
    dates = [episode.published for episode in episodes if episode.published is not None]
    if dates:
        feed.lastBuildDate(max(dates))  # the schedule's, never the clock's
    for episode in episodes:
        entry = feed.add_entry(order="append")
        guid = f"{bundle.guid}/week-{episode.week:02d}/{episode.digest}"
        entry.id(guid)
        entry.guid(guid, permalink=False)
        entry.title(episode.title)
        entry.description(episode.summary)
        entry.link(href=f"{base}index.html#week-{episode.week}")
        entry.enclosure(base + episode.audio, str(episode.size), episode.mime)
        if episode.published is not None:
            entry.published(episode.published)
        entry.podcast.itunes_duration(round(episode.duration_ms / 1000))
        entry.podcast.itunes_episode(episode.week)
        entry.podcast.itunes_episode_type("full")
        entry.podcast.itunes_image(base + bundle.cover)
        entry.podcastindex.links = [
            ("transcript", base + episode.captions, "text/vtt"),
            ("chapters", base + episode.chapters, "application/json+chapters")]
    xml: bytes = feed.rss_str(pretty=True)
    return xml
