"""Faults a coach meets in the studio, found by probing it as a coach would (see the probe's
report): each test is one fault, and fails until it is fixed.

HTTP tests drive the app in-process (as tests/test_studio_http.py does); the page tests
drive the real `walkcoach serve` in Chromium (as tests/test_studio_browser.py does). Only
1-minute tracks with the system voice are built.
"""

from __future__ import annotations

import html
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from browser import screenshot
from studio_support import asgi_request, script_text, serving, sign_in, track_form

from walkcoach.studio.app import create_app
from walkcoach.studio.jobs import Job, Jobs
from walkcoach.workspace import Workspace, track_request

HOSTS = frozenset({"127.0.0.1:8765", "localhost:8765"})
BASE = "http://127.0.0.1:8765"
TOKEN = "the-studio-token-for-the-probe"
GOOD = {"X-CSRF-Token": TOKEN}
T = TypeVar("T")
ONE_WEEK = """\
program: "One short week"
coach: "Coach Ana"
exercise: walking-backwards
defaults: {setting: treadmill}
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Small steps first."}
"""
CLIENT = """\
name: Maria
level: beginner
setting: floor
chimes: false
spoken_notes: ["Mind your new knee, Maria."]
"""
_TIMEOUT_MS = 120_000


# --- in-process helpers -------------------------------------------------------------------


class Box:
    """One studio (with its real job queue) on a workspace with a client, a short program
    and an editable script."""

    def __init__(self, root: Path) -> None:
        self.space = Workspace.open(root)
        (self.space.root / "clients" / "maria.yaml").write_text(CLIENT, encoding="utf-8")
        (self.space.root / "programs" / "one-week.yaml").write_text(ONE_WEEK,
                                                                    encoding="utf-8")
        (self.space.root / "scripts" / "s1.yaml").write_text(
            script_text(minutes=3, seed=4), encoding="utf-8")
        self.app, self.studio = create_app(self.space, hosts=HOSTS, token=TOKEN)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return asgi_request(self.app, method, url, base=BASE, **kwargs)

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def post(self, url: str, data: dict[str, str]) -> httpx.Response:
        return self.request("POST", url, headers=GOOD, data=data)

    def wait(self, job: Job, seconds: float = 60) -> Job:
        deadline = time.monotonic() + seconds
        while not job.ended:
            assert time.monotonic() < deadline, f"{job.title} did not end"
            time.sleep(0.05)
        return job


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    made = Box(tmp_path / "ws")
    yield made
    made.studio.jobs.close()


def _track_form(**fields: str) -> dict[str, str]:
    """The track form of a beginner on the floor with chimes, ``fields`` changed."""
    return track_form(**({"level": "beginner", "setting": "floor", "chimes": "on"} | fields))


def _input_value(body: str, name: str) -> str:
    """The value a form field of ``body`` holds: an input's value, or a textarea's text."""
    area = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>([^<]*)</textarea>', body)
    if area:
        return html.unescape(area[1])
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', body)
    assert found, f"no field {name}"
    value = re.search(r'value="([^"]*)"', found[0])
    return html.unescape(value[1]) if value else ""


# --- lost work: one file for different tracks ---------------------------------------------


@pytest.mark.parametrize("other", [
    {"intro": "short"},
    {"chimes": "off"},
    {"cadence": "auto"},
    {"rate": "1.3"},
    {"length": "intervals", "intervals": "2x0:20/0:40"},
    {"length": "intervals", "intervals": "2x0:20/0:20", "warmup": "1"},
    {"length": "intervals", "intervals": "2x0:20/0:20", "recovery": "standing-rest"},
])
def test_two_different_tracks_are_not_saved_under_one_name(box: Box,
                                                            other: dict[str, str]) -> None:
    """Building a second, different track must not silently replace the first one (the
    first job's player would then play the second track)."""
    first = _track_form(**({"length": "intervals", "intervals": "2x0:20/0:20"}
                           if other.get("length") else {}))
    one = track_request(box.space, first)
    two = track_request(box.space, first | other)
    assert one.name != two.name, f"both tracks are tracks/{one.name}.mp3"


# --- a client's own choices ---------------------------------------------------------------


