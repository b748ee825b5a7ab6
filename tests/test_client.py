"""Client profiles: clients/NAME.yaml found by --client, their overrides and spoken notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from walkcoach.cli import cli
from walkcoach.content import COMMAND_LINE, find_client, load_client
from walkcoach.errors import ContentError, InputError

PROFILE = """\
# Maria's profile
name: "María"
level: intermediate
setting: floor
spoken_notes:
  - "Use the wall beside you today."
notes: "Left knee replaced in 2025. Never spoken."
"""


@pytest.fixture
def clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A coach's folder with clients/maria.yaml, as the current folder."""
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "maria.yaml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return folder


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach")


def test_a_profile_loads(clients: Path) -> None:
    client = load_client(clients / "maria.yaml")
    assert client.name == "María" and client.level == "intermediate"
    assert client.setting == "floor"
    assert client.spoken_notes == ("Use the wall beside you today.",)
    assert client.notes == "Left knee replaced in 2025. Never spoken."


@pytest.mark.parametrize(("old", "new", "key", "message"), [
    ("level: intermediate", "levle: intermediate", "levle", "unknown key"),
    ('  - "Use the wall beside you today."', '  - "..."', "spoken_notes[0]", "cannot be spoken"),
    ('name: "María"', 'name: "' + "x" * 61 + '"', "name", "at most 60"),
])
def test_a_broken_profile_names_file_line_and_key(clients: Path, old: str, new: str, key: str,
                                                  message: str) -> None:
    path = clients / "maria.yaml"
    text = PROFILE.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_client(path)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if new.strip() in row)
    assert str(info.value).startswith(f"{path}:{line}: {key}: ")
    assert message in str(info.value)


@pytest.mark.parametrize("value", ["maria", "Maria", "María", "clients/maria.yaml"])
def test_client_finds_the_profile(clients: Path, value: str) -> None:
    assert find_client(value, near=[Path.cwd()]).source.path.name == "maria.yaml"


def test_client_looks_beside_the_program_too(clients: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert find_client("maria", near=[elsewhere]).source.path == COMMAND_LINE
    assert find_client("maria", near=[elsewhere, tmp_path]).name == "María"


def test_a_bare_name_still_works(clients: Path) -> None:
    client = find_client("Sam", near=[Path.cwd()])
    assert client.name == "Sam" and client.source.path == COMMAND_LINE


def test_a_missing_profile_file_is_said(clients: Path) -> None:
    with pytest.raises(InputError, match="no client profile"):
        find_client("clients/nobody.yaml")


def test_script_uses_the_profile(clients: Path) -> None:
    """--client maria: greeted by name, the notes said in the intro, the profile's level and
    setting (an explicit --level still wins)."""
    result = _run("script", "--minutes", "1", "--voice", "system", "--client", "maria",
                  "--json")
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(result.stdout)
    assert sheet["client"] == "María"
    assert (sheet["level"], sheet["setting"]) == ("intermediate", "floor")
    intro = [cue["text"] for cue in sheet["cues"] if cue["phase"] == "intro"]
    assert intro[0] == "Hi María." and "Use the wall beside you today." in intro
    assert "Never spoken" not in result.stdout
    result = _run("script", "--minutes", "1", "--voice", "system", "--client", "maria",
                  "--level", "advanced", "--json")
    assert json.loads(result.stdout)["level"] == "advanced"


def test_a_broken_profile_stops_the_build_before_any_work(clients: Path) -> None:
    (clients / "maria.yaml").write_text(PROFILE.replace("level:", "levle:"), encoding="utf-8")
    result = _run("build", "--minutes", "1", "--client", "maria", "-o", "out/t.mp3")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"walkcoach: error: {clients / 'maria.yaml'}:3: levle: ")
    assert not Path("out").exists()


def test_a_program_for_a_profile(clients: Path, tmp_path: Path) -> None:
    """program --client maria: every week for María, in her setting, with her notes; the
    file's own client is replaced."""
    program = tmp_path / "one-week.yaml"
    program.write_text('program: "One week"\ncoach: "Ana"\nexercise: walking-backwards\n'
                       'weeks:\n  - {week: 1, level: beginner, setting: treadmill, minutes: 1,'
                       ' focus: "Just the roll."}\nclient: {name: "Sam", setting: treadmill}\n',
                       encoding="utf-8")
    result = _run("program", str(program), "--client", "maria", "-o", "out", "--voice",
                  "system", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    (sheet_path,) = Path("out").glob("week-01-*.json")
    sheet = json.loads(sheet_path.read_text(encoding="utf-8"))
    assert sheet["client"] == "María" and sheet["setting"] == "floor"
    assert sheet["level"] == "intermediate"
    assert "Use the wall beside you today." in [cue["text"] for cue in sheet["cues"]]


@pytest.mark.parametrize("value", ["x" * 300, "y" * 300 + ".yaml"])
def test_an_overlong_client_is_refused_in_one_line(clients: Path, value: str) -> None:
    result = _run("script", "--minutes", "1", "--voice", "system", "--client", value)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["folder", "device", "dangling link"])
def test_a_profile_that_is_not_a_file_is_an_error(clients: Path, kind: str) -> None:
    """A profile's place taken by a folder, a device or a broken link is reported, not
    silently taken as a bare name (which would lose the client's level and setting)."""
    place = clients / "zed.yaml"
    if kind == "folder":
        place.mkdir()
    elif kind == "device":
        place.symlink_to("/dev/zero")
    else:
        place.symlink_to(clients / "nowhere.yaml")
    result = _run("script", "--minutes", "1", "--voice", "system", "--client", "zed")
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith(f"walkcoach: error: {place}") and \
        result.stderr.count("\n") == 1


def test_script_with_the_short_intro(clients: Path) -> None:
    result = _run("script", "--minutes", "1", "--voice", "system", "--intro", "short",
                  "--json")
    assert result.exit_code == 0, result.stderr
    sheet = json.loads(result.stdout)
    assert sheet["intro"] == "short"
    assert [c["text"] for c in sheet["cues"] if c["phase"] == "safety"] == [
        "If anything hurts, stop right away."]
    result = _run("script", "--intro", "brief")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


@pytest.mark.parametrize("coach", ["Co\x01ach", "Ana\nSouza", "\u202eevil", "C" * 121])
def test_a_coach_name_that_is_not_one_short_line_is_refused(clients: Path, coach: str) -> None:
    result = _run("build", "--minutes", "1", "--voice", "system", "--coach", coach, "-o",
                  "out/t.mp3")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("walkcoach: error: the coach's name ")
    assert result.stderr.count("\n") == 1 and not Path("out").exists()


PROGRAM_TEXT = """\
program: "Plan"
coach: "Ana"
exercise: walking-backwards
weeks:
  - {week: 1, level: beginner, setting: floor, minutes: 1, focus: "Go."}
"""


@pytest.mark.parametrize(("old", "new", "line", "key"), [
    ('program: "Plan"', 'program: "A\\0B plan"', 1, "program"),
    ('coach: "Ana"', 'coach: "X\\aY"', 2, "coach"),
    ('program: "Plan"', 'program: "\\u202eEvil"', 1, "program"),
])
def test_a_program_name_is_one_printable_line(tmp_path: Path, old: str, new: str, line: int,
                                              key: str) -> None:
    """The names shown in tags, on the cover, the page and the feed: control characters
    once crashed the feed writer after every track was built."""
    from walkcoach.content import load_program

    path = tmp_path / "p.yaml"
    path.write_text(PROGRAM_TEXT.replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_program(path)
    assert str(info.value).startswith(f"{path}:{line}: {key}: ")
