"""A client's level rule in the studio (issue 22): the client form offers what the level
means in words, the program page shows the level each week will be walked at for a chosen
client, and builds the weeks for them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_studio_http import PROGRAM, Box, make_box

from walkcoach import content
from walkcoach.build.program import client_week_levels
from walkcoach.workspace import making


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    yield from make_box(tmp_path, monkeypatch)


def _profile(box: Box) -> str:
    return (box.space.root / "clients" / "ann.yaml").read_text(encoding="utf-8")


def _rules(page: str) -> dict[str, tuple[str, bool]]:
    found = re.findall(r'<input type="radio" name="level_rule" value="(\w+)"( checked)?> '
                       r"([^<]+)</label>", page)
    return {value: (words, bool(checked)) for value, checked, words in found}


def test_the_client_form_offers_the_level_rule_in_words(box: Box) -> None:
    page = box.get("/clients/ann").text
    assert _rules(page) == {"all": ("Every week at this level", True),
                            "highest": ("Never above this level", False),
                            "start": ("Start the program here", False)}
    assert "level_rule" not in re.sub(r'name="level_rule"|value="\w+"', "", page)
    answer = box.post("/clients/ann", data={"name": "Ann", "level": "intermediate",
                                            "level_rule": "start"})
    assert answer.status_code == 200 and "Saved." in answer.text
    assert "level_rule: start" in _profile(box)
    assert content.load_client(box.space.root / "clients" / "ann.yaml").level_rule == "start"
    assert _rules(box.get("/clients/ann").text)["start"] == ("Start the program here", True)
    box.post("/clients/ann", data={"name": "Ann", "level": "intermediate",
                                   "level_rule": "all"})
    assert "level_rule" not in _profile(box)  # what a level says on its own


def test_a_rule_not_offered_is_refused_next_to_its_field(box: Box) -> None:
    before = _profile(box)
    answer = box.post("/clients/ann", data={"name": "Ann", "level": "beginner",
                                            "level_rule": "sometimes"})
    said = re.search(r'id="level_rule-error">([^<]+)<', answer.text)
    assert said and said[1].startswith("What the level means: choose")
    assert _profile(box) == before


@pytest.mark.parametrize("rule", ["all", "highest", "start"])
def test_the_program_page_shows_each_weeks_level_for_a_client(box: Box, rule: str) -> None:
    box.post("/clients/ann", data={"name": "Ann", "level": "intermediate",
                                   "level_rule": rule})
    program = content.load_program(box.space.path("programs", PROGRAM))
    expected = client_week_levels(program, content.load_client(
        box.space.path("clients", "ann")))
    assert len(set(week.level for week in program.weeks)) > 1  # a progression to change
    page = box.get(f"/programs/{PROGRAM}?client=ann").text
    shown = [re.sub(r"<[^>]+>", "", cell).split(" (")[0]
             for cell in re.findall(r"<td data-level>(.*?)</td>", page)]
    assert tuple(shown) == expected
    assert "Level for Ann" in page and "Build all weeks for Ann" in page
    plain = box.get(f"/programs/{PROGRAM}").text
    assert [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td data-level>(.*?)</td>",
                                                         plain)] == \
        [week.level for week in program.weeks]
    if rule != "all":
        assert "(the program says" in page or expected == tuple(w.level for w in program.weeks)


def test_the_weeks_are_built_for_the_chosen_client(box: Box,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    box.post("/clients/ann", data={"name": "Ann", "level": "intermediate",
                                   "level_rule": "start"})
    asked: list[dict[str, Any]] = []
    monkeypatch.setattr(making, "build_weeks",
                        lambda space, name, voice, progress, client="": asked.append(
                            {"name": name, "client": client}) or {})
    answer = box.post(f"/programs/{PROGRAM}/build", data={"voice": "system",
                                                          "client": "ann"})
    assert answer.status_code == 200
    (job,) = box.queued
    assert job.title.endswith("for Ann")
    job.work(lambda *a: None)
    assert asked == [{"name": PROGRAM, "client": "ann"}]
    assert making.weeks_folder(PROGRAM, "ann") == f"{PROGRAM}-for-ann"
