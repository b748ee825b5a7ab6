"""Faults a coach still meets in the studio, found by a second probe (after the first
probe's twelve were fixed): each test is one fault, and fails until it is fixed.

HTTP tests drive the app in-process (tests/studio_support.asgi_request); the page tests
drive a real `walkcoach serve` in Chromium. Only 1-minute tracks with the system voice are
built.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from browser import screenshot
from studio_support import SECRETS, asgi_request, script_text, serving, sign_in, track_form

from walkcoach.studio.app import create_app
from walkcoach.workspace import Workspace, track_request

HOSTS = frozenset({"127.0.0.1:8765", "localhost:8765"})
BASE = "http://127.0.0.1:8765"
TOKEN = "the-studio-token-for-the-second-probe"
GOOD = {"X-CSRF-Token": TOKEN}
ONE_WEEK = """\
program: "One short week"
coach: "Coach Ana"
exercise: walking-backwards
defaults: {setting: floor}
client:
  name: Maria
  spoken_notes: ["This is the program's own Maria."]
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Small steps first."}
"""
MARIA = """\
name: Maria
level: beginner
setting: floor
spoken_notes: ["Mind your new knee, Maria."]
"""
OTHER_MARIA = """\
name: Maria
level: beginner
setting: floor
spoken_notes: ["Use the wall beside you today."]
"""
_TIMEOUT_MS = 60_000


# --- in-process ---------------------------------------------------------------------------


class Box:
    """One studio on a workspace with two clients named Maria, a short program and an
    editable script."""

    def __init__(self, root: Path) -> None:
        self.space = Workspace.open(root)
        clients = self.space.root / "clients"
        (clients / "maria.yaml").write_text(MARIA, encoding="utf-8")
        (clients / "maria-g.yaml").write_text(OTHER_MARIA, encoding="utf-8")
        (self.space.root / "programs" / "one-week.yaml").write_text(ONE_WEEK, encoding="utf-8")
        (self.space.root / "scripts" / "s1.yaml").write_text(
            script_text(minutes=1, seed=4), encoding="utf-8")
        self.app, self.studio = create_app(self.space, hosts=HOSTS, token=TOKEN)

    def get(self, url: str) -> httpx.Response:
        return asgi_request(self.app, "GET", url, base=BASE)

    def post(self, url: str, data: dict[str, str]) -> httpx.Response:
        return asgi_request(self.app, "POST", url, base=BASE, headers=GOOD, data=data)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    made = Box(tmp_path / "ws")
    yield made
    made.studio.jobs.close()




def _says(body: str) -> dict[str, str]:
    """The say-N fields of a script page, as a browser would send them back (with the
    page's hidden version of the file)."""
    says = {f"say-{number}": html.unescape(words) for number, words in
            re.findall(r'name="say-(\d+)"[^>]*>(.*?)</textarea>', body, re.S)}
    return says | _version(body)


def _version(body: str) -> dict[str, str]:
    """The hidden version field of a page's form, as a browser sends it back."""
    found = re.search(r'name="version" value="([^"]*)"', body)
    return {"version": found[1]} if found else {}


def test_a_stale_script_tab_does_not_shift_every_line_after_a_deleted_one(box: Box) -> None:
    """Two tabs show one script. Tab A deletes a line of the intro and saves. Tab B, still
    showing the old lines, changes the last line's words and saves: its say-N are the old
    indices, so every line after the deleted one gets the words of the line before it
    ("Stop." said in the cool-down, "One." at the stop, "Now start stepping backwards" 20 s
    late), the deletion is undone as words, the last line's words are lost, and the page
    says "Saved; no problems found". B's save must be refused (the script changed since it
    was shown) or land on the lines B saw."""
    original = yaml.safe_load((box.space.root / "scripts" / "s1.yaml").read_text("utf-8"))
    lines = original["lines"]
    page = box.get("/scripts/s1").text
    says = _says(page)
    assert len(says) == len(lines) + 1  # the lines and the version
    first = int(re.findall(r'name="delete-(\d+)"', page)[1])

    assert box.post("/scripts/s1", {**says, f"delete-{first}": "on", "then": "save",
                                    "add_walk": "", "add_say": ""}).status_code == 200
    last = len(lines) - 1
    box.post("/scripts/s1", {**says, f"say-{last}": "See you next time, Maria.",
                             "then": "save", "add_walk": "", "add_say": ""})

    after = yaml.safe_load((box.space.root / "scripts" / "s1.yaml").read_text("utf-8"))
    kept = [line for index, line in enumerate(lines) if index != first]
    assert len(after["lines"]) == len(kept)
    for index, (line, was) in enumerate(zip(after["lines"], kept, strict=True)):
        if was is lines[last]:
            assert line["say"] in (was["say"], "See you next time, Maria.")
        else:
            assert line["say"] == was["say"], (
                f"line {index} ({line.get('kind') or line.get('before') or line.get('after')}"
                f" {line.get('walk', '')}) now says {line['say']!r}, not {was['say']!r}")


def test_a_stale_client_tab_does_not_undo_a_change_made_in_another(box: Box) -> None:
    """Two tabs show Maria's profile. Tab A adds a spoken note and saves; tab B, still
    showing the old form, changes her level and saves: A's note is gone without a word.
    B's save must be refused as made on an old copy (or keep A's change)."""
    fields = {"name": "Maria", "level": "beginner", "setting": "floor",
              "spoken_notes": "Mind your new knee, Maria.", "notes": "", "chimes": "",
              "cadence": "", "music": ""} | _version(box.get("/clients/maria").text)
    box.post("/clients/maria", fields | {"spoken_notes": "Mind your new knee, Maria.\n"
                                                         "Hold the rail on the stairs."})
    answer = box.post("/clients/maria", fields | {"level": "intermediate"})
    saved = (box.space.root / "clients" / "maria.yaml").read_text("utf-8")
    assert "Hold the rail on the stairs." in saved or 'class="saved"' not in answer.text


def test_two_clients_of_one_name_do_not_share_a_track_file(box: Box) -> None:
    """Two profiles greet "Maria" (the README: two profiles of one first name get two
    bundles), each with her own spoken notes. Their tracks, with every other choice the same,
    get one file name: the second build overwrites the first, and the first Maria's track
    now says the other's notes. The name's digest must cover the client's notes (or file)."""
    mine = track_request(box.space, track_form(client="maria"))
    other = track_request(box.space, track_form(client="maria-g"))
    assert mine.spec.client_notes != other.spec.client_notes
    assert mine.name != other.name


def test_the_programs_page_tells_its_bundles_apart(box: Box) -> None:
    """One program shared twice: for the profile maria, and for the program's own client
    (also "Maria", another person). The program page lists both as "maria: page · zip",
    two identical lines: the coach cannot tell which link to send to whom."""
    from walkcoach.workspace import making

    for client in ("maria", ""):
        making.share_program(box.space, "one-week", client, None, "system",
                             lambda stage, done, total: None)
    body = box.get("/programs/one-week").text
    items = re.findall(r"<li>([^<]*): <a href=\"/files/share/", body)
    assert len(items) == 2, body
    assert items[0] != items[1], items


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str]]:
    """`walkcoach serve` of a workspace with Maria's profile, and a share bundle made for her
    (its client's page's path)."""
    space = tmp_path_factory.mktemp("probe2-studio")
    (space / "clients").mkdir()
    (space / "clients" / "maria.yaml").write_text(MARIA, encoding="utf-8")
    (space / "programs").mkdir()
    (space / "programs" / "one-week.yaml").write_text(ONE_WEEK, encoding="utf-8")
    with serving(space) as (address, _):
        with httpx.Client(base_url=address, timeout=30,
                          cookies=dict([SECRETS[address]])) as client:
            token = re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/").text)
            assert token
            answer = client.post("/programs/one-week/share",
                                 data={"client": "maria", "base_url": "", "voice": "system"},
                                 headers={"X-CSRF-Token": token[1]})
            job = re.search(r'id="job-([^"]+)"', answer.text)
            assert job, answer.text
            deadline = time.monotonic() + 60
            while 'data-state="done"' not in (state := client.get(f"/jobs/{job[1]}").text):
                assert 'data-state="failed"' not in state, state
                assert time.monotonic() < deadline
                time.sleep(0.2)
            page = re.search(r'href="/files/([^"]+/index\.html)"', state)
            assert page
        yield address, space, page[1]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900},
                                  accept_downloads=True)
    yield sign_in(context).new_page()
    context.close()


