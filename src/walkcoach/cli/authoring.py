"""What a coach looks up and checks: exercises, voices, validate, schema, init."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from walkcoach.cli.app import _print, _report_errors, cli, shell_word


@cli.command()
@_report_errors
def exercises() -> None:
    """List the exercises walkcoach ships, each with its role (work, recovery or rest)."""
    from walkcoach import content

    for name in content.exercise_names():
        exercise = content.find_exercise(name)
        _print(f"{name:20} {'(' + exercise.role + ')':11} {exercise.summary}")


@cli.command()
@_report_errors
def programs() -> None:
    """List the programs walkcoach ships: `walkcoach program NAME` builds one."""
    from walkcoach import content

    for name in content.program_names():
        loaded = content.load_program(content.find_program(name))
        _print(f"{name:28} {len(loaded.weeks)} weeks  {loaded.name}")


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...",
                type=click.Path(path_type=Path))
@_report_errors
def validate(files: tuple[Path, ...]) -> None:
    """Check exercises, programs, client profiles, session templates and lexicons, without
    making audio.

    Every problem of every file is reported at once, one line each: FILE:LINE: KEY.PATH:
    what is wrong (what is expected). A good file is reported as FILE: ok. Exit status 2
    when any file has a problem.
    """
    from walkcoach import authoring

    reports = authoring.validate_files(files)
    for report in reports:
        for line in report.lines():
            _print(line)
    if not all(report.ok for report in reports):
        sys.exit(2)


@cli.command("schema")
@click.argument("kind", metavar="KIND")
@_report_errors
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a kind of file: exercise, program, client, session or
    lexicon (editors use it to complete and check the YAML as you type)."""
    from walkcoach import authoring

    _print(authoring.schema_text(kind), nl=False)


@cli.command("init")
@click.argument("kind", metavar="KIND")
@click.argument("name", metavar="NAME")
@click.option("--output", "-o", type=click.Path(), default=None,
              help="The file to write (or a folder for NAME.yaml) [default: NAME.yaml here].")
@_report_errors
def init_command(kind: str, name: str, output: str | None) -> None:
    """Write a commented starting file: KIND is exercise, program or client.

    The file validates and builds as it is, and never replaces an existing one; its first
    line points editors at the schema.
    """
    from walkcoach import authoring

    path = authoring.init_file(kind, name, output)
    _print(f"{path}: written; check it with `walkcoach validate {shell_word(path)}`")


@cli.command()
@_report_errors
def voices() -> None:
    """List the voices of every installed engine, with the ids --voice takes."""
    from walkcoach.voice import list_voices

    for info in list_voices():
        _print(f"{info.id:40} {info.language:10} {info.name}")
