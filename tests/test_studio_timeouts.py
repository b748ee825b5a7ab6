"""The studio's header timeout (walkcoach.studio.connections), against the real server.

`walkcoach serve`'s own ``serve()`` runs in a thread of its own, with the timeout lowered to
1 s; raw sockets play a client that sends a request's head slowly or never finishes it, or
trickles its body, and the studio is stopped at the end as Ctrl-C stops it.
"""

from __future__ import annotations

import queue
import select
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import h11
import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from walkcoach.studio import connections, serve

LIMIT_S = 1.0
"""The header timeout these tests serve with."""
KEEP_ALIVE_S = 5
"""uvicorn's keep-alive timeout as `serve` sets it: longer than LIMIT_S, so these tests see
which of the two closed a connection."""


class Studio:
    """A served studio as a client sees it: its port, and the address with its secret."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.port = int(address.split(":")[2].split("/")[0])
        self.signed = address.split("/", 3)[3]  # "?token=...": a request the studio answers

    def head(self, target: str = "/") -> bytes:
        """A whole request head for ``target``."""
        return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode()

    def connect(self) -> socket.socket:
        """A raw connection to the studio."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)

    def answers(self) -> None:
        """A browser's request, on a connection of its own, gets the studio's home page."""
        with httpx.Client(follow_redirects=True, timeout=10) as client:
            page = client.get(self.address)
        assert page.status_code == 200 and "walkcoach studio" in page.text


@pytest.fixture(autouse=True)
def _short_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connections, "HEADER_TIMEOUT_S", LIMIT_S)


def _with_studio(space: Path, check: Callable[[Studio], None]) -> None:
    """``check`` run against `serve` of ``space``, served in a thread of its own (the test
    run may hold an event loop in the main thread: Playwright's), stopped when it is done."""
    servers: list[uvicorn.Server] = []

    class Recorded(uvicorn.Server):  # the test's handle to stop it, as Ctrl-C would
        def __init__(self, config: uvicorn.Config) -> None:
            super().__init__(config)
            servers.append(self)

    addresses: queue.Queue[str] = queue.Queue()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uvicorn, "Server", Recorded)
        studio = threading.Thread(target=serve.serve, args=(space,), name="studio", daemon=True,
                                  kwargs={"port": 0, "open_browser": False,
                                          "ready": addresses.put})
        studio.start()
        try:
            check(Studio(addresses.get(timeout=60)))
        finally:
            for server in servers:
                server.should_exit = True
            studio.join(30)
    assert not studio.is_alive(), "the studio did not stop"


def _closed_after(sock: socket.socket, since: float, *, within: float = 5) -> float:
    """Seconds from ``since`` until the studio closed ``sock`` without a word; a failure if it
    is still open ``within`` seconds from now."""
    sock.settimeout(within)
    try:
        said = sock.recv(4096)
    except TimeoutError:
        pytest.fail(f"the connection was still open {within} s later")
    except ConnectionResetError:
        said = b""
    assert said == b"", said
    return time.monotonic() - since


def _answer(sock: socket.socket) -> bytes:
    """The status line of the answer read from ``sock`` (a head without a body)."""
    got = b""
    while b"\r\n\r\n" not in got:
        more = sock.recv(4096)
        assert more, f"closed before an answer: {got!r}"
        got += more
    return got.split(b"\r\n", 1)[0]


def test_a_head_never_finished_is_closed_while_others_are_answered(tmp_path: Path) -> None:
    def check(studio: Studio) -> None:
        with studio.connect() as slow, studio.connect() as silent:
            start = time.monotonic()
            slow.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{studio.port}\r\n".encode())
            studio.answers()  # while both hold a connection
            closed = _closed_after(slow, start)
            assert LIMIT_S * 0.8 <= closed < KEEP_ALIVE_S, closed
            assert _closed_after(silent, start) < KEEP_ALIVE_S  # one that sends nothing too
        studio.answers()

    _with_studio(tmp_path, check)


def test_bytes_trickling_in_do_not_keep_a_head_open(tmp_path: Path) -> None:
    def check(studio: Studio) -> None:
        with studio.connect() as slow:
            start = time.monotonic()
            slow.sendall(b"GET / HTTP/1.1\r\n")
            while time.monotonic() - start < KEEP_ALIVE_S:
                time.sleep(0.2)
                if select.select([slow], [], [], 0)[0]:
                    break  # closed (or, wrongly, answered: _closed_after says which)
                try:
                    slow.sendall(b"X")  # one byte of a header line that never ends
                except (BrokenPipeError, ConnectionResetError):
                    break
            closed = _closed_after(slow, start, within=1)
            assert closed < LIMIT_S + 1, closed

    _with_studio(tmp_path, check)


def test_a_slow_head_in_time_is_answered_and_the_next_one_timed_again(tmp_path: Path) -> None:
    def check(studio: Studio) -> None:
        head = studio.head(f"/{studio.signed}")
        with studio.connect() as slow:
            for part in (head[:10], head[10:30], head[30:]):  # over 0.6 s of the 1 s
                slow.sendall(part)
                time.sleep(0.3)
            assert _answer(slow) == b"HTTP/1.1 303 See Other"
            # Idle between requests longer than the head's limit: keep-alive's to close.
            time.sleep(LIMIT_S * 1.5)
            slow.sendall(head)
            assert _answer(slow) == b"HTTP/1.1 303 See Other"
            start = time.monotonic()
            slow.sendall(b"GET / HTTP/1.1\r\n")  # a next request's head, never finished
            closed = _closed_after(slow, start)
            assert LIMIT_S * 0.8 <= closed < KEEP_ALIVE_S, closed

    _with_studio(tmp_path, check)


def test_the_uvicorn_methods_it_overrides_are_still_there() -> None:
    """An upgrade of uvicorn that renamed one would leave the clock unset or never stopped."""
    missing = [name for name in connections.HOOKS if name not in vars(H11Protocol)]
    assert not missing, f"uvicorn {uvicorn.__version__}'s H11Protocol has no {missing}"
    overridden = {name for name in vars(connections.HeadTimeoutProtocol)
                  if callable(getattr(H11Protocol, name, None)) and not name.startswith("__")}
    assert overridden == set(connections.HOOKS)
    assert isinstance(h11.Connection(h11.SERVER).trailing_data[0], bytes)


def test_a_body_trickling_in_is_closed_at_its_own_limit(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A request whose head is in but whose body comes a byte at a time (a client holding a
    connection past the head's clock) is closed once the body's limit has passed."""
    monkeypatch.setattr(connections, "BODY_TIMEOUT_S", 2 * LIMIT_S)

    def check(studio: Studio) -> None:
        with studio.connect() as slow:
            slow.sendall(f"POST /music HTTP/1.1\r\nHost: 127.0.0.1:{studio.port}\r\n"
                         "Content-Length: 1000000\r\n\r\n".encode())
            start = time.monotonic()
            while time.monotonic() - start < KEEP_ALIVE_S + 2:
                time.sleep(0.3)
                try:
                    slow.sendall(b"x")  # keeps uvicorn's own timers from firing
                except (BrokenPipeError, ConnectionResetError):
                    break
                if select.select([slow], [], [], 0)[0]:
                    try:
                        if not slow.recv(65536, socket.MSG_PEEK):
                            break  # closed
                    except ConnectionResetError:
                        break
            closed = time.monotonic() - start
            assert 2 * LIMIT_S * 0.8 <= closed < 2 * LIMIT_S + 1.5, closed
        studio.answers()

    _with_studio(tmp_path, check)
