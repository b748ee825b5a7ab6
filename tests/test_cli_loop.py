"""walkcoach checkin and walkcoach progress: a code imported once (twice changes nothing),
damaged and foreign codes refused in one line, check-ins kept private beside the profile,
and progress equal to what was logged. No audio: the bundle's token is kept as share keeps it."""

from __future__ import annotations

import datetime
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from loop_support import DAY, PROGRAM

from walkcoach import content
from walkcoach.cli import cli
from walkcoach.share import tokens
from walkcoach.share.checkins import Session, checkin_tag, encode
from walkcoach.share.clients import bundles_of
from walkcoach.share.loop import bundle_release, page_checkins


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A coach's folder with a program and Maria's profile, its own data folder, as cwd."""
    monkeypatch.setenv("WALKCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / "maria.yaml").write_text("name: Maria\n", encoding="utf-8")
    (tmp_path / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    return tmp_path


def share(place: Path, client: str = "maria") -> str:
    """Keep a token as `walkcoach share program.yaml --client CLIENT -o out` does; its tag."""
    spec = content.find_client(client, near=(place,))
    key = tokens.client_key(spec if spec.source.path != content.COMMAND_LINE else spec.name,
                            spec.name, place / "program.yaml", from_program=False)
    kept = tokens.keep(place / "out", place / "program.yaml", key, name=spec.name, start=DAY)
    return checkin_tag(kept.token)


def sessions(*pains: int, week: int = 1) -> list[Session]:
    return [Session(week=week, day=DAY + datetime.timedelta(days=2 * i), pain=pain,
                    effort=4 + i, note="fine" if i == 0 else "") for i, pain in enumerate(pains)]


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="walkcoach")
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def test_a_code_is_imported_once(place: Path) -> None:
    code = encode(sessions(1, 3, 2), tag=share(place))
    first = run("checkin", "maria", code)
    assert first.exit_code == 0, first.stderr
    kept = place / "clients" / "maria.checkins.json"
    assert f"3 sessions: 3 new, 0 changed, 0 already imported -> {kept}" in first.stdout
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    before = kept.read_bytes()
    again = run("checkin", "maria", code.lower().replace("-", " "))
    assert again.exit_code == 0
    assert "3 sessions: 0 new, 0 changed, 3 already imported" in again.stdout
    assert kept.read_bytes() == before
    assert "token" not in before.decode() and json.loads(before)["bundles"]


def test_a_later_code_adds_and_corrects(place: Path) -> None:
    tag = share(place)
    assert run("checkin", "maria", encode(sessions(1, 4), tag=tag)).exit_code == 0
    later = run("checkin", "maria", encode(sessions(1, 2, 2), tag=tag))
    assert "3 sessions: 1 new, 1 changed, 1 already imported" in later.stdout
    assert "release: week 3 once" in later.stdout  # weeks 1 and 2 out


def test_damaged_foreign_and_unknown_codes_are_refused(place: Path) -> None:
    code = encode(sessions(1, 1), tag=share(place))
    kept = place / "clients" / "maria.checkins.json"
    broken = code[:5] + ("0" if code[5] != "0" else "1") + code[6:]
    for args, message in [
        (("maria", broken), "the code has a mistake: check it and try again"),
        (("maria", encode(sessions(1), tag=checkin_tag("Z" * 22))),
         "this code is for another client"),
        (("john", code), "no share bundle was made for 'john'"),
    ]:
        result = run("checkin", *args)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"walkcoach: error: {message}")
        assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not kept.exists()


def test_a_code_for_another_of_the_coachs_clients_is_refused(place: Path) -> None:
    (place / "clients" / "john.yaml").write_text("name: John\n", encoding="utf-8")
    share(place)
    johns = encode(sessions(1), tag=share(place, "john"))
    result = run("checkin", "maria", johns)
    assert result.exit_code == 2 and "this code is for another client" in result.stderr
    assert run("checkin", "john", johns).exit_code == 0
    assert (place / "clients" / "john.checkins.json").exists()
    assert not (place / "clients" / "maria.checkins.json").exists()


def test_a_bare_name_keeps_its_checkins_in_the_data_folder(place: Path) -> None:
    tag = share(place, "Ana")
    result = run("checkin", "Ana", encode(sessions(2, 2), tag=tag))
    assert result.exit_code == 0, result.stderr
    kept = place / "data" / "checkins" / f"{tag}.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert not list((place / "clients").glob("*.json"))
    assert not [p for p in (place / "out").rglob("*") if "checkin" in p.name] \
        if (place / "out").exists() else True


def test_progress_as_json_is_what_was_logged(place: Path) -> None:
    tag = share(place)
    logged = sessions(1, 2, 0) + sessions(4, week=2)
    assert run("checkin", "maria", encode(logged, tag=tag)).exit_code == 0
    result = run("progress", "maria", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["client"] == "Maria" and data["program"] == "Backwards"
    assert data["release"] | {"says": ""} == {"mode": "earned", "released": [1, 2],
                                              "again": 2, "stop": False, "next": 3,
                                              "pain_limit": 5, "says": ""}
    week1, week2, week3 = data["weeks"]
    assert [(s["date"], s["pain"], s["effort"], s["note"]) for s in week1["sessions"]] == [
        (s.day.isoformat(), s.pain, s.effort, s.note) for s in logged[:3]]
    assert week1 | {"sessions": []} == {
        "week": 1, "planned": 3, "done": 3, "released": True, "again": False,
        "pain": {"median": 1.0, "worst": 2}, "effort": {"median": 5.0, "worst": 6},
        "sessions": []}
    assert week2["done"] == 1 and week2["again"] and week2["pain"]["worst"] == 4
    assert week3["done"] == 0 and not week3["released"] and week3["pain"]["median"] is None


def test_progress_as_a_table(place: Path) -> None:
    tag = share(place)
    run("checkin", "maria", encode(sessions(1, 2, 0) + sessions(8, week=2), tag=tag))
    result = run("progress", "maria")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Maria: Backwards (release: earned)"
    assert lines[2].split() == ["1", "3/3", "1/2", "5/6"]
    assert lines[3].split() == ["2", "1/3", "8/8", "4/4"]
    assert lines[4].split() == ["3", "0/3", "-", "-", "not", "out"]
    assert lines[-1].startswith("next: pain of 8 in week 2 is above 5: nothing new")


def test_progress_of_a_client_with_no_bundle_is_refused(place: Path) -> None:
    result = run("progress", "maria")
    assert result.exit_code == 2 and "no share bundle was made for 'Maria'" in result.stderr


def test_progress_picks_a_program_when_there_are_several(place: Path) -> None:
    share(place)
    other = place / "other.yaml"
    other.write_text(PROGRAM.replace("Backwards", "Other"), encoding="utf-8")
    maria = content.find_client("maria", near=(place,))
    tokens.keep(place / "out", other, tokens.client_key(maria, "Maria", other,
                                                         from_program=False), name="Maria")
    result = run("progress", "maria")
    assert result.exit_code == 2 and "2 programs" in result.stderr
    assert "give --program" in result.stderr
    picked = run("progress", "maria", "--program", str(other), "--json")
    assert picked.exit_code == 0 and json.loads(picked.stdout)["program"] == "Other"


def test_the_bundle_asks_which_weeks_are_out(place: Path) -> None:
    tag = share(place)
    program = content.load_program(place / "program.yaml")
    maria = content.find_client("maria", near=(place,))
    (token,) = [b.token for b in bundles_of(maria)]
    assert bundle_release(program, maria, token).weeks == (1,)
    run("checkin", "maria", encode(sessions(1, 1), tag=tag))
    assert bundle_release(program, maria, token).weeks == (1, 2)


def test_a_check_ins_file_that_cannot_be_read_is_one_line(place: Path) -> None:
    tag = share(place)
    kept = place / "clients" / "maria.checkins.json"
    kept.write_text("{not json", encoding="utf-8")
    result = run("checkin", "maria", encode(sessions(1), tag=tag))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "not a check-ins file walkcoach can read" in result.stderr
    assert kept.read_text() == "{not json"
    os.chmod(kept, 0o600)


@pytest.mark.parametrize("command", ["checkin", "progress"])
def test_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "CLIENT" in result.stdout


def test_the_page_gets_what_it_needs_to_make_codes(place: Path) -> None:
    tag = share(place)
    program = content.load_program(place / "program.yaml")
    maria = content.find_client("maria", near=(place,))
    (token,) = [b.token for b in bundles_of(maria)]
    run("checkin", "maria", encode(sessions(1, 1) + sessions(4, week=2), tag=tag))
    assert page_checkins(program, maria, token) == {
        "version": 1, "tag": tag, "pain_limit": 5, "sessions_per_week": 3,
        "release": "earned", "released": [1, 2], "again": 2, "stop": False, "email": None}
