"""Files that must never be lost or silently wrong: hostile output paths, temporaries left by
killed runs, folders a failed build made, and text made safe for every format written."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from mutagen.id3 import ID3
from yaml_edits import one_minute_weeks

from walkcoach.build import outputs, session
from walkcoach.build.program import LOCK, build_program
from walkcoach.cli import cli
from walkcoach.content import TEMPLATES_DIR, load_program
from walkcoach.encode import export, sheets
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.errors import InputError

SESSION = ["--minutes", "1", "--voice", "system", "--seed", "3"]
PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="walkcoach", catch_exceptions=True)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder``: its kind and size, as lstat sees it (links not followed)."""
    return {str(path.relative_to(folder)): (stat.S_IFMT(path.lstat().st_mode), path.lstat().st_size)
            for path in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def short_session() -> tuple[Any, Any]:
    """A 1-minute spec and a system-voice speaker for in-process builds."""
    return session.make_spec(minutes=1), session.make_speaker("system")


# --- hostile output paths: refused before any work --------------------------------------------

def _plant(kind: str, out: Path, outside: Path) -> list[str]:
    """Put something hostile at the output (or a sidecar); the build options that hit it."""
    if kind == "symlink":
        (outside / "precious.txt").write_text("keep me", encoding="utf-8")
        (out / "t.mp3").symlink_to(outside / "precious.txt")
    elif kind == "sidecar symlink":
        (outside / "precious.txt").write_text("keep me", encoding="utf-8")
        (out / "t.vtt").symlink_to(outside / "precious.txt")
    elif kind == "sidecar folder":
        (out / "t.json").mkdir()
    elif kind == "fifo":
        os.mkfifo(out / "t.mp3")
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        # A private copy of /dev/null: the real one must never be put at risk by a test.
        os.mknod(out / "t.mp3", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    options = {"track.json": ["-o", str(out / "track.json"), "--format", "mp3"],
               "t.vtt as wav": ["-o", str(out / "t.vtt"), "--format", "wav"],
               "empty": ["-o", ""]}
    return options.get(kind, ["-o", str(out / "t.mp3")])


@pytest.mark.parametrize(("kind", "words"), [
    ("track.json", "its own sidecar track.json would overwrite it"),
    ("t.vtt as wav", "its own sidecar t.vtt would overwrite it"),
    ("empty", "is empty or a folder"),
    ("symlink", "t.mp3: cannot write: it is a symbolic link, not a regular file"),
    ("sidecar symlink", "t.vtt: cannot write: it is a symbolic link"),
    ("sidecar folder", "t.json: cannot write: it is a folder"),
    ("fifo", "t.mp3: cannot write: it is a named pipe"),
    ("device", "t.mp3: cannot write: it is a device"),
])
def test_hostile_output_is_refused_before_any_work(tmp_path: Path, kind: str, words: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 2 with one line, before a phrase is made (a fresh phrase cache stays empty), and
    nothing written or replaced: a link and what it points to, a pipe, a device stay as
    they were."""
    out, outside, cache = tmp_path / "out", tmp_path / "outside", tmp_path / "cache"
    for folder in (out, outside):
        folder.mkdir()
    monkeypatch.setenv("WALKCOACH_CACHE_DIR", str(cache))
    monkeypatch.chdir(out)  # where `-o ''` would write
    options = _plant(kind, out, outside)
    before = _listing(tmp_path)
    result = _run("build", *SESSION, *options)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("walkcoach: error: ") and words in lines[0]
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert _listing(tmp_path) == before
    assert not cache.exists() or not any(cache.iterdir())
    if (outside / "precious.txt").exists():
        assert (outside / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_a_symlink_in_a_program_folder_is_refused_and_its_target_kept(tmp_path: Path) -> None:
    """The program batch uses the same check: a track replaced by a link fails that week,
    nothing is written through the link, the other week stays; in a folder with no
    manifest, the link is a stranger's file and the run is refused."""
    path = _program(tmp_path, weeks=2)
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    track = out / "week-01-beginner-01min.mp3"
    track.symlink_to(precious)
    with pytest.raises(InputError, match="no walkcoach manifest"):
        build_program(load_program(path), out, voice="system", jobs=1)
    track.unlink()
    build_program(load_program(path), out, voice="system", jobs=1)
    track.unlink()
    track.symlink_to(precious)
    result = build_program(load_program(path), out, voice="system", jobs=1)
    assert [t.status for t in result.tracks] == ["failed", "up to date"]
    assert "week-01-beginner-01min.mp3: cannot write: it is a symbolic link" in str(
        result.tracks[0].error)
    assert track.is_symlink()
    assert precious.read_text(encoding="utf-8") == "keep me"


def _program(folder: Path, *, weeks: int, stem: str = "mine") -> Path:
    """The shipped program cut to its first ``weeks`` weeks, every walk 1 minute."""
    text = PROGRAM.read_text(encoding="utf-8")
    text = one_minute_weeks(text)
    text = text[:text.index(f"  - week: {weeks + 1}")]
    path = folder / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- temporaries of killed runs ---------------------------------------------------------------

def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_removed_and_live_ones_kept(short_session: tuple[Any, Any],
                                                          tmp_path: Path) -> None:
    """A build removes the temporaries of writers that are gone (and unnamed ones a day old),
    never those of a live run."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        planted = {
            f".old.mp3.wc{_dead_pid()}-abc123.part": False,  # its writer is dead
            f".old.json.wc{sleeper.pid}-def456.part": True,  # a live run is writing it
            ".old.vtt.x1y2z3.part": True,  # no process id, fresh: it may be live
            ".older.vtt.a1b2c3.part": False,  # no process id, two days old
            "notes.part": True,  # not a walkcoach temporary
        }
        for name in planted:
            (tmp_path / name).write_bytes(b"half a file")
        two_days_ago = time.time() - 2 * 86_400
        os.utime(tmp_path / ".older.vtt.a1b2c3.part", (two_days_ago, two_days_ago))
        session.build_track(*short_session, tmp_path / "walk.mp3")
        kept = {name for name in planted if (tmp_path / name).exists()}
        assert kept == {name for name, keep in planted.items() if keep}
    finally:
        sleeper.kill()
        sleeper.wait()


def _size(path: Path) -> int:
    """A file's size, 0 if it is gone already."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_run_killed_while_writing_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    """SIGKILL to a real build while its track is being written leaves a temporary (nothing
    can remove it then); the next run into that folder removes it."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "walkcoach", "build", "--minutes", "30", "--voice",
               "system", "-o", str(out / "t.mp3")]
    left: list[str] = []
    for _ in range(3):  # the kill must land while the file is written: retry if it missed
        build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 start_new_session=True)
        deadline = time.monotonic() + 300
        while build.poll() is None and time.monotonic() < deadline:
            if any(map(_size, out.glob(".t.mp3.*.part"))):  # being written (a probe is empty)
                os.killpg(build.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        build.wait(timeout=60)
        left = [p.name for p in out.glob(".*.part")]
        if build.returncode == -signal.SIGKILL and left:
            break
        for path in out.iterdir() if out.exists() else ():
            path.unlink()
    assert left, "the kill never landed while the track was written"
    rerun = subprocess.run([*command[:5], "1", *command[6:]], capture_output=True, text=True,
                           timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert [p.name for p in out.glob(".*.part")] == []
    assert sorted(p.name for p in out.iterdir()) == ["t.json", "t.mp3", "t.txt", "t.vtt"]


# --- folders made by a failed build -----------------------------------------------------------

def test_an_interrupted_build_removes_the_folders_it_made(short_session: tuple[Any, Any],
                                                          tmp_path: Path) -> None:
    """Interrupted after the folders were made: they are removed again; a folder that was
    there before stays."""
    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "encode":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        session.build_track(*short_session, tmp_path / "new" / "deeper" / "walk.mp3",
                            progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_build_removes_only_empty_folders(short_session: tuple[Any, Any],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed sidecar removes the track, then the folder made for it; a folder made by the
    run that something else wrote into meanwhile stays."""
    write_text = export.write_text

    def fail_on_captions(path: Path, text: str) -> None:
        if path.suffix == ".vtt":
            (tmp_path / "new" / "someone-else.txt").write_text("mine", encoding="utf-8")
            raise export.ExportError(f"{path}: cannot write: disk full")
        write_text(path, text)

    monkeypatch.setattr(export, "write_text", fail_on_captions)
    with pytest.raises(export.ExportError, match="disk full"):
        session.build_track(*short_session, tmp_path / "new" / "deeper" / "walk.mp3")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "new", "new/someone-else.txt"]


def test_an_interrupted_program_removes_the_folder_it_made(tmp_path: Path) -> None:
    """Interrupted before any track: the new folder goes, lock file and all."""
    path = _program(tmp_path, weeks=1)

    def interrupt(stage: str, done: int, total: int) -> None:
        assert (tmp_path / "new" / "out" / LOCK).exists()
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_program(load_program(path), tmp_path / "new" / "out", voice="system", jobs=1,
                      progress=interrupt)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# --- text made safe for each format -----------------------------------------------------------

HOSTILE = "Sam\n\nWEBVTT\r\n00:00:00.000 --> 00:00:09.000\u2028<b>Tom & Jerry</b>\x00!"


def _ffmpeg_cues(vtt: Path) -> list[str]:
    """The cue texts of a WebVTT file as ffmpeg's own parser reads them (converted to SRT)."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
                             "-i", str(vtt), "-f", "srt", "pipe:1"], capture_output=True,
                            text=True, check=True)
    blocks = [block.splitlines() for block in result.stdout.strip().split("\n\n") if block]
    return [" ".join(block[2:]) for block in blocks]


def test_names_and_focus_with_line_breaks_keep_every_caption(short_session: tuple[Any, Any],
                                                             tmp_path: Path) -> None:
    """A client name and a focus holding blank lines, an arrow and markup: every cue is
    still one caption (as ffmpeg parses it), on one line, with the text escaped; the cue
    sheet keeps the words exactly."""
    spec, speaker = short_session
    spec = dataclasses.replace(spec, client=HOSTILE, focus=f"Focus.\n\n{HOSTILE}")
    built = session.build_track(spec, speaker, tmp_path / "walk.mp3")
    cues = _ffmpeg_cues(built.captions)
    assert len(cues) == len(built.timeline.cues)
    flat = " ".join(cues)
    assert "Sam WEBVTT 00:00:00.000 --> 00:00:09.000 <b>Tom & Jerry</b> !" in flat
    sheet = json.loads(built.cue_sheet.read_text(encoding="utf-8"))
    assert sheet["client"] == HOSTILE and sheet["focus"] == f"Focus.\n\n{HOSTILE}"


@pytest.mark.parametrize("fmt", ["mp3", "m4a"])
def test_tags_with_nul_and_newlines_are_one_clean_value(short_session: tuple[Any, Any],
                                                        tmp_path: Path, fmt: str) -> None:
    """A NUL would split an ID3 value (and ffmpeg cannot take it at all); a newline would
    make a multi-line title: each tag is written as one clean line."""
    spec, speaker = short_session
    # Names given by hand are refused before this (walkcoach.text.label_problem); the writer
    # makes whatever reaches it safe all the same.
    tags = {**session.track_tags(spec, artist="Coach"), "artist": "Coach\x00Evil\nLine",
            "title": "Walk\r\n\nTwo"}
    built = session.build_track(spec, speaker, tmp_path / f"walk.{fmt}", tags=tags)
    if fmt == "mp3":
        read = ID3(built.path)
        assert read["TPE1"].text == ["Coach Evil Line"] and read["TIT2"].text == ["Walk Two"]
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(built.path),
                            "-f", "ffmetadata", "pipe:1"], capture_output=True, text=True,
                           check=True)
    assert "artist=Coach Evil Line\n" in probe.stdout and "title=Walk Two\n" in probe.stdout


