"""Signals sent to real process groups while phrases are being synthesized, and --jobs.

A terminal's Ctrl-C reaches every process of the group (the CLI and its batch workers), a
service manager's SIGTERM too. However many arrive, and whenever, the run ends within
seconds: status 130 for Ctrl-C, 143 for SIGTERM, one line on stderr, no partial file, no
worker left behind. Each run starts with an empty phrase cache, so the voice is really at
work (the neural one when installed: worker processes for a batch and for one track).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from yaml_edits import one_minute_weeks

from walkcoach.content import TEMPLATES_DIR
from walkcoach.process import cores, interrupts
from walkcoach.voice import neural_available

pytestmark = pytest.mark.skipif(sys.platform == "win32",
                                reason="Ctrl-C and SIGTERM are process-group signals on POSIX")

PROGRAM = TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml"
MESSAGES = {signal.SIGINT: (130, "walkcoach: interrupted; no partial files were left\n"),
            signal.SIGTERM: (143, "walkcoach: terminated; no partial files were left\n")}


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped program cut to its first two weeks, one minute each."""
    text = PROGRAM.read_text(encoding="utf-8")
    text = one_minute_weeks(text[:text.index("  - week: 3")])
    path = tmp_path_factory.mktemp("program") / "two-weeks.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _start(args: list[str], cache: Path) -> subprocess.Popen[str]:
    """The CLI in its own process group with an empty phrase cache of its own."""
    env = {**os.environ, "WALKCOACH_CACHE_DIR": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "walkcoach", *args], text=True, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def _when_synthesizing(run: subprocess.Popen[str], cache: Path, *, phrase: bool = False) -> None:
    """Wait until the first file is in the cache (with ``phrase``, the first phrase, not
    the track's cover): the voice is at work."""
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline \
            and not any(name.endswith(".pcm") or not phrase
                        for _, _, files in os.walk(cache) for name in files):
        time.sleep(0.01)
    assert run.poll() is None, "the run ended before it could be stopped"


def _finish(run: subprocess.Popen[str], what: str) -> str:
    """The run's stderr once it has ended, within 10 s (else it is killed and the test fails)."""
    try:
        return run.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        run.communicate()
        pytest.fail(f"still running (or its workers) 10 s after {what}")