@pytest.mark.parametrize("where", ["preview", "tab"])
def test_the_clients_page_downloads_its_track(served: tuple[str, Path, str], page: Any,
                                              where: str) -> None:
    """The client's page (the studio's preview of it, or opened in a new tab from the
    studio) has "Download the track" (an <a download>). Served sandboxed it is another
    origin than its own files, so Chromium ignores `download`: the click opens the raw MP3
    in the frame (or the tab) in place of the client's page, and nothing is downloaded."""
    address, _, client_page = served
    if where == "tab":
        page.goto(address + "files/" + client_page)
        frame = page.main_frame
    else:
        page.goto(address + "programs/one-week")
        page.select_option("form[hx-post$='/share'] select[name=client]", "maria")
        page.select_option("form[hx-post$='/share'] select[name=voice]", "system")
        page.click("text=Make the share bundle")
        page.wait_for_selector("#share-job .job[data-state=done] iframe", timeout=_TIMEOUT_MS)
        page.wait_for_function("[...document.querySelectorAll('iframe')].some(f => "
                               "f.contentDocument === null)")  # sandboxed: loaded, opaque
        frame = next(frame for frame in page.frames if frame.url.endswith("/index.html"))
        frame.wait_for_selector("p.links a[download]")
    try:
        with page.expect_download(timeout=5_000) as download:
            frame.click("p.links a[download]")
        assert download.value.suggested_filename.endswith(".mp3")
    finally:
        screenshot(page, f"probe2-client-page-download-{where}")