@pytest.mark.parametrize(("text", "safe"), [
    ("plain words", "plain words"),
    ("a\nb", "a b"), ("a \r\n\n b", "a b"), ("a\u2028b\u2029c\x85d", "a b c d"),
    ("nul\x00here", "nul here"), ("bad \udcff byte", "bad \ufffd byte"),
])
def test_one_line(text: str, safe: str) -> None:
    """Every line break and control character becomes one space; undecodable bytes U+FFFD."""
    assert sheets.one_line(text) == safe
    assert sheets.m3u_text(text) == sheets.tag_text(text) == safe


# --- files that are not walkcoach's: never replaced ----------------------------------------

def _strangers(name: str) -> bytes:
    """What a user keeps under a track's name or a sidecar's (nothing walkcoach wrote)."""
    return {"zoe.txt": b"Zoe: knee still sore, go gently\n",
            "zoe.vtt": b"WEBVTT\n\n00:00.000 --> 00:05.000\nmy own captions\n",
            "zoe.json": json.dumps({"version": 2, "notes": "mine", "duration_ms": 1}).encode(),
            "zoe.mp3": os.urandom(4096)}[name]


@pytest.mark.parametrize("name", ["zoe.txt", "zoe.vtt", "zoe.json", "zoe.mp3"])
def test_a_file_walkcoach_did_not_make_is_refused_and_kept(
        tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's file at the track's name or a sidecar's, with no walkcoach cue sheet beside
    it (a JSON file with some of its keys is not one): exit 2 with one line naming it,
    before a phrase is made, and the file byte for byte as it was."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("WALKCOACH_CACHE_DIR", str(cache))
    out = tmp_path / "out"
    out.mkdir()
    mine = _strangers(name)
    (out / name).write_bytes(mine)
    before = _listing(tmp_path)
    result = _run("build", "--voice", "system", "--minutes", "1", "-o", str(out / "zoe.mp3"))
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr == (f"walkcoach: error: {out / name} already exists and was not made "
                             "by walkcoach (move it, or choose another name)\n")
    assert result.stdout == ""
    assert (out / name).read_bytes() == mine
    assert _listing(tmp_path) == before
    assert not cache.exists() or not any(cache.iterdir())


def test_a_users_transcript_beside_a_foreign_track_names_the_track(tmp_path: Path) -> None:
    """Several files in the way: the line names the first of the track and its sidecars."""
    (tmp_path / "zoe.mp3").write_bytes(_strangers("zoe.mp3"))
    (tmp_path / "zoe.txt").write_bytes(_strangers("zoe.txt"))
    with pytest.raises(InputError, match=r"zoe\.mp3 already exists and was not made by "):
        outputs.check_output(tmp_path / "zoe.mp3")


def test_a_cue_sheet_too_large_to_be_walkcoachs_is_not_trusted(tmp_path: Path) -> None:
    """A JSON file with the cue sheet's keys but larger than any cue sheet is not read whole,
    and is not taken for one."""
    padding = " " * (5 << 20)
    (tmp_path / "zoe.json").write_text(
        f'{{"version": 1, "cues": [], "duration_ms": 1{padding}}}', encoding="utf-8")
    with pytest.raises(InputError, match=r"zoe\.json already exists and was not made"):
        outputs.check_output(tmp_path / "zoe.mp3")


@pytest.mark.e2e
def test_a_rebuild_over_walkcoachs_own_track_replaces_it(tmp_path: Path) -> None:
    """The track, cue sheet, captions and transcript of an earlier build are walkcoach's: a
    rebuild of the same track replaces them. A build as WAV (or with no suffix) beside them
    would replace the MP3's sidecars, which its cue sheet says are the MP3's: refused, with
    nothing changed."""
    out = tmp_path / "zoe.mp3"
    first = _run("build", *SESSION, "-o", str(out))
    assert first.exit_code == 0, first.output
    sheet = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert sheet["track"] == "zoe.mp3"
    again = _run("build", *SESSION, "--seed", "4", "-o", str(out))
    assert again.exit_code == 0, again.output
    assert json.loads(out.with_suffix(".json").read_text(encoding="utf-8")) != sheet
    before = _contents(tmp_path)
    for other in ("zoe.wav", "zoe"):
        refused = _run("build", *SESSION, "-o", str(tmp_path / other))
        assert refused.exit_code == 2, refused.output
        assert refused.stderr == (
            f"walkcoach: error: {out.with_suffix('.json')} is the cue sheet of 'zoe.mp3', "
            f"which is still there: a build of {other} would replace its cue sheet, captions "
            "and transcript (choose another name)\n")
        assert _contents(tmp_path) == before


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` (not below it), byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def _sheet(folder: Path, stem: str, **about: Any) -> None:
    """A cue sheet walkcoach wrote, ``stem``.json (``track``: the track it was written
    beside, from version 4 on), with the captions and transcript beside it."""
    (folder / f"{stem}.json").write_text(json.dumps(
        {"version": 4, **about, "duration_ms": 60_000, "cues": []}), encoding="utf-8")
    (folder / f"{stem}.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (folder / f"{stem}.txt").write_text("0:00  Hello.\n", encoding="utf-8")


# (the track there, what its cue sheet names, the build asked for, the start of the one line)
ANOTHER_TRACKS = [
    ("f.MP3", "f.MP3", "f.wav", "{folder}/f.json is the cue sheet of 'f.MP3', which is still "
     "there: a build of f.wav would replace its cue sheet, captions and transcript"),
    ("f.mp3", "f.mp3", "f", "{folder}/f.json is the cue sheet of 'f.mp3', which is still "
     "there: a build of f would replace"),
    # A track the user put beside walkcoach's own sidecars of another track: not ours.
    ("x.mp3", "x.wav", "x.mp3", "{folder}/x.mp3 already exists and was not made by walkcoach: "
     "x.json beside it is the cue sheet of 'x.wav'"),
    ("x.mp3", "../x.mp3", "x.m4a", "{folder}/x.json is the cue sheet of '../x.mp3', not of "
     "x.m4a"),
]


@pytest.mark.parametrize(("there", "named", "build", "message"), ANOTHER_TRACKS)
def test_sidecars_of_another_track_are_never_replaced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, there: str, named: str, build: str,
        message: str) -> None:
    """The cue sheet says whose the sidecars are: a build of another name beside them, or
    over a track that is not the one the sheet names, exits 2 with one line naming the file
    and why, before any work, and changes nothing on disk."""
    monkeypatch.setenv("WALKCOACH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / there).write_bytes(b"ID3" + os.urandom(2048))
    _sheet(folder, Path(there).stem, track=named)
    before = _listing(tmp_path), _contents(folder)
    with pytest.raises(InputError) as info:
        outputs.check_output(folder / build)
    assert str(info.value).startswith(message.format(folder=folder)), str(info.value)
    result = _run("build", "--voice", "system", "--minutes", "1", "-o", str(folder / build))
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr == f"walkcoach: error: {info.value}\n"
    assert (_listing(tmp_path), _contents(folder)) == before


def test_the_same_track_or_an_older_sheet_is_rebuilt_in_place(tmp_path: Path) -> None:
    """Rebuilding the track the sheet names is allowed; so is a track beside a sheet before
    version 4 (which names none: it is read as it always was), and a build beside the
    sidecars of a track that is gone (they are left over, and replaced)."""
    (tmp_path / "f.mp3").write_bytes(b"ID3")
    _sheet(tmp_path, "f", track="f.mp3")
    outputs.check_output(tmp_path / "f.mp3")
    (tmp_path / "f.json").write_text(json.dumps({"version": 3, "duration_ms": 1, "cues": []}),
                                     encoding="utf-8")
    outputs.check_output(tmp_path / "f.mp3")
    _sheet(tmp_path, "g", track="g.wav")  # and no g.wav
    outputs.check_output(tmp_path / "g.mp3")
    outputs.check_output(tmp_path / "g")


def _case_insensitive_samefile(one: str | os.PathLike[str], other: str | os.PathLike[str],
                                ) -> bool:
    """os.path.samefile as a case-insensitive disk (macOS, Windows) answers it."""
    first, second = Path(one), Path(other)
    return (first.parent == second.parent and first.name.lower() == second.name.lower()
            and (first.exists() or second.exists()))


@pytest.mark.parametrize("disk", ["hard link", "case-insensitive"])
def test_a_rebuild_named_in_another_case_is_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, disk: str) -> None:
    """-o f.MP3 beside the v4 cue sheet of f.mp3, where the two names are one file (on a
    case-insensitive disk; here a hard link, or samefile answering as such a disk does), is
    a rebuild of that track in place: allowed. Where they are two files it is refused."""
    (tmp_path / "f.mp3").write_bytes(b"ID3" + os.urandom(64))
    _sheet(tmp_path, "f", track="f.mp3")
    if disk == "hard link":
        os.link(tmp_path / "f.mp3", tmp_path / "f.MP3")
    else:
        monkeypatch.setattr(os.path, "samefile", _case_insensitive_samefile)
        (tmp_path / "f.MP3").write_bytes((tmp_path / "f.mp3").read_bytes())
    outputs.check_output(tmp_path / "f.MP3")
    outputs.check_output(tmp_path / "f.MP3", fmt="mp3")
    with pytest.raises(InputError, match=r"f\.json is the cue sheet of 'f\.mp3', which is "
                                         r"still there: a build of f\.wav"):
        outputs.check_output(tmp_path / "f.wav")  # another track, whatever the disk
    monkeypatch.undo()
    (tmp_path / "f.MP3").unlink()
    (tmp_path / "f.MP3").write_bytes(b"ID3")  # now two files: not the sheet's track
    with pytest.raises(InputError, match=r"f\.MP3 already exists and was not made by "
                                         r"walkcoach: f\.json beside it is the cue sheet of "
                                         r"'f\.mp3'"):
        outputs.check_output(tmp_path / "f.MP3")


def test_session_still_offers_the_output_checks() -> None:
    """The checks moved to walkcoach.build.outputs; callers of walkcoach.build.session keep them."""
    assert session.check_output is outputs.check_output
    assert session.sidecar_paths is outputs.sidecar_paths
    assert session.SIDECARS is outputs.SIDECARS
    assert set(session.__all__) >= set(outputs.__all__)
    assert all(hasattr(session, name) for name in session.__all__)


def test_a_sheet_whose_track_is_not_a_name_is_not_walkcoachs(tmp_path: Path) -> None:
    _sheet(tmp_path, "f", track=["f.mp3"])
    with pytest.raises(InputError, match=r"f\.json already exists and was not made by"):
        outputs.check_output(tmp_path / "f.mp3")


@pytest.mark.e2e
def test_a_program_rebuilds_a_track_whose_cue_sheet_is_gone(tmp_path: Path) -> None:
    """In a program's folder, the manifest says whose the files are: a track whose cue sheet
    was deleted is rebuilt whole, not refused."""
    path = _program(tmp_path, weeks=1)
    out = tmp_path / "out"
    build_program(load_program(path), out, voice="system", jobs=1)
    (out / "week-01-beginner-01min.json").unlink()
    result = build_program(load_program(path), out, voice="system", jobs=1)
    assert [t.status for t in result.tracks] == ["built"]
    assert (out / "week-01-beginner-01min.json").is_file()


# --- the format and the file name agree ------------------------------------------------------

@pytest.mark.parametrize("command", ["build", "render"])
def test_a_format_the_file_name_contradicts_is_refused(tmp_path: Path, command: str) -> None:
    """--format m4a -o f.mp3 would write M4A data named .mp3: exit 2, one line, no file."""
    script = tmp_path / "s.yaml"
    if command == "render":
        made = _run("script", "--voice", "system", "--minutes", "1", "-o", str(script))
        assert made.exit_code == 0, made.output
        args = ["render", str(script)]
    else:
        args = ["build", *SESSION]
    out = tmp_path / "out" / "f.mp3"
    result = _run(*args, "--format", "m4a", "-o", str(out))
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr == (f"walkcoach: error: {out}: the name says mp3 but the format asked "
                             "for is m4a: name it f.m4a, or leave out --format\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "fmt", "refused"), [
    ("f.mp3", "m4a", True), ("f.m4a", "wav", True), ("F.WAV", "mp3", True),
    ("f.m4a", "m4a", False), ("F.MP3", "mp3", False), ("f", "m4a", False),
    ("f.ogg", "mp3", False), ("f.mp3", None, False),
])
def test_only_a_known_audio_suffix_must_match_the_format(tmp_path: Path, name: str,
                                                         fmt: str | None,
                                                         refused: bool) -> None:
    """An audio suffix names its format; any other suffix, or none, takes the one given."""
    if refused:
        with pytest.raises(InputError, match="the name says"):
            outputs.check_output(tmp_path / name, fmt=fmt)
    else:
        outputs.check_output(tmp_path / name, fmt=fmt)
