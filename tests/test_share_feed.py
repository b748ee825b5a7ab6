"""The client's podcast feed, read by parsers that are not ours (feedparser, gPodder's
podcastparser, ElementTree) and checked against the rules the W3C feed validator applies:
``itunes:explicit`` true or false, an ``atom:link rel="self"``, ``itunes:email`` under
``itunes:owner`` (only when the coach gives one), the show's ``podcast:guid`` (Podcasting 2.0:
a UUIDv5 of the address), ``podcast:locked``, an RGB cover, dates of the schedule, and
episode guids that follow what each week says, not the audio's bytes.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import mutagen.mp3
import podcastparser
import pytest
from PIL import Image

from walkcoach.content import load_program
from walkcoach.errors import InputError
from walkcoach.share import ShareResult, build_share
from walkcoach.share.feed import feed_xml, podcast_guid
from walkcoach.share.model import Bundle, Episode

pytestmark = pytest.mark.e2e

BASE = "https://coach.example/walks"
EMAIL = "ana@coach.example"
START = datetime.date(2024, 1, 1)  # a Monday, in the past: the validator warns of a future date
PROGRAM_TEXT = f"""\
program: "Backwards, two weeks"
coach: "Ana Souza"
email: {EMAIL}
exercise: walking-backwards
sessions_per_week: 3
defaults: {{setting: floor}}
weeks:
  - {{week: 1, level: beginner, minutes: 1, focus: "Just the roll, slowly."}}
  - {{week: 2, level: beginner, intervals: 2x0:30/0:15, focus: "A little longer."}}
"""
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom"}


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed-program") / "two-weeks.yaml"
    path.write_text(PROGRAM_TEXT, encoding="utf-8")
    return path


def _share(program_file: Path, out: Path, **options: Any) -> ShareResult:
    return build_share(load_program(program_file), out, client="Maria", voice="system",
                       jobs=2, base_url=BASE, **options)


@pytest.fixture(scope="module")
def shared(program_file: Path, tmp_path_factory: pytest.TempPathFactory) -> ShareResult:
    return _share(program_file, tmp_path_factory.mktemp("feed-share"), start=START)


def _channel(result: ShareResult) -> ET.Element:
    assert result.feed is not None
    channel = ET.fromstring(result.feed.read_bytes()).find("channel")
    assert channel is not None
    return channel


def _guids(result: ShareResult) -> list[str]:
    assert result.feed is not None
    return [entry.id for entry in feedparser.parse(result.feed.read_bytes()).entries]


def test_the_feed_meets_the_validators_rules(shared: ShareResult) -> None:
    assert shared.feed is not None and shared.url is not None
    feed_url = f"{shared.url}feed.xml"
    parsed = feedparser.parse(shared.feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    # feedparser 6.0.14 reads only "yes" (True) and "clean" (False), and the validator
    # takes only "true" or "false": podcastparser reads "false" as False.
    assert not parsed.feed.itunes_explicit
    read = podcastparser.parse(feed_url, io.BytesIO(shared.feed.read_bytes()))
    assert read["explicit"] is False
    selves = [link for link in parsed.feed.links if link.rel == "self"]
    assert [(link.href, link.type) for link in selves] == [(feed_url,
                                                            "application/rss+xml")]
    assert parsed.feed.link == f"{shared.url}index.html"
    assert parsed.feed.publisher_detail.email == EMAIL  # itunes:owner/itunes:email
    channel = _channel(shared)
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    expected = uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
                          feed_url.removeprefix("https://").rstrip("/"))
    assert channel.findtext("podcast:guid", namespaces=NS) == str(expected)
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.text == "yes" and locked.get("owner") == EMAIL
    assert channel.findtext("itunes:block", namespaces=NS) == "yes"
    for item in channel.iter("item"):
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false"
        assert item.findtext("pubDate") and item.find("enclosure") is not None
    cover = shared.folder / Path(parsed.feed.image.href).name
    with Image.open(cover) as image:
        assert image.mode == "RGB" and image.format in ("PNG", "JPEG")
        assert image.size[0] == image.size[1] and 1400 <= image.size[0] <= 3000


def test_the_podcast_guid_is_the_podcasting_2_0_one() -> None:
    """The spec's own example, and the scheme and trailing slashes left out."""
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == \
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://coach.example/a/feed.xml//") == podcast_guid(
        "https://coach.example/a/feed.xml")


