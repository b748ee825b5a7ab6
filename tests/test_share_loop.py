"""The loop back from the client, end to end (issue 21's "Done when"), in Chromium.

A three-week program whose weeks are earned is shared for Maria (`walkcoach share --days`,
the command line in a subprocess, as a coach runs it) and its folder served over HTTP on
127.0.0.1 (a random port: a secure context, so the service worker runs). On the page, she
logs three sessions of week 1, saves the track for offline, and reloads with the network
off: her sessions are still there and the track plays and seeks from the saved copy. The
code she sends is imported with `walkcoach checkin`; `progress --json` says what she logged;
the rebuilt bundle holds week 2 (the feed one episode, then two). A week-2 session with pain
4 offers week 2 again; pain 8 stops the releases and the page says to stop, even on a phone
with nothing logged. The tests run in order: each is one step of the same client's weeks.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import screenshot
from outside_tools import axe_violations, vnu_errors
from static_host import serving

pytestmark = pytest.mark.e2e

BASE = "https://example.com/walks"
START = datetime.date(2027, 1, 5)  # a Tuesday: week 1's sessions are Wed 6, Fri 8, Mon 11
PROGRAM = """\
program: "Backwards, earned"
coach: "Ana Souza"
email: ana@example.com
exercise: walking-backwards
sessions_per_week: 3
release: earned
pain_limit: 5
defaults: {setting: floor}
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Heel & toe, slowly."}
  - {week: 2, level: beginner, minutes: 1.5, focus: "A little longer."}
  - {week: 3, level: beginner, minutes: 2, focus: "Longer still."}
"""
PHONE = {"width": 390, "height": 844}
WEEK_1 = [(1, 4, "easy"), (2, 5, ""), (1, 6, "knee ok")]
"""Week 1's sessions as Maria logs them: pain, effort, note."""


@dataclass
class Journey:
    """Maria's folder, her bundle as served, and the browser tab she keeps open."""

    place: Path
    url: str = ""  # the bundle's folder over HTTP
    tab: Any = None
    logged: list[dict[str, Any]] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        (found,) = [path for path in (self.place / "out").iterdir()
                    if path.is_dir() and path.name.startswith("maria-")]
        return found


