"""Many tracks built at once: every missing phrase made once, then the tracks, Ctrl-C safe.

``workers`` is the number of cores the batch uses: each worker process runs single-threaded
(see walkcoach.process.cores: the neural voice on one thread, MP3 encoding in line), so
two workers on two cores do twice the work of one.

Phrases first: the candidate phrases of all the tracks are looked up in the phrase cache and
each missing one is synthesized exactly once before any track starts, spread over the workers
(one phrase to one worker, longest first). Tracks then only read the cache, so a phrase said in six
tracks is made once, two workers never make the same phrase (the neural voice does not say a
phrase the same way twice), and every track mixes the cached 16-bit clips whichever process
built it: one job or many give byte-identical files.

Then tracks, over a process pool with one speaker per worker, or in this process for one
worker. The pool forks on Linux when that is safe (no voice engine loaded here, no other
thread): workers start in milliseconds with everything imported. Otherwise (macOS, Windows, or
an engine already loaded: pyttsx3/espeak and onnxruntime are not fork-safe) it spawns fresh
interpreters, which costs each worker a few tenths of a second of imports.

A KeyboardInterrupt (Ctrl-C, or SIGTERM as walkcoach.process.interrupts.Terminated) stops the batch
within seconds, however many arrive: work not started is cancelled, each worker is told to
stop (a track or phrase cut short removes its temporary files as the exception passes; an idle
worker just exits), a worker still alive after a few seconds is killed, and the tracks that did
finish are still reported, so the caller can record them. The executor's own shutdown is not
trusted with this: it waits for every worker to take a sentinel from its queue, and a second
Ctrl-C during that wait left idle workers that the exiting interpreter then waited on for ever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from walkcoach.audio.pcm import samples_to_ms
from walkcoach.build import session
from walkcoach.build.session import Progress
from walkcoach.errors import RuntimeFailure, WalkcoachError
from walkcoach.plan import planner
from walkcoach.plan.model import SessionSpec
from walkcoach.process import cores, interrupts
from walkcoach.voice import PhraseCache, Speaker, VoiceChoice

__all__ = ["Finished", "TrackJob", "build_tracks", "missing_phrases"]


@dataclass(frozen=True, kw_only=True)
class TrackJob:
    """One track to build: its session, where it goes, and its tags."""

    spec: SessionSpec
    out: Path
    tags: Mapping[str, str]
    cover: bytes | None = None  # None: the track's own, drawn


Finished = Callable[[TrackJob, int | WalkcoachError], None]
"""Called as each track ends: with its duration in ms, or with the error that stopped it."""

def missing_phrases(speaker: Speaker, specs: Sequence[SessionSpec]) -> tuple[str, ...]:
    """The phrases these sessions may say that the cache lacks (one text per clip to make),
    longest first."""
    texts = dict.fromkeys(text for spec in specs for text in planner.candidate_phrases(spec))
    missing: dict[str, str] = {}  # cache key -> a text said so (texts may share their words)
    for text in texts:
        key = speaker.key(text)
        if key not in missing and not speaker.cache.has(key):
            missing[key] = text
    return tuple(sorted(missing.values(), key=len, reverse=True))


def build_tracks(jobs: Sequence[TrackJob], speaker: Speaker, *, workers: int,
                 finished: Finished, progress: Progress | None = None) -> int:
    """Build ``jobs`` in this order with up to ``workers`` processes; the phrases made.

    ``progress`` gets ("voice", done, total) while missing phrases are made, then
    ("tracks", done, total), first with done=0. A track that fails with a WalkcoachError is
    passed to ``finished`` with its error and the others go on.
    """
    missing = missing_phrases(speaker, [job.spec for job in jobs])
    workers = min(workers, len(jobs))
    if workers <= 1:
        cores.use_one_core()
        _make_phrases_here(speaker, missing, progress)
        check_plans(jobs, speaker)
        _build_here(speaker, jobs, finished, progress)
        return len(missing)
    context = _start_method()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context,
        initializer=_start_worker,
        initargs=(speaker.choice, speaker.rate, speaker.lexicon, speaker.cache.root))
    try:
        with _starting(context):  # the first submit starts the workers
            spoken = [pool.submit(_speak, text) for text in missing]
        for done, said in enumerate(as_completed(spoken), start=1):
            said.result()
            if progress:
                progress("voice", done, len(spoken))
        check_plans(jobs, speaker)
        _build_pooled(pool, jobs, workers, finished, progress, context)
        pool.shutdown(wait=True)  # every worker is idle: they take their sentinels and go
    except BaseException as exc:
        with interrupts.held():
            _stop(pool)
        if isinstance(exc, BrokenProcessPool):
            raise RuntimeFailure(f"a worker process stopped unexpectedly ({exc})") from exc
        raise
    return len(missing)


def check_plans(jobs: Sequence[TrackJob], speaker: Speaker) -> None:
    """Lay out every track from the phrases made, before any track is built: a track that
    cannot be laid out (a part too short for what opens it) stops the batch here, with the
    file, line and key of the part, and no track of the batch is made.

    Only cached phrases are read (a phrase that could not be made is left to its track to
    report); the engines are not started here.
    """
    for job in jobs:
        texts = planner.candidate_phrases(job.spec)
        lengths = {}
        for text in texts:
            clip = speaker.cache.get(speaker.key(text))
            if clip is None:
                break
            lengths[text] = samples_to_ms(clip.size)
        else:
            planner.plan(job.spec, lengths)


_NOT_FORK_SAFE = ("onnxruntime", "piper", "pyttsx3")
"""Modules whose native state a forked child must not inherit (their engines hold threads)."""


def _start_method() -> multiprocessing.context.BaseContext:
    """'fork' on Linux when nothing here would break in a child, else 'spawn'.

    Nothing would: no engine loaded and no other Python thread. numpy's OpenBLAS keeps a
    thread pool of its own, which it stops and restarts around a fork (pthread_atfork); that
    is the thread Python 3.12+ warns about when it forks (see _forking).
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1 \
            and not any(name in sys.modules for name in _NOT_FORK_SAFE):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _fresh(speaker: Speaker) -> Speaker:
    """A speaker like ``speaker`` holding no clips yet, so its clips come from the cache."""
    return Speaker(speaker.choice, rate=speaker.rate, lexicon=speaker.lexicon,
                   cache=speaker.cache)


