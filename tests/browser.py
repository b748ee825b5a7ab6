"""A real headless Chromium for page tests: Debian's package driven by Playwright.

Browser downloads are blocked here, so Playwright's own browsers cannot be installed: the
tests drive the system's ``chromium`` (``make test`` installs it on Linux). A missing browser
fails the test that needs it, loudly: browser tests never skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
"""Screenshots the page tests save (ignored by git; CI keeps them as test artifacts)."""
_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-quic",
          "--autoplay-policy=no-user-gesture-required"]


def chromium_path() -> str:
    """The system's Chromium, or a test failure saying how to get it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium found: `make test` installs Debian's chromium package on Linux "
                "(apt-get install chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