def walkcoach(place: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """The command line, as the coach runs it in their folder."""
    done = subprocess.run([sys.executable, "-m", "walkcoach", *args], cwd=place, text=True,
                          capture_output=True, timeout=600, env=dict(os.environ), check=False)
    assert "Traceback" not in done.stderr, done.stderr
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def share(journey: Journey) -> str:
    done = walkcoach(journey.place, "share", "program.yaml", "--client", "maria", "-o", "out",
                     "--base-url", BASE, "--start", START.isoformat(), "--days",
                     "mon,wed,fri", "--voice", "system", "--jobs", "1", "--zip")
    return done.stdout


def episodes(journey: Journey) -> list[tuple[str, str]]:
    """The feed's episodes: (itunes:episode, pubDate)."""
    root = ET.parse(journey.folder / "feed.xml").getroot()
    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    return [(str(item.findtext("itunes:episode", namespaces=ns)), str(item.findtext("pubDate")))
            for item in root.iter("item")]


def log(tab: Any, week: int, pain: int, effort: int, note: str = "") -> None:
    form = tab.locator(f"#week-{week} form[data-checkin-form]")
    form.locator("input[name=pain]").fill(str(pain))
    form.locator("input[name=effort]").fill(str(effort))
    form.locator("input[name=note]").fill(note)
    form.locator("[data-checkin-submit]").click()
    form.locator("[data-checkin-status]", has_text="Logged").wait_for()


def send(tab: Any) -> str:
    tab.locator("[data-checkin-send]").click()
    code = tab.locator("[data-checkin-code]")
    code.wait_for()
    text: str = code.inner_text()
    assert text
    return text


def history(tab: Any, week: int) -> list[str]:
    items = tab.locator(f"#week-{week} [data-checkin-history] li")
    return [items.nth(index).inner_text() for index in range(items.count())]


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Journey]:
    place = tmp_path_factory.mktemp("loop")
    (place / "clients").mkdir()
    (place / "clients" / "maria.yaml").write_text("name: Maria\n", encoding="utf-8")
    (place / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    state = Journey(place=place)
    share(state)
    with serving(place / "out") as address:
        state.url = f"{address}{state.folder.name}/"
        context = browser.new_context(viewport=PHONE, permissions=["clipboard-read",
                                                                   "clipboard-write"])
        state.tab = context.new_page()
        try:
            yield state
        finally:
            context.close()


def test_week_1_only_before_any_check_in(journey: Journey) -> None:
    """Earned weeks: the bundle holds week 1 (page, feed, zip), dated on its first session."""
    assert episodes(journey) == [("1", "Wed, 06 Jan 2027 06:00:00 +0000")]
    html = (journey.folder / "index.html").read_text(encoding="utf-8")
    assert 'id="week-1"' in html and 'id="week-2"' not in html
    assert not list(journey.folder.glob("week-02-*"))
    assert "Week 2 comes once your last 2 sessions of week 1 had pain of at most 2" in html


def test_three_sessions_logged_and_kept_offline(journey: Journey) -> None:
    tab = journey.tab
    tab.goto(journey.url + "index.html")
    controlled = tab.evaluate(
        """() => navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller
             ? true : new Promise(resolve => navigator.serviceWorker.addEventListener(
                 'controllerchange', () => resolve(true))))""")
    assert controlled
    assert tab.locator("#week-1 [data-checkin-count]").inner_text() == "0 of 3 sessions this week"
    for pain, effort, note in WEEK_1:
        log(tab, 1, pain, effort, note)
        today = tab.evaluate("""() => { const d = new Date();
            return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-'
                   + String(d.getDate()).padStart(2, '0'); }""")
        journey.logged.append({"week": 1, "date": today, "pain": pain, "effort": effort,
                               "note": note})
    assert tab.locator("#week-1 [data-checkin-count]").inner_text() == "3 of 3 sessions this week"
    assert len(history(tab, 1)) == 3 and "knee ok" in history(tab, 1)[2]
    box = tab.locator("#week-1 [data-offline]")
    box.locator("[data-offline-save]").click()
    box.locator("[data-offline-status]", has_text="Saved on this phone").wait_for()

    tab.context.set_offline(True)
    try:
        tab.reload()
        assert tab.locator("#week-1 [data-checkin-count]").inner_text() == \
            "3 of 3 sessions this week"
        assert history(tab, 1)[0].endswith("pain 1, effort 4 (easy)")
        tab.locator("#week-1 [data-offline-status]", has_text="Saved").wait_for()
        played = tab.locator("#week-1 audio").evaluate(
            """audio => new Promise((resolve, reject) => {
                 audio.addEventListener('error', () => reject('audio error'));
                 audio.play().then(() => {
                   const started = Date.now();
                   (function wait() {
                     if (audio.currentTime > 0.3) {
                       const to = audio.duration / 2;
                       audio.addEventListener('seeked', () => resolve(
                         [audio.duration, audio.currentTime, to]), {once: true});
                       audio.currentTime = to;
                     } else if (Date.now() - started > 20000) reject('no time passed');
                     else setTimeout(wait, 100);
                   })();
                 }, reject);
               })""")
        duration, now, wanted = played
        assert duration > 30 and abs(now - wanted) < 1.5, played
        track = tab.locator("#week-1 audio").get_attribute("src")
        body = (journey.folder / track).read_bytes()
        answer = tab.evaluate(
            """src => fetch(src, {headers: {Range: 'bytes=100-199'}}).then(r =>
                 r.arrayBuffer().then(b => [r.status, r.headers.get('Content-Range'),
                                             Array.from(new Uint8Array(b))]))""", track)
        assert answer == [206, f"bytes 100-199/{len(body)}", list(body[100:200])]
        screenshot(tab, "share-loop-offline")
    finally:
        tab.context.set_offline(False)


def test_the_code_is_imported_and_progress_is_what_was_logged(journey: Journey) -> None:
    tab = journey.tab
    code = send(journey.tab)
    mail = tab.locator("[data-checkin-mail]").get_attribute("href")
    assert mail.startswith("mailto:ana@example.com?") and code.replace("-", "%2D") in \
        mail.replace("-", "%2D")
    tab.locator("[data-checkin-copy]").click()
    tab.locator("[data-checkin-sent]", has_text="Copied").wait_for()
    assert tab.evaluate("navigator.clipboard.readText()") == code
    first = walkcoach(journey.place, "checkin", "maria", code)
    assert "3 sessions: 3 new, 0 changed, 0 already imported" in first.stdout
    again = walkcoach(journey.place, "checkin", "maria", code)
    assert "3 sessions: 0 new, 0 changed, 3 already imported" in again.stdout
    damaged = walkcoach(journey.place, "checkin", "maria", code[:-1] + (
        "0" if code[-1] != "0" else "1"), ok=False)
    assert damaged.returncode == 2 and damaged.stderr.strip() == \
        "walkcoach: error: the code has a mistake: check it and try again"
    progress = json.loads(walkcoach(journey.place, "progress", "maria", "--json").stdout)
    week = progress["weeks"][0]
    assert week["sessions"] == journey.logged
    assert (week["done"], week["planned"], week["pain"], week["effort"]) == (
        3, 3, {"median": 1, "worst": 2}, {"median": 5, "worst": 6})
    assert progress["release"]["released"] == [1, 2]


def test_the_rebuilt_bundle_holds_week_2(journey: Journey) -> None:
    out = share(journey)
    assert "weeks out: 1, 2" in out
    assert episodes(journey) == [("1", "Wed, 06 Jan 2027 06:00:00 +0000"),
                                 ("2", "Wed, 13 Jan 2027 06:00:00 +0000")]
    tab = journey.tab
    tab.reload()  # online: the service worker fetches the new page first
    tab.locator("#week-2 form[data-checkin-form]").wait_for()
    assert tab.locator("#week-1 [data-checkin-count]").inner_text() == \
        "3 of 3 sessions this week"


def test_the_calendar_has_each_session_with_an_alarm(journey: Journey) -> None:
    """schedule.ics, read by icalendar and by vobject: one event per session of the weeks
    out, on Mondays, Wednesdays and Fridays, each with a reminder; the page links it."""
    import icalendar
    import vobject

    data = (journey.folder / "schedule.ics").read_bytes()
    days = [datetime.date(2027, 1, d) for d in (6, 8, 11, 13, 15, 18)]
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert [event.decoded("dtstart") for event in events] == days
    assert all(len(event.walk("VALARM")) == 1 for event in events)
    assert all(event.decoded("dtstart").weekday() in (0, 2, 4) for event in events)
    parsed = vobject.readOne(data.decode("utf-8"))
    assert [event.dtstart.value for event in parsed.vevent_list] == days
    assert all(len(event.valarm_list) == 1 for event in parsed.vevent_list)
    assert f"{journey.folder.name}/week-02-" in str(events[3].get("url"))
    tab = journey.tab
    assert tab.locator("a", has_text="Add to my calendar").get_attribute("href") == \
        "schedule.ics"
    assert tab.locator("a", has_text="Subscribe in my calendar").get_attribute("href") == \
        f"webcal://example.com/walks/{journey.folder.name}/schedule.ics"


def test_pain_of_4_offers_the_week_again(journey: Journey) -> None:
    tab = journey.tab
    log(tab, 2, 4, 6, "sore")
    walkcoach(journey.place, "checkin", "maria", send(tab))
    assert "week 2 again" in share(journey)
    tab.reload()
    assert tab.locator("#week-2 [data-again]").inner_text() == "Week 2, again"
    assert len(episodes(journey)) == 2
    assert tab.locator("[data-checkin-stop]").is_hidden()
    assert vnu_errors([journey.folder / "index.html"]) == []


def test_pain_of_8_stops_and_the_page_says_so(journey: Journey, browser: Any) -> None:
    tab = journey.tab
    log(tab, 2, 8, 7)
    stop = tab.locator("[data-checkin-stop]")
    assert stop.is_visible()
    assert "Stop this exercise and contact your coach" in stop.inner_text()
    assert "Your pain was 8 of 10" in stop.inner_text()
    walkcoach(journey.place, "checkin", "maria", send(tab))
    out = share(journey)
    assert "weeks out: 1, 2 (pain of 8" in out
    assert len(episodes(journey)) == 2 and not list(journey.folder.glob("week-03-*"))
    assert "comes once" not in (journey.folder / "index.html").read_text(encoding="utf-8")
    progress = json.loads(walkcoach(journey.place, "progress", "maria", "--json").stdout)
    assert progress["release"]["stop"] is True and progress["release"]["released"] == [1, 2]
    assert axe_violations(tab) == []
    # A phone with nothing logged (another browser) is told too: the bundle says it.
    fresh = browser.new_context(viewport=PHONE)
    try:
        other = fresh.new_page()
        other.goto(journey.url + "index.html")
        shown = other.locator("[data-checkin-stop]")
        assert shown.is_visible()
        safety = shown.locator("li")
        assert safety.count() >= 1
        screenshot(other, "share-loop-stop")
    finally:
        fresh.close()
    assert vnu_errors([journey.folder / "index.html"]) == []


def test_the_zip_holds_the_weeks_out(journey: Journey) -> None:
    """Exactly the bundle's files, weeks 1 and 2 only, with the calendar, the service
    worker and the manifest; the folder the same."""
    import zipfile

    with zipfile.ZipFile(journey.folder.with_suffix(".zip")) as packed:
        names = sorted(Path(name).name for name in packed.namelist())
    tracks = [f"week-0{week}-beginner-{minutes}min{suffix}"
              for week, minutes in ((1, "01"), (2, "01.5"))
              for suffix in (".mp3", ".json", ".vtt", ".txt", ".chapters.json")]
    assert names == sorted(["cover.png", "index.html", "feed.xml", "program.m3u", "sw.js",
                            "manifest.webmanifest", "schedule.ics", *tracks])
    assert sorted(path.name for path in journey.folder.iterdir()) == names


def test_the_manifest_makes_the_page_an_app(journey: Journey) -> None:
    """Chromium reads the web app manifest with no error; its icon is the cover, at the
    cover's size."""
    from PIL import Image

    session = journey.tab.context.new_cdp_session(journey.tab)
    read = session.send("Page.getAppManifest")
    assert read["errors"] == [], read["errors"]
    manifest = json.loads(read["data"])
    assert manifest["start_url"] == "index.html" and manifest["display"] == "standalone"
    (icon,) = manifest["icons"]
    with Image.open(journey.folder / icon["src"]) as cover:
        assert icon["sizes"] == f"{cover.width}x{cover.height}"
    assert manifest["name"] == "Backwards, earned for Maria"


def test_from_the_unpacked_zip_everything_works_without_a_service_worker(
        journey: Journey, browser: Any) -> None:
    """file://: no service worker and no "Save for offline", but logging and sending work."""
    context = browser.new_context(viewport=PHONE)
    errors: list[str] = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.add_init_script("""window.registered = 0;
            if (navigator.serviceWorker) navigator.serviceWorker.register = function () {
              window.registered += 1; return Promise.reject(new Error('not here')); };""")
        tab.goto((journey.folder / "index.html").as_uri())
        assert tab.locator("[data-offline]").first.is_hidden()
        form = tab.locator("#week-1 form[data-checkin-form]")
        form.locator("input[name=pain]").fill("11")  # out of 0-10: refused, nothing kept
        form.locator("input[name=effort]").fill("3")
        form.locator("[data-checkin-submit]").click()
        assert form.locator("input[name=pain]").evaluate("input => !input.validity.valid")
        assert tab.locator("#week-1 [data-checkin-count]").inner_text() == \
            "0 of 3 sessions this week"
        log(tab, 1, 0, 3)
        assert tab.locator("#week-1 [data-checkin-count]").inner_text() == \
            "1 of 3 sessions this week"
        assert send(tab)
        assert tab.evaluate("window.registered") == 0
    finally:
        context.close()
    assert errors == []


def test_days_in_the_program_give_a_calendar(tmp_path: Path) -> None:
    """`days:` in the program file, no --days: the bundle has schedule.ics on those days; with
    no address, no webcal link (and no feed)."""
    import icalendar

    from walkcoach.content import load_program
    from walkcoach.share import build_share

    path = tmp_path / "one-week.yaml"
    path.write_text(PROGRAM.replace("release: earned\n", "days: tue,thu\n").split(
        "  - {week: 2")[0], encoding="utf-8")
    result = build_share(load_program(path), tmp_path / "out", client="Sam", voice="system",
                         jobs=1, start=START)
    assert result.calendar is not None and "schedule.ics" in result.files
    events = list(icalendar.Calendar.from_ical(result.calendar.read_bytes()).walk("VEVENT"))
    assert [event.decoded("dtstart") for event in events] == [
        datetime.date(2027, 1, 5), datetime.date(2027, 1, 7)]
    html = result.page.read_text(encoding="utf-8")
    assert 'href="schedule.ics" download' in html and "webcal:" not in html
    assert result.feed is None


def test_days_that_are_no_days_are_refused_before_anything_is_made(tmp_path: Path) -> None:
    (tmp_path / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    done = walkcoach(tmp_path, "share", "program.yaml", "--client", "Sam", "-o", "out",
                     "--days", "mon,funday", ok=False)
    assert done.returncode == 2
    assert done.stderr.strip() == ("walkcoach: error: 'funday' is not a day of the week: "
                                   "give days as mon,wed,fri (mon tue wed thu fri sat sun)")
    assert not (tmp_path / "out").exists()


def test_a_sandboxed_page_still_logs_and_sends(journey: Journey, browser: Any) -> None:
    """The studio shows a client's page sandboxed (an opaque origin: no service worker, no
    storage): nothing throws, "Save for offline" stays hidden, logging and sending work."""
    page = (journey.folder / "index.html").read_bytes()
    context = browser.new_context(viewport=PHONE)
    errors: list[str] = []
    try:
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.route("**/index.html", lambda route: route.fulfill(
            body=page, headers={"Content-Type": "text/html; charset=utf-8",
                                "Content-Security-Policy": "sandbox allow-scripts allow-popups "
                                                           "allow-downloads allow-modals"}))
        tab.goto(journey.url + "index.html")
        assert tab.evaluate("origin") == "null"
        log(tab, 1, 1, 2)
        assert tab.locator("#week-1 [data-checkin-count]").inner_text() == \
            "1 of 3 sessions this week"
        assert send(tab)
        assert tab.locator("[data-offline]").first.is_hidden()
    finally:
        context.close()
    assert errors == []
