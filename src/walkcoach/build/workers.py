"""Worker processes, one core each: missing phrases spoken into the phrase cache, Ctrl-C safe.

One build's missing phrases (:func:`speak_missing`) and a batch's phrases and tracks
(walkcoach.build.parallel) run over the same kind of pool. Each worker runs single-threaded
(walkcoach.process.cores: the neural voice on one thread), so N workers on N cores do N times
the work of one; a phrase is given to one worker, longest first, and lands in the shared phrase
cache, where the parent (or a track's worker) reads it. Two workers never make the same phrase
(the neural voice does not say a phrase the same way twice), so one job or many give
byte-identical tracks.

The pool forks on Linux when that is safe (no voice engine loaded here, no other thread):
workers start in milliseconds with everything imported. Otherwise (macOS, Windows, a studio's
job thread, or an engine already loaded: pyttsx3/espeak and onnxruntime are not fork-safe) it
spawns fresh interpreters, which costs each worker a few tenths of a second of imports.

A KeyboardInterrupt (Ctrl-C, or SIGTERM as walkcoach.process.interrupts.Terminated) stops the
pool within seconds, however many arrive: work not started is cancelled, each worker is told to
stop (a phrase or track cut short removes its temporary files as the exception passes; an idle
worker just exits), and a worker still alive after a few seconds is killed. The executor's own
shutdown is not trusted with this: it waits for every worker to take a sentinel from its queue,
and a second Ctrl-C during that wait left idle workers that the exiting interpreter then waited
on for ever.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import BrokenExecutor, as_completed
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from walkcoach.errors import RuntimeFailure, WalkcoachError
from walkcoach.process import cores, interrupts
from walkcoach.voice import PhraseCache, Speaker, VoiceChoice

if TYPE_CHECKING:  # multiprocessing loads only for a pool: a warm build never needs one
    import multiprocessing.context
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["GRACE_S", "SPREAD_ENGINES", "fresh", "missing_texts", "open_pool", "pool_size", "speak",
           "speak_missing", "start_method", "stop", "worker_speaker", "working"]

Progress = Callable[[int, int], None]
"""Called with (phrases done, phrases in all) as phrases land in the cache."""

SPREAD_ENGINES = ("neural",)
"""Engines whose phrases one build speaks over worker processes. The system voice is one
pyttsx3 engine per process and says a phrase in milliseconds: a worker's start would cost
more than it saves."""

GRACE_S = 5.0
"""How long stopped workers get to unwind (they take well under a second) before a kill."""

_NOT_FORK_SAFE = ("onnxruntime", "piper", "pyttsx3")
"""Modules whose native state a forked child must not inherit (their engines hold threads)."""


def missing_texts(speaker: Speaker, texts: Iterable[str]) -> tuple[str, ...]:
    """The texts whose clips the cache lacks (one text per clip to make), longest first.
    Only entries' headers are read; no engine starts."""
    missing: dict[str, str] = {}  # cache key -> a text said so (texts may share their words)
    for text in dict.fromkeys(texts):
        key = speaker.key(text)
        if key not in missing and not speaker.cache.has(key):
            missing[key] = text
    return tuple(sorted(missing.values(), key=len, reverse=True))


def pool_size(speaker: Speaker, phrases: int) -> int:
    """How many worker processes one build uses for ``phrases`` missing phrases: one per
    core, as many as the free memory allows (walkcoach.process.cores.cap_jobs). 1 means this
    process speaks them: one phrase, one core, a process already held to one core (a batch's
    worker), or an engine not in :data:`SPREAD_ENGINES`."""
    if phrases <= 1 or cores.one_core() or speaker.choice.engine not in SPREAD_ENGINES:
        return 1
    return max(1, min(phrases, cores.cap_jobs(None)))


def speak_missing(speaker: Speaker, texts: Iterable[str],
                  progress: Progress | None = None) -> bool:
    """Speak the clips of ``texts`` that the cache lacks over worker processes, one per core
    (see :func:`pool_size`); whether a pool spoke them. When it did not, nothing was done:
    the speaker makes them itself as it is asked for them.

    ``progress`` gets (done, total) over all of ``texts``, the cached ones done first. A
    phrase a worker could not make is left out (the speaker asked for it says why). Nothing
    is loaded in this process: no engine, no model.
    """
    if pool_size(speaker, 2) <= 1:  # before reading the cache: a batch worker asks per track
        return False
    texts = tuple(dict.fromkeys(texts))
    missing = missing_texts(speaker, texts)
    workers = pool_size(speaker, len(missing))
    if workers <= 1:
        return False
    cached = len(texts) - len(missing)

    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(cached + done, cached + total)

    report(0, len(missing))
    pool, context = open_pool(speaker, workers)
    try:
        speak(pool, context, missing, report)
        pool.shutdown(wait=True)  # every worker is idle: they take their sentinels and go
    except BaseException as exc:
        with interrupts.held():
            stop(pool)
        if isinstance(exc, BrokenExecutor):  # a worker died (BrokenProcessPool)
            raise RuntimeFailure(f"a worker process stopped unexpectedly ({exc})") from exc
        raise
    return True


