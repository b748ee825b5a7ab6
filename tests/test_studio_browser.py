"""The studio end to end: the real `walkcoach serve`, driven in a real Chromium.

One server for the module, in its own workspace; each test walks one of a coach's flows
through the pages, as a coach would click it, and measures what was made: the audio the
page plays against its cue sheet, the script after an edit, the zip a client gets.
Screenshots of each step go to tests/artifacts/ (studio-*.png).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import screenshot
from studio_support import audio_duration_s, serving, sign_in, signed_in_page

pytestmark = pytest.mark.e2e

SHORT_PROGRAM = """\
program: "Two short weeks"
coach: "Coach Ana"
exercise: walking-backwards
weeks:
  - {week: 1, level: beginner, setting: floor, minutes: 1, focus: "Small steps first."}
  - {week: 2, level: beginner, setting: floor, intervals: 2x0:30/0:15,
     focus: "Two short turns."}
"""
_TIMEOUT_MS = 240_000  # a cold phrase cache makes a track's phrases first


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`walkcoach serve` on a free port, its address and its workspace."""
    space = tmp_path_factory.mktemp("studio")
    (space / "programs").mkdir()
    (space / "programs" / "two-weeks.yaml").write_text(SHORT_PROGRAM, encoding="utf-8")
    with serving(space) as (address, _):
        yield address, space


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with signed_in_page(browser, viewport={"width": 1100, "height": 900},
                        accept_downloads=True) as page:
        yield page


def test_make_a_track_from_the_script_to_the_download(studio: tuple[str, Path],
                                                      page: Any, tmp_path: Path) -> None:
    address, space = studio
    page.goto(address)
    assert page.title() == "walkcoach studio"
    screenshot(page, "studio-1-home")
    page.click("text=Make a track")
    page.select_option("select[name=level]", "beginner")
    page.select_option("select[name=setting]", "floor")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=minutes]", "abc")
    page.click("text=Preview the script")
    error = page.wait_for_selector("#minutes-error")
    assert "minutes must be a number from 1 to 60, not 'abc'" in error.inner_text()
    screenshot(page, "studio-2-a-field-refused")

    page.fill("input[name=minutes]", "1.5")
    page.click("text=Preview the script")
    script = page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    text = script.inner_text()
    assert "Now start stepping backwards." in text and "total 0" in text
    assert not list((space / "tracks").glob("*.mp3")), "a preview makes no track"
    screenshot(page, "studio-3-script")

    page.click("text=Build the track")
    page.wait_for_selector(".job[data-state=running], .job[data-state=queued], "
                           ".job[data-state=done] audio", timeout=_TIMEOUT_MS)
    page.wait_for_selector(".job[data-state=done] audio", timeout=_TIMEOUT_MS)
    screenshot(page, "studio-4-built")
    source = page.get_attribute(".job audio", "src")
    assert source is not None and source.startswith("/files/tracks/")
    track = space / source.removeprefix("/files/")
    sheet = json.loads(track.with_suffix(".json").read_text(encoding="utf-8"))
    played = audio_duration_s(page, ".job audio")
    assert abs(played - sheet["duration_ms"] / 1000) < 0.06, (played, sheet["duration_ms"])

    # The captions follow the audio: the first cue's words appear under the player.
    first = sheet["cues"][0]
    page.eval_on_selector(".job audio", "audio => { audio.muted = true; audio.play(); }")
    page.wait_for_function(
        "text => document.querySelector('.job .caption').textContent === text",
        arg=first["text"], timeout=15_000)
    screenshot(page, "studio-5-captions")

    with page.expect_download() as download:
        page.click(".job a.download")
    saved = tmp_path / "download.mp3"
    download.value.save_as(saved)
    assert saved.read_bytes() == track.read_bytes()


def _kind(row: Any) -> str:
    """The kind of a line of the script page's table."""
    return str(row.query_selector("[data-kind]").inner_text())


