"""A voice ready to speak phrases: normalize the words, look in the cache, else synthesize."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait

import numpy as np

from walkcoach import notes
from walkcoach.audio import loudness
from walkcoach.audio.pcm import SAMPLE_RATE, Audio, ms_to_samples, samples_to_ms
from walkcoach.errors import EngineError, excerpt
from walkcoach.process import interrupts
from walkcoach.voice.base import Engine
from walkcoach.voice.cache import PhraseCache, as_stored, phrase_key
from walkcoach.voice.normalize import NORMALIZER_VERSION, normalize
from walkcoach.voice.seeded import EDIT_VERSION
from walkcoach.voice.select import VoiceChoice
from walkcoach.voice.split import MAX_CHARS, MAX_WORDS, split_text

Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases in all) while phrases are made."""

_FINISH_S = 10.0  # at most, for the phrases being made to stop once a batch of them is stopped
_AUDIO_VERSION = "3"  # bump when trimming or levelling changes, so cached phrases are remade
_PAUSE_MS = 180  # between the pieces of a long line: with the trimmed ends, a 200 ms breath


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
        self._stopping = False  # phrases being made side by side are told to stop (see _made)

    @property
    def identity(self) -> dict[str, str | float]:
        """What decides how this speaker sounds (for cache keys and build manifests)."""
        noise = {"noise": f"seeded-{EDIT_VERSION}"} if self.choice.engine == "neural" else {}
        return {"engine": self.choice.engine, "voice": self.choice.voice, "rate": self.rate,
                "normalizer": NORMALIZER_VERSION, "audio": _AUDIO_VERSION,
                "lexicon": phrase_key(**self.lexicon), **noise}

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
        """Finished clips for many phrases, each made at most once.

        Texts said with the same words share one clip. The missing ones are made as many at a
        time as the engine allows, longest first.
        """
        unique = list(dict.fromkeys(texts))
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, len(unique))

        waiting: dict[str, list[str]] = {}  # cache key -> the texts it is the clip of
        for text in unique:
            if text not in self._clips:
                key = self.key(text)
                audio = self.cache.get(key)
                if audio is None:
                    waiting.setdefault(key, []).append(text)
                    continue
                self._clips[text] = audio
            tick()
        alike = {same[0]: same for same in waiting.values()}  # the text made -> all its texts
        for text in self._made(sorted(alike, key=len, reverse=True)):
            for same in alike[text]:
                self._clips[same] = self._clips[text]
                tick()
        return {text: self._clips[text] for text in unique}

    def _made(self, texts: list[str]) -> Iterator[str]:
        """Make ``texts`` (none cached yet); yield each as it is done."""
        workers = min(self._start().concurrency, len(texts)) if texts else 0
        if workers <= 1:  # in this thread: engines tied to the thread that started them
            for text in texts:
                self.clip(text)
                yield text
            return
        pool = ThreadPoolExecutor(max_workers=workers)
        making: dict[Future[Audio], str] = {}
        try:
            for text in texts:
                making[pool.submit(self.clip, text)] = text
            for future in as_completed(making):
                future.result()
                yield making[future]
        except BaseException:
            # An engine error, Ctrl-C or SIGTERM: the phrases not begun are dropped, the ones
            # being made stop before their next call to the engine, and their threads are
            # waited for (a second or so; a second Ctrl-C is held meanwhile). A thread left
            # inside the engine's native code when the interpreter exits aborts the process
            # ("terminate called without an active exception", from onnxruntime).
            with interrupts.held():
                self._stopping = True
                try:
                    pool.shutdown(wait=False, cancel_futures=True)
                    # (A future cancelled so is never "done" to wait(): leave those out.)
                    wait([f for f in making if not f.cancelled()], timeout=_FINISH_S)
                finally:
                    self._stopping = False
            raise
        pool.shutdown()

    def duration_ms(self, text: str) -> int:
        """How long ``text`` takes to say, in whole milliseconds (rounded up)."""
        return samples_to_ms(self.clip(text).size)

    def _start(self) -> Engine:
        if self._stopping:  # a phrase thread of a stopped batch (see _made) says no more
            raise _StoppedError
        if self._engine is None:
            self._engine = self.choice.factory()
        return self._engine

    def _make(self, text: str) -> Audio:
        if self.cache.take_damaged(self.key(text)):
            notes.note(f"phrase cache: a damaged entry for {excerpt(text)} was made again",
                       once=True)
        words = self.spoken(text)
        # A voice holds a whole piece in memory, in proportion to how long it is said (see
        # walkcoach.voice.split): a long line is said in pieces, and a slow voice says fewer
        # words in the same time.
        scale = min(1.0, self.rate)
        pieces = split_text(words, max_words=max(1, int(MAX_WORDS * scale)),
                            max_chars=max(1, int(MAX_CHARS * scale)))
        if len(pieces) <= 1:
            samples = self._said(words)
            if samples.size < SAMPLE_RATE // 20:
                raise EngineError(f"the voice produced no speech for {excerpt(text)}")
            return loudness.level(samples, SAMPLE_RATE)
        # Each piece is levelled on its own: levelling holds copies of its clip oversampled
        # four times (300 MB for two minutes of speech), so it too works piece by piece. Pieces
        # of bare punctuation say nothing (and some engines fail on them).
        said = (self._said(piece) for piece in pieces if any(c.isalnum() for c in piece))
        levelled = [loudness.level(clip, SAMPLE_RATE) for clip in said if clip.size]
        if sum(clip.size for clip in levelled) < SAMPLE_RATE // 20:
            raise EngineError(f"the voice produced no speech for {excerpt(text)}")
        pause = ms_to_samples(_PAUSE_MS)
        joined = np.zeros(sum(clip.size + pause for clip in levelled) - pause, dtype=np.float32)
        at = 0
        for clip in levelled:
            joined[at:at + clip.size] = clip
            at += clip.size + pause
        return joined

    def _said(self, words: str) -> Audio:
        """``words`` spoken by the engine, at :data:`SAMPLE_RATE`, silent ends trimmed."""
        samples, rate = self._start().synthesize(words, voice=self.choice.voice, rate=self.rate)
        if rate != SAMPLE_RATE:  # macOS and Windows voices; scipy only loads then
            from scipy.signal import resample_poly

            divisor = np.gcd(rate, SAMPLE_RATE)
            samples = resample_poly(samples, SAMPLE_RATE // divisor, rate // divisor)
        return loudness.trim(samples.astype(np.float32), SAMPLE_RATE)


class _StoppedError(Exception):
    """Raised in a phrase thread whose batch was stopped; nobody reads it."""
