"""The command group and what every command shares: one-line errors, exit statuses, the
session options, printing. No logic lives in the command line: each command parses, makes
one library call and reports."""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

import click

from walkcoach import __version__, notes
from walkcoach.errors import InputError, RuntimeFailure, UnknownName, WalkcoachError, one_line
from walkcoach.plan.cadence import parse_cadence
from walkcoach.plan.limits import (
    INTROS,
    LEVELS,
    MAX_CADENCE,
    MAX_SEED,
    MIN_CADENCE,
    MIN_SEED,
    RECOVERY,
    SETTINGS,
)
from walkcoach.process import interrupts

if TYPE_CHECKING:
    from walkcoach.plan.model import ClientSpec, SessionSpec

_SHIPPED = "walking-backwards"
"""The default exercise, whose levels and settings are LEVELS and SETTINGS."""

F = TypeVar("F", bound=Callable[..., Any])


def _report_errors(func: F) -> F:
    """Turn walkcoach's errors into one line on stderr and the right exit status.

    Ctrl-C stops a command with exit status 130; SIGTERM is raised as
    walkcoach.process.interrupts.Terminated, so it unwinds through the same cleanups, and exits 143.
    Run as the program (:func:`main`), both are ignored once the command has finished.
    """
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _stop_signals_raise():
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


_as_program = False
"""Whether walkcoach runs as the program (set by :func:`main`), not called by a library user."""


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """While the command runs, Ctrl-C raises KeyboardInterrupt and SIGTERM Terminated.

    Run as the program, until now both ended the process at once (walkcoach.cli) and, when
    the block ends, the process is leaving: from then on they are ignored, with no moment
    between in which either would end it some other way.
    """
    if not _as_program or threading.current_thread() is not threading.main_thread():
        with interrupts.sigterm_raises():
            yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        _ignore_stop_signals()


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise interrupts.Terminated


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


def shell_word(path: Path | str) -> str:
    """``path`` as one word to paste into this system's shell (quoted when it needs it)."""
    text = str(path)
    if sys.platform == "win32":
        import subprocess

        return subprocess.list2cmdline([text])
    import shlex

    return shlex.quote(text)


_CLIENT_HELP = ("A client profile (clients/NAME.yaml here, or a YAML file) or just a name: "
                "the client is greeted by name.")


def _client(value: str | None, *near: Path) -> ClientSpec | str | None:
    """The client ``--client`` names: a profile found in clients/ (here or ``near``) or a
    profile file, else the bare name (checked)."""
    if value is None or not value.strip():
        return None
    from walkcoach import content

    found = content.find_client(value, near=(Path.cwd(), *near))
    return found if found.source.path != content.COMMAND_LINE else found.name


