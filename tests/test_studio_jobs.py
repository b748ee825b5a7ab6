"""The studio's job queue and its command: jobs take turns, failures are one line, and
`walkcoach serve` refuses what it cannot do in one line."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from studio_support import wait_for_job

from walkcoach.build import session
from walkcoach.errors import ContentError, InputError
from walkcoach.studio.app import create_app
from walkcoach.studio.jobs import Jobs
from walkcoach.workspace import Workspace

Progress = Callable[[str, int, int], None]


def test_two_jobs_take_turns() -> None:
    jobs = Jobs()
    release = threading.Event()
    order: list[str] = []

    def first(progress: Progress) -> dict[str, Any]:
        order.append("first")
        progress("voice", 3, 10)
        release.wait(10)
        return {"n": 1}

    def second(progress: Progress) -> dict[str, Any]:
        order.append("second")
        return {"n": 2}

    one = jobs.submit(kind="track", title="one", work=first)
    two = jobs.submit(kind="track", title="two", work=second)
    deadline = time.monotonic() + 5
    while one.state != "running" or one.stage != "voice":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.2)  # were the second free to start, it would have by now
    assert two.state == "queued" and order == ["first"]
    assert one.percent == 30 and one.stage_label == "Speaking new phrases"
    assert not jobs.idle()
    release.set()
    assert wait_for_job(two).result == {"n": 2} and one.result == {"n": 1}
    assert order == ["first", "second"] and one.percent == 100 and jobs.idle()
    assert [job.title for job in jobs.all()] == ["two", "one"]  # newest first
    jobs.close()


def test_a_failed_job_says_why_in_one_line_and_the_next_one_runs() -> None:
    jobs = Jobs()

    def bad_input(progress: Progress) -> dict[str, Any]:
        raise ContentError("must be a number", path="programs/x.yaml", line=4, key="weeks[0]")

    def bug(progress: Progress) -> dict[str, Any]:
        raise ValueError("line one\nline two")

    refused = jobs.submit(kind="track", title="refused", work=bad_input)
    broken = jobs.submit(kind="track", title="broken", work=bug)
    fine = jobs.submit(kind="track", title="fine", work=lambda progress: {"ok": True})
    assert wait_for_job(fine).state == "done"
    assert refused.state == "failed"
    assert refused.error == "Week 1: must be a number"  # in the coach's words
    assert broken.state == "failed" and broken.error is not None
    assert broken.error.startswith("walkcoach failed unexpectedly") and "\n" not in broken.error
    jobs.close()


def test_old_jobs_are_forgotten_but_not_the_running_or_waiting_ones() -> None:
    jobs = Jobs(keep=3)
    release = threading.Event()
    running = jobs.submit(kind="t", title="running", work=lambda progress: (
        release.wait(10), {})[1])
    waiting = jobs.submit(kind="t", title="waiting", work=lambda progress: {})
    ended = [jobs.submit(kind="t", title=str(n), work=lambda progress: {}) for n in range(6)]
    deadline = time.monotonic() + 5
    while running.state != "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert jobs.get(running.id) is running and jobs.get(waiting.id) is waiting
        assert running.state == "running" and waiting.state == "queued"
    finally:
        release.set()
    wait_for_job(ended[-1])
    jobs.submit(kind="t", title="last", work=lambda progress: {})
    assert jobs.get(ended[0].id) is None  # the oldest ended ones are forgotten
    assert len(jobs.all()) <= 4
    jobs.close()


def test_stopping_the_studio_stops_the_running_job_cleanly_and_drops_the_rest() -> None:
    """Closing (Ctrl-C on `walkcoach serve`) stops the running job at its next progress, so
    it unwinds through its cleanups; waiting jobs never start; no new job is taken."""
    jobs = Jobs()
    steps: list[str] = []
    started = threading.Event()

    def long(progress: Progress) -> dict[str, Any]:
        try:
            for step in range(10_000):
                started.set()
                progress("voice", step, 10_000)
                time.sleep(0.01)
            return {}
        finally:
            steps.append("cleaned up")

    running = jobs.submit(kind="track", title="long", work=long)
    waiting = jobs.submit(kind="track", title="next",
                          work=lambda progress: steps.append("started") or {})
    assert started.wait(5)
    jobs.close()
    assert running.state == "failed" and running.error == "stopped: the studio was stopped"
    assert waiting.state == "failed" and "not started" in (waiting.error or "")
    assert steps == ["cleaned up"]
    with pytest.raises(InputError, match="stopping"):
        jobs.submit(kind="track", title="late", work=lambda progress: {})


def test_job_ids_differ_between_two_runs_of_the_studio() -> None:
    first, second = Jobs(), Jobs()
    one = first.submit(kind="t", title="a", work=lambda progress: {})
    two = second.submit(kind="t", title="b", work=lambda progress: {})
    assert one.id != two.id and one.id.startswith("1-") and two.id.startswith("1-")
    first.close()
    second.close()


def test_a_track_from_the_studio_is_the_track_of_the_library(tmp_path: Path) -> None:
    """The studio is a face, not a second implementation: its track is the library's."""
    space = Workspace.open(tmp_path / "space")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    form = {"exercise": "walking-backwards", "level": "intermediate", "setting": "treadmill",
            "length": "minutes", "minutes": "1", "voice": "system", "rate": "1.0",
            "intro": "short", "chimes": "on", "seed": "3"}

    # TestClient runs the app on a loop of its own (the page tests' Playwright holds this
    # thread's).
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        answer = client.post("/track/build", data=form, headers={"X-CSRF-Token": "t"})
        assert answer.status_code == 200
        found = re.search(r'id="job-([\w-]+)"', answer.text)
        assert found
        # Waited for while the app runs: leaving the block stops it, and its job with it.
        job = wait_for_job(studio.jobs.get(found[1]) or pytest.fail("no job"))
    assert job.state == "done", job.error
    built = space.root / job.result["file"]
    spec = session.make_spec(level="intermediate", setting="treadmill", minutes=1, seed=3,
                             intro="short", chimes=True)
    mine = session.build_track(spec, session.make_speaker("system"), tmp_path / "lib.mp3")
    theirs = json.loads(built.with_suffix(".json").read_text(encoding="utf-8"))
    ours = json.loads(mine.cue_sheet.read_text(encoding="utf-8"))
    assert [(c["start_ms"], c["text"]) for c in theirs["cues"]] == \
        [(c["start_ms"], c["text"]) for c in ours["cues"]]
    assert theirs["duration_ms"] == ours["duration_ms"]
    studio.jobs.close()