def _alive_in_group(group: int) -> list[int]:
    """Processes of ``group`` still running (zombies waiting for init are not counted)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, ...
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def _partial_files(folder: Path) -> list[str]:
    """Temporary files, and tracks without both sidecars: none may be left."""
    if not folder.exists():
        return []
    names = set(os.listdir(folder))
    partial = [name for name in names if name.endswith(".part") or ".part" in name]
    for name in names:
        if name.endswith(".mp3"):
            stem = name[:-len(".mp3")]
            if not {f"{stem}.json", f"{stem}.vtt"} <= names:
                partial.append(name)
    return partial


@pytest.mark.e2e
@pytest.mark.parametrize(("command", "signum", "times"), [
    ("program", signal.SIGINT, 2),  # idle workers used to keep the batch waiting for ever
    ("build", signal.SIGINT, 3),  # phrase threads in native code used to abort the exit
    ("program", signal.SIGTERM, 1),
    ("build", signal.SIGTERM, 2),
], ids=lambda value: value.name if isinstance(value, signal.Signals) else str(value))
def test_signals_during_cold_synthesis_end_the_run_cleanly(
        tmp_path: Path, two_weeks: Path, command: str, signum: signal.Signals,
        times: int) -> None:
    """The signal ``times`` times to the whole process group, a tenth of a second apart,
    once synthesis has started: the run ends within seconds with the right status and one
    line, leaves no partial file, and no worker lives on."""
    out = tmp_path / "out"
    args = ["program", str(two_weeks), "-o", str(out), "--jobs", "2"] if command == "program" \
        else ["build", "--minutes", "1", "-o", str(out / "track.mp3")]
    run = _start(args, tmp_path / "cache")
    _when_synthesizing(run, tmp_path / "cache")
    for _ in range(times):
        os.killpg(run.pid, signum)
        time.sleep(0.1)
    err = _finish(run, f"{times} x {signum.name}")
    status, message = MESSAGES[signum]
    assert (run.returncode, err) == (status, message)
    assert _partial_files(out) == []
    if sys.platform.startswith("linux"):
        time.sleep(0.2)  # the workers are reaped by now
        assert _alive_in_group(run.pid) == []


@pytest.mark.e2e
@pytest.mark.skipif(not neural_available() or cores.cap_jobs(None) < 2,
                    reason="phrases are spoken in worker processes with the neural voice and "
                           "two cores")
@pytest.mark.parametrize(("command", "signum", "times"), [
    ("build", signal.SIGINT, 2),
    ("build", signal.SIGTERM, 1),
    ("render", signal.SIGTERM, 2),
    ("script", signal.SIGINT, 1),
], ids=lambda value: value.name if isinstance(value, signal.Signals) else str(value))
def test_signals_while_workers_speak_one_cold_track(tmp_path: Path, command: str,
                                                    signum: signal.Signals,
                                                    times: int) -> None:
    """One track's missing phrases are spoken by worker processes (build, render and script
    alike): the signal ``times`` times to the group while they speak ends the run within
    seconds, with the right status and one line, no partial file, and no worker left."""
    out = tmp_path / "out"
    voice = ["--voice", "neural"]
    if command == "render":
        script = tmp_path / "walk.yaml"
        subprocess.run([sys.executable, "-m", "walkcoach", "script", "--minutes", "2", *voice,
                        "-o", str(script)], check=True, capture_output=True)  # shared cache
        args = ["render", str(script), "-o", str(out / "walk.mp3")]
    else:
        name = "walk.yaml" if command == "script" else "walk.mp3"
        args = [command, "--minutes", "2", *voice, "-o", str(out / name)]
    run = _start(args, tmp_path / "cache")
    _when_synthesizing(run, tmp_path / "cache", phrase=True)
    if sys.platform.startswith("linux"):
        assert len(_alive_in_group(run.pid)) >= 3, "the phrases are not spoken by workers"
    for _ in range(times):
        os.killpg(run.pid, signum)
        time.sleep(0.1)
    err = _finish(run, f"{times} x {signum.name}")
    assert (run.returncode, err) == MESSAGES[signum]
    assert _partial_files(out) == []
    assert not (out / "walk.yaml").exists() and not (out / "walk.mp3").exists()
    if sys.platform.startswith("linux"):
        time.sleep(0.2)  # the workers are reaped by now
        assert _alive_in_group(run.pid) == []


@pytest.mark.e2e
def test_sigterm_to_the_batch_alone_stops_its_workers_mid_track(tmp_path: Path,
                                                               two_weeks: Path) -> None:
    """SIGTERM to the batch's own process only (as `kill PID` or a container stop sends it)
    while its workers write tracks: it stops them, their temporary files go, status 143.
    The system voice: its engine loaded here, the workers are spawned, not forked."""
    cache = tmp_path / "cache"
    args = ["program", str(two_weeks), "--jobs", "2", "--voice", "system", "-o"]
    warm = _start([*args, str(tmp_path / "warm")], cache)
    assert warm.communicate(timeout=600)[0].startswith("2 tracks: 2 built"), warm.stderr
    out = tmp_path / "out"
    run = _start([*args, str(out)], cache)
    deadline = time.monotonic() + 120
    while run.poll() is None and time.monotonic() < deadline \
            and not (out.exists() and any(".part" in name for name in os.listdir(out))):
        time.sleep(0.005)
    assert run.poll() is None, "the batch ended before a track was being written"
    os.kill(run.pid, signal.SIGTERM)
    err = _finish(run, "SIGTERM")
    assert (run.returncode, err) == MESSAGES[signal.SIGTERM]
    assert _partial_files(out) == []
    if sys.platform.startswith("linux"):
        time.sleep(0.2)
        assert _alive_in_group(run.pid) == []


def test_jobs_above_the_cores_are_lowered_with_a_note(tmp_path: Path, two_weeks: Path) -> None:
    """--jobs 40 on this machine runs one worker per core at most (or fewer, as the free
    memory allows), says so in one note, and builds the program."""
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "walkcoach", "program", str(two_weeks), "-o",
                          str(out), "--jobs", "40", "--voice", "system"],
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr
    notes = [line for line in run.stderr.splitlines() if "jobs lowered" in line]
    assert len(notes) == 1, run.stderr
    assert re.fullmatch(r"walkcoach: note: jobs lowered from 40 to \d+: .+", notes[0])
    assert run.stdout.startswith("2 tracks: 2 built")


def test_held_signals_arrive_when_the_cleanup_is_done() -> None:
    """A Ctrl-C during a held cleanup does not cut it short, and is not lost: it is raised
    as the cleanup ends. SIGTERM, made an exception, is held the same way."""
    finished = []
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), interrupts.held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # a signal is handled between two bytecodes: here, at the latest
        finished.append("cleanup")
    assert finished == ["cleanup"]
    with pytest.raises(interrupts.Terminated), interrupts.sigterm_raises():
        with interrupts.held():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            finished.append("again")
    assert finished == ["cleanup", "again"]
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.parametrize(("signum", "delay"), [
    (signal.SIGINT, 0.15), (signal.SIGINT, 0.3),
    (signal.SIGTERM, 0.15),
], ids=lambda value: value.name if isinstance(value, signal.Signals) else f"{value}s")
def test_a_signal_while_walkcoach_starts_ends_it_quietly(tmp_path: Path,
                                                         signum: signal.Signals,
                                                         delay: float) -> None:
    """Ctrl-C or SIGTERM in the first third of a second, while the modules import and the
    command line is parsed: the usual status and one line, no traceback, no file."""
    out = tmp_path / "out"
    run = _start(["build", "--minutes", "1", "--voice", "system", "-o", str(out / "t.mp3")],
                 tmp_path / "cache")
    time.sleep(delay)
    os.kill(run.pid, signum)
    err = _finish(run, f"{signum.name} after {delay} s")
    assert "Traceback" not in err
    assert (run.returncode, err) == MESSAGES[signum]
    assert not out.exists()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_a_signal_while_a_finished_command_exits_is_ignored(signum: signal.Signals) -> None:
    """A stop signal landing in an exit handler (as the system voice's, which collects its
    engine) once the command has finished: ignored, so the run ends as it would have, with
    status 0 and nothing on stderr (not "Exception ignored in atexit callback")."""
    code = ("import atexit, os, signal, sys, time\n"
            f"atexit.register(lambda: (os.kill(os.getpid(), {int(signum)}), time.sleep(0.2)))\n"
            "sys.argv = ['walkcoach', 'exercises']\n"
            "from walkcoach.cli import main\n"
            "main()\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    assert (run.returncode, run.stderr) == (0, "")
    assert run.stdout


def test_a_ctrl_c_that_ends_string_code_still_exits_130(tmp_path: Path) -> None:
    """A Ctrl-C that lands while a module runs code from a string (a dataclass being made as
    it imports) is caught like any other: ``python -m walkcoach`` exits 130 with its line, not
    killed by SIGINT (CPython's note of an "unhandled" interrupt is cleared before exit)."""
    (tmp_path / "ctrl_c_in_string_code.py").write_text(
        "import sys\n"
        "from walkcoach.cli import app\n"
        "@app.cli.command('stopped')\n"
        "@app._report_errors\n"
        "def stopped():\n"
        "    exec('raise KeyboardInterrupt', {})\n"
        "sys.argv = ['walkcoach', 'stopped']\n"
        "app.main()\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "ctrl_c_in_string_code"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60, check=False)
    assert (run.returncode, run.stderr) == MESSAGES[signal.SIGINT]