def test_edit_a_line_and_hear_it_in_the_rebuilt_script(studio: tuple[str, Path],
                                                       page: Any) -> None:
    address, space = studio
    page.goto(f"{address}track")
    page.select_option("select[name=level]", "beginner")
    page.select_option("select[name=setting]", "floor")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=minutes]", "2")
    page.click("text=Preview the script")
    page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    page.click("text=Edit these words")
    page.wait_for_selector("#script-form")
    assert page.url.startswith(f"{address}scripts/")
    name = page.url.rsplit("/", 1)[1]
    rows = page.query_selector_all("table.lines tr")[1:]
    row = next(row for row in rows if _kind(row) == "technique")
    walk_time = row.query_selector("td.when").inner_text().split()[0]
    row.query_selector("textarea").fill("Lift your chest and smile.")
    screenshot(page, "studio-6-edit")
    page.click("text=Save and build")
    script = page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    lines = [line for line in script.inner_text().splitlines()
             if "Lift your chest and smile." in line]
    minutes, seconds = walk_time.split(":")
    assert len(lines) == 1 and f"walk {int(minutes):02d}:{seconds[:2]}" in lines[0], \
        (lines, walk_time)
    screenshot(page, "studio-7-rebuilt")
    saved = (space / "scripts" / f"{name}.yaml").read_text(encoding="utf-8")
    assert "say: Lift your chest and smile." in saved  # the YAML the command line reads
    built = space / "tracks" / f"{name}-edited.mp3"
    assert built.is_file() and built.with_suffix(".vtt").is_file()
    assert "Lift your chest and smile." in built.with_suffix(".vtt").read_text(encoding="utf-8")

    # A line too long for its gap is refused, naming the line as the page counts it.
    rows = page.query_selector_all("table.lines tr")[1:]
    kinds = [_kind(row) for row in rows]
    before_time = next(i for i, kind in enumerate(kinds)
                       if kind == "technique" and kinds[i + 1] == "time")
    long_line = " ".join(["Keep stepping back slowly and carefully."] * 11)  # ~27 s of speech
    rows[before_time].query_selector("textarea").fill(long_line)
    page.click("text=Save and build")
    error = page.wait_for_selector(".job[data-state=failed] .error", timeout=_TIMEOUT_MS)
    assert f"Line {before_time + 1}: too long for its gap" in error.inner_text()
    assert ".yaml" not in error.inner_text()
    screenshot(page, "studio-8-too-long")


def test_build_a_program_and_share_it_with_a_client(studio: tuple[str, Path], page: Any,
                                                    browser: Any, tmp_path: Path) -> None:
    address, space = studio
    page.goto(f"{address}clients")
    page.fill("input[name=name]", "Maria Lopez")
    page.select_option("#client-form select[name=level]", "beginner")
    page.fill("textarea[name=spoken_notes]", "Use the wall for balance today.")
    page.click("#client-form button[type=submit]")
    page.wait_for_url(f"{address}clients/maria-lopez")
    assert (space / "clients" / "maria-lopez.yaml").is_file()
    screenshot(page, "studio-9-client")

    page.goto(f"{address}programs/two-weeks")
    assert len(page.query_selector_all("table.weeks tr")) == 3  # a header and two weeks
    page.select_option("form[hx-post$='/build'] select[name=voice]", "system")
    page.click("text=Build all weeks")
    page.wait_for_selector("#program-job .job")
    page.close()  # a closed tab does not stop the job

    other = sign_in(browser.new_page())
    other.goto(f"{address}jobs")
    other.wait_for_selector("[data-state=done]:has-text(\"The weeks of Two short weeks\")",
                            timeout=_TIMEOUT_MS)
    other.goto(f"{address}programs/two-weeks")
    assert len(other.query_selector_all("audio")) == 2
    screenshot(other, "studio-10-program")
    for audio in other.query_selector_all("audio"):
        source = audio.get_attribute("src") or ""
        sheet = json.loads((space / source.removeprefix("/files/")).with_suffix(".json")
                           .read_text(encoding="utf-8"))
        assert abs(float(other.evaluate("""src => new Promise(done => {
            const audio = new Audio(src);
            audio.addEventListener('loadedmetadata', () => done(audio.duration));
        })""", source)) - sheet["duration_ms"] / 1000) < 0.06

    # The coach's own cover: a text file is refused next to the field, a square PNG is kept
    # and named in the program file.
    fake = tmp_path / "cover.png"
    fake.write_text("not an image", encoding="utf-8")
    other.set_input_files("#cover input[type=file]", str(fake))
    other.click("#cover button[type=submit]")
    assert "not a JPEG or PNG image" in other.wait_for_selector("#cover-error").inner_text()
    assert not (space / "covers" / "two-weeks.png").exists()
    from PIL import Image

    art = tmp_path / "art.png"
    Image.new("RGB", (640, 640), (200, 80, 40)).save(art)
    other.set_input_files("#cover input[type=file]", str(art))
    other.click("#cover button[type=submit]")
    other.wait_for_selector("#cover img.cover")
    assert (space / "covers" / "two-weeks.png").read_bytes() == art.read_bytes()
    assert 'cover: "../covers/two-weeks.png"' in \
        (space / "programs" / "two-weeks.yaml").read_text(encoding="utf-8")

    other.select_option("form[hx-post$='/share'] select[name=client]", "maria-lopez")
    other.select_option("form[hx-post$='/share'] select[name=voice]", "system")
    other.click("text=Make the share bundle")
    other.wait_for_selector("#share-job .job[data-state=done]", timeout=_TIMEOUT_MS)
    frame = other.frame_locator("iframe.preview")
    assert "Maria Lopez" in frame.locator("body").inner_text(timeout=10_000)
    # The client's page runs sandboxed, in an origin of its own: it cannot reach the studio.
    preview = next(frame for frame in other.frames if frame.url.endswith("/index.html"))
    assert preview.evaluate("window.origin") == "null"
    screenshot(other, "studio-11-share")
    with other.expect_download() as download:
        other.click("#share-job a.download")
    saved = tmp_path / "bundle.zip"
    download.value.save_as(saved)
    bundle = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    names = bundle.namelist()
    assert any(name.endswith("index.html") for name in names)
    cover = next(name for name in names if name.endswith("cover.png"))
    assert bundle.read(cover) == art.read_bytes()  # the coach's own cover went to the client
    assert sum(name.endswith(".mp3") for name in names) == 2

    other.goto(f"{address}clients/maria-lopez")
    link = other.get_attribute("a[href$='index.html']", "href")
    assert link is not None and "/share/two-weeks/maria-lopez-" in link
    screenshot(other, "studio-12-client-links")
    other.close()


