"""Tidying up in the studio (issue 22): edited words, music, a program's cover and a share
bundle deleted to the workspace's trash, each back with Undo; the trash page lists what it
holds, in the coach's words, and empties it for good."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_studio_http import GOOD, PROGRAM, Box, _png, make_box

from walkcoach.workspace import trash


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """The studio of the HTTP tests, with a cover and a share bundle made."""
    for made in make_box(tmp_path, monkeypatch):
        root = made.space.root
        (root / "covers" / f"{PROGRAM}.png").write_bytes(_png())
        bundle = root / "share" / PROGRAM / "ann"
        (bundle / "tracks").mkdir(parents=True)
        (bundle / "index.html").write_text("<!doctype html><title>Ann</title>", "utf-8")
        (bundle / "tracks" / "week-1.mp3").write_bytes(b"ID3")
        (root / "share" / PROGRAM / "ann.zip").write_bytes(b"PK")
        yield made


KINDS = {
    "script": ("s1", ["scripts/s1.yaml"]),
    "music": ("tone.wav", ["music/tone.wav"]),
    "cover": (PROGRAM, [f"covers/{PROGRAM}.png"]),
    "bundle": (f"share/{PROGRAM}/ann/index.html",
               [f"share/{PROGRAM}/ann/index.html", f"share/{PROGRAM}/ann/tracks/week-1.mp3",
                f"share/{PROGRAM}/ann.zip"]),
}


def _files(box: Box, paths: list[str]) -> dict[str, bytes]:
    return {path: (box.space.root / path).read_bytes() for path in paths}


@pytest.mark.parametrize("what", KINDS)
def test_deleted_to_the_trash_and_back_with_undo(box: Box, what: str) -> None:
    name, paths = KINDS[what]
    before = _files(box, paths)
    answer = box.post("/trash/delete", data={"what": what, "name": name})
    assert answer.status_code == 200, answer.text
    where = answer.headers["hx-redirect"]
    assert where.startswith("/trash?deleted=")
    assert not any((box.space.root / path).exists() for path in paths)
    assert not (box.space.root / "share" / PROGRAM / "ann").exists() or what != "bundle"
    page = box.get(where)
    assert "Deleted" in page.text and "Undo" in page.text
    token = where.rsplit("=", 1)[1]
    assert token not in page.text.replace(f'value="{token}"', "")  # no hash shown
    back = box.post("/trash/restore", data={"token": token, "then": "/trash"})
    assert back.headers["hx-redirect"] == "/trash"
    assert _files(box, paths) == before


def test_the_trash_page_lists_deletions_and_empties_for_good(box: Box) -> None:
    page = box.get("/trash").text
    for shown in ("tone.wav", "The cover of", "The trash is empty."):
        assert shown in page
    music = trash.discard_music(box.space, "tone.wav")
    script = trash.discard_script(box.space, "s1")
    page = box.get("/trash").text
    assert "Music: tone.wav" in page and "Edited words" in page
    assert "Empty the trash" in page
    emptied = box.post("/trash/empty")
    assert emptied.headers["hx-redirect"] == "/trash?emptied=2"
    assert list((box.space.root / "trash").iterdir()) == []
    assert "The trash is empty." in box.get("/trash?emptied=2").text
    for token in (music, script):
        assert "nothing to undo" in box.post("/trash/restore", data={"token": token}).text
    assert not (box.space.root / "music" / "tone.wav").exists()


def test_what_is_not_there_or_not_of_a_kind_is_refused_and_nothing_moves(box: Box) -> None:
    before = box.snapshot()
    for form in ({"what": "music", "name": "gone.wav"}, {"what": "client", "name": "ann"},
                 {"what": "bundle", "name": "tracks/gone.mp3"},
                 {"what": "script", "name": "../clients/ann"}):
        assert box.post("/trash/delete", data=form, headers=GOOD).status_code == 404
    assert box.snapshot() == before
