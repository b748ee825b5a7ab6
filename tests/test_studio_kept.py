"""The studio keeps what the coach wrote (issue 22): a client saved in the form keeps the
comments and keys its form does not show and music found outside the music folder; music
uploaded under a name that is there keeps both files; "Edit these words" opens the coach's
own edited script of that session, after a preview and after a build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_studio_http import Box, _upload, _wav, make_box


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """The studio of test_studio_http's tests, its queued work recorded, never run."""
    yield from make_box(tmp_path, monkeypatch)


COMMENTED = """# Maria's profile: checked with her physio on 3 March.
name: Maria Lopez
level: beginner   # she asked to start slowly
# her music lives with the clinic's files
music: ../../calm.wav
spoken_notes:
- Use the handrails today.
notes: Left knee replaced in 2025.
"""


def _maria(box: Box) -> Path:
    (box.outside / "calm.wav").write_bytes(_wav())
    (box.space.root / "music" / "calm.wav").write_bytes(_wav(2.0))  # same name, other file
    path = box.space.root / "clients" / "maria-lopez.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    return path


def test_saving_a_client_keeps_its_comments_and_its_music_outside(box: Box) -> None:
    path = _maria(box)
    page = box.get("/clients/maria-lopez").text
    assert '<option value="(kept)" selected>' in page  # not the music folder's calm.wav
    response = box.post("/clients/maria-lopez", data={
        "name": "Maria Lopez", "level": "intermediate", "setting": "",
        "spoken_notes": "Use the handrails today.", "notes": "Left knee replaced in 2025.",
        "chimes": "", "cadence": "", "music": "(kept)"})
    assert 'role="alert"' not in response.text, response.text
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        "level: beginner   # she asked to start slowly", "level: intermediate")


def test_a_client_file_the_form_cannot_change_in_place_is_refused(box: Box) -> None:
    path = box.space.root / "clients" / "flow.yaml"
    path.write_text("{name: Flo, level: beginner}  # flow style\n", encoding="utf-8")
    response = box.post("/clients/flow", data={"name": "Flo", "level": "intermediate"})
    assert "change it as a file" in response.text
    assert path.read_text(encoding="utf-8") == "{name: Flo, level: beginner}  # flow style\n"


def test_change_keys_rewrites_only_what_changed() -> None:
    from walkcoach.workspace.keeping import DROP, change_keys

    text = "a: 1  # one\nlist:\n- x  # the x\n- y\n\n# end\nb: 2\n"
    assert change_keys(text, {"a": 1, "b": 3}) == "a: 1  # one\nlist:\n- x  # the x\n- y\n\n" \
        "# end\nb: 3\n"
    assert change_keys(text, {"list": ["z"], "c": "new"}) == "a: 1  # one\nlist:\n- z\n\n" \
        "# end\nb: 2\nc: new\n"
    assert change_keys(text, {"list": DROP}) == "a: 1  # one\n\n# end\nb: 2\n"
    assert change_keys("a: &x 1\nb: *x\n", {"a": 2}) is None  # b would change with it


def test_music_uploaded_under_a_name_there_keeps_both(box: Box) -> None:
    before = (box.space.root / "music" / "tone.wav").read_bytes()
    response = _upload(box, "Tone.WAV", _wav(2.0), "audio/wav")
    assert "<li>tone-2.wav</li>" in response.text, response.text
    assert (box.space.root / "music" / "tone.wav").read_bytes() == before
    assert (box.space.root / "music" / "tone-2.wav").read_bytes() == _wav(2.0)


def test_edit_these_words_opens_the_coachs_own_edit(box: Box) -> None:
    job = box.done_script_job()
    first = box.post("/scripts", data={"job": job.id}).headers["HX-Redirect"]
    kept = box.space.root / "scripts" / "kept.yaml"
    kept.write_text(kept.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    assert "Open your edited words" in box.get(f"/jobs/{job.id}").text
    again = box.post("/scripts", data={"job": job.id}).headers["HX-Redirect"]
    assert again == first == "/scripts/kept"
    assert kept.read_text(encoding="utf-8").endswith("# my edit\n")


def test_edit_these_words_is_offered_after_a_build(box: Box) -> None:
    job = box.done_script_job()
    job.kind = "track"  # a built track's job keeps its words as a preview does
    job.result |= {"file": "tracks/made.txt", "captions": "", "sheet": "tracks/made.txt",
                   "duration_ms": 60_000, "cues": 3, "script": "0:00 Hello"}
    page = box.get(f"/jobs/{job.id}").text
    assert "Edit these words" in page
    assert box.post("/scripts", data={"job": job.id}).headers["HX-Redirect"] == "/scripts/kept"


def test_a_level_no_exercise_has_is_refused_on_save_and_levels_are_a_list(box: Box) -> None:
    page = box.get("/clients").text
    assert '<select name="level">' in page and '<option value="beginner">' in page
    assert '<select name="setting">' in page and '<option value="floor">' in page
    before = box.snapshot()
    response = box.post("/clients", data={"name": "Zed", "level": "expert"})
    assert "choose the level from the list" in response.text
    assert box.snapshot() == before
    response = box.post("/clients/ann", data={"name": "Ann", "setting": "moon"})
    assert "choose the setting from the list" in response.text
    assert "level: beginner" in (box.space.root / "clients" / "ann.yaml").read_text(
        encoding="utf-8")
