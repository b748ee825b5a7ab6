"""A first-time coach's journey through the studio, in Chromium, on an empty workspace.

The studio starts on a folder that does not exist yet, so the coach meets only what the
studio itself puts there (the shipped program, copied in as an example). The coach names
themselves, adds a client, makes a track and hears it, edits a line of its script and builds it
again, makes a program of their own: a copy of the shipped one ("Make a copy to change"), cut
in the "edit as a file" view to two weeks of about a minute, beginner then intermediate, as
the shipped one steps up (its six weeks of 15 minutes would take minutes to build) and renamed
"Two short weeks". Then the coach has that program start at the client's level ("Start the
program here"), builds its weeks and then the weeks for the client (each week at the level
walkcoach.build.program.client_week_levels gives, on the page and in the built tracks' cue
sheets), shares them with the client, deletes a track and takes it back.

Every page on the way is read as the coach reads it (its visible text, labels, titles, alt
texts and the options of its lists) and must not show the command line's or the files'
language: an option name, a YAML key path, a file path, a slug, a hash or "CSRF"; and axe-core
must find nothing on it. Two pages are for what the others keep out of sight and may show it:
Settings says where the workspace is, and the file view shows the file (its text, in a text
box the reading leaves out, and which file it is: its path and its name); each is read with
only that allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import screenshot
from outside_tools import axe_violations
from studio_support import audio_duration_s, serving, sign_in

from walkcoach import content
from walkcoach.build.program import client_week_levels

pytestmark = pytest.mark.e2e

PROGRAM = "Two short weeks"
WEEKS = """\
weeks:
  - {week: 1, level: beginner, setting: floor, minutes: 1, focus: "Small steps first."}
  - {week: 2, level: intermediate, setting: floor, intervals: 2x0:30/0:15,
     focus: "Two short turns."}
"""
"""The weeks the coach writes in place of the shipped program's defaults and weeks."""
TIMEOUT_MS = 240_000
COACH = "Sam Rivera"
_SEEN = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("[title], [alt], [aria-label]")) {
    parts.push(el.getAttribute("title") || "", el.getAttribute("alt") || "",
               el.getAttribute("aria-label") || "");
  }
  for (const el of document.querySelectorAll("label, legend, option, button, summary, th")) {
    parts.push(el.textContent);
  }
  return parts.join("\\n");
}"""
_PLAIN_WORDS = {"warm-up", "cool-down", "check-in", "check-ins", "e-mail", "x-small"}
_WEB_ADDRESS = re.compile(r"https?://\S+")


def _findings(text: str, space: Path, *, paths_allowed: bool,
              file_shown: Path | None = None) -> list[str]:
    """What a coach should not meet in ``text``, each as "kind: the text found". The
    workspace's path is allowed where ``paths_allowed``; ``file_shown`` is the file a file
    view is of, whose path and name it says."""
    found = []
    if file_shown is not None:
        text = text.replace(str(file_shown), " ").replace(file_shown.stem, " ")
    if not paths_allowed and str(space) in text:
        found.append(f"the workspace's path: {space}")
    text = _WEB_ADDRESS.sub(" ", text.replace(str(space), " "))
    patterns = {
        "an option name": r"(?<![\w-])--[a-z][\w-]*",
        "a YAML key path": r"\b[a-z_]+(?:\[\d+\])?\.[a-z_]+(?:\[\d+\])?\b|\b[a-z_]+\[\d+\]",
        "a file path": r"[/\\][\w.-]+\.(?:ya?ml|mp3|m4a|wav|json|vtt|txt|zip|html|png|jpe?g)\b"
                       r"|\b[\w-]+\.ya?ml\b|\b\w+\.(?:py|yaml):\d+",
        "a hash": r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}\b",
        "CSRF": r"CSRF",
    }
    for kind, pattern in patterns.items():
        found += [f"{kind}: {match[0]!r}" for match in re.finditer(pattern, text)]
    for match in re.finditer(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", text):
        if re.search(r"[a-z]", match[0]) and match[0] not in _PLAIN_WORDS:
            found.append(f"a slug: {match[0]!r}")
    return found


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`walkcoach serve` on a workspace not made yet: the studio makes it."""
    space = tmp_path_factory.mktemp("journey") / "workspace"
    with serving(space) as (address, _):
        yield address, space.resolve()