def open_pool(speaker: Speaker, workers: int
              ) -> tuple[ProcessPoolExecutor, multiprocessing.context.BaseContext]:
    """A pool of ``workers`` processes, each with a speaker like ``speaker`` (its voice, rate,
    lexicon and cache), held to one core. Stop it with :func:`stop` on any exception."""
    from concurrent.futures import ProcessPoolExecutor

    context = start_method()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker,
        initargs=(speaker.choice, speaker.rate, speaker.lexicon, speaker.cache.root))
    return pool, context


def speak(pool: ProcessPoolExecutor, context: multiprocessing.context.BaseContext,
          texts: tuple[str, ...], progress: Progress | None = None) -> None:
    """Have the pool's workers make ``texts`` into the cache, in this order; return when all
    are done (a phrase that failed is left out)."""
    with starting(context):  # the first submit starts the workers
        spoken = [pool.submit(_speak, text) for text in texts]
    for done, said in enumerate(as_completed(spoken), start=1):
        said.result()
        if progress:
            progress(done, len(spoken))


def start_method() -> multiprocessing.context.BaseContext:
    """'fork' on Linux when nothing here would break in a child, else 'spawn'.

    Nothing would: no engine loaded and no other Python thread. numpy's OpenBLAS keeps a
    thread pool of its own, which it stops and restarts around a fork (pthread_atfork); that
    is the thread Python 3.12+ warns about when it forks (see _forking).
    """
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1 \
            and not any(name in sys.modules for name in _NOT_FORK_SAFE):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Quiet Python 3.12+'s warning that forking a multi-threaded process may deadlock: the
    only other thread is OpenBLAS's, which handles the fork itself (see start_method)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)",
                                category=DeprecationWarning)
        yield


@contextlib.contextmanager
def starting(context: multiprocessing.context.BaseContext) -> Iterator[None]:
    """Around submits, which may start workers: Ctrl-C and SIGTERM are held until after.

    A forked worker starts with the holding handlers (its own are installed before it takes
    any work). A spawned one is a fresh interpreter, which would die of a Ctrl-C with a
    traceback while it imports: it must inherit Ctrl-C ignored, so Ctrl-C is ignored here
    for these few milliseconds (one pressed just then is lost; the next stops the run).
    """
    with interrupts.held(), _forking():
        if context.get_start_method() == "fork" \
                or threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


def stop(pool: ProcessPoolExecutor) -> None:
    """End every worker of ``pool`` within seconds, whatever it is doing; cancel the rest.

    Each worker is asked to stop (SIGTERM, again until it has gone; Windows workers have the
    console's Ctrl-C already): one in the middle of a track or a phrase unwinds, removing
    its temporary files, and exits; an idle one exits at once. One still alive after
    :data:`GRACE_S` is killed. Safe to call again, and after a shutdown.
    """
    # The executor has no public list of its processes; without them a worker that never
    # takes its sentinel would keep the interpreter waiting at exit.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + GRACE_S
    alive = [process for process in processes if process.is_alive()]
    while alive and time.monotonic() < deadline:
        if os.name == "posix":  # terminate() sends SIGTERM there (elsewhere it kills)
            for process in alive:
                with contextlib.suppress(OSError):  # it has just exited
                    process.terminate()
        alive[0].join(0.05)
        alive = [process for process in alive if process.is_alive()]
    for process in alive:
        process.kill()
    for process in alive:
        process.join(1.0)


def fresh(speaker: Speaker) -> Speaker:
    """A speaker like ``speaker`` holding no clips yet, so its clips come from the cache."""
    return Speaker(speaker.choice, rate=speaker.rate, lexicon=speaker.lexicon,
                   cache=speaker.cache)


# -- the worker side: module state of each worker process ------------------------------------

_worker_speaker: Speaker | None = None
_busy = False  # a phrase or a track is being made
_stopping = False  # a Ctrl-C or SIGTERM has come: take no more work


def _start_worker(choice: VoiceChoice, rate: float, lexicon: Mapping[str, str],
                  cache_root: Path) -> None:
    global _worker_speaker
    cores.use_one_core()
    _worker_speaker = Speaker(choice, rate=rate, lexicon=lexicon, cache=PhraseCache(cache_root))
    for signum in interrupts.STOP_SIGNALS:
        signal.signal(signum, _on_stop)


def worker_speaker() -> Speaker:
    """This worker's speaker (made by the pool's initializer)."""
    assert _worker_speaker is not None, "the pool initializer makes the speaker"
    return _worker_speaker


def _on_stop(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C or SIGTERM in a worker: stop the work at hand, then exit.

    The phrase or track being made stops at once (its temporary files are removed as the
    exception passes; the voice engines return from native code first). A repeat while it
    unwinds is ignored, so the cleanup runs whole. An idle worker has nothing to clean up and
    leaves at once: the parent stops it with SIGTERM until it has gone, and the exit of a
    Python interpreter (its exit handlers, its finalizers) is no place for that to land.
    """
    global _stopping
    first, _stopping = not _stopping, True
    if not _busy:
        os._exit(0)
    if first:
        raise KeyboardInterrupt


@contextlib.contextmanager
def working() -> Iterator[None]:
    """Worker: mark this worker busy for one call; once asked to stop, it starts nothing."""
    global _busy
    if _stopping:
        raise KeyboardInterrupt
    _busy = True
    try:
        yield
    finally:
        _busy = False


def _speak(text: str) -> None:
    """Worker: synthesize one phrase into the cache (with a speaker that keeps no clips)."""
    with working(), contextlib.suppress(WalkcoachError):
        fresh(worker_speaker()).clip(text)
