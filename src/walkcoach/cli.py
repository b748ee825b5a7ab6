"""The walkcoach command line: parse, make one library call, report. No logic lives here."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from walkcoach import __version__, content, interrupts, notes, planner, session, sheets
from walkcoach.errors import RuntimeFailure, WalkcoachError, one_line
from walkcoach.export import FORMATS
from walkcoach.model import INTROS, LEVELS, SETTINGS, ClientSpec, SessionSpec
from walkcoach.voice import list_voices

if TYPE_CHECKING:
    from walkcoach.session import Progress

F = TypeVar("F", bound=Callable[..., Any])


def _report_errors(func: F) -> F:
    """Turn walkcoach's errors into one line on stderr and the right exit status.

    Ctrl-C stops a command with exit status 130; SIGTERM is raised as
    walkcoach.interrupts.Terminated, so it unwinds through the same cleanups, and exits 143.
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with interrupts.sigterm_raises():
                return func(*args, **kwargs)
        except WalkcoachError as exc:
            click.echo(f"walkcoach: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            _ignore_stop_signals()
            terminated = isinstance(exc, interrupts.Terminated)
            click.echo(f"walkcoach: {'terminated' if terminated else 'interrupted'}; "
                       "no partial files were left", err=True)
            sys.exit(interrupts.Terminated.exit_status if terminated else 130)
    return wrapper  # type: ignore[return-value]


def _ignore_stop_signals() -> None:
    """The work is cleaned up and the process is leaving: another Ctrl-C or SIGTERM must not
    cut its exit short (a traceback from an exit handler, workers not yet reaped)."""
    for signum in interrupts.STOP_SIGNALS:
        with contextlib.suppress(ValueError):  # not the main thread: nothing to ignore there
            signal.signal(signum, signal.SIG_IGN)


def _print(text: str, *, nl: bool = True) -> None:
    """Print ``text`` on stdout; a stdout that cannot take it (a full disk, a closed pipe) is
    a runtime failure reported in one line, not a traceback."""
    try:
        click.echo(text, nl=nl)
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):  # nothing more may reach it, even at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise RuntimeFailure(f"cannot write to standard output: {exc.strerror or exc}") from None


_CLIENT_HELP = ("A client profile (clients/NAME.yaml here, or a YAML file) or just a name: "
                "the client is greeted by name.")


def _client(value: str | None, *near: Path) -> ClientSpec | str | None:
    """The client ``--client`` names: a profile found in clients/ (here or ``near``) or a
    profile file, else the bare name (checked)."""
    if value is None or not value.strip():
        return None
    found = content.find_client(value, near=(Path.cwd(), *near))
    return found if found.source.path != content.COMMAND_LINE else found.name