def test_between_rounds_offers_only_exercises_made_for_it(tmp_path: Path) -> None:
    """A work exercise between rounds is refused, so the form does not offer one."""
    space = Workspace.open(tmp_path / "space")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        page = client.get("/track").text
    between = re.search(r'<select name="recovery".*?</select>', page, re.DOTALL)
    assert between is not None
    offered = re.findall(r'<option value="([^"]*)"', between[0])
    assert offered == ["", "standing-rest"]  # "": walking forward, the usual


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "walkcoach", "serve", "--no-browser", *args],
                          capture_output=True, text=True, timeout=60)


def test_serve_refuses_a_taken_port_in_one_line(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        done = _serve("--port", str(taken.getsockname()[1]), "--workspace", str(tmp_path / "w"))
    finally:
        taken.close()
    assert done.returncode == 2
    assert done.stderr.startswith("walkcoach: error: cannot listen on 127.0.0.1:")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_serve_refuses_a_workspace_that_is_a_file(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x", encoding="utf-8")
    done = _serve("--port", "0", "--workspace", str(afile))
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "is a file" in done.stderr and afile.read_text(encoding="utf-8") == "x"


def test_serve_help_names_its_options() -> None:
    done = subprocess.run([sys.executable, "-m", "walkcoach", "serve", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for option in ("--port", "--workspace", "--no-browser", "127.0.0.1"):
        assert option in done.stdout


@pytest.mark.parametrize(("name", "sandboxed"), [
    ("page.html", True), ("feed.atom", True), ("tool.js", True), ("drawing.svg", True),
    ("notes.rdf", True), ("track.mp3", False), ("track.vtt", False), ("cover.png", False),
    ("sheet.json", False), ("bundle.zip", False)])
def test_only_outputs_that_cannot_run_script_are_served_unsandboxed(
        tmp_path: Path, name: str, sandboxed: bool) -> None:
    """An allowlist of inert types; anything else runs in an origin of its own."""
    space = Workspace.open(tmp_path / "space")
    (space.root / "tracks" / name).write_bytes(b"x")
    app, _ = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        answer = client.get(f"/files/tracks/{name}")
    assert answer.status_code == 200
    assert ("sandbox" in answer.headers["content-security-policy"]) is sandboxed


def test_a_job_asked_for_while_the_studio_stops_is_refused_not_stranded() -> None:
    jobs = Jobs()
    jobs.close()
    with pytest.raises(InputError, match="stopping"):
        jobs.submit(kind="t", title="late", work=lambda progress: {})
    assert jobs.idle()
