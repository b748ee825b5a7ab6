"""How much of the machine this process may use: every core, or one in a batch worker.

A single build may spread its work: the neural voice speaks one phrase per core at a time,
and M4A and WAV are encoded by ffmpeg beside the mixing. A batch of ``--jobs N`` runs N worker
processes held to one core each, so that N workers do N times the work of one instead of
fighting over the cores. N is capped by the cores and the free memory (:func:`cap_jobs`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from walkcoach import notes

WORKER_MB = 500
"""What one batch worker may use at its peak, in MB. A neural worker peaked at 320 MB making
the shipped program's phrases (the model, its buffers for the longest sentence, the clip); a
long line is said in pieces held under 500 MB. A system voice worker needs less."""

_one_core = False


def use_one_core() -> None:
    """Hold this process to one core from now on (call before the first phrase or track)."""
    global _one_core
    _one_core = True


@contextlib.contextmanager
def one_core_while() -> Iterator[None]:
    """Hold this process to one core while the block runs (a batch of one job built in this
    process), then give it back: a studio that built such a batch spreads its next builds."""
    global _one_core
    before, _one_core = _one_core, True
    try:
        yield
    finally:
        _one_core = before


def one_core() -> bool:
    """Whether this process is held to one core."""
    return _one_core


def available() -> int:
    """The cores this process may run on: its CPU affinity where the system has one."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def available_memory_mb() -> int | None:
    """The memory the system can give without swapping, in MB; None where it is not known.

    Read from MemAvailable in /proc/meminfo on Linux. Elsewhere (macOS, Windows) it is not
    measured, and only the cores cap a batch.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024  # given in kB
    except (OSError, ValueError, IndexError):
        pass
    return None


def cap_jobs(requested: int | None, *, cpus: int | None = None,
             memory_mb: int | None = None) -> int:
    """The number of batch workers to run for ``requested`` (None: one per core).

    At most one per core (``cpus``, default :func:`available`) and as many as fit in the free
    memory (``memory_mb``, default :func:`available_memory_mb`) at :data:`WORKER_MB` each;
    never below 1. A request that is lowered is said in a note, with the reason. A request
    below 1 is returned as it is, for the caller to refuse.
    """
    if requested is not None and requested < 1:
        return requested
    cpus = available() if cpus is None else cpus
    memory_mb = available_memory_mb() if memory_mb is None else memory_mb
    allowed, reason = max(1, cpus), f"{cpus} {'core' if cpus == 1 else 'cores'} available"
    if memory_mb is not None and memory_mb // WORKER_MB < allowed:
        allowed = max(1, memory_mb // WORKER_MB)
        reason = f"{memory_mb} MB of memory free, about {WORKER_MB} MB per worker"
    if requested is None:
        return allowed  # the default: no one asked for more
    if requested > allowed:
        notes.note(f"jobs lowered from {requested} to {allowed}: {reason}", once=True)
        return allowed
    return requested
