"""The client's page of the share bundle, checked by tools walkcoach did not write.

One short two-week bundle (the system voice) is built per module with a public address, one
without; the page is then read by the W3C HTML checker (vnu), axe-core in Chromium, and a QR
decoder (zxing-cpp) over the PDF Chromium prints and over a phone's screenshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import ARTIFACTS, screenshot
from outside_tools import axe_violations, pdf_images, qr_texts, qr_texts_from_pdf, vnu_errors
from static_host import serving

from walkcoach.content import load_program
from walkcoach.share import ShareResult, build_share
from walkcoach.share.page import iso_duration

pytestmark = pytest.mark.e2e

BASE = "https://example.com/walks"
PROGRAM_TEXT = """\
program: "Backwards & forwards, two weeks"
coach: "Ana Souza"
exercise: walking-backwards
sessions_per_week: 3
defaults: {setting: floor}
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Heel & toe, slowly."}
  - {week: 2, level: intermediate, intervals: 2x0:30/0:15, setting: treadmill,
     focus: "A bit faster."}
"""
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page-program") / "two-weeks.yaml"
    path.write_text(PROGRAM_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shared(program_file: Path, tmp_path_factory: pytest.TempPathFactory) -> ShareResult:
    """Zoë's bundle, published under BASE."""
    return build_share(load_program(program_file), tmp_path_factory.mktemp("page-share"),
                       client="Zoë", base_url=BASE, voice="system", jobs=2)


@pytest.fixture(scope="module")
def unpublished(program_file: Path, tmp_path_factory: pytest.TempPathFactory) -> ShareResult:
    """The same program for a bundle sent as a zip: no address, so no feed."""
    return build_share(load_program(program_file), tmp_path_factory.mktemp("page-zip"),
                       client="Sam", voice="system", jobs=2)


def _urls(shared: ShareResult) -> tuple[str, str]:
    assert shared.url
    return f"{shared.url}index.html", f"{shared.url}feed.xml"


@pytest.fixture(scope="module")
def served(shared: ShareResult) -> Iterator[str]:
    """The bundle's folder over HTTP on 127.0.0.1 (a random port), as a host serves it."""
    with serving(shared.folder) as address:
        yield address


def _tab(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    return browser.new_context(viewport=viewport, **options).new_page()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    tab = _tab(browser, PHONE, device_scale_factor=2)
    try:
        yield tab
    finally:
        tab.context.close()


@pytest.fixture(scope="module")
def printed(shared: ShareResult, browser: Any) -> bytes:
    """The page as Chromium prints it on A4, backgrounds on."""
    tab = _tab(browser, DESKTOP)
    try:
        tab.goto(shared.page.as_uri())
        tab.emulate_media(media="print")
        pdf: bytes = tab.pdf(format="A4", print_background=True)
        return pdf
    finally:
        tab.context.close()


# --- QR codes and the addresses under them ---------------------------------------------------

def test_iso_durations() -> None:
    assert [iso_duration(ms) for ms in (0, 999, 1000, 90_000, 3_600_000, 3_723_400)] == [
        "PT0S", "PT0S", "PT1S", "PT1M30S", "PT1H", "PT1H2M3S"]


def test_the_qr_codes_scale(shared: ShareResult) -> None:
    """Each code is an SVG with a viewBox and no fixed size, so CSS scales it whole."""
    html = shared.page.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) == 2
    for tag in svgs:
        assert re.search(r'viewBox="0 0 (\d+) \1"', tag), tag
        assert not re.search(r"\s(width|height)=", tag), tag


def test_the_printed_codes_decode_to_the_addresses(printed: bytes) -> None:
    """The printed handout, rendered at 150 dpi: zxing-cpp reads exactly the page's and the
    feed's addresses, and the handout is one page."""
    page_url = re.escape(BASE)
    texts = qr_texts_from_pdf(printed)
    assert len(texts) == 2, texts
    assert re.fullmatch(page_url + r"/zoe-[\w-]{22}/index\.html", texts[0]) or re.fullmatch(
        page_url + r"/zoe-[\w-]{22}/index\.html", texts[1]), texts
    assert len(pdf_images(printed, dpi=30)) == 1, "the handout is one page"


