"""The list editor of an exercise's words (issue 22): lines added, removed and moved, saved
into the coach's own copy and read back by the real loader, a bad line refused next to it
with nothing written, and "Hear it" giving the line's audio with its spoken length."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_studio_http import Box, make_box

from walkcoach.content import load_exercise
from walkcoach.workspace import copy_exercise
from walkcoach.workspace.exercise_words import read_words

MINE = "my-walking-backwards"
URL = f"/exercises/{MINE}/words"


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """A studio whose workspace holds the coach's copy of walking backwards."""
    for made in make_box(tmp_path, monkeypatch):
        copy_exercise(made.space, "walking-backwards")
        yield made


def _form(box: Box, changes: dict[int, list[str]] | None = None, **fields: str) -> dict[str, Any]:
    """The editor's form as the page sends it: every part's lines, ``changes`` by part."""
    parts, version = read_words(box.space, MINE)
    data: dict[str, Any] = {"version": version, "voice": "system", **fields}
    for index, part in enumerate(parts):
        data[f"n{index}"] = ""
        data[f"p{index}"] = list((changes or {}).get(index, part.lines))
    return data


def _lines_shown(html: str, part: int) -> list[str]:
    return [value for _, value in sorted(
        (int(found[1]), found[2].replace("&#39;", "'").replace("&amp;", "&")) for found in
        re.finditer(rf'id="line-{part}-(\d+)" name="p{part}" value="([^"]*)"', html))]


def _part(box: Box, label: str) -> int:
    parts, _ = read_words(box.space, MINE)
    return next(index for index, part in enumerate(parts) if part.label == label)


def test_the_page_lists_each_part_and_only_for_the_coachs_own_copy(box: Box) -> None:
    page = box.get(URL)
    assert page.status_code == 200
    for heading in ("Why it helps", "Safety", "Getting ready", "The first step",
                    "Technique tips: posture", "Technique tips at the beginner level: basics",
                    "Technique tips (floor only): space", "Cool-down"):
        assert f"<legend>{heading}</legend>" in page.text
    assert _lines_shown(page.text, 0)[0] == \
        "Walking backwards trains your balance and your coordination."
    assert "cooldown" not in page.text and "yaml" not in page.text.lower()
    assert box.get("/exercises/walking-backwards/words").status_code == 404
    assert 'href="/exercises/my-walking-backwards/words"' in box.get(f"/exercises/{MINE}").text


def test_add_remove_and_move_then_save_reads_back_with_the_loader(box: Box) -> None:
    path = box.space.root / "exercises" / f"{MINE}.yaml"
    before = load_exercise(path)
    moved = box.post(URL, data=_form(box, do="down:0:0"), headers={**_good(), "HX-Request": "1"})
    assert moved.status_code == 200
    shown = _lines_shown(moved.text, 0)
    assert shown == [before.purpose[1], before.purpose[0], before.purpose[2]]
    assert path.read_text(encoding="utf-8").count(before.purpose[0]) == 1  # not saved yet
    added = box.post(URL, data=_form(box, {0: shown}, do="add:0"))
    assert _lines_shown(added.text, 0) == [*shown, ""]
    removed = box.post(URL, data=_form(box, {0: [*shown, ""]}, do="remove:0:2"))
    assert _lines_shown(removed.text, 0) == shown[:2] + [""]
    mine = "Stepping back wakes up your balance, one careful step at a time."
    setup = _part(box, "Getting ready (floor only)")
    saved = box.post(URL, data=_form(box, {0: [shown[0], shown[1], mine], setup: []},
                                     do="save"))
    assert saved.status_code == 200 and "Saved" in saved.text, saved.text
    after = load_exercise(path)
    assert after.purpose == (before.purpose[1], before.purpose[0], mine)
    assert after.settings["floor"].setup == ()
    assert after.technique == before.technique and after.safety == before.safety
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Walking backwards (retro walking)")  # comments kept
    assert "# The one safety line a returning listener hears" in text


def test_a_line_that_cannot_be_spoken_is_refused_next_to_it_and_nothing_is_written(
        box: Box) -> None:
    path = box.space.root / "exercises" / f"{MINE}.yaml"
    was = path.read_bytes()
    posture = _part(box, "Technique tips: posture")
    lines = list(read_words(box.space, MINE)[0][posture].lines)
    lines[2] = "..."
    answer = box.post(URL, data=_form(box, {posture: lines, 0: []}, do="save"))
    assert answer.status_code == 200
    found = re.search(rf'id="line-{posture}-2-error">([^<]*)<', answer.text)
    assert found and "cannot be spoken" in found[1], answer.text[-3000:]
    assert 'id="part-0-error"' in answer.text  # "Why it helps" emptied: said under it
    assert "[2]" not in answer.text and "technique." not in answer.text
    assert _lines_shown(answer.text, posture)[2] == "..."  # what was typed stays
    assert path.read_bytes() == was


def test_hear_it_gives_the_lines_audio_as_long_as_it_says(box: Box) -> None:
    answer = box.post("/hear", data={"p4": ["Keep your steps small and controlled."], "line": "4:0",
                                     "voice": "system"})
    assert answer.status_code == 200
    found = re.search(r'src="(/hear/\w+\.wav)".*?(\d+\.\d) s<', answer.text, re.S)
    assert found, answer.text
    clip = box.get(found[1])
    assert clip.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(clip.content)) as file:
        seconds = file.getnframes() / file.getframerate()
    assert seconds > 0.5 and abs(seconds - float(found[2])) <= 0.05
    empty = box.post("/hear", data={"p4": "  ", "line": "4:0", "voice": "system"})
    assert "empty" in empty.text and "<audio" not in empty.text


def _good() -> dict[str, str]:
    from test_studio_http import GOOD

    return GOOD