class Coach:
    """The coach's browser tab, reading every page it comes to."""

    def __init__(self, page: Any, space: Path) -> None:
        self.page = page
        self.space = space
        self.findings: list[str] = []
        self.step = 0

    def read(self, what: str, *, paths_allowed: bool = False,
             file_shown: Path | None = None) -> str:
        """Read the page as it is now: what it shows that it should not, and what axe finds
        (``paths_allowed`` and ``file_shown`` as :func:`_findings` takes them)."""
        self.page.wait_for_load_state()
        self.step += 1
        text = str(self.page.evaluate(_SEEN))
        self.findings += [f"{what}: {finding}"
                          for finding in _findings(text, self.space, paths_allowed=paths_allowed,
                                                   file_shown=file_shown)]
        self.findings += [f"{what}: axe {found['id']}: {found['help']} "
                          f"{[node['target'] for node in found['nodes']]}"
                          for found in axe_violations(self.page)]
        screenshot(self.page, f"journey-{self.step:02d}-{what.replace(' ', '-')}")
        return text


def test_a_first_time_coach_makes_shares_and_tidies_in_their_own_words(
        studio: tuple[str, Path], browser: Any) -> None:
    address, space = studio
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = sign_in(context).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    coach = Coach(page, space)
    try:
        # Named once, on the first visit.
        page.goto(address)
        coach.read("first visit")
        page.fill("input[name=coach]", COACH)
        page.click("#coach-form button[type=submit]")
        page.wait_for_selector(f"text=Welcome, {COACH}")
        coach.read("named")
        assert page.query_selector("input[name=coach]") is None  # asked once

        # A client.
        page.click("nav >> text=Clients")
        coach.read("clients")
        page.fill("input[name=name]", "Maria Lopez")
        page.select_option("#client-form select[name=level]", "beginner")
        page.select_option("#client-form select[name=setting]", "floor")
        page.click("#client-form button[type=submit]")
        page.wait_for_selector("h1:has-text('Maria Lopez')")
        coach.read("client")

        # A track for her, heard.
        page.click("text=Make a track for this client")
        page.wait_for_selector("#track-form")
        coach.read("make a track")
        page.fill("input[name=minutes]", "1")
        page.select_option("#track-form select[name=voice]", "system")
        page.click("text=Build the track")
        page.wait_for_selector(".job[data-state=done] audio", timeout=TIMEOUT_MS)
        text = coach.read("track built")
        assert audio_duration_s(page, ".job[data-state=done] audio") > 0
        assert re.search(r"1 min walk, \d+:\d\d in all", text), text

        # A line of its script changed, and the track built again.
        page.click("text=Edit these words")
        page.wait_for_selector("#script-form")
        coach.read("script")
        page.fill("textarea[name=say-0]", "Hello Maria, good to see you again.")
        page.click("text=Save and build")
        page.wait_for_selector("#script-form .job[data-state=done] audio", timeout=TIMEOUT_MS)
        coach.read("script built")
        assert audio_duration_s(page, "#script-form .job[data-state=done] audio") > 0

        # A program of their own: the shipped example copied, then cut to two short weeks
        # and renamed in the file view.
        page.click("header a.brand")
        shipped = page.locator("main section:has(h2:text-is('Programs')) li a")
        assert shipped.count() == 1, shipped.all_inner_texts()
        shipped_title = shipped.inner_text()
        shipped.click()
        page.wait_for_selector("table.weeks")
        coach.read("shipped program")
        page.click("button:has-text('Make a copy to change')")
        page.wait_for_url(re.compile(r"/edit/programs/[^/]+$"))
        page.wait_for_selector("#source-form")
        mine = space / "programs" / f"{page.url.rsplit('/', 1)[1]}.yaml"
        coach.read("program copy as a file", file_shown=mine)
        text = page.input_value("#source-text")
        title = re.compile(r"^program:.*$", re.MULTILINE)
        weeks = re.search(r"^(?:defaults|weeks):", text, re.MULTILINE)
        assert title.search(text) and weeks, text
        page.fill("#source-text",
                  title.sub(f'program: "{PROGRAM}"', text[:weeks.start()], count=1) + WEEKS)
        page.click("#source-form button[type=submit]")
        page.wait_for_selector("#source-form .saved:has-text('no problems')")
        coach.read("program saved", file_shown=mine)
        page.click("header a.brand")
        programs = page.locator("main section:has(h2:text-is('Programs')) li a")
        assert sorted(programs.all_inner_texts()) == sorted([shipped_title, PROGRAM])
        coach.read("home with her program")

        # She starts the program a level up: at intermediate, keeping its steps.
        page.click("nav >> text=Clients")
        page.click("main a:has-text('Maria Lopez')")
        page.wait_for_selector("h1:has-text('Maria Lopez')")
        coach.read("client again")
        page.select_option("#client-form select[name=level]", "intermediate")
        page.check("#client-form input[name=level_rule][value=start]")
        page.click("#client-form button[type=submit]")
        page.wait_for_selector("#client-form .saved:has-text('Saved.')")
        coach.read("client level saved")
        assert page.is_checked("#client-form input[name=level_rule][value=start]")
        (profile,) = (space / "clients").glob("*.yaml")
        expected = client_week_levels(
            content.load_program(mine),
            content.load_client(profile))
        assert expected == ("intermediate", "advanced"), expected  # "start" shifts the steps

        # The program's weeks, then shared with her.
        page.goto(address)
        page.click(f"main a:text-is('{PROGRAM}')")
        page.wait_for_selector("table.weeks")
        coach.read("program")
        page.select_option("form[hx-post$='/build'] select[name=voice]", "system")
        page.click("text=Build all weeks")
        page.wait_for_selector("#program-job .job[data-state=done]", timeout=TIMEOUT_MS)
        coach.read("weeks built")

        # Her weeks, each at the level her profile gives, shown and then built.
        page.select_option("form.for-client select[name=client]", label="Maria Lopez")
        page.click("form.for-client button:has-text('Show their levels')")
        page.wait_for_selector("table.weeks th:has-text('Level for Maria Lopez')")
        text = coach.read("program for her")
        shown = page.eval_on_selector_all(
            "table.weeks td[data-level]",
            "cells => cells.map(cell => cell.firstChild.textContent.trim())")
        assert tuple(shown) == expected, shown
        assert "(the program says beginner)" in text, text
        page.select_option("form[hx-post$='/build'] select[name=voice]", "system")
        page.click("form[hx-post$='/build'] button:has-text('Build all weeks for Maria Lopez')")
        page.wait_for_selector("#program-job .job[data-state=done]", timeout=TIMEOUT_MS)
        coach.read("her weeks built")
        built = sorted((space / "weeks" / f"{mine.stem}-for-{profile.stem}").glob("*.mp3"))
        assert len(built) == len(expected), built
        sheets = [json.loads(track.with_suffix(".json").read_text(encoding="utf-8"))
                  for track in built]
        assert tuple(sheet["level"] for sheet in sheets) == expected, \
            [(track.name, sheet["level"]) for track, sheet in zip(built, sheets, strict=True)]
        page.select_option("form[hx-post$='/share'] select[name=client]", label="Maria Lopez")
        page.select_option("form[hx-post$='/share'] select[name=voice]", "system")
        page.click("text=Make the share bundle")
        page.wait_for_selector("#share-job .job[data-state=done]", timeout=TIMEOUT_MS)
        coach.read("shared")
        shared = page.frame_locator("iframe.preview").locator("body").inner_text(timeout=10_000)
        assert COACH in shared and "Your walkcoach coach" not in shared, shared

        # A track deleted, and taken back.
        page.goto(address)
        coach.read("home with tracks")
        before = len(page.query_selector_all("#tracks audio"))
        page.click("#tracks button:has-text('Delete')")
        page.wait_for_selector("#tracks button:has-text('Undo')")
        coach.read("track deleted")
        assert len(page.query_selector_all("#tracks audio")) == before - 1
        assert any((space / "trash").rglob("*.mp3"))
        page.click("#tracks button:has-text('Undo')")
        page.wait_for_selector("#tracks .saved:has-text('back')")
        assert len(page.query_selector_all("#tracks audio")) == before
        coach.read("track back")

        page.click("nav >> text=Jobs")
        coach.read("jobs")
        page.click("text=Settings")
        text = coach.read("settings", paths_allowed=True)
        assert str(space) in text  # where the workspace is, said where it is asked for
        assert page.input_value("input[name=coach]") == COACH
    finally:
        context.close()
    assert not errors, errors
    assert not coach.findings, "\n".join(coach.findings)
