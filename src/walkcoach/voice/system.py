"""The system voice through pyttsx3: espeak-ng on Linux, NSSpeech on macOS, SAPI5 on Windows."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import gc
import importlib.util
import io
import json
import os
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

from walkcoach import tempfiles
from walkcoach.audio.pcm import SAMPLE_RATE
from walkcoach.encode.ffmpeg import decode
from walkcoach.errors import EngineError, InputError, excerpt
from walkcoach.process import interrupts
from walkcoach.voice.base import Audio, VoiceInfo
from walkcoach.voice.cache import default_cache_dir

ENGINE = "system"
_PREFERRED = ("gmw/en-us", "en-us", "english-us", "com.apple.voice.compact.en-US.Samantha",
              "com.apple.speech.synthesis.voice.samantha")
_BASE_RATE = {"linux": 175}  # espeak's 200 words a minute is hurried for a coaching cue
_TIMEOUT_S = 20.0  # at most, for one phrase
_STALL_S = 2.0  # without the file growing: espeak writes far faster than real time
_TRIES = 2
_WAV_HEADER = 44  # bytes of a WAV file that holds no samples
_IDLE_S = 5.0  # at most, for espeak to finish the utterance before (it takes milliseconds)
_engine_lock = threading.Lock()
_engine: Any = None
_retries = 0  # phrases asked for a second time: none, unless the engine misbehaves
# Keep the preloaded library alive for the life of the process.
_espeak_library: ctypes.CDLL | None = None


def _prepare_espeak() -> None:
    """Make libespeak-ng loadable for pyttsx3 on Linux: from PyPI, else from the system.

    The PyPI library (espeakng-loader, a dependency on Linux) comes first: the same voice on
    every machine, and no ``find_library`` (it runs ldconfig, ~70 ms on every build). It is
    loaded in the default (local) mode: RTLD_GLOBAL makes a Piper voice loaded later in the
    same process crash. pyttsx3's own dlopen by name then finds it loaded.
    """
    global _espeak_library
    if not sys.platform.startswith("linux") or _espeak_library is not None:
        return
    try:
        import espeakng_loader
    except ImportError as exc:
        if ctypes.util.find_library("espeak-ng") or ctypes.util.find_library("espeak"):
            return
        raise EngineError("no espeak-ng found: install espeak-ng or the espeakng-loader "
                          "package") from exc
    os.environ["ESPEAK_DATA_PATH"] = str(espeakng_loader.get_data_path())
    _espeak_library = ctypes.CDLL(str(espeakng_loader.get_library_path()))


def _get_engine() -> Any:
    """The one pyttsx3 engine of this process (pyttsx3 misbehaves with several)."""
    global _engine
    if _engine is None:
        _prepare_espeak()
        try:
            import pyttsx3
            with contextlib.redirect_stdout(io.StringIO()):
                _engine = pyttsx3.init("espeak" if sys.platform.startswith("linux") else None)
        except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/KeyError
            raise EngineError(f"the system voice could not start: {exc}") from exc
        atexit.register(_release_engine)
        if sys.platform.startswith("linux"):
            _never_cancel(_engine)
            _quiet_driver()
    return _engine


_MEMO = "system-voice.json"  # in the phrase cache's folder, beside its shelves


def _installation() -> list[object] | None:
    """What decides the default voice, read without importing anything: the preferences, and
    the files of espeakng-loader and pyttsx3 (a reinstall or upgrade changes them). None where
    the voices are the system's own, which may change at any time."""
    if not sys.platform.startswith("linux"):
        return None
    stamp: list[object] = [_PREFERRED]
    for name in ("espeakng_loader", "pyttsx3"):
        try:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                return None
            found = os.stat(spec.origin)
        except (OSError, ImportError, ValueError):
            return None
        stamp.append([spec.origin, found.st_size, found.st_mtime_ns])
    read_back: list[object] = json.loads(json.dumps(stamp))  # as the file gives it back
    return read_back


