"""A content-addressed store of finished phrases, safe for several processes at once.

Every entry is checked before it is used: a file cut short, scrambled, replaced by a folder, a
link or anything else is a phrase not found (it is removed and made again, and the speaker says
so), never a clip of silence or noise, and never a traceback. A cache folder that cannot be
written only costs time: the phrases are made again on every run, and the user is told once.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import struct
import threading
from pathlib import Path

import numpy as np
import platformdirs

from walkcoach import notes, tempfiles
from walkcoach.audio.pcm import CHUNK, to_pcm16
from walkcoach.voice.base import SAMPLE_RATE, Audio

CACHE_ENV = "WALKCOACH_CACHE_DIR"

LAYOUT = 2
"""The entry format; bumped when it changes, so entries of another layout are made again.
Layout 1 was a plain WAV file per phrase, with nothing to tell a damaged one."""

_MAGIC = b"WCPC"
_HEADER = struct.Struct("<4sHIQ32s")  # magic, layout, sample rate, sample count, blake2b(PCM)
HEADER_SIZE = _HEADER.size
"""Bytes before the 16-bit samples of an entry."""

_SUFFIX = ".pcm"
_OLD_SUFFIX = ".wav"  # layout 1, removed when its phrase is stored again
_MISSING = (errno.ENOENT, errno.ENOTDIR)  # no entry (or no cache folder): nothing to discard
_warned: set[str] = set()  # the cache folders the user was told cannot be written
_warned_lock = threading.Lock()


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
    stored = np.empty(samples.size, dtype=np.float32)
    for at in range(0, samples.size, CHUNK):  # a long phrase is not copied whole four times
        stored[at:at + CHUNK] = to_pcm16(samples[at:at + CHUNK])
    stored /= np.float32(32768.0)
    return stored


def _digest(pcm: bytes) -> bytes:
    return hashlib.blake2b(pcm, digest_size=32).digest()


class _Unusable(Exception):  # noqa: N818 - a state found, not a failure reported to anyone
    """Something is in an entry's place that is not a whole entry of this layout."""

    def __init__(self, found: os.stat_result, *, stale: bool = False) -> None:
        super().__init__()
        self.found = found
        self.stale = stale  # a whole entry of another layout: replaced, but not damaged


def _read(path: Path, *, samples: bool) -> bytes:
    """The 16-bit samples of the entry at ``path`` (with ``samples`` false, only its header
    and size are checked and nothing is returned).

    Raises OSError when nothing can be opened there and :class:`_Unusable` when what is there
    is not a whole entry. Only a regular file is read: never through a link, and never
    waiting (an ordinary open of a FIFO in the entry's place would block for ever).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise _Unusable(found)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with file:
        raw = file.read(HEADER_SIZE)
        if len(raw) != HEADER_SIZE:
            raise _Unusable(found)
        magic, layout, rate, count, digest = _HEADER.unpack(raw)
        if magic == _MAGIC and layout != LAYOUT:
            raise _Unusable(found, stale=True)
        if magic != _MAGIC or rate != SAMPLE_RATE or found.st_size != HEADER_SIZE + 2 * count:
            raise _Unusable(found)
        if not samples:
            return b""
        pcm = file.read(2 * count)
    if len(pcm) != 2 * count or _digest(pcm) != digest:
        raise _Unusable(found)
    return pcm


class PhraseCache:
    """Finished phrases as 16-bit mono samples named by their key, each checked on reading.

    An entry is a small header (magic, layout, sample rate, sample count, a BLAKE2b digest of
    the samples) and the samples. It is written to a private temporary file and renamed into
    place, so a reader (or a parallel worker writing the same phrase) only ever sees a complete
    file; anything else found in its place is discarded.
    """

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else default_cache_dir()
        self._damaged: set[str] = set()
        self._lock = threading.Lock()

    def entry(self, key: str) -> Path:
        """Where the phrase under ``key`` is stored."""
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    def has(self, key: str) -> bool:
        """Whether a whole phrase seems stored under ``key``: its header is read and its size
        checked, not its samples (:meth:`get` checks those)."""
        try:
            _read(self.entry(key), samples=False)
        except (OSError, _Unusable):
            return False
        return True

    def get(self, key: str) -> Audio | None:
        """The phrase stored under ``key``, or None; a damaged entry is removed, and
        :meth:`take_damaged` tells the caller it was found."""
        try:
            pcm = _read(self.entry(key), samples=True)
        except OSError as exc:
            if exc.errno not in _MISSING:  # a link (O_NOFOLLOW), unreadable, an I/O error
                self._discard(key, None)
            return None
        except _Unusable as unusable:
            if not unusable.stale:
                self._discard(key, unusable.found)
            return None
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        samples /= np.float32(32768.0)
        return samples

    def take_damaged(self, key: str) -> bool:
        """Whether a damaged entry was found (and discarded) under ``key`` since last asked."""
        with self._lock:
            found = key in self._damaged
            self._damaged.discard(key)
        return found

    def put(self, key: str, samples: Audio) -> None:
        """Store a phrase atomically; a failure to cache is not a failure to build (the user
        is told once that phrases will be made again)."""
        path = self.entry(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tempfiles.remove_stale(path.parent)  # what killed runs left in this shelf
            tmp = tempfiles.make(path.parent, path.name)
            try:
                with open(tmp, "wb") as raw:
                    raw.write(bytes(HEADER_SIZE))  # its digest is known once the samples are
                    digest = hashlib.blake2b(digest_size=32)
                    for at in range(0, samples.size, CHUNK):
                        pcm = to_pcm16(samples[at:at + CHUNK]).tobytes()
                        digest.update(pcm)
                        raw.write(pcm)
                    raw.seek(0)
                    raw.write(_HEADER.pack(_MAGIC, LAYOUT, SAMPLE_RATE, samples.size,
                                           digest.digest()))
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            self._cannot_write(exc)
            return
        with contextlib.suppress(OSError):
            path.with_suffix(_OLD_SUFFIX).unlink(missing_ok=True)

    def _discard(self, key: str, found: os.stat_result | None) -> None:
        """Remove what is in ``key``'s place, unless a whole entry replaced it meanwhile."""
        path = self.entry(key)
        try:
            now = path.lstat()
        except OSError:
            return  # nothing there, or a cache folder that cannot be read: not a damaged entry
        if found is not None and (now.st_ino, now.st_dev) != (found.st_ino, found.st_dev):
            return  # another process stored the phrase again since it was read
        with self._lock:
            self._damaged.add(key)
        try:
            if stat.S_ISDIR(now.st_mode):
                shutil.rmtree(path)  # never follows links; a folder here is not ours
            else:
                path.unlink()
        except OSError:
            pass  # put() replaces what it can; a cache it cannot write is noted there

    def _cannot_write(self, exc: OSError) -> None:
        folder = str(self.root)
        with _warned_lock:  # once per folder and process, whatever the reason of each failure
            if folder in _warned:
                return
            _warned.add(folder)
        reason = exc.strerror or type(exc).__name__
        notes.note(f"phrase cache: cannot write to {folder} ({reason}); phrases will be made "
                   "again on every run", once=True)
