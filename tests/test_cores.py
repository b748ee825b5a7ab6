"""How many batch workers run: at most one per core, and as many as fit in free memory."""

from __future__ import annotations

import sys

import pytest

from walkcoach import notes
from walkcoach.process import cores


@pytest.fixture(autouse=True)
def _fresh_notes() -> None:
    notes.clear()


def test_a_request_above_the_cores_is_lowered_with_a_note() -> None:
    assert cores.cap_jobs(40, cpus=2, memory_mb=64_000) == 2
    assert notes.recent() == ("jobs lowered from 40 to 2: 2 cores available",)


def test_a_request_above_the_free_memory_is_lowered_with_a_note() -> None:
    fit = 1600 // cores.WORKER_MB
    assert cores.cap_jobs(8, cpus=16, memory_mb=1600) == fit
    assert notes.recent() == (f"jobs lowered from 8 to {fit}: 1600 MB of memory free, about "
                              f"{cores.WORKER_MB} MB per worker",)


@pytest.mark.parametrize(("requested", "cpus", "memory_mb", "expected"), [
    (2, 4, 100_000, 2),  # within both: as asked
    (1, 1, 10, 1),  # never below one, even when memory is short
    (None, 4, 100_000, 4),  # the default: one per core
    (None, 4, 2 * cores.WORKER_MB, 2),  # the default, held to what fits in memory
])
def test_requests_that_fit_are_kept_silently(requested: int | None, cpus: int, memory_mb: int,
                                             expected: int) -> None:
    assert cores.cap_jobs(requested, cpus=cpus, memory_mb=memory_mb) == expected
    assert notes.recent() == ()


def test_a_request_below_one_is_left_for_the_caller_to_refuse() -> None:
    assert cores.cap_jobs(0, cpus=2, memory_mb=64_000) == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="MemAvailable is Linux's")
def test_free_memory_is_measured_on_linux() -> None:
    free = cores.available_memory_mb()
    assert free is not None and free > 0
