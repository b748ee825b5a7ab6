"""The small interface every voice engine implements, and the audio format between layers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from walkcoach.audio.pcm import SAMPLE_RATE, Audio

__all__ = ["SAMPLE_RATE", "Audio", "Engine", "VoiceInfo"]


@dataclass(frozen=True, kw_only=True)
class VoiceInfo:
    """One voice an engine offers; ``id`` is what ``--voice`` takes (``engine:voice``)."""

    id: str
    engine: str
    name: str
    language: str


class Engine(Protocol):
    """A text-to-speech engine. One instance per process; it loads its model once."""

    name: str
    concurrency: int
    """How many phrases this process may synthesize at once (threads calling synthesize)."""

    def voices(self) -> tuple[VoiceInfo, ...]:
        """The voices this engine can speak with."""
        ...

    def default_voice(self) -> str:
        """The full id of the voice used when none is chosen (an English one)."""
        ...

    def synthesize(self, text: str, *, voice: str, rate: float) -> tuple[Audio, int]:
        """Speak ``text``; return mono float32 samples in [-1, 1] and their sample rate."""
        ...