def _session_options(func: F) -> F:
    """The options that describe one session (shared by build and script)."""
    options = [
        click.option("--exercise", "-e", default=_SHIPPED, show_default=True,
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
                     f"(standing-rest to stand) or a YAML file [default: {RECOVERY}]."),
        click.option("--level", "-l", default=None, metavar="LEVEL",
                     help=f"A level of the exercise ({_SHIPPED}: {', '.join(LEVELS)}; another "
                     "exercise names its own): how often cues come, and the speed and "
                     "incline on a treadmill [default: the client profile's, else the "
                     "exercise's first]."),
        click.option("--setting", "-s", default=None, metavar="SETTING",
                     help=f"Where the client walks: a setting of the exercise ({_SHIPPED}: "
                     f"{', '.join(SETTINGS)}; another exercise names its own) [default: the "
                     "client profile's, else treadmill if the exercise has it, else its "
                     "first]."),
        click.option("--client", "-c", default=None, help=_CLIENT_HELP),
        click.option("--voice", "-v", default="auto", show_default=True,
                     help="auto (neural if installed), neural, system, or a voice id from "
                     "`walkcoach voices`."),
        click.option("--rate", type=click.FloatRange(0.5, 2.0), default=1.0, show_default=True,
                     help="Speaking rate as a multiplier (0.5-2.0)."),
        click.option("--intro", type=click.Choice(INTROS), default="full", show_default=True,
                     help="full, or short for a returning listener: the greeting, one "
                     "safety line, then straight to the setup."),
        click.option("--seed", type=click.IntRange(MIN_SEED, MAX_SEED), default=0,
                     show_default=True, help="Changes which technique cues come when; same "
                     f"seed, same track ({MIN_SEED} to {MAX_SEED})."),
        click.option("--chimes/--no-chimes", default=None,
                     help="A chime before each time cue, at 'begin', at each change and at "
                     "'stop' [default: the client profile's, else on]."),
        click.option("--cadence", type=_CADENCE, default=None, metavar="N|auto|off",
                     help=f"A soft click on every step of the walking parts: steps a minute "
                     f"({MIN_CADENCE}-{MAX_CADENCE}), auto for each exercise's level "
                     "default, or off for none even when the client profile has one "
                     "[default: the client profile's, else none]."),
        click.option("--music", type=_MUSIC, default=None, metavar="FILE|none",
                     help="A music file (MP3, WAV, M4A, OGG, FLAC...) looped under the walk, "
                     "quieter while cues are said, or none for no music even when the "
                     "client profile has some [default: the client profile's, else none]."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


class _Cadence(click.ParamType[int | str]):
    """Steps a minute (a whole number, 30 to 200) or auto, read as the YAML files and the
    library read it (walkcoach.plan.cadence.parse_cadence)."""

    name = "N|auto|off"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int | str:
        """The option's text as a number of steps, "auto", or "off" (none for this build)."""
        if isinstance(value, str) and value.strip().lower() == _NO["cadence"]:
            return _NO["cadence"]
        try:
            return parse_cadence(value)
        except InputError as exc:
            self.fail(str(exc), param, ctx)


_CADENCE = _Cadence()
_NO = {"cadence": "off", "music": "none"}
"""The word that turns a sound off for one build, whatever the client profile says."""


class _Music(click.ParamType[Path | str]):
    """A music file that is there, or "none" (no music for this build; ./none is a file)."""

    name = "FILE|none"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path | str:
        """The option's text as an existing file, or "none"."""
        if isinstance(value, str) and value.strip().lower() == _NO["music"]:
            return _NO["music"]
        path: Path = click.Path(exists=True, dir_okay=False, path_type=Path).convert(
            value, param, ctx)
        return path


_MUSIC = _Music()


def _spec(options: dict[str, Any]) -> tuple[SessionSpec, str, float]:
    """The session the _session_options describe, and its voice and rate."""
    if options["minutes"] is not None and options["intervals"] is not None:
        raise click.UsageError("give --minutes or --intervals, not both")
    from walkcoach import content
    from walkcoach.build import session
    from walkcoach.plan.model import ClientSpec

    client = _client(options["client"])
    # A sound option given wins; else the client profile's; else make_spec's default.
    sounds = {key: options[key] for key in content.SOUND_KEYS if options[key] is not None}
    if isinstance(client, ClientSpec):
        sounds = {key: getattr(client, key) for key in content.SOUND_KEYS
                  if getattr(client, key) is not None} | sounds
    sounds = {key: None if value == _NO.get(key) else value for key, value in sounds.items()}
    try:
        spec = session.make_spec(
            exercise=options["exercise"], level=options["level"], setting=options["setting"],
            minutes=options["minutes"], intervals=options["intervals"],
            warmup=options["warmup"], cooldown=options["cooldown"],
            recovery=options["recovery"], client=client, seed=options["seed"],
            intro=options["intro"], **sounds)
    except UnknownName as exc:  # a bad --level or --setting: a usage error naming it
        raise click.BadParameter(str(exc), param_hint=f"'--{exc.what}'") from None
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
    from walkcoach.encode import sheets

    for line in sheets.dropped_notes(timeline):
        click.echo(f"walkcoach: note: {line}", err=True)


def show_note(message: str) -> None:
    """Print a library note as one line on stderr (batch workers print theirs the same way)."""
    click.echo(f"walkcoach: note: {message}", err=True)


def main() -> None:
    """Console-script entry point.

    Once the command has ended (click ends it with SystemExit), Ctrl-C and SIGTERM are
    ignored: nothing may cut the exit short (an exit handler's traceback).
    """
    global _as_program
    _as_program = True
    try:
        cli(prog_name="walkcoach")
    finally:
        _ignore_stop_signals()
        _forget_interrupted_string_code()


def _forget_interrupted_string_code() -> None:
    """Keep the exit status walkcoach chose after a Ctrl-C.

    CPython notes a KeyboardInterrupt that ends code run from a string (what dataclasses and
    namedtuple do while a module imports) as unhandled, even once walkcoach has caught it,
    and under ``python -m`` then ends the process by SIGINT instead of exit status 130. Each
    string run clears that note as it starts: this one leaves it clear.
    """
    exec("pass")  # a constant string, run for the side effect described above