def _session_options(func: F) -> F:
    """The options that describe one session (shared by build and script)."""
    options = [
        click.option("--exercise", "-e", default="walking-backwards", show_default=True,
                     help="An exercise name (see `walkcoach exercises`) or a YAML file."),
        click.option("--minutes", "-m", type=click.FloatRange(1, 60), default=None,
                     help="Walking time from 'begin' to 'stop' (1-60, fractions allowed) "
                     "[default: 8]; with --intervals the rounds set it."),
        click.option("--intervals", default=None, metavar="ROUNDSxWORK[/RECOVERY]",
                     help="Rounds of the exercise, each followed by recovery, times as m:ss "
                     "or seconds: 6x1:00/1:00, 8x30/30 (instead of --minutes)."),
        click.option("--warmup", default=None, metavar="MINUTES",
                     help="Easy forward walking before the walk: minutes or m:ss."),
        click.option("--cooldown", default=None, metavar="MINUTES",
                     help="Easy forward walking after the walk: minutes or m:ss."),
        click.option("--recovery", default=None, metavar="EXERCISE",
                     help="What is done between rounds of --intervals: an exercise name "
                     f"(standing-rest to stand) or a YAML file [default: {session.RECOVERY}]."),
        click.option("--level", "-l", type=click.Choice(LEVELS), default=None,
                     help="Sets speed, incline and how often cues come [default: the "
                     "client profile's, else beginner]."),
        click.option("--setting", "-s", type=click.Choice(SETTINGS), default=None,
                     help="Where the client walks [default: the client profile's, else "
                     "treadmill]."),
        click.option("--client", "-c", default=None, help=_CLIENT_HELP),
        click.option("--voice", "-v", default="auto", show_default=True,
                     help="auto (neural if installed), neural, system, or a voice id from "
                     "`walkcoach voices`."),
        click.option("--rate", type=click.FloatRange(0.5, 2.0), default=1.0, show_default=True,
                     help="Speaking rate as a multiplier (0.5-2.0)."),
        click.option("--intro", type=click.Choice(INTROS), default="full", show_default=True,
                     help="full, or short for a returning listener: the greeting, one "
                     "safety line, then straight to the setup."),
        click.option("--seed", type=int, default=0, show_default=True,
                     help="Changes which technique cues come when; same seed, same track."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _spec(options: dict[str, Any]) -> tuple[SessionSpec, str, float]:
    """The session the _session_options describe, and its voice and rate."""
    if options["minutes"] is not None and options["intervals"] is not None:
        raise click.UsageError("give --minutes or --intervals, not both")
    spec = session.make_spec(
        exercise=options["exercise"], level=options["level"], setting=options["setting"],
        minutes=options["minutes"], intervals=options["intervals"], warmup=options["warmup"],
        cooldown=options["cooldown"], recovery=options["recovery"],
        client=_client(options["client"]), seed=options["seed"], intro=options["intro"])
    return spec, options["voice"], options["rate"]


class _UsageError(click.ClickException):
    """click's own error (a bad option, a missing one) said as one line, like every other."""

    def __init__(self, error: click.ClickException) -> None:
        super().__init__(error.format_message())
        self.exit_code = error.exit_code  # type: ignore[misc]  # 2 for usage, as click says
        context = getattr(error, "ctx", None)
        self.command = context.command_path if context is not None else "walkcoach"

    def show(self, file: Any = None) -> None:
        """One line on stderr, with where to read more (not click's usage, hint and blank)."""
        click.echo(f"walkcoach: error: {one_line(self.message)} (see {self.command} --help)",
                   err=True)


@contextlib.contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    try:
        yield
    except (click.exceptions.NoArgsIsHelpError, _UsageError):
        raise  # "walkcoach" alone shows the help, as it should
    except click.ClickException as exc:
        raise _UsageError(exc) from None


class _Commands(click.Group):
    """The command group: its usage errors, and its commands', are one line each."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        """Parse the group's own options (errors as one line)."""
        with _one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        """Find the command, parse its options and run it (errors as one line)."""
        with _one_line_usage_errors():
            return super().invoke(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="walkcoach")
def cli() -> None:
    """Turn exercise instructions into spoken coaching audio tracks."""
    notes.set_handler(show_note)


def _notes(timeline: Any) -> None:
    for dropped in timeline.dropped:
        click.echo(f"walkcoach: note: left out {dropped.text!r} at walk "
                   f"{sheets.vtt_time(dropped.anchor_ms)[3:8]}: {dropped.reason}", err=True)


@cli.command()
@_session_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The track to write; .json and .vtt are written beside it.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Audio format [default: from the file name, else mp3].")
@click.option("--coach", default="walkcoach", show_default=True,
              help="The artist tag: who the client hears.")
@_report_errors
def build(output: Path, fmt: str | None, coach: str, **options: Any) -> None:
    """Build one coaching track (MP3 by default) with its cue sheet and captions."""
    spec, voice, rate = _spec(options)
    speaker = session.make_speaker(voice, rate=rate)
    built = session.build_track(spec, speaker, output, fmt=fmt,
                                tags=session.track_tags(spec, artist=coach))
    _notes(built.timeline)
    _print(f"{built.path}  {sheets.vtt_time(built.timeline.duration_ms)[:8]}  "
           f"({len(built.timeline.cues)} cues; {built.cue_sheet.name}, "
           f"{built.captions.name}, {built.transcript.name})")


@cli.command()
@_session_options
@click.option("--json", "as_json", is_flag=True, help="Print the cue sheet as JSON.")
@_report_errors
def script(as_json: bool, **options: Any) -> None:
    """Print a session's timeline for proofreading, without building a track.

    Phrase lengths come from the voice (cached), so the times are those of the real track;
    a session in parts shows where each part begins.
    """
    spec, voice, rate = _spec(options)
    speaker = session.make_speaker(voice, rate=rate)
    timeline, _ = session.plan_session(spec, speaker)
    if as_json:
        _print(sheets.cue_sheet_json(timeline, about=session.describe(spec, speaker)), nl=False)
    else:
        _print(sheets.script_text(timeline), nl=False)


_STAGES = {"voice": "Speaking new phrases", "tracks": "Building tracks"}


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
            bar = click.progressbar(length=max(total, 1), label=_STAGES.get(stage, stage),
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


@cli.command("program")
@click.argument("program_file", metavar="PROGRAM.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="The folder for the tracks, their sidecars and the playlist.")
@click.option("--client", "-c", default=None,
              help="Build for this client instead of the file's: a profile (clients/NAME.yaml "
              "here or beside the program, or a YAML file) or a name.")
@_batch_options
@_report_errors
def program(program_file: Path, output: Path, jobs: int | None, client: str | None, voice: str,
            rate: float, fmt: str) -> None:
    """Build every week of a program (one track per week) and an M3U playlist.

    Only tracks whose content changed since the last run are rebuilt.
    """
    from walkcoach import program as program_batch  # the batch machinery only when batching

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
@click.argument("program_file", metavar="PROGRAM.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--client", "-c", default=None,
              help="The client the bundle is for: a profile or a name, as for program "
              "(required unless the program names one).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="The folder the client's private bundle goes into.")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the output folder will be published (https://...): adds the "
              "podcast feed and QR codes.")
@click.option("--zip", "make_zip", is_flag=True, help="Also pack the bundle into one .zip.")
@_batch_options
@_report_errors
def share(program_file: Path, client: str | None, output: Path, base_url: str | None,
          make_zip: bool, jobs: int | None, voice: str, rate: float, fmt: str) -> None:
    """Build every week for one client into a private bundle: tracks, a page and a feed.

    The bundle is OUTPUT/<client>-<token>/ (the token is random and kept, so the address
    stays the same on every rebuild): index.html to open or upload, feed.xml (with
    --base-url) for a podcast app, and the tracks. Only changed weeks are rebuilt.
    """
    from walkcoach import share as bundles  # the page and feed libraries only when sharing

    loaded = content.load_program(program_file)
    with _progress_bar() as progress:
        result = bundles.build_share(loaded, output, client=_client(client, program_file.parent),
                                     base_url=base_url,
                                     make_zip=make_zip, jobs=jobs, voice=voice, rate=rate,
                                     fmt=fmt, progress=progress)
    built = result.program
    _print(f"{len(built.tracks)} tracks: {len(built.built)} built, "
           f"{len(built.skipped)} up to date -> {result.page}")
    if result.feed is not None:
        _print(f"podcast feed: {result.url}feed.xml")
    if result.archive is not None:
        _print(f"zip: {result.archive}")


@cli.command()
@_report_errors
def exercises() -> None:
    """List the exercises walkcoach ships, each with its role (work, recovery or rest)."""
    for name in content.exercise_names():
        exercise = content.find_exercise(name)
        _print(f"{name:20} {'(' + exercise.role + ')':11} {exercise.summary}")


@cli.command()
@_report_errors
def voices() -> None:
    """List the voices of every installed engine, with the ids --voice takes."""
    for info in list_voices():
        _print(f"{info.id:40} {info.language:10} {info.name}")


def show_note(message: str) -> None:
    """Print a library note as one line on stderr (batch workers print theirs the same way)."""
    click.echo(f"walkcoach: note: {message}", err=True)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="walkcoach")


__all__ = ["cli", "main", "planner"]
