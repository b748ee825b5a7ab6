"""How much of the machine this process may use: every core, or one in a batch worker.

A single build may spread its work: the neural voice speaks one phrase per core at a time,
and M4A and WAV are encoded by ffmpeg beside the mixing. A batch of ``--jobs N`` runs N worker
processes held to one core each, so that N workers do N times the work of one instead of
fighting over the cores.
"""

from __future__ import annotations

import os

_one_core = False


def use_one_core() -> None:
    """Hold this process to one core from now on (call before the first phrase or track)."""
    global _one_core
    _one_core = True


def one_core() -> bool:
    """Whether this process is held to one core."""
    return _one_core


def available() -> int:
    """The cores this process may run on: its CPU affinity where the system has one."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
