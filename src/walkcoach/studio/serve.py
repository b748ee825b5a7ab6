"""Serving the studio: a socket on 127.0.0.1 only, uvicorn, and the coach's browser."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from walkcoach.errors import InputError
from walkcoach.studio import DEFAULT_PORT

__all__ = ["DEFAULT_PORT", "HOST", "bind", "serve"]

HOST = "127.0.0.1"
"""The only address the studio listens on: this computer, never the network."""


def bind(port: int) -> socket.socket:
    """A listening socket on HOST:``port`` (0: any free port). InputError when it is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # A just-stopped studio's port can be taken again at once. Not on Windows, where the
        # option would let two programs share a port.
        if port and os.name != "nt":
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc} (another "
                         "program, or another studio, may have it: try --port 0 for any free "
                         "port)") from None
    sock.set_inheritable(True)
    return sock


def serve(workspace: Path, *, port: int = DEFAULT_PORT, open_browser: bool = True,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve the studio of ``workspace`` until Ctrl-C; ``ready`` is called with its address
    once it answers (and the browser is opened there)."""
    import uvicorn

    from walkcoach.studio.app import create_app
    from walkcoach.studio.connections import HeadTimeoutProtocol
    from walkcoach.studio.security import new_token
    from walkcoach.workspace import Workspace

    space = Workspace.open(workspace)
    sock = bind(port)
    bound = sock.getsockname()[1]
    secret = new_token()  # this launch's: the address opened carries it once
    address = f"http://{HOST}:{bound}/?token={secret}"
    app, _ = create_app(space, hosts=frozenset({f"{HOST}:{bound}", f"localhost:{bound}"}),
                        secret=secret)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           access_log=False, timeout_graceful_shutdown=2,
                                           timeout_keep_alive=5, limit_concurrency=64,
                                           h11_max_incomplete_event_size=64 * 1024,
                                           http=HeadTimeoutProtocol))  # a late head: closed

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started:
            if ready is not None:
                ready(address)
            if open_browser:
                with contextlib.suppress(Exception):  # no browser here: the address is printed
                    webbrowser.open(address)

    threading.Thread(target=announce, name="walkcoach-announce", daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
