"""`--cadence off` and `--music none` turn a client profile's metronome or music off for one
build, as `--no-chimes` does for its chimes (issue 22)."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.cli import cli


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    music = tmp_path / "calm.wav"
    with wave.open(str(music), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(22050)
        tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(22050 * 3) / 22050)
        file.writeframes((tone * 32767).astype("<i2").tobytes())
    path = tmp_path / "maria.yaml"
    path.write_text("name: Maria\ncadence: 100\nmusic: calm.wav\n", encoding="utf-8")
    return path


def _about(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["script", "--minutes", "1", "--voice", "system",
                                      "--json", *args])
    assert result.exit_code == 0, result.output
    about: dict[str, object] = json.loads(result.stdout)  # the cue sheet says its sounds
    return about


def test_the_profiles_sounds_unless_turned_off_for_this_build(profile: Path) -> None:
    about = _about("--client", str(profile))
    assert about["cadence"] == 100 and about["music"] == "calm.wav"
    off = _about("--client", str(profile), "--cadence", "off", "--music", "NONE")
    assert off["cadence"] is None and off["music"] is None
    assert _about("--client", str(profile), "--cadence", "90")["cadence"] == 90


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--cadence", "of", "30 to 200 steps a minute, or auto"),
    ("--music", "nothing.mp3", "does not exist"),
])
def test_a_word_that_is_not_off_is_still_refused(option: str, value: str, words: str) -> None:
    result = CliRunner().invoke(cli, ["script", "--minutes", "1", option, value])
    assert result.exit_code == 2 and words in result.output