def test_the_printed_codes_are_the_bundles(shared: ShareResult, printed: bytes) -> None:
    assert sorted(qr_texts_from_pdf(printed)) == sorted(_urls(shared))


def test_the_printed_codes_are_35_to_40_mm(shared: ShareResult, browser: Any) -> None:
    """In print, each code (its quiet zone included) is 35-40 mm wide and square."""
    tab = _tab(browser, DESKTOP)
    try:
        tab.goto(shared.page.as_uri())
        tab.emulate_media(media="print")
        for index in range(2):
            box = tab.locator(".qr svg").nth(index).bounding_box()
            width, height = (box["width"] * 25.4 / 96, box["height"] * 25.4 / 96)
            assert 35 <= width <= 40 and abs(width - height) < 0.5, (width, height)
    finally:
        tab.context.close()


def test_the_codes_decode_from_a_phone_screen(shared: ShareResult, phone: Any) -> None:
    """A screenshot at a phone's size, as someone would show it to another phone."""
    phone.goto(shared.page.as_uri())
    png = phone.locator(".qr").screenshot()
    assert sorted(qr_texts(png)) == sorted(_urls(shared))


@pytest.mark.parametrize("media", ["screen", "print"])
def test_each_address_is_printed_to_type(shared: ShareResult, browser: Any,
                                         media: str) -> None:
    """Under each code its address, whole, in a monospace font, wrapped inside its figure."""
    tab = _tab(browser, PHONE)
    try:
        tab.goto(shared.page.as_uri())
        tab.emulate_media(media=media)
        figures = tab.locator(".qr figure")
        assert figures.count() == 2
        shown = []
        for index in range(2):
            address = figures.nth(index).locator(".address")
            assert address.is_visible()
            shown.append(address.inner_text().replace("\n", ""))
            style = address.evaluate(
                """el => { const s = getComputedStyle(el), f = el.closest('figure');
                     return {font: s.fontFamily, wrap: s.overflowWrap + ' ' + s.wordBreak,
                             inside: el.scrollWidth <= el.clientWidth + 1
                                     && el.getBoundingClientRect().right
                                        <= f.getBoundingClientRect().right + 1
                                     && f.getBoundingClientRect().right
                                        <= document.documentElement.clientWidth}; }""")
            assert "monospace" in style["font"], style
            assert "anywhere" in style["wrap"] or "break-all" in style["wrap"], style
            assert style["inside"], style
        assert sorted(shown) == sorted(_urls(shared))
    finally:
        tab.context.close()