def test_keyboard_focus_stays_on_the_form_after_preview(served: tuple[str, Path, str],
                                                        page: Any) -> None:
    """Keyboard only: Tab to "Preview the script", press Enter. The form is swapped for a
    new one (outerHTML) and the focus falls to <body>: the next Tab starts again from the
    top of the page, and the script that appeared is never reached in order."""
    address, _, _ = served
    page.goto(address + "track")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=minutes]", "1")
    page.focus("text=Preview the script")
    page.keyboard.press("Enter")
    page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    screenshot(page, "probe2-keyboard-preview")
    inside = page.evaluate("document.activeElement.closest('#track-area') !== null")
    assert inside, page.evaluate("document.activeElement.outerHTML.slice(0, 80)")


def test_back_from_the_script_shows_the_form_as_it_was(served: tuple[str, Path, str],
                                                       page: Any) -> None:
    """Preview a 1-minute advanced script, "Edit these words", then the browser's Back:
    the form comes back half restored: level advanced and voice system (the selects), but
    the Minutes box at the default 8, so the next Preview is another session than the one
    just seen."""
    address, _, _ = served
    page.goto(address + "track")
    page.select_option("select[name=voice]", "system")
    page.select_option("select[name=level]", "advanced")
    page.fill("input[name=minutes]", "1")
    page.click("text=Preview the script")
    page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    page.click("text=Edit these words")
    page.wait_for_url(re.compile(r".*/scripts/.+"))
    page.go_back()
    page.wait_for_selector("input[name=minutes]")
    screenshot(page, "probe2-back-to-track")
    shown = {"level": page.input_value("select[name=level]"),
             "minutes": page.input_value("input[name=minutes]")}
    assert shown["minutes"] == "1" or shown["level"] == "", shown


def test_a_track_opened_in_a_tab_of_its_own_plays(served: tuple[str, Path, str],
                                                  page: Any) -> None:
    """A track opened by itself (the client's page's "Download the track" once it has
    navigated, or any /files/...mp3 opened in a new tab): the sandbox header on the MP3
    makes Chromium's player page an opaque origin whose own request for the MP3 is blocked
    by CORS ("Access to video ... from origin 'null'"): a dead player at 0:00."""
    address, space, client_page = served
    track = next((space / client_page).parent.glob("*.mp3"))
    page.goto(f"{address}files/{space.joinpath(client_page).parent.relative_to(space).as_posix()}"
              f"/{track.name}")
    loaded = page.evaluate("""() => new Promise(done => {
        const media = document.querySelector('video, audio');
        if (!media) { done(-1); return; }
        if (media.readyState >= 1) { done(media.duration); return; }
        media.addEventListener('loadedmetadata', () => done(media.duration));
        setTimeout(() => done(0), 5000);
    })""")
    screenshot(page, "probe2-track-in-a-tab")
    assert loaded > 0, "the track does not load when opened in a tab of its own"
