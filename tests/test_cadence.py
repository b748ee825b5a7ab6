"""One reader of the step metronome's cadence (walkcoach.plan.cadence.parse_cadence), the same for
``--cadence``, a ``cadence:`` key in a program or client file, and ``make_spec``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from walkcoach.build import session
from walkcoach.cli import cli
from walkcoach.content import load_client
from walkcoach.errors import ContentError, InputError
from walkcoach.plan.cadence import parse_cadence
from walkcoach.plan.model import MAX_CADENCE, MIN_CADENCE

# (as written, what it reads as)
GOOD: list[tuple[object, object]] = [
    ("auto", "auto"), ("AUTO", "auto"), ("Auto", "auto"), (" auto ", "auto"),
    ("80", 80), (" 80 ", 80), ("+80", 80), ("30", 30), ("200", 200), (90, 90),
    (MIN_CADENCE, MIN_CADENCE), (MAX_CADENCE, MAX_CADENCE),
]
BAD: list[object] = ["29", "201", "0", "-60", "500", "fast", "1.5", "8_0", "\u0663\u0660",
                     "auto matic", "", 29, 201, -60, 1.5, 80.0, True, False, None, [80]]


@pytest.mark.parametrize(("value", "expected"), GOOD)
def test_a_cadence_is_a_whole_number_in_range_or_auto_in_any_case(value: object,
                                                                 expected: object) -> None:
    assert parse_cadence(value) == expected


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_refused_with_the_range(value: object) -> None:
    with pytest.raises(InputError) as info:
        parse_cadence(value)
    assert str(info.value).startswith("must be 30 to 200 steps a minute, or auto, not '")


# --- the same everywhere ------------------------------------------------------------------

TEXTS = [value for value, _ in GOOD if isinstance(value, str)] + [
    value for value in BAD if isinstance(value, str) and value.strip()]


def _from_the_option(value: str, monkeypatch: pytest.MonkeyPatch) -> object:
    """What ``--cadence VALUE`` gives make_spec, or the message it is refused with."""
    seen: list[object] = []

    def spy(**kwargs: Any) -> Any:
        seen.append(kwargs.get("cadence"))
        raise InputError("stopped before any work")

    monkeypatch.setattr(session, "make_spec", spy)
    result = CliRunner().invoke(cli, ["script", "--voice", "system", f"--cadence={value}"],
                                prog_name="walkcoach")
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    if seen:
        return seen[0]
    prefix = "walkcoach: error: Invalid value for '--cadence': "
    assert result.stderr.startswith(prefix), result.stderr
    return result.stderr[len(prefix):].split(" (see walkcoach script --help)")[0]


def _from_a_file(value: str, tmp_path: Path) -> object:
    """What ``cadence: 'VALUE'`` in a client profile reads as, or the message it is refused
    with (after its file, line and key)."""
    path = tmp_path / "ann.yaml"
    quoted = value.replace("'", "''")
    path.write_text(f"name: Ann\ncadence: '{quoted}'\n", encoding="utf-8")
    try:
        return load_client(path).cadence
    except ContentError as exc:
        assert (exc.path, exc.line, exc.key) == (path, 2, "cadence")
        return exc.message


def _from_the_library(value: str) -> object:
    try:
        return session.make_spec(cadence=value, setting="floor").cadence
    except InputError as exc:
        message = str(exc)
        assert message.startswith("cadence ")
        return message[len("cadence "):]


@pytest.mark.parametrize("value", TEXTS)
def test_the_option_the_files_and_the_library_read_a_cadence_alike(
        value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same text is the same cadence, or refused with the same words, in all three."""
    try:
        expected: object = parse_cadence(value)
    except InputError as exc:
        expected = str(exc)
    assert _from_a_file(value, tmp_path) == expected
    assert _from_the_library(value) == expected
    assert _from_the_option(value, monkeypatch) == expected


def test_an_int_and_auto_reach_the_session() -> None:
    assert session.make_spec(cadence=75, setting="floor").cadence == 75
    assert session.make_spec(cadence="AUTO", setting="floor").cadence == "auto"
    assert session.make_spec(setting="floor").cadence is None
    with pytest.raises(InputError, match="cadence must be 30 to 200 .* not 'True'"):
        session.make_spec(cadence=True, setting="floor")