def test_the_studio_reads_on_a_phone(studio: tuple[str, Path], browser: Any) -> None:
    address, _ = studio
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                device_scale_factor=2)
    page = sign_in(phone).new_page()
    page.goto(f"{address}track")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    screenshot(page, "studio-13-phone")
    phone.close()


def test_change_an_exercises_words_in_its_own_copy(studio: tuple[str, Path], page: Any,
                                                   browser: Any) -> None:
    address, space = studio
    stale = sign_in(browser.new_page())  # the same page left open in another tab
    stale.goto(f"{address}exercises/walking-backwards")
    page.goto(f"{address}exercises/walking-backwards")
    page.click("text=Make my own copy")
    page.wait_for_url(f"{address}exercises/my-walking-backwards/words")
    page.click("text=Edit as a file")
    page.wait_for_url(f"{address}edit/exercises/my-walking-backwards")
    text = page.input_value("#source-text")
    assert "name: my-walking-backwards" in text
    # The other tab's copy is refused, and the refusal said on the page (htmx swaps nothing
    # in for a 4xx by itself); opened again, the page offers the copy to edit.
    stale.click("text=Make my own copy")
    problem = stale.wait_for_selector("#studio-problem:not([hidden])")
    assert "already exists" in problem.inner_text()
    stale.close()
    page.goto(f"{address}exercises/walking-backwards")
    page.click("text=Edit my copy")
    page.wait_for_url(f"{address}exercises/my-walking-backwards/words")
    page.click("text=Edit as a file")
    page.wait_for_url(f"{address}edit/exercises/my-walking-backwards")
    said = "Walking backwards trains your balance and your coordination."
    mine = "Stepping back wakes up your balance, one careful step at a time."
    page.fill("#source-text", text.replace(said, mine).replace("\nlevels:", "\nlevls:"))
    page.click("#source-form button[type=submit]")
    page.wait_for_selector("#source-form .error[role=alert]")
    errors = [error.inner_text() for error in
              page.query_selector_all("#source-form .error[role=alert]")]
    assert all("my-walking-backwards.yaml:" in error for error in errors)
    assert any("levls" in error and "did you mean 'levels'" in error for error in errors), errors
    screenshot(page, "studio-14-exercise-refused")
    page.fill("#source-text", page.input_value("#source-text").replace("\nlevls:", "\nlevels:"))
    page.click("#source-form button[type=submit]")
    page.wait_for_selector("#source-form .saved")
    saved = (space / "exercises" / "my-walking-backwards.yaml").read_text(encoding="utf-8")
    assert mine in saved and said not in saved

    page.goto(f"{address}track?exercise=my-walking-backwards")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=minutes]", "1")
    page.click("text=Preview the script")
    script = page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    assert mine in script.inner_text() and said not in script.inner_text()
    screenshot(page, "studio-15-exercise-words")
