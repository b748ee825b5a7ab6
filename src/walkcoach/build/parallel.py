"""Many tracks built at once: every missing phrase made once, then the tracks, Ctrl-C safe.

``workers`` is the number of cores the batch uses: each worker process runs single-threaded
(see walkcoach.process.cores: the neural voice on one thread, MP3 encoding in line), so
two workers on two cores do twice the work of one.

Phrases first: the candidate phrases of all the tracks are looked up in the phrase cache and
each missing one is synthesized exactly once before any track starts, spread over the workers
(walkcoach.build.workers: one phrase to one worker, longest first). Tracks then only read the
cache, so a phrase said in six tracks is made once, and every track mixes the cached 16-bit
clips whichever process built it: one job or many give byte-identical files.

Then tracks, over the same pool with one speaker per worker, or in this process for one
worker. A KeyboardInterrupt (Ctrl-C, or SIGTERM) stops the batch within seconds, however many
arrive (walkcoach.build.workers.stop), and the tracks that did finish are still reported, so
the caller can record them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from walkcoach.audio.pcm import samples_to_ms
from walkcoach.build import session
from walkcoach.build import workers as pools
from walkcoach.build.session import Progress
from walkcoach.errors import RuntimeFailure, WalkcoachError
from walkcoach.plan import planner
from walkcoach.plan.model import SessionSpec
from walkcoach.process import cores, interrupts
from walkcoach.voice import Speaker

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
    return pools.missing_texts(
        speaker, (text for spec in specs for text in planner.candidate_phrases(spec)))


def build_tracks(jobs: Sequence[TrackJob], speaker: Speaker, *, workers: int,
                 finished: Finished, progress: Progress | None = None) -> int:
    """Build ``jobs`` in this order with up to ``workers`` processes; the phrases made.

    ``progress`` gets ("voice", done, total) while missing phrases are made, then
    ("tracks", done, total), first with done=0. A track that fails with a WalkcoachError is
    passed to ``finished`` with its error and the others go on.
    """
    missing = missing_phrases(speaker, [job.spec for job in jobs])
    jobs_at_once = min(workers, len(jobs))
    if jobs_at_once <= 1:
        with cores.one_core_while():
            _make_phrases_here(speaker, missing, progress)
            check_plans(jobs, speaker)
            _build_here(speaker, jobs, finished, progress)
        return len(missing)
    pool, context = pools.open_pool(speaker, jobs_at_once)
    try:
        report = (lambda done, total: progress("voice", done, total)) if progress else None
        pools.speak(pool, context, missing, report)
        check_plans(jobs, speaker)
        _build_pooled(pool, jobs, jobs_at_once, finished, progress, context)
        pool.shutdown(wait=True)  # every worker is idle: they take their sentinels and go
    except BaseException as exc:
        with interrupts.held():
            pools.stop(pool)
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


def _make_phrases_here(speaker: Speaker, missing: tuple[str, ...],
                       progress: Progress | None) -> None:
    maker = pools.fresh(speaker)  # its clips are dropped after: tracks read the cached ones
    for done, text in enumerate(missing, start=1):
        with contextlib.suppress(WalkcoachError):  # the tracks that need it will say why
            maker.clip(text)
        if progress:
            progress("voice", done, len(missing))


def _build_here(speaker: Speaker, jobs: Sequence[TrackJob], finished: Finished,
                progress: Progress | None) -> None:
    reader = pools.fresh(speaker)
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


def _build_pooled(pool: ProcessPoolExecutor, jobs: Sequence[TrackJob], at_once: int,
                  finished: Finished, progress: Progress | None,
                  context: multiprocessing.context.BaseContext) -> None:
    # At most one track per worker is handed over at a time: the executor counts a queued
    # call as running, so only tracks never submitted can be cancelled by an interrupt.
    queue = list(jobs)
    running: dict[Future[int], TrackJob] = {}

    def top_up() -> None:
        with pools.starting(context):
            while queue and len(running) < at_once:
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
            pools.stop(pool)
            wait([f for f in running if not f.cancelled()], timeout=pools.GRACE_S)
            for future, job in running.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    finished(job, future.result())
        raise


def _outcome(future: Future[int]) -> int | WalkcoachError:
    try:
        return future.result()
    except WalkcoachError as exc:
        return exc


def _build(spec: SessionSpec, out: Path, tags: dict[str, str], cover: bytes | None) -> int:
    """Worker: build one track (reading phrases from the cache); its duration in ms."""
    with pools.working():
        built = session.build_track(spec, pools.worker_speaker(), out, fmt=out.suffix[1:],
                                    tags=tags, cover=cover)
    return built.timeline.duration_ms
