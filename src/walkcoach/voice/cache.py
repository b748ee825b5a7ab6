"""A content-addressed store of finished phrases, safe for several processes at once."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import wave
from pathlib import Path

import numpy as np
import platformdirs

from walkcoach.pcm import to_pcm16
from walkcoach.voice.base import SAMPLE_RATE, Audio

CACHE_ENV = "WALKCOACH_CACHE_DIR"


def default_cache_dir() -> Path:
    """The user's cache folder for walkcoach phrases (``$WALKCOACH_CACHE_DIR`` overrides it)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("walkcoach", appauthor=False)) / "phrases"


def phrase_key(**identity: str | float | int) -> str:
    """A stable hash of everything that decides how a phrase sounds."""
    blob = json.dumps(identity, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def as_stored(samples: Audio) -> Audio:
    """``samples`` exactly as the cache gives them back (16-bit), so a phrase made now mixes
    the same as the cached copy a later build reads: first build and rebuild are identical."""
    return to_pcm16(samples).astype(np.float32) / 32768.0


class PhraseCache:
    """Finished phrases as 16-bit mono WAV files named by their key.

    A phrase is written to a private temporary file and renamed into place, so a reader (or a
    parallel worker writing the same phrase) only ever sees a complete file.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        """Whether a phrase is stored under ``key`` (without reading it; writes are atomic)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Audio | None:
        """The phrase stored under ``key``, or None."""
        path = self._path(key)
        try:
            with wave.open(str(path), "rb") as handle:
                if handle.getframerate() != SAMPLE_RATE or handle.getsampwidth() != 2:
                    return None
                frames = handle.readframes(handle.getnframes())
        except (FileNotFoundError, EOFError, wave.Error):
            return None
        return (np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0)

    def put(self, key: str, samples: Audio) -> None:
        """Store a phrase atomically; a failure to cache is not a failure to build."""
        path = self._path(key)
        pcm = to_pcm16(samples)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
            try:
                with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as handle:
                    handle.setnchannels(1)
                    handle.setsampwidth(2)
                    handle.setframerate(SAMPLE_RATE)
                    handle.writeframes(pcm.tobytes())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return
