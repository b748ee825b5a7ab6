"""A page out of date, in a real Chromium: the studio says so, and its Reload button works.

The studio knows a page by the CSRF token it was served with (``hx-headers`` on its body,
sent by htmx with every form); a page of an earlier run of the studio sends a token that is
no longer the studio's. Here the page's token is made an earlier run's in the DOM, and the
coach's form is sent: the coach is told the page is out of date, clicks Reload, and the
form then works.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import screenshot
from studio_support import serving, signed_in_page

pytestmark = pytest.mark.e2e

_EARLIER = "a-token-of-an-earlier-run-of-the-studio"
_TOKEN = "body => JSON.parse(body.getAttribute('hx-headers'))['X-CSRF-Token']"


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """The studio's address, and a page signed in to it."""
    with serving(tmp_path / "workspace") as (address, _), signed_in_page(browser) as page:
        yield address, page


def test_a_stale_page_says_so_and_its_reload_button_makes_the_form_work(
        page: tuple[str, Any]) -> None:
    address, tab = page
    tab.goto(f"{address}settings")
    current = tab.eval_on_selector("body", _TOKEN)
    tab.eval_on_selector("body", "(body, token) => body.setAttribute('hx-headers', "
                                 "JSON.stringify({'X-CSRF-Token': token}))", _EARLIER)
    assert tab.eval_on_selector("body", _TOKEN) == _EARLIER

    tab.fill("#coach-form input[name=coach]", "Coach Stale")
    tab.click("#coach-form button[type=submit]")
    problem = tab.wait_for_selector("#studio-problem:not([hidden])")
    assert problem.inner_text().startswith("This page is out of date")
    assert tab.locator("#coach-form .saved").count() == 0
    screenshot(tab, "studio-reload-1-out-of-date")

    with tab.expect_navigation():
        tab.get_by_role("button", name="Reload").click()
    assert tab.eval_on_selector("body", _TOKEN) == current  # the studio's own, fresh
    assert tab.is_hidden("#studio-problem") and tab.inner_text("#studio-problem") == ""
    # What the stale page sent was refused: the name was not saved.
    assert tab.input_value("#coach-form input[name=coach]") != "Coach Stale"

    tab.fill("#coach-form input[name=coach]", "Coach Fresh")
    tab.click("#coach-form button[type=submit]")
    tab.wait_for_selector("#coach-form .saved")
    assert tab.is_hidden("#studio-problem")
    screenshot(tab, "studio-reload-2-saved")
    tab.reload()
    assert tab.input_value("#coach-form input[name=coach]") == "Coach Fresh"
    assert tab.eval_on_selector("body", _TOKEN) == current
