"""Long work in the background, one job at a time: the page asks how it is going.

Synthesis and encoding use every core they are given, so two jobs run one after the other
rather than fight over the cores: a job waits in the queue, then runs in the one worker
thread. A job belongs to the server, not to a page: closing the tab does not stop it.
Stopping the server (:meth:`Jobs.close`) stops the running job at its next step of progress,
as Ctrl-C stops a command: it unwinds through the library's cleanups, so no half-written file
is left, and the jobs still waiting are dropped. Cancelling one job (:meth:`Jobs.cancel`)
does the same to it alone: a waiting job never starts, a running one stops at its next step.
(The worker is a daemon thread only so that
an app never closed, in a test, does not keep the interpreter from exiting.)
"""

from __future__ import annotations

import itertools
import queue
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from walkcoach.build.session import STAGES
from walkcoach.errors import InputError, WalkcoachError, one_line
from walkcoach.workspace.words import said

__all__ = ["MAX_WAITING", "Job", "Jobs", "Stopped", "Work"]

State = Literal["queued", "running", "done", "failed", "cancelled"]
Work = Callable[[Callable[[str, int, int], None]], dict[str, Any]]
"""A job's work: called with a progress callback (stage, done, total), returns its result."""
MAX_WAITING = 20
"""How many jobs may wait at once: a page (or a script) that sends work in a loop is told
to wait, not given a queue that grows without end."""
STOP_WAIT_S = 60.0
"""How long closing waits for the running job to unwind (an encode reports no progress)."""


SPANS = {"voice": (0.0, 0.8), "mix": (0.8, 0.9), "encode": (0.9, 1.0), "done": (1.0, 1.0)}
"""Where each stage of one track lies in the whole job, as a fraction (speaking new
phrases takes most of a cold build)."""
SPANS_OF = {"script": {"voice": (0.0, 1.0)},
            "program": {"voice": (0.0, 0.5), "tracks": (0.5, 1.0)},
            "share": {"voice": (0.0, 0.5), "tracks": (0.5, 1.0)}}
"""The stages' places of the kinds of job that are not one track."""


class Stopped(KeyboardInterrupt):
    """Raised in a running job when the studio stops or the job is cancelled: it unwinds as
    Ctrl-C does."""


@dataclass(kw_only=True)
class Job:
    """One piece of background work and how far it has come."""

    id: str  # unique to this server's life: a page left open never polls another's job
    seq: int = 0  # the order it came in
    kind: str  # what it makes: script, track, render, program, share
    title: str
    work: Work = field(repr=False)
    state: State = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # the library's notes while it ran
    seconds: float | None = None  # how long it ran, once it has ended
    key: str | None = None  # what it makes: the same work asked for again is this job
    started: float | None = None  # time.monotonic() when it began to run
    fraction: float = 0.0  # how much of the whole job is done, 0 to 1 (never goes back)
    cancel_asked: bool = False  # the coach asked to cancel it: it stops at its next step

    def poll_ms(self, polled: int) -> int:
        """How long a page waits before asking again, after ``polled`` answers: soon while
        it runs, then less and less often; a job waiting its turn, every 3 seconds."""
        if self.state == "queued":
            return 3000
        return min(3000, int(400 * 1.25 ** max(0, polled)))

    @property
    def percent(self) -> int:
        """How far the current stage has come, 0 to 100."""
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def overall(self) -> int:
        """How far the whole job has come, 0 to 100 (one bar for all its stages)."""
        return 100 if self.state == "done" else int(100 * self.fraction)

    def advance(self, stage: str, done: int, total: int) -> None:
        """Take a step of progress: the stage, and the whole job's fraction done."""
        self.stage, self.done, self.total = stage, done, total
        start, end = SPANS_OF.get(self.kind, SPANS).get(stage, (self.fraction, self.fraction))
        part = min(1.0, done / total) if total > 0 else 0.0
        self.fraction = max(self.fraction, min(1.0, start + (end - start) * part))

    def seconds_left(self, now: float | None = None) -> float | None:
        """The time left, from the time it has run and the fraction done (None until there
        is enough to go on: a second run and a twentieth done)."""
        if self.state != "running" or self.started is None:
            return None
        elapsed = (time.monotonic() if now is None else now) - self.started
        if elapsed < 1.0 or self.fraction < 0.05:
            return None
        return elapsed * (1.0 - self.fraction) / self.fraction

    @property
    def time_left(self) -> str:
        """The time left in words ("about 40 s left"), or "" when it cannot be told yet."""
        left = self.seconds_left()
        if left is None:
            return ""
        if left < 10:
            return f"about {max(1, round(left))} s left"
        if left < 60:
            return f"about {5 * round(left / 5)} s left"
        return f"about {round(left / 60)} min left"

    @property
    def stage_label(self) -> str:
        """The current stage, in words."""
        return STAGES.get(self.stage, self.stage) or ("Waiting for the job before it"
                                                       if self.state == "queued" else "")

    @property
    def ended(self) -> bool:
        """Whether the job has finished, well or not."""
        return self.state in ("done", "failed", "cancelled")


