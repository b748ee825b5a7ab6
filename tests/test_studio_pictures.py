"""The list editor's "Hear it" and the script page's picture of the session, in Chromium
(issue 22): a line heard shows its spoken length; the strip has one tick per line, and a
tick takes the coach to its line's words; axe finds nothing on either page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser import screenshot
from outside_tools import axe_violations
from studio_support import script_text, serving, signed_in_page

from walkcoach.workspace import Workspace, copy_exercise


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`walkcoach serve` on a workspace with the coach's copy of an exercise and a script."""
    root = tmp_path_factory.mktemp("pictures")
    space = Workspace.open(root)
    copy_exercise(space, "walking-backwards")
    (space.root / "scripts" / "walk.yaml").write_text(script_text(minutes=2),
                                                      encoding="utf-8")
    with serving(root) as (address, _):
        yield address


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with signed_in_page(browser, viewport={"width": 1100, "height": 800}) as page:
        yield page


def test_hear_a_line_of_the_words_and_see_how_long_it_is(studio: str, page: Any) -> None:
    page.goto(f"{studio}exercises/my-walking-backwards/words")
    page.select_option("#words-voice", "system")
    page.click("#line-0-1 ~ .line-actions .hear")
    length = page.wait_for_selector("#heard-0-1 .length", timeout=60_000)
    assert re.fullmatch(r"\d+\.\d s", length.inner_text())
    seconds = page.wait_for_function(
        "() => { const a = document.querySelector('#heard-0-1 audio');"
        " return a && a.readyState >= 1 && a.duration; }", timeout=20_000).json_value()
    assert abs(seconds - float(length.inner_text()[:-2])) <= 0.05
    screenshot(page, "words-heard")
    assert axe_violations(page) == []


def test_the_strip_has_a_tick_per_line_and_a_tick_goes_to_its_line(studio: str,
                                                                   page: Any) -> None:
    page.goto(f"{studio}scripts/walk")
    lines = page.locator("#script-form textarea").count()
    assert lines > 20
    assert page.locator("#timeline a.tick").count() == lines
    assert page.locator("#timeline text.bar-label").all_text_contents()[:4] == \
        ["Welcome", "Safety", "Getting ready", "The walk"]
    target = lines - 5  # a line of the walk, far down the page
    page.click(f'#timeline a[data-line="say-{target}"]')
    assert page.evaluate("document.activeElement.id") == f"say-{target}"
    assert page.evaluate(f"""() => {{ const r = document.getElementById('say-{target}')
        .getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }}""")
    save = page.locator("#save-button").bounding_box()
    assert save is not None and save["y"] + save["height"] <= 800  # Save at hand
    screenshot(page, "script-strip")
    assert axe_violations(page) == []