def _remembered(stamp: list[object]) -> str | None:
    try:
        memo = json.loads((default_cache_dir() / _MEMO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    voice = memo.get("voice") if isinstance(memo, dict) else None
    if memo.get("installation") != stamp or not isinstance(voice, str) \
            or not voice.startswith(f"{ENGINE}:"):
        return None
    return voice


def _remember(stamp: list[object], voice: str) -> None:
    """Keep the default voice chosen (whole or not at all; a cache that cannot be written only
    costs the engine's start next time)."""
    folder = default_cache_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = tempfiles.make(folder, _MEMO)
        try:
            tmp.write_text(json.dumps({"installation": stamp, "voice": voice}),
                           encoding="utf-8")
            os.replace(tmp, folder / _MEMO)
        finally:
            tmp.unlink(missing_ok=True)


def _quiet_driver() -> None:
    """pyttsx3's espeak driver prints "Audio saved to ..." on stdout from espeak's own
    thread, at times after the phrase's wait has ended (an interrupted run printed it into
    the user's terminal): its module's ``print`` is made silent."""
    with contextlib.suppress(ImportError, AttributeError):
        from pyttsx3.drivers import espeak as driver

        driver.print = lambda *args, **kwargs: None


def _never_cancel(engine: Any) -> None:
    """Stop pyttsx3's espeak driver from cancelling the phrase it is about to speak.

    espeak-ng runs every command on a thread of its own: an utterance, and also a change of
    rate. pyttsx3's runAndWait first calls the driver's ``stop``, which calls espeak_Cancel
    whenever espeak_IsPlaying, and then queues the new utterance. espeak is still busy just
    after the utterance before ends (its end is reported a moment before its thread is idle)
    and just after the rate is set for this phrase, and the cancel then lands on the new
    utterance: it ends at once with no audio, a header-only file (the "stall" that cost two
    seconds and a retry in about one cold build in four). walkcoach never interrupts speech,
    so ``stop`` waits for espeak to be idle instead of cancelling.
    """
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if driver is not None and callable(getattr(driver, "stop", None)):
        driver.stop = _wait_until_idle


def _release_engine() -> None:
    """Let pyttsx3 close its driver while Python is still whole: left to interpreter
    shutdown, its finalizer runs after the modules it needs are gone and prints an error."""
    global _engine
    _engine = None
    gc.collect()  # the engine and its driver proxy refer to each other


class SystemEngine:
    """pyttsx3 behind the walkcoach engine interface; one phrase per run, checked."""

    concurrency = 1  # one pyttsx3 engine per process, one phrase at a time
    name = ENGINE

    def voices(self) -> tuple[VoiceInfo, ...]:
        """Every voice pyttsx3 reports on this machine."""
        with _engine_lock:
            raw = _get_engine().getProperty("voices")
        out = []
        for voice in raw:
            languages = [_lang(x) for x in (getattr(voice, "languages", None) or [])]
            out.append(VoiceInfo(id=f"{ENGINE}:{voice.id}", engine=ENGINE,
                                 name=str(voice.name or voice.id),
                                 language=languages[0] if languages else ""))
        return tuple(out)

    def default_voice(self) -> str:
        """An English voice, chosen explicitly: the first voice is not English everywhere.

        Where the voices are those of an installed package (espeakng-loader on Linux), the
        choice is remembered beside the phrase cache until that package or pyttsx3 changes:
        a build whose phrases are all cached then never starts the engine.
        """
        stamp = _installation()
        remembered = _remembered(stamp) if stamp is not None else None
        if remembered is not None:
            return remembered
        chosen = self._choose_default()
        if stamp is not None:
            _remember(stamp, chosen)
        return chosen

    def _choose_default(self) -> str:
        voices = self.voices()
        ids = {v.id.split(":", 1)[1]: v for v in voices}
        for wanted in _PREFERRED:
            if wanted in ids:
                return ids[wanted].id
        for voice in voices:
            if voice.language.lower().replace("_", "-").startswith("en"):
                return voice.id
        if voices:
            return voices[0].id
        raise EngineError("the system voice engine offers no voices")

    def synthesize(self, text: str, *, voice: str, rate: float) -> tuple[Audio, int]:
        """Speak ``text`` to a temporary file and read it back (one retry on a stall)."""
        global _retries
        voice_id = voice.split(":", 1)[1] if voice.startswith(f"{ENGINE}:") else voice
        suffix = ".aiff" if sys.platform == "darwin" else ".wav"
        for attempt in range(1, _TRIES + 1):
            with _engine_lock, tempfile.TemporaryDirectory(prefix="walkcoach-") as tmp:
                path = Path(tmp) / f"phrase{suffix}"
                try:
                    self._speak_to(path, text, voice_id, rate)
                    return _read(path, text)
                except BaseException as exc:
                    # Ctrl-C, or a stall: espeak finishes the utterance (milliseconds) before
                    # its folder goes, or its callback fails writing there, on its own thread.
                    with interrupts.held():
                        _wait_until_idle()
                    if not isinstance(exc, _StalledError):
                        raise
                    _retries += 1
                    if attempt == _TRIES:
                        raise EngineError(f"the system voice stalled on {excerpt(text)}"
                                          ) from None
        raise AssertionError("unreachable")

    def _speak_to(self, path: Path, text: str, voice_id: str, rate: float) -> None:
        engine = _get_engine()
        _wait_until_idle()
        done = threading.Event()
        errors: list[BaseException] = []
        tokens = [engine.connect("finished-utterance", lambda **_: done.set()),
                  engine.connect("error", lambda **kw: errors.append(kw.get("exception")))]
        try:
            engine.setProperty("voice", voice_id)
            base = _BASE_RATE.get(sys.platform, int(engine.getProperty("rate") or 200))
            engine.setProperty("rate", max(40, int(round(base * rate))))
            with contextlib.redirect_stdout(io.StringIO()):  # "Audio saved to ..."
                engine.save_to_file(text, str(path))
                engine.runAndWait()
                _wait_for(path, done)
        except (EngineError, _StalledError):
            raise
        except Exception as exc:
            raise EngineError(f"the system voice failed on {excerpt(text)}: {exc}") from exc
        finally:
            for token in tokens:
                engine.disconnect(token)
        if errors:
            raise EngineError(f"the system voice failed on {excerpt(text)}: {errors[0]}")


def retries() -> int:
    """How many times this process asked the system voice for a phrase again (after a stall).

    Zero unless the engine misbehaves: kept so that tests and benchmarks can tell.
    """
    return _retries


def _wait_until_idle() -> None:
    """Wait (milliseconds, at most a few seconds) until espeak-ng has no command running.

    Before a phrase: espeak is not thread-safe, and setting the voice while its thread still
    finishes the utterance before is a race. In place of the driver's ``stop`` (see
    _never_cancel). Other platforms' drivers need nothing of the kind.
    """
    if not sys.platform.startswith("linux"):
        return
    from pyttsx3.drivers import _espeak  # the library pyttsx3 drives: loaded by _get_engine

    deadline = time.monotonic() + _IDLE_S
    while _espeak.IsPlaying() and time.monotonic() < deadline:
        time.sleep(0.001)


class _StalledError(Exception):
    """The engine never finished the file: worth one more try."""


def _wait_for(path: Path, done: threading.Event) -> None:
    """runAndWait can return before the file is written: wait for it, with a time limit.

    The file counts as finished when the engine says so, or when it is a complete audio file
    whose size has stopped changing. A finished file with no audio in it (an utterance the
    engine ended at once) is tried again at once; a file that does not grow for two seconds
    is stalled (the caller tries once more). Neither happens since espeak is left to finish
    each utterance (see _wait_until_idle): these are the guards against an engine that hangs.
    """
    start = changed = time.monotonic()
    last, steady = -1, 0
    while (now := time.monotonic()) - start < _TIMEOUT_S and now - changed < _STALL_S:
        size = path.stat().st_size if path.exists() else -1
        if done.is_set() and 0 <= size <= _WAV_HEADER and size == last:
            raise _StalledError(path.name)
        steady = steady + 1 if size == last and size > _WAV_HEADER else 0
        if steady and (done.is_set() or steady >= 20):
            return
        if size != last:
            changed = now
        last = size
        time.sleep(0.01)
    raise _StalledError(path.name)


def _read(path: Path, text: str) -> tuple[Audio, int]:
    """The engine's file as mono samples: a WAV (Linux, Windows) read here, an AIFF (macOS)
    decoded by ffmpeg."""
    try:
        if path.suffix.lower() == ".wav":
            samples, rate = _read_wav(path)
        else:
            raw = decode(path, what="the system voice's file", rate=SAMPLE_RATE, channels=1)
            samples, rate = np.frombuffer(raw, dtype=np.float32).copy(), SAMPLE_RATE
    except (OSError, EOFError, ValueError, wave.Error, InputError) as exc:
        raise EngineError(f"the system voice wrote an unreadable file for {excerpt(text)}"
                          ) from exc
    if samples.size == 0 or not np.any(samples):
        raise EngineError(f"the system voice produced no audio for {excerpt(text)}")
    return samples.astype(np.float32), rate


def _read_wav(path: Path) -> tuple[Audio, int]:
    """A PCM WAV file's samples, channels averaged, scaled to [-1, 1]."""
    with wave.open(str(path), "rb") as file:
        width, channels, rate = file.getsampwidth(), file.getnchannels(), file.getframerate()
        frames = file.readframes(file.getnframes())
    if width == 1:  # 8-bit WAV is unsigned
        samples = (np.frombuffer(frames, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width in (2, 4):
        kind = np.int16 if width == 2 else np.int32
        samples = np.frombuffer(frames, dtype=kind).astype(np.float32) / float(1 << (8 * width - 1))
    else:
        raise ValueError(f"{width * 8}-bit samples")
    if channels > 1:
        samples = samples[: samples.size // channels * channels].reshape(-1, channels).mean(axis=1)
    return samples, rate


def _lang(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "ignore").lstrip("\x05")
    return str(value)
