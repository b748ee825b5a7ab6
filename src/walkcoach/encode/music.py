"""A coach's music file read for the bed: checked, decoded by ffmpeg once per process.

Any audio file of a type :data:`walkcoach.encode.ffmpeg.DEMUXERS` names (MP3, WAV, M4A, OGG,
FLAC ...), read as that type (no ffprobe), at most its first MAX_SECONDS. Refused before any
synthesis, in one line: not a regular file, not audio, no sound at all, or under a second.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

import numpy as np

from walkcoach.audio.music import MAX_SECONDS, Music, measured
from walkcoach.audio.pcm import SAMPLE_RATE, Audio
from walkcoach.encode.ffmpeg import decode
from walkcoach.errors import InputError

__all__ = ["check", "load"]


def check(path: Path) -> None:
    """Refuse, before any synthesis, music that is not audio, is empty or under a second."""
    load(path)


def load(path: Path) -> Music:
    """The music file, decoded (once per process for an unchanged file)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(f"music file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"music file {path}: not a regular file")
    return _decoded(str(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=4)
def _decoded(name: str, mtime_ns: int, size: int) -> Music:
    path = Path(name)
    raw = decode(path, what="music file", rate=SAMPLE_RATE, channels=2, seconds=MAX_SECONDS)
    # A view of ffmpeg's output, not a copy: two minutes of stereo are 21 MB.
    pairs = np.frombuffer(raw, dtype=np.float32, count=len(raw) // 4 // 2 * 2)
    samples: Audio = pairs.reshape(-1, 2)
    return measured(path, samples)
