"""Uploads are streamed to disk (issue 22): a 20 MB music file goes through the studio with
its memory never holding more than a small part of it, the form is never read whole
(request.form), and an upload that grows past its limit leaves nothing behind."""

from __future__ import annotations

import asyncio
import math
import struct
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.requests import Request
from studio_support import run
from test_studio_http import TOKEN, Box, make_box

BOUNDARY = b"walkcoach-test-boundary"
CHUNK = 64 * 1024
TONE = struct.pack(f"<{CHUNK // 2}h", *(int(3000 * math.sin(2 * math.pi * 500 * n / 16000))
                                       for n in range(CHUNK // 2)))
"""One chunk of a quiet 500 Hz tone (16 kHz, 16-bit): music is refused when silent."""


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """The studio of test_studio_http's tests, its queued work recorded, never run."""
    yield from make_box(tmp_path, monkeypatch)


def _wav_head(data_bytes: int, rate: int = 16000) -> bytes:
    """A WAV header for ``data_bytes`` of 16-bit mono samples."""
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data_bytes))


def _parts(name: str, size: int) -> tuple[bytes, int, bytes]:
    """The multipart body around a file of ``size`` bytes: its head, the size, its tail."""
    head = (b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"file\"; "
            b"filename=\"" + name.encode() + b"\"\r\nContent-Type: audio/wav\r\n\r\n")
    tail = b"\r\n--" + BOUNDARY + b"--\r\n"
    return head, size, tail


async def _upload(app: Any, name: str, file_head: bytes, size: int, *,
                  declared: int | None = None) -> tuple[int, bytes]:
    """POST /music with a file of ``size`` bytes (``file_head`` then a tone), sent in chunks
    made as they are sent: the test holds no more of it than one chunk (a tone)."""
    head, _, tail = _parts(name, size)
    length = len(head) + size + len(tail)

    async def chunks() -> AsyncIterator[bytes]:
        yield head + file_head
        left = size - len(file_head)
        while left > 0:
            yield TONE[:min(CHUNK, left)]
            left -= CHUNK
        yield tail

    body = chunks()
    sent: list[dict[str, Any]] = []
    done = asyncio.Event()

    async def receive() -> dict[str, Any]:
        try:
            return {"type": "http.request", "body": await body.__anext__(), "more_body": True}
        except StopAsyncIteration:
            if done.is_set():
                return {"type": "http.disconnect"}
            done.set()
            return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(b"host", b"127.0.0.1:8765"), (b"x-csrf-token", TOKEN.encode()),
               (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),
               (b"content-length", str(declared if declared is not None else length).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/music", "raw_path": b"/music",
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8765)}
    await app(scope, receive, send)
    return sent[0]["status"], b"".join(message.get("body", b"") for message in sent[1:])


def _no_whole_form(monkeypatch: pytest.MonkeyPatch) -> None:
    async def form(self: Request, **kwargs: Any) -> Any:
        raise AssertionError("an upload's form was read whole")

    monkeypatch.setattr(Request, "form", form)


def test_a_20_mb_upload_is_streamed_to_disk(box: Box, monkeypatch: pytest.MonkeyPatch) -> None:
    from walkcoach.studio import pages

    _no_whole_form(monkeypatch)
    size = 20 * 2 ** 20
    head = _wav_head(size - 44)
    received: list[int] = []
    save_music = pages.save_music

    def measured(*args: Any) -> str:
        # The peak while it was received (the check then decodes a bounded part of it).
        received.append(tracemalloc.get_traced_memory()[1])
        return save_music(*args)

    monkeypatch.setattr(pages, "save_music", measured)
    tracemalloc.start()
    try:
        status, body = run(_upload(box.app, "long-bed.wav", head, size))
    finally:
        tracemalloc.stop()
    peak = received[0]
    assert status == 200 and b"Added long-bed.wav" in body, body[-600:]
    kept = box.space.root / "music" / "long-bed.wav"
    assert kept.stat().st_size == size
    assert peak < 4 * 2 ** 20, f"{peak / 2 ** 20:.1f} MB held for a 20 MB upload"
    assert not [path.name for path in kept.parent.iterdir() if path.name.startswith(".")]


def test_an_upload_that_grows_past_its_limit_is_cut_off_and_not_kept(
        box: Box, monkeypatch: pytest.MonkeyPatch) -> None:
    from walkcoach.workspace import MAX_UPLOAD

    _no_whole_form(monkeypatch)
    size = MAX_UPLOAD + 2 ** 20
    before = sorted(path.name for path in (box.space.root / "music").iterdir())
    # It says it is small, and is not: refused once it passes the limit, not after.
    status, body = run(_upload(box.app, "huge.wav", _wav_head(size - 44), size,
                               declared=2 ** 20))
    assert status == 200 and b"at most 50.0 MB" in body
    assert sorted(path.name for path in (box.space.root / "music").iterdir()) == before
