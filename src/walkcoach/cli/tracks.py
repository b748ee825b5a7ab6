"""One track: build, script (printed, or written to edit) and render (an edited script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from walkcoach.cli.app import (
    _notes,
    _print,
    _report_errors,
    _session_options,
    _spec,
    cli,
    shell_word,
)
from walkcoach.encode.formats import FORMATS


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
    if not coach.strip():
        raise click.BadParameter("needs a name: the artist tag the client sees",
                                 param_hint="'--coach'")
    from walkcoach.build import session
    from walkcoach.encode import sheets

    spec, voice, rate = _spec(options)
    session.check_output(output, fmt=fmt)  # before the voice is chosen: nothing made yet
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
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the script as a YAML file to edit, then build it with "
              "`walkcoach render`.")
@_report_errors
def script(as_json: bool, output: Path | None, **options: Any) -> None:
    """Print a session's timeline for proofreading, without building a track.

    Phrase lengths come from the voice (cached), so the times are those of the real track;
    a session in parts shows where each part begins. With -o, the script is written as a
    file to edit (change the words, delete a line, add one) and build with
    `walkcoach render`.
    """
    from walkcoach.build import session
    from walkcoach.encode import export, sheets
    from walkcoach.script import file as scriptfile

    spec, voice, rate = _spec(options)
    if output is not None:
        export.check_output(output)
    speaker = session.make_speaker(voice, rate=rate)
    timeline, _ = session.plan_session(spec, speaker)
    if output is not None:
        with export.new_folders(output.parent):
            export.write_text(output, scriptfile.write_text(
                timeline, scriptfile.options_of(spec, options)))
        _print(f"{output}  ({len(timeline.cues)} lines; build it with: walkcoach render "
               f"{shell_word(output)} -o TRACK.mp3)")
    elif as_json:
        _print(sheets.cue_sheet_json(timeline, about=session.describe(spec, speaker)), nl=False)
    else:
        _print(sheets.script_text(timeline), nl=False)


@cli.command()
@click.argument("script_file", metavar="SCRIPT.yaml",
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The track to write; .json, .vtt and .txt go beside it.")
@click.option("--voice", "-v", default=None,
              help="A voice instead of the script's (auto, neural, system or a voice id).")
@click.option("--rate", type=click.FloatRange(0.5, 2.0), default=None,
              help="A speaking rate instead of the script's (0.5-2.0).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Audio format [default: from the file name, else mp3].")
@_report_errors
def render(script_file: Path, output: Path, voice: str | None, rate: float | None,
           fmt: str | None) -> None:
    """Build the track of an edited script (written by `walkcoach script -o`).

    Lines before the walk are said in order; every line of the walk keeps its time from
    "begin", so time cues stay on their moment. An edit that cannot fit (a line too long for
    its gap, two lines at once) is refused with its file, line and key.
    """
    from walkcoach.encode import sheets
    from walkcoach.script import file as scriptfile

    built = scriptfile.render(script_file, output, voice=voice, rate=rate, fmt=fmt)
    _print(f"{built.path}  {sheets.vtt_time(built.timeline.duration_ms)[:8]}  "
           f"({len(built.timeline.cues)} cues; {built.cue_sheet.name}, "
           f"{built.captions.name}, {built.transcript.name})")
