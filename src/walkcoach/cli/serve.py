"""``walkcoach serve``: the studio in the browser (walkcoach.studio)."""

from __future__ import annotations

from pathlib import Path

import click

from walkcoach.cli.app import _print, _report_errors, cli
from walkcoach.studio import DEFAULT_PORT


@cli.command()
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=DEFAULT_PORT,
              show_default=True,
              help="The port on 127.0.0.1 (0: any free port).")
@click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="The folder of your exercises, programs, clients and tracks "
              "(made if missing) [default: walkcoach in your documents folder].")
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@_report_errors
def serve(port: int, workspace: Path | None, no_browser: bool) -> None:
    """Start the studio: make tracks, programs and share bundles in your browser.

    It listens on this computer only (127.0.0.1) and opens your browser at its address;
    everything it makes goes into the workspace folder, as files the command line reads
    too. Stop it with Ctrl-C.
    """
    from walkcoach.studio.serve import serve as run
    from walkcoach.workspace import default_root

    root = workspace if workspace is not None else default_root()

    def ready(address: str) -> None:
        _print(f"walkcoach studio: {address}  (workspace: {root}; Ctrl-C to stop)")

    run(root, port=port, open_browser=not no_browser, ready=ready)
