"""The studio speaks the coach's language (issue 22): each kind of message a page shows is
next to its field, names the field as the form does, and says no option, YAML key, file
or line number; lists show names, and a renamed client is renamed in every list; the coach's
name is asked once and used in place of the stand-in coach; what is deleted goes to the
trash and comes back with Undo."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_studio_http import GOOD, PROGRAM, Box, _error_of, make_box

from walkcoach.workspace.words import LABELS


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """The studio of test_studio_http's tests, its queued work recorded, never run."""
    yield from make_box(tmp_path, monkeypatch)


def _plain(shown: str, field: str) -> None:
    """Said as the coach's: the field's label, no option, no file, no line number."""
    assert LABELS[field].lower() in shown.lower(), (field, shown)
    assert "--" not in shown and ".yaml" not in shown, shown
    assert not re.search(r":\d+:", shown) and "CSRF" not in shown, shown


def _alerts(body: str) -> list[str]:
    return [html.unescape(found) for found in
            re.findall(r'class="error" role="alert"[^>]*>(.*?)</p>', body, re.DOTALL)]


BROKEN_PROFILE = "name: Bo\nlevel: beginner\ncadence: [1, 2]\n"


@pytest.mark.parametrize(("fields", "field"), [
    ({"length": "intervals", "intervals": "6x1:00/1:00", "warmup": "abc"}, "warmup"),
    ({"length": "intervals", "intervals": "6x1:00/1:00", "recovery": "nosuch"}, "recovery"),
    ({"minutes": "8", "cooldown": "-1"}, "cooldown"),
    ({"client": "bo"}, "client"),  # a profile that does not read: its file, line, key unsaid
    ({"music": "nosuch.mp3"}, "music"),
])
def test_a_track_forms_refusal_is_in_the_coachs_words(box: Box, fields: dict[str, str],
                                                       field: str) -> None:
    (box.space.root / "clients" / "bo.yaml").write_text(BROKEN_PROFILE, encoding="utf-8")
    _plain(_error_of(box.post("/track/script", data=fields).text, field), field)


def test_a_client_forms_refusal_is_in_the_coachs_words(box: Box) -> None:
    answer = box.post("/clients", data={"name": "Ann"})  # ann.yaml is there
    _plain(_error_of(answer.text, "name"), "name")
    answer = box.post("/clients", data={"name": "Cy", "level": "expert"})
    _plain(_error_of(answer.text, "level"), "level")


def test_a_page_changed_elsewhere_is_said_without_its_file(box: Box) -> None:
    answer = box.post("/clients/ann", data={"name": "Ann B", "version": "0" * 16})
    shown = _error_of(answer.text, "form")
    assert "another page" in shown and ".yaml" not in shown and "ann" not in shown.lower()


def test_a_share_and_a_build_refused_are_in_the_coachs_words(box: Box) -> None:
    answer = box.post(f"/programs/{PROGRAM}/share",
                      data={"client": "ann", "base_url": "ftp://x", "voice": "nosuch"})
    said = dict(re.findall(r'data-field="(\w+)">(.*?)</p>', answer.text))
    for field in ("base_url", "voice"):
        _plain(html.unescape(said[field]), field)
    answer = box.post(f"/programs/{PROGRAM}/build", data={"voice": "nosuch"})
    _plain(_alerts(answer.text)[0], "voice")


def test_a_refused_script_line_is_said_next_to_it_without_its_key(box: Box) -> None:
    answer = box.post("/scripts/s1", data={"say-2": ""})
    shown = _error_of(answer.text.replace('id="line-2-error"', 'id="two-error"'), "two")
    assert "must not be empty" in shown and "lines[" not in shown and ".yaml" not in shown


def test_the_coachs_name_is_refused_next_to_its_field(box: Box) -> None:
    for name in ("", "Sam\x00"):
        _plain(_error_of(box.post("/settings", data={"coach": name}).text, "coach"), "coach")
    assert not (box.space.root / "settings.yaml").exists()


def test_lists_show_names_and_a_renamed_client_everywhere(box: Box) -> None:
    box.post("/clients", data={"name": "Maria Lopez"})
    for url in ("/", "/clients", "/track", f"/programs/{PROGRAM}"):
        page = box.get(url).text
        assert ">Maria Lopez<" in page and ">maria-lopez<" not in page, url
    home = box.get("/").text
    assert ">Walking backwards<" in home and ">walking-backwards<" not in home
    assert ">Walking backwards: six weeks<" in home and f">{PROGRAM}<" not in home
    version = re.search(r'name="version" value="(\w+)"', box.get("/clients/maria-lopez").text)
    assert version
    box.post("/clients/maria-lopez", data={"name": "Maria Lopez-Diaz", "version": version[1]})
    for url in ("/", "/clients", "/track", f"/programs/{PROGRAM}", "/clients/maria-lopez"):
        assert "Maria Lopez-Diaz" in box.get(url).text, url


def test_a_track_is_listed_by_what_it_is_with_both_lengths(box: Box) -> None:
    tracks = box.space.root / "tracks"
    (tracks / "maria-walking-backwards-beginner-floor-8-min-a1b2c3.mp3").write_bytes(b"ID3")
    (tracks / "maria-walking-backwards-beginner-floor-8-min-a1b2c3.json").write_text(
        '{"title": "Walking backwards", "client": "Maria", "level": "beginner", '
        '"setting": "floor", "walk_minutes": 8, "duration_ms": 578000}', encoding="utf-8")
    home = box.get("/").text
    assert "Maria - Walking backwards, beginner, floor - 8 min walk, 9:38 in all" in home
    assert "a1b2c3" not in re.sub(r'(src|href|value)="[^"]*"', "", home)


