"""The loop back from the client: a check-in code imported, and the client's progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from walkcoach.cli.app import _print, _report_errors, cli

if TYPE_CHECKING:
    from walkcoach.plan.model import ClientSpec
    from walkcoach.share.progress import Progress

_CLIENT_ARG = click.argument("client_name", metavar="CLIENT")


def _find_client(value: str) -> ClientSpec:
    """The client CLIENT names, as --client finds one: clients/NAME.yaml here, a profile
    file, or a bare name."""
    from walkcoach import content

    return content.find_client(value, near=(Path.cwd(),))


@cli.command("checkin")
@_CLIENT_ARG
@click.argument("code", nargs=-1, required=True)
@_report_errors
def checkin(client_name: str, code: tuple[str, ...]) -> None:
    """Import a check-in code a client sent from their page.

    CLIENT is the client the bundle was made for, as `walkcoach share --client` took it (a
    profile, clients/NAME.yaml here or a YAML file, or a name). CODE is the code as sent
    (dashes and spaces do not matter). The same code imported twice changes nothing; a
    damaged code, or one of another client, is refused.
    """
    from walkcoach.share import loop

    result = loop.import_checkin(_find_client(client_name), " ".join(code))
    merged = result.merged
    _print(f"{result.sessions} sessions: {merged.added} new, {merged.changed} changed, "
           f"{merged.same} already imported -> {merged.path}")
    if result.release is not None:
        _print(f"release: {result.release.says}")


@cli.command("progress")
@_CLIENT_ARG
@click.option("--program", "-p", default=None, metavar="PROGRAM",
              help="The program (a file, or a shipped name) when the client has bundles of "
              "more than one.")
@click.option("--json", "as_json", is_flag=True, help="Print the progress as JSON.")
@_report_errors
def progress(client_name: str, program: str | None, as_json: bool) -> None:
    """Show a client's progress: per week, sessions planned and done, pain and effort
    (median and worst), and what is released next.

    CLIENT is as for `walkcoach checkin`.
    """
    from walkcoach.share import loop

    result = loop.client_progress(_find_client(client_name), program=program)
    if as_json:
        _print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    _print("\n".join(_table(result)))


def _table(result: Progress) -> list[str]:
    """The progress as a small table, a week a line."""
    def pair(median: float | None, worst: int | None) -> str:
        return "-" if median is None else f"{median:g}/{worst}"

    lines = [f"{result.client}: {result.program} (release: {result.release.mode})",
             "week  done  pain med/worst  effort med/worst"]
    for week in result.weeks:
        state = "again" if week.again else "" if week.released else "not out"
        planned = "-" if week.planned is None else str(week.planned)
        lines.append(f"{week.week:>4}  {f'{week.done}/{planned}':>4}  "
                     f"{pair(week.median('pain'), week.worst('pain')):>14}  "
                     f"{pair(week.median('effort'), week.worst('effort')):>16}  {state}".rstrip())
    lines.append(f"next: {result.release.says}")
    return lines
