"""The ID3 tag and the cover art, read back by mutagen, ffmpeg and Pillow (not by us)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import mutagen.mp3
import numpy as np
import pytest
from mutagen.id3 import CHAP, CTOC
from PIL import Image

from walkcoach.encode import cover, mp3
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.errors import InputError
from walkcoach.plan.model import Chapter

CHAPTERS = (Chapter(title="Welcome and safety", start_ms=0, end_ms=41_250),
            Chapter(title="Setup", start_ms=41_250, end_ms=70_004),
            Chapter(title="The walk", start_ms=70_004, end_ms=130_004),
            Chapter(title="Cool-down", start_ms=130_004, end_ms=150_000))
TAGS = {"title": "Week 3 - Walking backwards - intermediate, 10 min", "artist": "Ana Souza",
        "album": "Walking backwards: six weeks", "genre": "Speech", "track": "3/6",
        "date": "2026", "comment": "If anything hurts, stop right away."}


@pytest.fixture(scope="module")
def art() -> bytes:
    return cover.draw_cover(title="Walking backwards", subtitle="Week 3 of 6",
                            coach="Ana Souza")


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory, art: bytes) -> Path:
    """A 150-second MP3 (quiet tone) with every tag, the cover and four chapters."""
    path = tmp_path_factory.mktemp("id3") / "t.mp3"
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(150 * 44_100) / 44_100)
    with path.open("wb") as file:
        mp3.write([tone.astype(np.float32)], file, TAGS, cover=art, chapters=CHAPTERS)
    return path


def test_mutagen_reads_every_tag(tagged: Path, art: bytes) -> None:
    tags = mutagen.mp3.MP3(tagged).tags
    assert tags is not None and tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == TAGS["title"] and str(tags["TPE1"]) == TAGS["artist"]
    assert str(tags["TALB"]) == TAGS["album"] and str(tags["TRCK"]) == "3/6"
    assert str(tags["TDRC"]) == "2026" and b"TYER" in tagged.read_bytes()[:4096]  # v2.3
    assert str(tags.getall("COMM")[0]) == TAGS["comment"]
    picture = tags.getall("APIC")[0]
    assert picture.mime == "image/png" and picture.type == 3 and picture.data == art


def test_chapters_as_mutagen_reads_them(tagged: Path) -> None:
    tags = mutagen.mp3.MP3(tagged).tags
    assert tags is not None
    toc = tags.getall("CTOC")[0]
    assert isinstance(toc, CTOC) and toc.child_element_ids == ["chp0", "chp1", "chp2", "chp3"]
    chaps = sorted(tags.getall("CHAP"), key=lambda chap: chap.start_time)
    assert all(isinstance(chap, CHAP) for chap in chaps)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (c.start_ms, c.end_ms, c.title) for c in CHAPTERS]


def test_chapters_as_ffmpeg_reads_them(tagged: Path) -> None:
    """ffmpeg lists the chapters to the millisecond and reads the LAME tag (encoder)."""
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(tagged)],
                           capture_output=True, text=True, check=False).stderr
    spans = re.findall(r"Chapter #0:\d+: start (\d+\.\d+), end (\d+\.\d+)", probe)
    assert [(round(float(a) * 1000), round(float(b) * 1000)) for a, b in spans] == [
        (c.start_ms, c.end_ms) for c in CHAPTERS]
    titles = re.findall(r"^\s+title\s+: (.+)$", probe, flags=re.MULTILINE)
    assert [c.title for c in CHAPTERS] == [t for t in titles if t not in (TAGS["title"],
                                                                            "Cover")]
    assert "LAME3.100" in probe


def test_tag_text_is_made_safe(tmp_path: Path) -> None:
    """A NUL or a newline in a name cannot end a tag's text early or split it."""
    path = tmp_path / "t.mp3"
    with path.open("wb") as file:
        mp3.write([np.zeros(1000, np.float32)], file, {"artist": "Ana\x00\nSouza"},
                  chapters=(Chapter(title="Walk\nnow", start_ms=0, end_ms=20),))
    tags = mutagen.mp3.MP3(path).tags
    assert tags is not None and str(tags["TPE1"]) == "Ana Souza"
    assert str(tags.getall("CHAP")[0].sub_frames["TIT2"]) == "Walk now"


def test_the_cover_is_square_and_big_enough(art: bytes) -> None:
    with Image.open(io.BytesIO(art)) as image:
        assert image.format == "PNG" and image.size == (1400, 1400)
        assert image.mode == "RGB"  # Apple's podcast app refuses indexed colour
        assert not image.info and b"tIME" not in art  # no metadata, no time stamp
        assert len(image.getcolors(1400 * 1400) or []) >= 3  # drawn, not blank
    assert len(art) < 100_000  # inside every track: it must stay small


def test_long_and_odd_text_stays_on_the_cover() -> None:
    art = cover.draw_cover(title="W" * 300, subtitle="Ünïcödé · week 12", coach="x" * 500)
    with Image.open(io.BytesIO(art)) as image:
        assert image.size == (1400, 1400)


def test_a_coach_cover_is_checked(tmp_path: Path, art: bytes) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(art)
    assert cover.load_cover(good) == art
    text = tmp_path / "cover.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not a JPEG or PNG image"):
        cover.load_cover(text)
    narrow = tmp_path / "narrow.png"
    Image.new("RGB", (1400, 700)).save(narrow)
    with pytest.raises(InputError, match="square"):
        cover.load_cover(narrow)
    with pytest.raises(InputError, match="cannot read"):
        cover.load_cover(tmp_path / "missing.png")
