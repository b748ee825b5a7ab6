"""A voice ready to speak phrases: normalize the words, look in the cache, else synthesize."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from walkcoach import loudness
from walkcoach.errors import EngineError
from walkcoach.pcm import SAMPLE_RATE, Audio, samples_to_ms
from walkcoach.voice.base import Engine
from walkcoach.voice.cache import PhraseCache, as_stored, phrase_key
from walkcoach.voice.normalize import NORMALIZER_VERSION, normalize
from walkcoach.voice.select import VoiceChoice

Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases in all) while phrases are made."""

_AUDIO_VERSION = "3"  # bump when trimming or levelling changes, so cached phrases are remade


class Speaker:
    """Turns display text into finished clips: trimmed, levelled, at :data:`SAMPLE_RATE`.

    The engine starts only when a phrase is missing from the cache, so a rebuild with a warm
    cache never loads a voice model.
    """

    def __init__(self, choice: VoiceChoice, *, rate: float = 1.0,
                 lexicon: Mapping[str, str] | None = None, cache: PhraseCache | None = None):
        self.choice = choice
        self.rate = rate
        self.lexicon = dict(lexicon or {})
        self.cache = cache if cache is not None else PhraseCache()
        self._engine: Engine | None = None
        self._clips: dict[str, Audio] = {}

    @property
    def identity(self) -> dict[str, str | float]:
        """What decides how this speaker sounds (for cache keys and build manifests)."""
        return {"engine": self.choice.engine, "voice": self.choice.voice, "rate": self.rate,
                "normalizer": NORMALIZER_VERSION, "audio": _AUDIO_VERSION,
                "lexicon": phrase_key(**self.lexicon)}

    def spoken(self, text: str) -> str:
        """The words the engine is given for ``text``."""
        return normalize(text, self.lexicon)

    def key(self, text: str) -> str:
        """The cache key of ``text`` spoken by this speaker."""
        return phrase_key(text=self.spoken(text), rate_hz=SAMPLE_RATE, **self.identity)

    def clip(self, text: str) -> Audio:
        """The finished clip for ``text``."""
        if text not in self._clips:
            key = self.key(text)
            audio = self.cache.get(key)
            if audio is None:
                audio = as_stored(self._make(text))
                self.cache.put(key, audio)
            self._clips[text] = audio
        return self._clips[text]

    def clips(self, texts: Iterable[str], progress: Progress | None = None) -> dict[str, Audio]:
        """Finished clips for many phrases, each made at most once."""
        unique = list(dict.fromkeys(texts))
        out: dict[str, Audio] = {}
        for done, text in enumerate(unique, start=1):
            out[text] = self.clip(text)
            if progress is not None:
                progress(done, len(unique))
        return out

    def duration_ms(self, text: str) -> int:
        """How long ``text`` takes to say, in whole milliseconds (rounded up)."""
        return samples_to_ms(self.clip(text).size)

    def _make(self, text: str) -> Audio:
        if self._engine is None:
            self._engine = self.choice.factory()
        words = self.spoken(text)
        samples, rate = self._engine.synthesize(words, voice=self.choice.voice, rate=self.rate)
        if rate != SAMPLE_RATE:  # macOS and Windows voices; scipy only loads then
            from scipy.signal import resample_poly

            divisor = np.gcd(rate, SAMPLE_RATE)
            samples = resample_poly(samples, SAMPLE_RATE // divisor, rate // divisor)
        samples = loudness.trim(samples.astype(np.float32), SAMPLE_RATE)
        if samples.size < SAMPLE_RATE // 20:
            raise EngineError(f"the voice produced no speech for {text!r}")
        return loudness.level(samples, SAMPLE_RATE)