def test_the_coach_is_asked_once_and_named_in_place_of_the_stand_in(
        box: Box, monkeypatch: pytest.MonkeyPatch) -> None:
    from walkcoach import content
    from walkcoach.workspace import making, settings

    assert 'name="coach"' in box.get("/").text
    answer = box.post("/settings", data={"coach": "Sam Rivera", "first": "1"})
    assert "Welcome, Sam Rivera" in answer.text and 'name="coach"' not in answer.text
    assert 'name="coach"' not in box.get("/").text  # asked once
    assert 'value="Sam Rivera"' in box.get("/settings").text  # changed there
    program = box.get(f"/programs/{PROGRAM}").text
    assert "coach Sam Rivera" in program and "Your walkcoach coach" not in program
    loaded = content.load_program(box.space.path("programs", PROGRAM))
    assert loaded.coach == settings.STAND_IN
    assert settings.program_of(box.space, loaded).coach == "Sam Rivera"
    named = loaded.__class__(**{**loaded.__dict__, "coach": "Ana"})
    assert settings.program_of(box.space, named).coach == "Ana"  # a coach named stays

    seen: dict[str, Any] = {}

    def build_track(spec: Any, speaker: Any, out: Path, **kwargs: Any) -> Any:
        seen.update(kwargs["tags"])
        raise KeyboardInterrupt

    from walkcoach.build import session
    from walkcoach.workspace import track_request

    monkeypatch.setattr(session, "build_track", build_track)
    monkeypatch.setattr(session, "make_speaker", lambda *args, **kwargs: None)
    with pytest.raises(KeyboardInterrupt):
        making.build_track(box.space, track_request(box.space, {"minutes": "2"}),
                           lambda *args: None)
    assert seen["artist"] == "Sam Rivera"


def _track(box: Box, stem: str = "t") -> str:
    for suffix, data in ((".mp3", b"ID3"), (".json", b'{"duration_ms": 60000}'),
                         (".vtt", b"WEBVTT\n")):
        (box.space.root / "tracks" / f"{stem}{suffix}").write_bytes(data)
    return f"tracks/{stem}.mp3"


def test_a_deleted_track_goes_to_the_trash_and_comes_back(box: Box) -> None:
    made = _track(box)
    answer = box.post("/tracks/delete", data={"file": made})
    assert "Undo" in answer.text
    token = re.search(r'name="token" value="(\w+)"', answer.text)
    assert token
    assert not any((box.space.root / "tracks").glob("t.*"))
    assert sorted(path.name for path in (box.space.root / "trash").rglob("t.*")) == \
        ["t.json", "t.mp3", "t.vtt"]
    assert "t.mp3" not in box.get("/").text
    answer = box.post("/trash/restore", data={"token": token[1]})
    assert "The track is back" in answer.text
    assert sorted(path.name for path in (box.space.root / "tracks").glob("t.*")) == \
        ["t.json", "t.mp3", "t.vtt"]
    assert box.post("/trash/restore", data={"token": token[1]}).status_code == 200
    assert not any((box.space.root / "trash").rglob("t.*"))


def test_undo_never_writes_over_a_file_made_since(box: Box) -> None:
    answer = box.post("/tracks/delete", data={"file": _track(box)})
    token = re.search(r'name="token" value="(\w+)"', answer.text)
    assert token
    (box.space.root / "tracks" / "t.mp3").write_bytes(b"new")
    answer = box.post("/trash/restore", data={"token": token[1]})
    assert "taken its place" in answer.text
    assert (box.space.root / "tracks" / "t.mp3").read_bytes() == b"new"
    assert any((box.space.root / "trash").rglob("t.mp3"))


@pytest.mark.parametrize("file", ["../clients/ann.yaml", "tracks/../clients/ann.yaml",
                                  "tracks/made.txt", "/etc/passwd", ""])
def test_only_a_track_can_be_deleted(box: Box, file: str) -> None:
    before = box.snapshot()
    assert box.post("/tracks/delete", data={"file": file}).status_code == 404
    assert box.snapshot() == before


@pytest.mark.parametrize("token", ["../../x", "", "0" * 16, "a" * 200])
def test_undo_of_nothing_changes_nothing(box: Box, token: str) -> None:
    before = box.snapshot()
    answer = box.post("/trash/restore", data={"token": token})
    assert "nothing to undo" in answer.text and box.snapshot() == before


def test_a_deleted_client_comes_back_with_undo(box: Box) -> None:
    answer = box.post("/clients/ann/delete")
    where = answer.headers["hx-redirect"]
    assert not (box.space.root / "clients" / "ann.yaml").exists()
    page = box.get(where).text
    assert "Deleted Ann." in page and ">Ann<" not in page
    token = re.search(r'name="token" value="(\w+)"', page)
    assert token
    answer = box.post("/trash/restore", data={"token": token[1], "then": "/clients"},
                      headers=GOOD)
    assert answer.headers["hx-redirect"] == "/clients"
    assert (box.space.root / "clients" / "ann.yaml").is_file()


def test_the_share_form_with_no_clients_offers_to_add_one(box: Box) -> None:
    (box.space.root / "clients" / "ann.yaml").unlink()
    page = box.get(f"/programs/{PROGRAM}").text
    assert 'href="/clients">add a client</a>' in page and "Make the share bundle" not in page
    box.post("/clients", data={"name": "Bea"})
    assert "Make the share bundle" in box.get(f"/programs/{PROGRAM}").text


def test_preview_says_it_speaks_the_phrases_once_to_time_them(box: Box) -> None:
    assert "speaks each phrase once, to time it" in box.get("/track").text