def test_the_printed_addresses_are_text_on_the_sheet(shared: ShareResult,
                                                     printed: bytes) -> None:
    """pdfium reads both addresses as text from the printed page (wrapped lines joined)."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(printed)
    text = "".join(document[0].get_textpage().get_text_range().split())
    document.close()
    for url in _urls(shared):
        assert url in text


# --- valid HTML, accessible --------------------------------------------------------------------

def test_the_page_is_valid_html(shared: ShareResult, unpublished: ShareResult) -> None:
    """The W3C checker: no error and no warning, with and without a public address."""
    assert vnu_errors([shared.page, unpublished.page]) == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation(shared: ShareResult, browser: Any,
                                viewport: dict[str, int]) -> None:
    tab = _tab(browser, viewport)
    try:
        tab.goto(shared.page.as_uri())
        tab.locator("details").first.evaluate("d => d.open = true")
        assert axe_violations(tab) == []
    finally:
        tab.context.close()


def test_axe_without_a_feed(unpublished: ShareResult, browser: Any) -> None:
    tab = _tab(browser, PHONE)
    try:
        tab.goto(unpublished.page.as_uri())
        assert axe_violations(tab) == []
    finally:
        tab.context.close()


def test_transcript_times_say_their_duration(shared: ShareResult) -> None:
    """Every m:ss on the page is a <time> whose datetime is the same length (PT1M30S)."""
    html = shared.page.read_text(encoding="utf-8")
    times = [(attributes, text) for attributes, text in
             re.findall(r"<time\b([^>]*)>([^<]*)</time>", html) if ":" in text]
    assert len(times) > 10
    for attributes, text in times:
        match = re.search(r'datetime="PT(?:(\d+)M)?(?:(\d+)S)?"', attributes)
        assert match, attributes
        minutes, seconds = text.split(":")
        assert (int(match[1] or 0), int(match[2] or 0)) == (int(minutes), int(seconds))


def test_the_schedule_shows_each_weeks_date(shared: ShareResult) -> None:
    """When the bundle dates its weeks, the schedule says when each starts, a week apart."""
    import datetime

    html = shared.page.read_text(encoding="utf-8")
    dates = [datetime.date.fromisoformat(day) for day in
             re.findall(r'<td><time datetime="(\d{4}-\d\d-\d\d)">', html)]
    assert len(dates) == 2 and dates[1] - dates[0] == datetime.timedelta(weeks=1)


# --- captions a phone's own player shows --------------------------------------------------------

def test_every_player_has_a_captions_track(shared: ShareResult) -> None:
    from html.parser import HTMLParser

    class Players(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.audios: list[list[dict[str, str | None]]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "audio":
                self.audios.append([])
            elif tag == "track":
                self.audios[-1].append(dict(attrs))

    parser = Players()
    parser.feed(shared.page.read_text(encoding="utf-8"))
    assert len(parser.audios) == 2
    for tracks, built in zip(parser.audios, shared.program.tracks, strict=True):
        (track,) = tracks
        assert track["kind"] == "captions" and track["srclang"] == "en"
        assert track["label"] == "English" and "default" in track
        assert track["src"] == built.path.with_suffix(".vtt").name
        assert (shared.folder / str(track["src"])).is_file()


def test_chromium_loads_each_captions_track(served: str, phone: Any) -> None:
    """Over HTTP, each player's track loads with cues; a cue shows "&" (as the player
    renders it), not "&amp;"."""
    phone.goto(served + "index.html")
    texts = phone.evaluate(
        """() => Promise.all([...document.querySelectorAll('audio')].map(audio =>
             new Promise((resolve, reject) => {
               const element = audio.querySelector('track');
               const list = audio.textTracks[0];
               list.mode = 'showing';
               const done = () => resolve([...list.cues].map(
                 cue => cue.getCueAsHTML().textContent));
               if (element.readyState === 2) return done();
               element.addEventListener('load', done);
               element.addEventListener('error', () => reject('track failed: ' + element.src));
             })))""")
    assert len(texts) == 2 and all(texts)
    joined = "\n".join(line for cues in texts for line in cues)
    assert "Heel & toe" in joined and "&amp;" not in joined


def test_the_live_caption_shows_plain_text(shared: ShareResult, phone: Any) -> None:
    """The line under the player shows a cue's words with "&" as "&", never an entity."""
    phone.goto(shared.page.as_uri())
    week = phone.locator("article.week").first
    shown = week.evaluate(
        """week => {
             const audio = week.querySelector('audio');
             const cues = JSON.parse(week.querySelector('script.cues').textContent);
             const cue = cues.find(c => c[2].includes('&')) || cues[0];
             return new Promise(resolve => {
               audio.addEventListener('seeked', () => resolve(
                 [cue[2], week.querySelector('.caption').textContent]), {once: true});
               audio.currentTime = (cue[0] + cue[1]) / 2000;
             });
           }""")
    assert shown[0] == shown[1] and "&amp;" not in shown[1]


