"""What the studio's tests share: a real `walkcoach serve` in a subprocess, and requests to
the ASGI app in-process."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

T = TypeVar("T")
READY = re.compile(r"walkcoach studio: (http://127\.0\.0\.1:(\d+)/)\?token=([\w-]+)")
"""The line `walkcoach serve` prints once it answers, with its address and secret."""
SECRETS: dict[str, tuple[str, str]] = {}
"""The cookie (name, value) of each studio served, by its address."""


def sign_in(context: Any) -> Any:
    """A Playwright browser context (or a page, whose context) given the cookie of every
    studio served, as opening the address each printed would; returned as given."""
    target = getattr(context, "context", context)
    target.add_cookies([{"name": name, "value": value, "url": address}
                        for address, (name, value) in SECRETS.items()])
    return context


@contextlib.contextmanager
def signed_in_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A page of a new browser context (``options`` as Playwright's new_context takes them)
    signed in to every studio served; when the block ends, its context is closed and no
    script error may have happened on any page it showed."""
    context = browser.new_context(**options)
    page = sign_in(context).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, errors  # no script error on any page


@contextlib.contextmanager
def serving(space: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`walkcoach serve` of ``space`` on a free port: its address and its process. Stopped
    with Ctrl-C at the end (if still running), which must end it within 15 s without a
    traceback."""
    server = subprocess.Popen(
        [sys.executable, "-m", "walkcoach", "serve", "--no-browser", "--port", "0",
         "--workspace", str(space)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert server.stdout is not None
    line = server.stdout.readline()
    found = READY.search(line)
    if not found:
        server.kill()
        pytest.fail(f"the studio did not start: {line!r} "
                    f"{server.stderr.read() if server.stderr else ''!r}")
    SECRETS[found[1]] = (f"walkcoach-studio-{found[2]}", found[3])
    try:
        yield found[1], server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                pytest.fail("the studio did not stop within 15 s of Ctrl-C")
        errors = server.stderr.read() if server.stderr else ""
        assert "Traceback" not in errors, errors


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``coroutine`` run to its end on a loop of its own thread (the page tests' Playwright
    holds this thread's loop for the whole session)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def asgi_request(app: Any, method: str, url: str, *, base: str,
                 **kwargs: Any) -> httpx.Response:
    """One request to the ASGI ``app`` in-process, as a browser at ``base`` would send it."""
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            return await client.request(method, url, **kwargs)

    return run(go())


def script_text(*, minutes: float, seed: int = 0, phrase_ms: int = 1200) -> str:
    """An editable session script (``walkcoach script -o``) of a beginner's floor walk,
    planned with every phrase ``phrase_ms`` long (no voice needed)."""
    from walkcoach.build import session
    from walkcoach.plan import planner
    from walkcoach.script import file as scriptfile

    spec = session.make_spec(minutes=minutes, level="beginner", setting="floor", seed=seed)
    lengths = dict.fromkeys(planner.candidate_phrases(spec), phrase_ms)
    return scriptfile.write_text(planner.plan(spec, lengths),
                                 {"minutes": float(minutes), "level": "beginner",
                                  "setting": "floor", "seed": seed})


def track_form(**fields: str) -> dict[str, str]:
    """The track form as the page sends it, a 1-minute walk with the system voice, every
    choice left to its default (the client's, else the exercise's), ``fields`` changed."""
    return {"exercise": "walking-backwards", "client": "", "level": "", "setting": "",
            "length": "minutes", "minutes": "1", "intervals": "6x1:00/1:00", "warmup": "",
            "cooldown": "", "recovery": "", "voice": "system", "rate": "1.0",
            "intro": "full", "chimes": "", "cadence": "", "music": "", "seed": "0"} | fields


def audio_duration_s(page: Any, selector: str) -> float:
    """The duration Chromium reads from the metadata of the audio element at ``selector``
    (waiting for it to load; a failure if it cannot)."""
    return float(page.eval_on_selector(selector, """audio => new Promise((done, fail) => {
        if (audio.readyState >= 1) { done(audio.duration); return; }
        audio.addEventListener('loadedmetadata', () => done(audio.duration));
        audio.addEventListener('error', () => fail('the audio did not load'));
    })"""))


def wait_for_job(job: Any, timeout: float = 120.0) -> Any:
    """``job`` (a studio Job) once it has ended; a failure after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not job.ended:
        assert time.monotonic() < deadline, f"job {job.title} did not end"
        time.sleep(0.01)
    return job