def _make_phrases_here(speaker: Speaker, missing: tuple[str, ...],
                       progress: Progress | None) -> None:
    maker = _fresh(speaker)  # its clips are dropped after: tracks read the cached ones
    for done, text in enumerate(missing, start=1):
        with contextlib.suppress(WalkcoachError):  # the tracks that need it will say why
            maker.clip(text)
        if progress:
            progress("voice", done, len(missing))


def _build_here(speaker: Speaker, jobs: Sequence[TrackJob], finished: Finished,
                progress: Progress | None) -> None:
    reader = _fresh(speaker)
    if progress:
        progress("tracks", 0, len(jobs))
    for done, job in enumerate(jobs, start=1):
        try:
            built = session.build_track(job.spec, reader, job.out, fmt=job.out.suffix[1:],
                                        tags=job.tags, cover=job.cover)
            finished(job, built.timeline.duration_ms)
        except WalkcoachError as exc:
            finished(job, exc)
        if progress:
            progress("tracks", done, len(jobs))


def _build_pooled(pool: ProcessPoolExecutor, jobs: Sequence[TrackJob], workers: int,
                  finished: Finished, progress: Progress | None,
                  context: multiprocessing.context.BaseContext) -> None:
    # At most one track per worker is handed over at a time: the executor counts a queued
    # call as running, so only tracks never submitted can be cancelled by an interrupt.
    queue = list(jobs)
    running: dict[Future[int], TrackJob] = {}

    def top_up() -> None:
        with _starting(context):
            while queue and len(running) < workers:
                job = queue.pop(0)
                running[pool.submit(_build, job.spec, job.out, dict(job.tags),
                                    job.cover)] = job

    if progress:
        progress("tracks", 0, len(jobs))
    done = 0
    try:
        top_up()
        while running:
            for future in wait(running, return_when=FIRST_COMPLETED).done:
                with interrupts.held():  # a track taken off `running` is always recorded
                    finished(running.pop(future), _outcome(future))
                done += 1
                if progress:
                    progress("tracks", done, len(jobs))
            top_up()
    except BaseException:
        # The tracks running stop (their files removed) unless they are done; the whole ones
        # are still reported, so the caller's rerun does not build them again. With every
        # worker gone, the executor settles each call at once (a result or a broken pool).
        with interrupts.held():
            _stop(pool)
            wait([f for f in running if not f.cancelled()], timeout=_GRACE_S)
            for future, job in running.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    finished(job, future.result())
        raise


def _outcome(future: Future[int]) -> int | WalkcoachError:
    try:
        return future.result()
    except WalkcoachError as exc:
        return exc


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Quiet Python 3.12+'s warning that forking a multi-threaded process may deadlock: the
    only other thread is OpenBLAS's, which handles the fork itself (see _start_method)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*multi-threaded, use of fork\(\)",
                                category=DeprecationWarning)
        yield


@contextlib.contextmanager
def _starting(context: multiprocessing.context.BaseContext) -> Iterator[None]:
    """Around submits, which may start workers: Ctrl-C and SIGTERM are held until after.

    A forked worker starts with the holding handlers (its own are installed before it takes
    any work). A spawned one is a fresh interpreter, which would die of a Ctrl-C with a
    traceback while it imports: it must inherit Ctrl-C ignored, so Ctrl-C is ignored here
    for these few milliseconds (one pressed just then is lost; the next stops the batch).
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


_GRACE_S = 5.0
"""How long stopped workers get to unwind (they take well under a second) before a kill."""


def _stop(pool: ProcessPoolExecutor) -> None:
    """End every worker of ``pool`` within seconds, whatever it is doing; cancel the rest.

    Each worker is asked to stop (SIGTERM, again until it has gone; Windows workers have the
    console's Ctrl-C already): one in the middle of a track or a phrase unwinds, removing
    its temporary files, and exits; an idle one exits at once. One still alive after
    :data:`_GRACE_S` is killed. Safe to call again, and after a shutdown.
    """
    # The executor has no public list of its processes; without them a worker that never
    # takes its sentinel would keep the interpreter waiting at exit.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + _GRACE_S
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
def _work() -> Iterator[None]:
    """Mark this worker busy for one call; once asked to stop, it starts nothing more."""
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
    assert _worker_speaker is not None, "the pool initializer makes the speaker"
    with _work(), contextlib.suppress(WalkcoachError):
        _fresh(_worker_speaker).clip(text)


def _build(spec: SessionSpec, out: Path, tags: dict[str, str], cover: bytes | None) -> int:
    """Worker: build one track (reading phrases from the cache); its duration in ms."""
    assert _worker_speaker is not None, "the pool initializer makes the speaker"
    with _work():
        built = session.build_track(spec, _worker_speaker, out, fmt=out.suffix[1:], tags=tags,
                                    cover=cover)
    return built.timeline.duration_ms
