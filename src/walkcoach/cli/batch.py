"""Many tracks: a program's weeks, and a client's share bundle."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from walkcoach.build.progress import STAGES
from walkcoach.cli.app import _client, _print, _report_errors, cli
from walkcoach.encode.formats import FORMATS

if TYPE_CHECKING:
    from walkcoach.build.progress import Progress

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A progress bar per stage on a terminal; nothing at all when stderr is not one."""
    if not sys.stderr.isatty():
        yield None
        return
    current: list[Any] = []  # [stage, its open bar]

    def close() -> None:
        if current:
            current[1].__exit__(None, None, None)
            current.clear()

    def update(stage: str, done: int, total: int) -> None:
        if not current or current[0] != stage:
            close()
            bar = click.progressbar(length=max(total, 1), label=STAGES.get(stage, stage),
                                    file=sys.stderr)
            current[:] = [stage, bar.__enter__()]
        current[1].update(done - current[1].pos)

    try:
        yield update
    finally:
        close()


def _batch_options(func: F) -> F:
    """The options of a batch of tracks (shared by program and share)."""
    options = [
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="CPU cores to use: this many single-threaded worker processes (1: "
                     "this process) [default: every core; lowered, with a note, to the "
                     "cores and the free memory]."),
        click.option("--voice", "-v", default="auto", show_default=True,
                     help="auto (neural if installed), neural, system, or a voice id from "
                     "`walkcoach voices`."),
        click.option("--rate", type=click.FloatRange(0.5, 2.0), default=1.0,
                     show_default=True, help="Speaking rate as a multiplier (0.5-2.0)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="mp3",
                     show_default=True, help="Audio format of every track."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_PROGRAM_ARG = click.argument("program_name", metavar="PROGRAM")
"""A program file, or the name of one walkcoach ships (`walkcoach programs`)."""


@cli.command("program")
@_PROGRAM_ARG
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="The folder for the tracks, their sidecars and the playlist.")
@click.option("--client", "-c", default=None,
              help="Build for this client instead of the file's: a profile (clients/NAME.yaml "
              "here or beside the program, or a YAML file) or a name.")
@_batch_options
@_report_errors
def program(program_name: str, output: Path, jobs: int | None, client: str | None, voice: str,
            rate: float, fmt: str) -> None:
    """Build every week of a program (one track per week) and an M3U playlist.

    PROGRAM is a program file, or the name of one walkcoach ships (`walkcoach programs`).
    Only tracks whose content changed since the last run are rebuilt.
    """
    from walkcoach import content
    from walkcoach.build import program as program_batch  # the batch machinery only when batching

    program_file = content.find_program(program_name)
    loaded = content.load_program(program_file)
    with _progress_bar() as progress:
        result = program_batch.build_program(loaded, output, jobs=jobs,
                                             client=_client(client, program_file.parent),
                                             voice=voice, rate=rate, fmt=fmt, progress=progress)
    for path in result.removed:
        click.echo(f"walkcoach: note: removed {path.name}: no longer in the program", err=True)
    failed = f", {len(result.failed)} failed" if result.failed else ""
    _print(f"{len(result.tracks)} tracks: {len(result.built)} built, "
           f"{len(result.skipped)} up to date{failed}, in {result.seconds:.1f} s "
           f"-> {result.playlist}")
    for track in result.failed:
        click.echo(f"walkcoach: error: week {track.week}: {track.error}", err=True)
    if result.failed:
        sys.exit(1)


@cli.command("share")
@_PROGRAM_ARG
@click.option("--client", "-c", default=None,
              help="The client the bundle is for: a profile or a name, as for program "
              "(required unless the program names one).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="The folder the client's private bundle goes into.")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the output folder will be published (https://...): adds the "
              "podcast feed and QR codes.")
@click.option("--zip", "make_zip", is_flag=True, help="Also pack the bundle into one .zip.")
@click.option("--start", default=None, metavar="YYYY-MM-DD",
              help="The date of week 1: week N is dated N-1 weeks later in the feed [default: "
              "the date kept for this bundle, else the next Monday].")
@click.option("--days", default=None, metavar="DAYS",
              help="The days the client walks, as mon,wed,fri: adds schedule.ics (a reminder "
              "each session) and dates each week's episode on its first session [default: "
              "the profile's days:, else the program's; none: no calendar].")
@_batch_options
@_report_errors
def share(program_name: str, client: str | None, output: Path, base_url: str | None,
          make_zip: bool, start: str | None, days: str | None, jobs: int | None, voice: str,
          rate: float, fmt: str) -> None:
    """Build every week for one client into a private bundle: tracks, a page and a feed.

    The bundle is OUTPUT/<client>-<token>/ (the token is random and kept, so the address
    stays the same on every rebuild): index.html to open, feed.xml (with --base-url) for a
    podcast app, and the tracks; upload that folder (or its zip) and nothing else of
    OUTPUT (OUTPUT/.walkcoach/ is walkcoach's own). Only changed weeks are rebuilt. PROGRAM is
    a program file, or the name of one walkcoach ships (`walkcoach programs`).
    """
    from walkcoach import content
    from walkcoach import share as bundles  # the page and feed libraries only when sharing
    from walkcoach.plan.schedule import parse_days

    first = bundles.parse_start(start) if start is not None else None
    chosen = parse_days(days) if days is not None else None
    program_file = content.find_program(program_name)
    loaded = content.load_program(program_file)
    with _progress_bar() as progress:
        result = bundles.build_share(loaded, output, client=_client(client, program_file.parent),
                                     base_url=base_url,
                                     make_zip=make_zip, jobs=jobs, voice=voice, rate=rate,
                                     fmt=fmt, progress=progress, start=first, days=chosen)
    built = result.program
    _print(f"{len(built.tracks)} tracks: {len(built.built)} built, "
           f"{len(built.skipped)} up to date -> {result.page}")
    if result.feed is not None:
        _print(f"podcast feed: {result.url}feed.xml")
    if result.calendar is not None:
        _print(f"calendar: {result.calendar}")
    if result.release is not None and result.release.mode == "earned":
        _print(f"weeks out: {', '.join(map(str, result.release.weeks))} "
               f"({result.release.says})")
    if result.archive is not None:
        _print(f"zip: {result.archive}")
