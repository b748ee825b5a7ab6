"""Cancelling a job in the studio: one waiting never starts, one running stops at its next
step with no half-made file; and one progress bar for the whole job, with the time left."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from studio_support import track_form, wait_for_job

from walkcoach.studio.app import create_app
from walkcoach.studio.jobs import Job, Jobs
from walkcoach.workspace import Workspace, making, track_request

Progress = Callable[[str, int, int], None]
HEADERS = {"X-CSRF-Token": "t"}


def test_a_running_track_is_cancelled_at_its_next_step_with_no_part_file(
        tmp_path: Path) -> None:
    space = Workspace.open(tmp_path / "space")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    asked = track_request(space, track_form())
    reached, go_on = threading.Event(), threading.Event()

    def work(progress: Progress) -> dict[str, Any]:
        def paused(stage: str, done: int, total: int) -> None:
            if stage == "encode":  # mixed, about to write the track
                reached.set()
                go_on.wait(30)
            progress(stage, done, total)
        return making.build_track(space, asked, paused)

    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        job = studio.jobs.submit(kind="track", title="Track: a walk", work=work)
        waiting = studio.jobs.submit(kind="track", title="Track: the next",
                                     work=lambda progress: {"ran": True})
        assert reached.wait(120), job.error
        answer = client.post("/jobs/cancel", data={"job": job.id}, headers=HEADERS)
        assert answer.status_code == 200
        assert "Cancelling: it stops at its next step." in answer.text
        assert "/jobs/cancel" not in answer.text  # no second Cancel button
        again = client.post("/jobs/cancel", data={"job": waiting.id}, headers=HEADERS)
        assert again.status_code == 200
        assert waiting.state == "cancelled"
        go_on.set()
        wait_for_job(job)
        page = client.get(f"/jobs/{job.id}").text
    assert job.state == "cancelled" and job.error == "cancelled: no half-made file is left"
    assert "Cancelled: no half-made file is left" in page and 'role="alert"' not in page
    left = sorted(p.name for p in (space.root / "tracks").iterdir())
    assert left == [], left  # no track, no sidecar, no .part
    assert waiting.result == {} and waiting.state == "cancelled"  # never ran
    studio.jobs.close()


def test_cancelling_a_job_that_ended_or_is_not_there(tmp_path: Path) -> None:
    space = Workspace.open(tmp_path / "space")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    job = wait_for_job(studio.jobs.submit(kind="track", title="quick", work=lambda p: {"n": 1}))
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        assert client.post("/jobs/cancel", data={"job": job.id}, headers=HEADERS).status_code == 200
        assert client.post("/jobs/cancel", data={"job": "9-x"}, headers=HEADERS).status_code == 404
    assert job.state == "done" and job.result == {"n": 1}
    studio.jobs.close()


def test_one_bar_for_the_whole_job_and_the_time_left() -> None:
    job = Job(id="1", kind="track", title="t", work=lambda p: {})
    job.state, job.started = "running", 100.0
    job.advance("voice", 0, 10)
    assert job.overall == 0 and job.seconds_left(now=100.5) is None
    job.advance("voice", 5, 10)
    assert job.overall == 40  # speaking is 80% of a track
    assert job.seconds_left(now=110.0) == 15.0  # 10 s for 40%: 15 s for the rest
    job.advance("mix", 0, 1)
    assert job.overall == 80
    job.advance("encode", 0, 1)
    assert job.overall == 90
    program = Job(id="2", kind="program", title="p", work=lambda p: {})
    program.advance("voice", 10, 10)
    program.advance("tracks", 0, 4)
    assert program.overall == 50
    program.advance("tracks", 2, 4)
    assert program.overall == 75
    program.advance("voice", 0, 3)  # a stage told again never moves the bar back
    assert program.overall == 75


def test_the_page_shows_the_bar_and_the_time_left(tmp_path: Path) -> None:
    space = Workspace.open(tmp_path / "space")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    hold = threading.Event()

    def work(progress: Progress) -> dict[str, Any]:
        progress("voice", 1, 4)
        hold.wait(30)
        progress("voice", 4, 4)
        return {}

    job = studio.jobs.submit(kind="script", title="The script of a walk", work=work)
    deadline = time.monotonic() + 10
    while job.done != 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert job.started is not None
    job.started -= 3.0  # as if it had run 3 s for its quarter
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        page = client.get(f"/jobs/{job.id}").text
    hold.set()
    bars = re.findall(r"<progress[^>]*>", page)
    assert len(bars) == 1 and 'value="25"' in bars[0]
    assert re.search(r"25% done · about (9|1\d) s left", page), page
    wait_for_job(job)
    studio.jobs.close()


def test_jobs_cancel_from_the_library_side() -> None:
    jobs = Jobs()
    hold = threading.Event()
    steps: list[int] = []

    def long(progress: Progress) -> dict[str, Any]:
        for step in range(1000):
            progress("tracks", step, 1000)
            steps.append(step)
            hold.wait(0.01)
        return {"finished": True}

    job = jobs.submit(kind="program", title="long", work=long)
    while len(steps) < 3:
        time.sleep(0.01)
    jobs.cancel(job.id)
    wait_for_job(job, 10)
    assert job.state == "cancelled" and job.result == {} and len(steps) < 1000
    jobs.close()
