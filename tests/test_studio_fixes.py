"""What was broken in the studio (issue 22): the footer's version, a double click queueing
the same work twice, pages asking how a job goes every 400 ms for ever, a queue without
end."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from studio_support import asgi_request, track_form

from walkcoach import __version__
from walkcoach.errors import InputError
from walkcoach.studio.app import create_app
from walkcoach.studio.base import Studio
from walkcoach.studio.jobs import MAX_WAITING, Job, Jobs
from walkcoach.workspace import Workspace

BASE = "http://127.0.0.1:8765"
TOKEN = "the-token"
GOOD = {"X-CSRF-Token": TOKEN}


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[object, Studio, threading.Event]]:
    """A studio whose one worker is held by a first job until the event is set: what is
    asked for after it waits in the queue."""
    space = Workspace.open(tmp_path / "ws")
    (space.root / "clients" / "ann.yaml").write_text("name: Ann\n", encoding="utf-8")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token=TOKEN)
    release = threading.Event()
    studio.jobs.submit(kind="hold", title="held", work=lambda progress: (release.wait(30),
                                                                          {})[1])
    yield app, studio, release
    studio.jobs.close(0)  # the waiting jobs dropped, never run
    release.set()


def test_the_footer_says_the_version_on_every_page(held: tuple[object, Studio,
                                                              threading.Event]) -> None:
    app, _, _ = held
    for url in ("/", "/clients/ann", "/edit/clients/ann", "/clients"):
        page = asgi_request(app, "GET", url, base=BASE).text
        assert f"<footer>walkcoach {__version__}</footer>" in page, (url, page[-300:])


def test_a_double_click_queues_the_track_once(held: tuple[object, Studio,
                                                         threading.Event]) -> None:
    app, studio, _ = held
    for _ in range(2):
        response = asgi_request(app, "POST", "/track/build", base=BASE, headers=GOOD,
                                data=track_form())
        assert response.status_code == 200, response.text
    other = asgi_request(app, "POST", "/track/build", base=BASE, headers=GOOD,
                         data=track_form(minutes="2"))
    assert other.status_code == 200
    assert [job.kind for job in studio.jobs.active()] == ["hold", "track", "track"]


def test_the_queue_is_bounded() -> None:
    jobs = Jobs()
    release = threading.Event()
    try:
        hold = jobs.submit(kind="hold", title="held",
                           work=lambda progress: (release.wait(30), {})[1])
        while hold.state == "queued":
            threading.Event().wait(0.005)
        for number in range(MAX_WAITING):
            jobs.submit(kind="x", title=str(number), work=lambda progress: {})
        with pytest.raises(InputError, match="already waiting"):
            jobs.submit(kind="x", title="one too many", work=lambda progress: {})
    finally:
        jobs.close(0)
        release.set()


def test_a_page_asks_how_a_job_goes_less_and_less_often(held: tuple[object, Studio,
                                                                   threading.Event]) -> None:
    app, studio, _ = held
    running = studio.jobs.active()[0]
    waiting = studio.jobs.submit(kind="x", title="waits", work=lambda progress: {})
    delays = []
    for polled in (0, 5, 20, 200):
        page = asgi_request(app, "GET", f"/jobs/{running.id}?polled={polled}", base=BASE).text
        found = re.search(r'hx-get="/jobs/[^"?]+\?polled=(\d+)" hx-trigger="load delay:(\d+)ms"',
                          page)
        assert found and int(found[1]) == polled + 1, page
        delays.append(int(found[2]))
    assert delays == sorted(delays) and delays[0] <= 500 and delays[-1] == 3000
    page = asgi_request(app, "GET", f"/jobs/{waiting.id}", base=BASE).text
    assert 'delay:3000ms' in page  # waiting its turn: asked about now and then
    done = Job(id="done", kind="x", title="done", work=lambda progress: {}, state="done")
    assert done.ended and 'hx-get' not in studio.templates.get_template("_job.html").render(
        job=done, space=studio.space)
