"""Shared fixtures: content paths, a phrase cache shared by the run, and helpers to measure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from walkcoach.content import TEMPLATES_DIR, find_exercise, load_template

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _phrase_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One phrase cache for the whole run (or $WALKCOACH_CACHE_DIR if set): tests that build
    tracks share synthesized phrases, and nothing is written to the user's cache."""
    path = Path(os.environ.get("WALKCOACH_CACHE_DIR") or tmp_path_factory.mktemp("phrases"))
    os.environ["WALKCOACH_CACHE_DIR"] = str(path)
    # Share tokens too are kept apart from the user's own (walkcoach.share.tokens_path).
    os.environ["WALKCOACH_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    return path


@pytest.fixture(scope="session")
def exercise():  # type: ignore[no-untyped-def]
    """The shipped walking-backwards exercise."""
    return find_exercise("walking-backwards")


@pytest.fixture(scope="session")
def template():  # type: ignore[no-untyped-def]
    """The shipped session template."""
    return load_template(TEMPLATES_DIR / "session.yaml")


from browser import browser  # noqa: E402, F401 - the session's Chromium, for page tests


@pytest.fixture(scope="session")
def listener():  # type: ignore[no-untyped-def]
    """Whisper tiny.en (tests/listen.py), loaded once for the whole run."""
    import listen

    return listen.Listener()
