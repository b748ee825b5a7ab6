"""One line heard as the client will hear it: spoken in the chosen voice through the
library's Speaker (so the phrase cache keeps it for the build), given back as a short WAV
with its spoken length."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

from walkcoach.errors import InputError
from walkcoach.workspace.forms import check_voice

__all__ = ["MAX_HEARD", "Heard", "hear", "length_said"]

MAX_HEARD = 500
"""The longest line spoken for a page (characters)."""
_EXAMPLE = {"client": "Alex", "title": "this exercise", "duration": "8 minutes",
            "level": "beginner", "setting": "floor", "speed_mph": "1", "incline_percent": "0"}
"""What a line's placeholders are filled with when it is heard on its own."""


@dataclass(frozen=True, kw_only=True)
class Heard:
    """A line spoken: its WAV file's bytes, its length, and its cache key (a name to serve
    it by)."""

    wav: bytes
    ms: int
    key: str


def hear(text: str, voice: str = "auto") -> Heard:
    """``text`` spoken in ``voice`` (placeholders such as {client} filled with examples).
    InputError for an empty or too long line, or a voice that is not there."""
    from walkcoach.audio.pcm import SAMPLE_RATE, samples_to_ms, to_pcm16
    from walkcoach.build.session import make_speaker

    text = " ".join(text.split())
    if not text:
        raise InputError("this line is empty: write its words first")
    if len(text) > MAX_HEARD:
        raise InputError(f"this line is {len(text)} characters long; at most {MAX_HEARD}")
    try:
        text = text.format(**_EXAMPLE)
    except (KeyError, IndexError, ValueError):
        pass  # said as written: saving says what is wrong with its braces
    speaker = make_speaker(check_voice(voice))
    samples = speaker.clip(text)
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(SAMPLE_RATE)
        file.writeframes(to_pcm16(samples).tobytes())
    return Heard(wav=out.getvalue(), ms=samples_to_ms(samples.size), key=speaker.key(text))


def length_said(ms: int) -> str:
    """A spoken length as a page says it: "2.1 s"."""
    return f"{ms / 1000:.1f} s"