def test_without_an_email_there_is_no_owner() -> None:
    """No address given: no itunes:owner, no empty itunes:email, podcast:locked alone."""
    episode = Episode(week=1, title="Week 1: 3 min, 1 min walk, beginner", summary="Slowly.",
                      level="beginner", setting="floor", minutes=1, audio="w1.mp3",
                      captions="w1.vtt", chapters="w1.chapters.json", transcript="w1.txt",
                      size=1000, mime="audio/mpeg", duration_ms=180_000, digest="abc",
                      published=datetime.datetime(2024, 1, 1, 6, tzinfo=datetime.UTC))
    bundle = Bundle(title="P", description="D", exercise="E", coach="Ana", client="Maria",
                    sessions_per_week=None, safety=(), cover="cover.png", guid="urn:x",
                    feed_url=f"{BASE}/x/feed.xml")
    xml = feed_xml(bundle, [episode], base_url=f"{BASE}/x/")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo and "publisher_detail" not in parsed.feed
    channel = ET.fromstring(xml).find("channel")
    assert channel is not None and channel.find("itunes:owner", NS) is None
    assert b"itunes:email" not in xml
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.text == "yes" and "owner" not in locked.attrib


def test_episodes_are_dated_by_the_schedule(shared: ShareResult) -> None:
    """Week N on start + N - 1 weeks at 06:00 UTC; lastBuildDate the last of them (never
    the clock); podcastparser reads the same episodes in the same order."""
    assert shared.feed is not None
    parsed = feedparser.parse(shared.feed.read_bytes())
    dates = [entry.published_parsed[:6] for entry in parsed.entries]
    assert dates == [(2024, 1, 1, 6, 0, 0), (2024, 1, 8, 6, 0, 0)]
    assert parsed.feed.updated_parsed[:6] == dates[-1]
    read = podcastparser.parse(shared.feed.as_uri(), io.BytesIO(shared.feed.read_bytes()))
    by_date = sorted(read["episodes"], key=lambda episode: episode["published"])
    assert [episode["guid"] for episode in by_date] == [e.id for e in parsed.entries]
    assert [datetime.datetime.fromtimestamp(e["published"], datetime.UTC).date()
            for e in by_date] == [START, START + datetime.timedelta(weeks=1)]


def test_a_rebuild_without_a_start_keeps_the_dates(shared: ShareResult,
                                                   program_file: Path) -> None:
    assert shared.feed is not None
    before = shared.feed.read_bytes()
    again = _share(program_file, shared.folder.parent)
    assert again.folder == shared.folder and not again.program.built
    assert again.feed is not None and again.feed.read_bytes() == before


def test_titles_say_the_tracks_real_length(shared: ShareResult) -> None:
    """"Week 2: 3 min, 1.5 min walk, ...": the whole track's minutes, as a player shows
    them, then the walk's own."""
    assert shared.feed is not None
    entries = feedparser.parse(shared.feed.read_bytes()).entries
    for entry, track in zip(entries, shared.program.tracks, strict=True):
        found = re.fullmatch(r"Week (\d+): (\d+) min, ([\d.]+) min walk, beginner(, .*)?",
                             entry.title)
        assert found, entry.title
        length = mutagen.mp3.MP3(track.path).info.length
        assert int(found[2]) == round(length / 60), (entry.title, length)
        sheet = json.loads(track.path.with_suffix(".json").read_text(encoding="utf-8"))
        assert float(found[3]) == sheet["walk_minutes"]


@pytest.mark.parametrize("start", ["2027-02-30", "tomorrow", "04/01/2027", "1066-10-14"])
def test_a_bad_start_is_refused_in_one_line(program_file: Path, tmp_path: Path,
                                            start: str) -> None:
    from click.testing import CliRunner

    from walkcoach.cli import cli

    result = CliRunner().invoke(cli, ["share", str(program_file), "--client", "Sam", "-o",
                                      str(tmp_path / "out"), "--start", start])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "--start" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_the_library_refuses_a_start_that_is_no_date(program_file: Path,
                                                     tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--start"):
        _share(program_file, tmp_path / "out", start="2027-01-04")
    assert not (tmp_path / "out").exists()


def test_guids_follow_what_the_week_says(shared: ShareResult, program_file: Path,
                                         tmp_path: Path) -> None:
    """A new cover changes every MP3's bytes but no week: every guid stays. Week 2's
    intervals changed: week 2's guid changes, week 1's does not. (Last in the module: it
    rebuilds the shared bundle.)"""
    guids = _guids(shared)
    audio = [track.path.read_bytes() for track in shared.program.tracks]
    image = io.BytesIO()
    Image.new("RGB", (800, 800), (20, 120, 60)).save(image, format="PNG")
    (program_file.parent / "green.png").write_bytes(image.getvalue())
    text = program_file.read_text(encoding="utf-8")
    try:
        program_file.write_text(text + "cover: green.png\n", encoding="utf-8")
        covered = _share(program_file, shared.folder.parent)
        assert len(covered.program.built) == 2
        assert [t.path.read_bytes() != a for t, a in zip(covered.program.tracks, audio,
                                                          strict=True)] == [True, True]
        assert _guids(covered) == guids
        program_file.write_text(text.replace("2x0:30/0:15", "2x0:30/0:20") +
                                "cover: green.png\n", encoding="utf-8")
        changed = _guids(_share(program_file, shared.folder.parent))
        assert changed[0] == guids[0] and changed[1] != guids[1]
    finally:
        program_file.write_text(text, encoding="utf-8")
