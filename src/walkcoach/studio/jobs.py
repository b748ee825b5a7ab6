"""Long work in the background, one job at a time: the page asks how it is going.

Synthesis and encoding use every core they are given, so two jobs run one after the other
rather than fight over the cores: a job waits in the queue, then runs in the one worker
thread. A job belongs to the server, not to a page: closing the tab does not stop it.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from walkcoach.errors import WalkcoachError, one_line

__all__ = ["STAGES", "Job", "Jobs", "Work"]

State = Literal["queued", "running", "done", "failed"]
Work = Callable[[Callable[[str, int, int], None]], dict[str, Any]]
"""A job's work: called with a progress callback (stage, done, total), returns its result."""
STAGES = {"voice": "Speaking new phrases", "tracks": "Building tracks", "mix": "Mixing",
          "encode": "Encoding", "done": "Finishing"}


@dataclass(kw_only=True)
class Job:
    """One piece of background work and how far it has come."""

    id: str
    kind: str  # what it makes: script, track, program, share
    title: str
    work: Work = field(repr=False)
    state: State = "queued"
    stage: str = ""
    done: int = 0
    total: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    queued_at: float = field(default_factory=time.monotonic)
    seconds: float | None = None  # how long it ran, once it has ended

    @property
    def percent(self) -> int:
        """How far the current stage has come, 0 to 100."""
        if self.state == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stage_label(self) -> str:
        """The current stage, in words."""
        return STAGES.get(self.stage, self.stage) or ("Waiting for the job before it"
                                                       if self.state == "queued" else "")

    @property
    def ended(self) -> bool:
        """Whether the job has finished, well or not."""
        return self.state in ("done", "failed")


class Jobs:
    """The queue of jobs and the one thread that runs them, in the order they came."""

    def __init__(self, *, keep: int = 200) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._keep = keep
        self._thread = threading.Thread(target=self._run, name="walkcoach-jobs", daemon=True)
        self._thread.start()

    def submit(self, *, kind: str, title: str, work: Work) -> Job:
        """Queue ``work``; the job is returned at once."""
        with self._lock:
            job = Job(id=str(next(self._ids)), kind=kind, title=title, work=work)
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
            return sorted(self._jobs.values(), key=lambda job: -int(job.id))

    def idle(self) -> bool:
        """Whether no job is queued or running."""
        with self._lock:
            return all(job.ended for job in self._jobs.values())

    def close(self, timeout: float = 1.0) -> None:
        """Take no more jobs; the running one finishes on its own thread."""
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            started = time.monotonic()
            job.state = "running"

            def progress(stage: str, done: int, total: int, job: Job = job) -> None:
                job.stage, job.done, job.total = stage, done, total

            try:
                job.result = job.work(progress)
                job.state = "done"
            except WalkcoachError as exc:
                job.error, job.state = str(exc), "failed"
            except Exception as exc:  # a bug: said in one line on the page, whole in the log
                traceback.print_exc(file=sys.stderr)
                job.error = one_line(f"walkcoach failed unexpectedly: {exc!r}")
                job.state = "failed"
            finally:
                job.seconds = time.monotonic() - started