class Jobs:
    """The queue of jobs and the one thread that runs them, in the order they came."""

    def __init__(self, *, keep: int = 200) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._run_id = secrets.token_hex(3)
        self._keep = keep
        self._stopping = threading.Event()
        self._running: Job | None = None
        self._thread = threading.Thread(target=self._run, name="walkcoach-jobs", daemon=True)
        self._thread.start()

    def submit(self, *, kind: str, title: str, work: Work, key: str | None = None) -> Job:
        """Queue ``work``; the job is returned at once. A job of the same ``key`` (the same
        file made from the same choices) still waiting or running is returned instead: a
        double click makes one track. InputError once the studio stops, or when
        :data:`MAX_WAITING` jobs already wait."""
        with self._lock:  # close() sets stopping under it: no job lands behind the end
            if self._stopping.is_set():
                raise InputError("the studio is stopping: it takes no more work")
            if key is not None:
                for old in self._jobs.values():
                    if old.key == key and old.kind == kind and not old.ended:
                        return old
            if sum(old.state == "queued" for old in self._jobs.values()) >= MAX_WAITING:
                raise InputError(f"{MAX_WAITING} jobs are already waiting: let them finish "
                                 "first")
            seq = next(self._ids)
            job = Job(id=f"{seq}-{self._run_id}", seq=seq, kind=kind, title=title, work=work,
                      key=key)
            self._jobs[job.id] = job
            ended = [key for key, old in self._jobs.items() if old.ended]
            for key in ended[: max(0, len(self._jobs) - self._keep)]:
                del self._jobs[key]
            self._queue.put(job)
        return job

    def get(self, job_id: str) -> Job | None:
        """The job of an id, if there is one."""
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: -job.seq)

    def active(self) -> list[Job]:
        """The jobs queued or running, oldest first."""
        return [job for job in reversed(self.all()) if not job.ended]

    def idle(self) -> bool:
        """Whether no job is queued or running."""
        with self._lock:
            return all(job.ended for job in self._jobs.values())

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a job: one waiting never starts, one running stops at its next step of
        progress (its files cleaned up, as Ctrl-C leaves them); one ended stays as it is.
        The job, or None when there is no such job."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.ended:
                return job
            job.cancel_asked = True
            if job.state == "queued":
                job.state, job.error = "cancelled", "cancelled before it started"
                job.seconds = 0.0
        return job

    def note(self, message: str) -> None:
        """Keep a note of the library's with the running job (the terminal gets it too)."""
        running = self._running
        if running is not None:
            running.notes.append(message)
        print(f"walkcoach: note: {message}", file=sys.stderr)

    def close(self, timeout: float = STOP_WAIT_S) -> None:
        """Stop: drop the waiting jobs, stop the running one at its next step (its files
        cleaned up), and wait for it, at most ``timeout`` seconds."""
        with self._lock:
            self._stopping.set()
            self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            if job.cancel_asked:
                continue
            if self._stopping.is_set():
                job.error, job.state = "not started: the studio was stopped", "failed"
                continue
            self._work(job)

    def _work(self, job: Job) -> None:
        with self._lock:  # a cancel in between: it never starts
            if job.cancel_asked:
                return
            started = job.started = time.monotonic()
            job.state, self._running = "running", job

        def progress(stage: str, done: int, total: int) -> None:
            # A job cancelled at its last step ("done": its files whole) is done all the same.
            if self._stopping.is_set() or (job.cancel_asked and stage != "done"):
                raise Stopped
            job.advance(stage, done, total)

        try:
            job.result = job.work(progress)
            job.state = "done"
        except Stopped:
            if job.cancel_asked and not self._stopping.is_set():
                job.error, job.state = "cancelled: no half-made file is left", "cancelled"
            else:
                job.error, job.state = "stopped: the studio was stopped", "failed"
        except WalkcoachError as exc:  # said in the coach's words: no option, path or key
            job.error, job.state = said(exc), "failed"
        except Exception as exc:  # a bug: said in one line on the page, whole in the log
            traceback.print_exc(file=sys.stderr)
            job.error = one_line(f"walkcoach failed unexpectedly: {exc!r}")
            job.state = "failed"
        finally:
            self._running = None
            job.seconds = time.monotonic() - started
