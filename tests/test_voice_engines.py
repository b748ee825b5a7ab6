"""The voice engines themselves: the system voice never stalls, the neural one stays quiet on
stderr, and their errors quote a phrase by a short excerpt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from walkcoach.errors import EngineError
from walkcoach.voice import neural_available

LINUX = sys.platform.startswith("linux")
# Cold phrases (none cached: the engine is called directly), each process its own engine.
_MANY = """
from walkcoach.voice import system
engine = system.SystemEngine()
voice = engine.default_voice()
for i in range({count}):
    engine.synthesize(f"Phrase {{i}} of run {run}: keep walking backwards, slowly.",
                      voice=voice, rate=(1.0, 1.25)[i % 2])
print(system.retries())
"""
# An earlier utterance is still being spoken when the phrase is asked for.
_BUSY = """
from walkcoach.voice import system
engine = system.SystemEngine()
voice = engine.default_voice()
alone = engine.synthesize("Keep walking backwards.", voice=voice, rate=1.0)[0].size
# The library walkcoach loaded for pyttsx3 (once the engine started), driven directly.
from pyttsx3.drivers import _espeak
for _ in range(8):
    _espeak.Synth("An earlier line is still being spoken here. " * 3, flags=_espeak.CHARS_UTF8)
    size = engine.synthesize("Keep walking backwards.", voice=voice, rate=1.0)[0].size
    assert abs(size - alone) < alone // 50, (size, alone)
print(system.retries())
"""


def _python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code], text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _retries(run: subprocess.Popen[str]) -> int:
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    return int(out.split()[-1])


@pytest.mark.e2e
@pytest.mark.skipif(not LINUX, reason="the espeak-ng driver is the Linux system voice")
def test_cold_system_voice_phrases_never_stall() -> None:
    """Three processes side by side (a busy machine) each say 150 new phrases: not one is
    asked for twice. espeak used to be cancelled by pyttsx3 just as it began a phrase (about
    one phrase in a hundred under load, one cold build in four): two seconds lost and a
    retry each time."""
    runs = [_python(_MANY.format(count=150, run=run)) for run in range(3)]
    assert [_retries(run) for run in runs] == [0, 0, 0]


@pytest.mark.e2e
@pytest.mark.skipif(not LINUX, reason="the espeak-ng driver is the Linux system voice")
def test_a_phrase_asked_while_espeak_is_busy_is_spoken_whole_at_once() -> None:
    """espeak still speaking an earlier utterance: the phrase waits for it, is not cancelled
    with it, and comes back whole at the first try."""
    assert _retries(_python(_BUSY)) == 0


@pytest.mark.e2e
@pytest.mark.skipif(not neural_available(), reason="the neural voice is not installed")
def test_the_neural_model_logs_errors_only() -> None:
    """onnxruntime's warnings (coloured lines on stderr as the model loads) are silenced."""
    code = ("from walkcoach.voice import neural; "
            "print(neural._voice().session.get_session_options().log_severity_level)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["3"] and result.stderr == ""


def _assert_short(error: EngineError) -> None:
    message = str(error)
    assert len(message) < 300 and "\n" not in message, message
    assert "…" in message


@pytest.mark.skipif(not neural_available(), reason="the neural voice is not installed")
def test_neural_voice_errors_quote_an_excerpt() -> None:
    from walkcoach.voice.neural import NeuralEngine

    with pytest.raises(EngineError) as caught:
        NeuralEngine().synthesize("Keep walking.", voice="neural:" + "x" * 5000, rate=1.0)
    _assert_short(caught.value)


@pytest.mark.e2e
@pytest.mark.skipif(not LINUX, reason="the espeak-ng driver is the Linux system voice")
def test_system_voice_errors_quote_an_excerpt() -> None:
    from walkcoach.voice.system import SystemEngine

    with pytest.raises(EngineError) as caught:
        SystemEngine().synthesize("Keep walking. " * 100, voice="system:no-such-voice",
                                  rate=1.0)
    _assert_short(caught.value)


def test_the_espeak_driver_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """pyttsx3's espeak driver prints "Audio saved to ..." from espeak's thread, sometimes
    after walkcoach stopped listening (once into a user's terminal on Ctrl-C): silenced."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the espeak driver is Linux's")
    from walkcoach.voice import system

    engine = system.SystemEngine()
    engine.synthesize("Walk tall.", voice=engine.default_voice(), rate=1.0)
    from pyttsx3.drivers import espeak

    espeak.print("Audio saved to /tmp/x.wav")  # type: ignore[attr-defined]
    assert capfd.readouterr().out == ""