def test_the_track_form_keeps_a_clients_chimes_off(box: Box) -> None:
    """A client saved with "Chimes: off", then "Make a track for this client" and Build,
    untouched: the track must have no chimes (the CLI keeps the profile's chimes: false)."""
    page = box.get("/track?client=maria").text
    checkbox = re.search(r'<input type="checkbox" name="chimes"[^>]*>', page)
    form = _track_form(client="maria", level="", setting="")
    if checkbox is not None and "checked" not in checkbox[0]:
        form.pop("chimes")  # the form as the page sends it: an unchecked box sends nothing
    elif checkbox is None:
        chosen = re.search(r'<select name="chimes">.*?<option value="([^"]*)"[^>]*selected',
                           page, re.DOTALL)
        form["chimes"] = chosen[1] if chosen else ""
    assert track_request(box.space, form).spec.chimes is False


# --- an edited script: what was typed is kept ---------------------------------------------


def test_a_refused_script_edit_keeps_the_other_words_typed(box: Box) -> None:
    """Change line 2's words and (by mistake) empty line 3: the edit is refused, and the
    words typed for line 2 must still be in the form, not thrown away."""
    answer = box.post("/scripts/s1", {"say-1": "My careful new words for line two.",
                                      "say-2": "", "then": "save"})
    assert "must not be empty" in answer.text
    assert _input_value(answer.text, "say-1") == "My careful new words for line two."


def test_a_refused_added_line_keeps_its_time_and_words(box: Box) -> None:
    answer = box.post("/scripts/s1", {"add_walk": "9:00", "add_say": "Lovely work, keep going.",
                                      "then": "save"})
    assert "after the walk's end" in html.unescape(answer.text)
    assert _input_value(answer.text, "add_say") == "Lovely work, keep going."
    assert _input_value(answer.text, "add_walk") == "9:00"


def test_opening_a_script_does_not_say_it_was_saved(box: Box) -> None:
    page = box.get("/scripts/s1").text
    assert "Saved" not in page


# --- share -------------------------------------------------------------------------------


def test_sharing_with_the_default_client_choice_is_refused_next_to_the_field(box: Box) -> None:
    """The share form's first client option ("the program's client") on a program with no
    client: refused next to the field before any job, in the studio's words (no --client)."""
    before = len(box.studio.jobs.all())
    answer = box.post("/programs/one-week/share", {"client": "", "voice": "system"})
    assert len(box.studio.jobs.all()) == before, "a job was queued that can only fail"
    assert 'data-field="client"' in answer.text or 'id="client-error"' in answer.text
    assert "--client" not in answer.text


@pytest.fixture
def shared(box: Box) -> Box:
    """The one-week program shared for Maria (floor), with a base URL."""
    answer = box.post("/programs/one-week/share",
                      {"client": "maria", "base_url": "https://example.com/walks",
                       "voice": "system"})
    job_id = re.search(r'id="job-([^"]+)"', answer.text)
    assert job_id, answer.text
    job = box.studio.jobs.get(job_id[1])
    assert job is not None
    assert box.wait(job).state == "done", job.error
    return box


def test_the_clients_page_shows_the_safety_notes_of_the_clients_setting(shared: Box) -> None:
    """Maria walks on the floor (her profile), the program says treadmill: her page must say
    the floor's safety notes, not "On the treadmill: ... the handrails"."""
    page = next(shared.space.root.glob("share/one-week/*/index.html")).read_text("utf-8")
    assert "On the floor" in page
    assert "On the treadmill" not in page


def test_the_share_link_is_shown_again_after_leaving_the_page(shared: Box) -> None:
    """The feed address is shown once, in the job's box; the client's page and the program's
    page must show it (the client's share link) when opened again."""
    for url in ("/clients/maria", "/programs/one-week"):
        assert "https://example.com/walks/" in shared.get(url).text, url


# --- jobs ---------------------------------------------------------------------------------


def test_the_home_page_shows_the_jobs_running(box: Box) -> None:
    """Reloading the track page mid-build loses the job's box; the home page must at least
    show it (the route passes the jobs, the template never shows them)."""
    release = threading.Event()
    job = box.studio.jobs.submit(kind="track", title="Track: the long one",
                                 work=lambda progress: (release.wait(10), {})[1])
    try:
        assert "Track: the long one" in box.get("/").text
    finally:
        release.set()
        box.wait(job)


