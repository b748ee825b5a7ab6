"""One build's missing phrases spoken over worker processes (walkcoach.build.workers), and a
warm build that loads no voice at all.

Each build runs in a fresh process that reports the modules it imported: a phrase spoken in
that process would have imported the engine there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from walkcoach.build import workers
from walkcoach.process import cores
from walkcoach.voice import PhraseCache, Speaker, VoiceChoice, neural_available

ENGINES = ("onnxruntime", "piper", "pyttsx3", "espeakng_loader")
"""A voice engine's modules: none may be imported by a build whose phrases are all cached."""
UNUSED_WHEN_WARM = (*ENGINES, "PIL", "filelock", "scipy", "multiprocessing")
"""Nor what draws a cover (cached), locks a program's folder, resamples a voice, or runs a
pool of workers."""

_RUN_CLI = """
import json, sys
from walkcoach.cli import main
sys.argv[0] = "walkcoach"
try:
    main()
except SystemExit as end:
    status = end.code
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""

_BUILD = """
import json, sys
from pathlib import Path
from walkcoach.build import session
seen = []
spec = session.make_spec(minutes=1)
speaker = session.make_speaker("neural")
session.build_track(spec, speaker, Path(sys.argv[1]),
                    progress=lambda stage, done, total: seen.append((stage, done, total)))
print(json.dumps({"modules": sorted(sys.modules),
                  "voice": [[done, total] for stage, done, total in seen if stage == "voice"]}))
"""

needs_neural = pytest.mark.skipif(not neural_available(),
                                  reason="the neural voice is not installed")
needs_two_workers = pytest.mark.skipif(cores.cap_jobs(None) < 2,
                                       reason="one core (or too little memory) for two workers")


def _run(code: str, *args: str, cache: Path) -> dict[str, object]:
    env = {**os.environ, "WALKCOACH_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return report


def _walkcoach(*args: str, cache: Path) -> set[str]:
    """Run the command line in a fresh process; the modules it had imported at the end."""
    report = _run(_RUN_CLI, *args, cache=cache)
    assert report["status"] in (0, None), report["status"]
    modules = report["modules"]
    assert isinstance(modules, list)
    return set(modules)


@pytest.mark.e2e
@pytest.mark.parametrize("voice", ["auto", "system"])
def test_a_warm_build_script_and_render_load_no_voice(tmp_path: Path, voice: str) -> None:
    """Once every phrase is cached, `build`, `script` and `render` import no voice engine (and
    no model is loaded), nor Pillow, filelock, scipy or multiprocessing: a cold first run
    fills the cache."""
    cache = Path(os.environ["WALKCOACH_CACHE_DIR"])  # the run's shared cache
    script = tmp_path / "walk.yaml"
    common = ["--minutes", "1", "--voice", voice]
    _walkcoach("script", *common, "-o", str(script), cache=cache)  # warms the cache
    _walkcoach("build", *common, "-o", str(tmp_path / "first.mp3"), cache=cache)
    runs = {
        "build": _walkcoach("build", *common, "-o", str(tmp_path / "warm.mp3"), cache=cache),
        "script": _walkcoach("script", *common, cache=cache),
        "render": _walkcoach("render", str(script), "-o", str(tmp_path / "rendered.mp3"),
                             cache=cache),
    }
    for command, modules in runs.items():
        assert sorted(modules & set(UNUSED_WHEN_WARM)) == [], command
    assert (tmp_path / "warm.mp3").read_bytes() == (tmp_path / "first.mp3").read_bytes()


@pytest.mark.e2e
@needs_neural
@needs_two_workers
def test_a_cold_build_speaks_its_phrases_in_worker_processes(tmp_path: Path) -> None:
    """With an empty cache, the neural voice speaks every missing phrase in worker processes:
    the building process never imports the engine, its progress counts up to every phrase,
    and the track equals the one rebuilt from the cache."""
    cold = _run(_BUILD, str(tmp_path / "cold.mp3"), cache=tmp_path / "cache")
    assert sorted(set(cold["modules"]) & set(ENGINES)) == []  # type: ignore[arg-type]
    voice = cold["voice"]
    assert isinstance(voice, list) and voice
    assert [done for done, _ in voice] == sorted(done for done, _ in voice)
    assert voice[-1][0] == voice[-1][1] and len({total for _, total in voice}) == 1
    assert any(files for _, _, files in os.walk(tmp_path / "cache"))
    warm = _run(_BUILD, str(tmp_path / "warm.mp3"), cache=tmp_path / "cache")
    assert warm["voice"][-1] == voice[-1]  # type: ignore[index]
    assert (tmp_path / "warm.mp3").read_bytes() == (tmp_path / "cold.mp3").read_bytes()


@pytest.mark.e2e
@needs_neural
@needs_two_workers
def test_a_cold_render_speaks_in_worker_processes(tmp_path: Path) -> None:
    """`render` of a script whose phrases are not cached speaks them in worker processes."""
    script = tmp_path / "walk.yaml"
    _walkcoach("script", "--minutes", "1", "--voice", "neural", "-o", str(script),
               cache=Path(os.environ["WALKCOACH_CACHE_DIR"]))
    modules = _walkcoach("render", str(script), "-o", str(tmp_path / "walk.mp3"),
                         cache=tmp_path / "cache")
    assert sorted(modules & set(ENGINES)) == []
    assert (tmp_path / "walk.mp3").stat().st_size > 0


def _speaker(engine: str, tmp_path: Path) -> Speaker:
    def no_engine() -> object:
        raise AssertionError("no engine is started to count workers")

    choice = VoiceChoice(engine=engine, voice=f"{engine}:x",
                         factory=no_engine)  # type: ignore[arg-type]
    return Speaker(choice, cache=PhraseCache(tmp_path))


@pytest.mark.parametrize(("engine", "phrases", "one_core", "allowed", "expected"), [
    ("neural", 40, False, 2, 2),  # one worker per core
    ("neural", 40, False, 8, 8),
    ("neural", 3, False, 8, 3),  # never more workers than phrases
    ("neural", 40, False, 1, 1),  # one core, or memory for one worker: this process
    ("neural", 1, False, 2, 1),  # one phrase: this process
    ("neural", 0, False, 2, 1),
    ("neural", 40, True, 2, 1),  # a batch's worker, already held to one core
    ("system", 40, False, 2, 1),  # the system voice speaks in milliseconds: this process
])
def test_pool_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str, phrases: int,
                   one_core: bool, allowed: int, expected: int) -> None:
    """How many processes speak one build's missing phrases."""
    monkeypatch.setattr(cores, "_one_core", one_core)
    monkeypatch.setattr(cores, "cap_jobs", lambda requested: allowed)
    assert workers.pool_size(_speaker(engine, tmp_path), phrases) == expected


def test_nothing_missing_starts_no_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cached phrases (or none at all) start no worker: the speaker reads them itself."""
    monkeypatch.setattr(cores, "cap_jobs", lambda requested: 2)

    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(workers, "open_pool", no_pool)
    speaker = _speaker("neural", tmp_path)
    speaker.cache.put(speaker.key("Begin."), np.zeros(800, dtype=np.float32))
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    assert workers.speak_missing(speaker, ["Begin.", "Begin."], progress=progress) is False
    assert workers.speak_missing(speaker, [], progress=progress) is False
    assert seen == []