# --- subscribing ------------------------------------------------------------------------------

def test_the_subscribe_block_opens_podcast_apps(shared: ShareResult, phone: Any) -> None:
    phone.goto(shared.page.as_uri())
    _, feed = _urls(shared)
    bare = feed.removeprefix("https://")
    block = phone.locator("section.subscribe")
    assert block.locator("h2").inner_text().startswith("Subscribe")
    links = {block.locator("a", has_text=name).get_attribute("href") for name in
             ("Apple Podcasts", "Pocket Casts", "AntennaPod")}
    assert links == {f"podcast://{bare}", f"pktc://subscribe/{bare}",
                     f"antennapod-subscribe://{bare}"}
    for app in ("Apple Podcasts", "Pocket Casts", "AntennaPod"):
        steps = block.locator(f".steps h3:text-is('{app}') + ol li")
        assert 3 <= steps.count() <= 5, app
    field = block.locator("input#feed-address")
    assert field.get_attribute("readonly") is not None and field.input_value() == feed
    assert block.locator("label[for=feed-address]").is_visible()
    html = shared.page.read_text(encoding="utf-8")
    assert not re.search(r"<a\b[^>]*href=\"https?://[^\"]*feed\.xml\"", html), "raw XML link"


def test_copy_puts_the_address_on_the_clipboard(shared: ShareResult, served: str,
                                                browser: Any) -> None:
    tab = _tab(browser, PHONE)
    try:
        tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
        tab.goto(served + "index.html")
        tab.locator("#copy-feed").click()
        tab.locator("#copy-status", has_text="Copied").wait_for()
        assert tab.evaluate("navigator.clipboard.readText()") == _urls(shared)[1]
    finally:
        tab.context.close()


def test_copy_without_a_clipboard_selects_the_address(shared: ShareResult,
                                                      phone: Any) -> None:
    phone.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    phone.goto(shared.page.as_uri())
    phone.locator("#copy-feed").click()
    selected = phone.evaluate(
        """() => { const f = document.getElementById('feed-address');
                   return [document.activeElement === f,
                           f.value.slice(f.selectionStart, f.selectionEnd)]; }""")
    assert selected == [True, _urls(shared)[1]]
    assert phone.locator("#copy-status").inner_text()


def test_without_an_address_the_page_says_how_to_play_the_zip(unpublished: ShareResult,
                                                              phone: Any) -> None:
    phone.goto(unpublished.page.as_uri())
    assert phone.locator("section.subscribe").count() == 0
    assert phone.locator(".qr svg").count() == 0
    listen = phone.locator("section[aria-labelledby=listen]")
    assert "zip" in listen.inner_text() and "index.html" in listen.inner_text()
    html = unpublished.page.read_text(encoding="utf-8")
    assert "podcast://" not in html and "feed.xml" not in html


# --- what a person sees --------------------------------------------------------------------

def test_the_page_on_a_phone(shared: ShareResult, phone: Any) -> None:
    """Nothing wider than the phone; the week anchors the feed links to are there."""
    phone.goto(shared.page.as_uri())
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    assert [phone.locator(f"#week-{n}").count() for n in (1, 2)] == [1, 1]
    screenshot(phone, "share-page-phone")


def test_the_handout_image(shared: ShareResult, printed: bytes, browser: Any) -> None:
    """The printed sheet as a PNG to look at: schedule, safety, codes, no players."""
    (image,) = pdf_images(printed, dpi=100)
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "share-handout.png")
    tab = _tab(browser, DESKTOP)
    try:
        tab.goto(shared.page.as_uri())
        tab.emulate_media(media="print")
        assert not tab.locator("audio").first.is_visible()
        assert not tab.locator("section.subscribe").is_visible()
        for shown in ("#schedule", ".safety", ".qr"):
            assert tab.locator(shown).is_visible(), shown
    finally:
        tab.context.close()