def test_a_restarted_studio_does_not_reuse_job_ids() -> None:
    """A page left open polls /jobs/ID; after a restart the same ID must not be another job
    (it would show a stranger's result as this page's)."""
    first, second = Jobs(), Jobs()
    try:
        one = first.submit(kind="script", title="a", work=lambda progress: {})
        two = second.submit(kind="script", title="b", work=lambda progress: {})
        assert one.id != two.id
    finally:
        first.close()
        second.close()


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path,
                                                                        subprocess.Popen[str]]]:
    space = tmp_path_factory.mktemp("probe-studio")
    (space / "clients").mkdir()
    (space / "clients" / "maria.yaml").write_text(CLIENT, encoding="utf-8")
    with serving(space) as (address, server):
        yield address, space, server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    yield sign_in(context).new_page()
    context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    yield sign_in(context).new_page()
    context.close()


def test_typing_intervals_makes_an_interval_session(served: tuple[str, Path, Any],
                                                    page: Any) -> None:
    """A coach types 2x0:20/0:15 in the Intervals box (and standing-rest between rounds) and
    previews: the script must be of intervals, not the 8 minutes still in the Minutes box
    (the Minutes radio stays checked unless the coach also clicks Intervals)."""
    address, _, _ = served
    page.goto(address + "track")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=intervals]", "2x0:20/0:15")
    page.select_option("select[name=recovery]", "standing-rest")
    page.click("text=Preview the script")
    script = page.wait_for_selector(".job[data-state=done] [data-script]", timeout=_TIMEOUT_MS)
    screenshot(page, "probe-intervals-typed")
    assert "Round 1 of 2" in script.inner_text()


def test_the_page_says_so_when_the_studio_stops_mid_job(served: tuple[str, Path, Any],
                                                        page: Any) -> None:
    """The studio is stopped (Ctrl-C, a closed terminal) while a track is being built: the
    page must say the job did not finish, not show "running" for ever."""
    address, _, server = served
    page.goto(address + "track")
    page.select_option("select[name=voice]", "system")
    page.fill("input[name=minutes]", "60")
    page.click("text=Build the track")
    page.wait_for_selector(".job[data-state=running]", timeout=_TIMEOUT_MS)
    server.send_signal(signal.SIGINT)
    server.wait(15)
    time.sleep(4)
    screenshot(page, "probe-studio-stopped")
    problem = page.locator("#studio-problem")
    job = page.locator(".job").first.inner_text()
    assert problem.is_visible() or "running" not in job, job


@pytest.mark.parametrize("path", ["exercises/walking-backwards", "scripts/s1"])
def test_pages_are_readable_on_a_phone(box: Box, browser: Any, phone: Any,
                                       path: str) -> None:
    """At 390 px: no sideways scrolling, and an editable line's words can be read (its box
    at least 60% of the screen wide, not ~200 px showing "Hello, this is")."""
    server = _serve_in_thread(box)
    try:
        phone.goto(server + path)
        screenshot(phone, f"probe-phone-{path.replace('/', '-')}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if path.startswith("scripts/"):
            width = phone.eval_on_selector("[name=say-0]", "e => e.clientWidth")
            assert width >= 0.6 * 390, width
    finally:
        _stop_thread_server()


_THREAD: dict[str, Any] = {}


def _serve_in_thread(box: Box) -> str:
    """The in-process app served by uvicorn on a free port (for the phone tests)."""
    import uvicorn

    from walkcoach.studio import serve

    sock = serve.bind(0)
    port = sock.getsockname()[1]
    app, _ = create_app(box.space, hosts=frozenset({f"127.0.0.1:{port}"}), token=TOKEN)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    _THREAD.update(server=server, thread=thread, sock=sock)
    return f"http://127.0.0.1:{port}/"


def _stop_thread_server() -> None:
    server = _THREAD.pop("server", None)
    if server is not None:
        server.should_exit = True
        _THREAD.pop("thread").join(10)
        _THREAD.pop("sock").close()
