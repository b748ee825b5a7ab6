"""The progress chart in Chromium: a check-in code pasted on the client's page, the chart
drawn with no script and no request beyond the studio, axe-clean, and its screenshot
(tests/artifacts/studio-progress.png; a small copy is docs/progress-chart.png)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import ARTIFACTS
from outside_tools import axe_violations
from studio_support import serving, sign_in
from test_studio_progress import DAY, PROGRAM, sessions

from walkcoach import content
from walkcoach.share import tokens
from walkcoach.share.checkins import checkin_tag, encode

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """`walkcoach serve` of a workspace where Maria has a share bundle: its address and the
    code her page would send (three weeks of sessions)."""
    root = tmp_path_factory.mktemp("loop")
    for folder in ("programs", "clients"):
        (root / folder).mkdir()
    (root / "programs" / "backwards.yaml").write_text(PROGRAM, encoding="utf-8")
    (root / "clients" / "maria.yaml").write_text("name: Maria Lopez\n", encoding="utf-8")
    program = root / "programs" / "backwards.yaml"
    spec = content.load_client(root / "clients" / "maria.yaml")
    key = tokens.client_key(spec, spec.name, program, from_program=False)
    kept = tokens.keep(root / "share" / "backwards", program, key, name=spec.name, start=DAY)
    logged = (sessions(1, 2, 1, effort=3) + sessions(2, 1, 2, week=2, effort=4)
              + sessions(4, week=3, effort=6))
    with serving(root) as (address, _):
        yield address, encode(logged, tag=checkin_tag(kept.token))


def test_the_chart_of_a_pasted_code(studio: tuple[str, str], browser: Any) -> None:
    address, code = studio
    context = browser.new_context(viewport={"width": 900, "height": 1000})
    page = sign_in(context).new_page()
    elsewhere: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(address)
            else elsewhere.append(request.url))
    page.goto(f"{address}clients/maria")
    assert page.get_by_text("No check-ins yet").is_visible()
    page.get_by_label("Check-in code from Maria Lopez").fill(code)
    page.get_by_role("button", name="Import the check-ins").click()
    page.wait_for_selector("[data-progress-chart]")
    assert page.locator("#checkin-form .saved").inner_text() == \
        "Imported 7 sessions: 7 new."
    chart = page.locator("figure.chart")
    box = chart.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 400  # drawn at the page's width
    assert page.locator("svg .pain-dot").count() == 7 + 1
    assert page.get_by_role("img", name="Backwards: sessions each week").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    chart.screenshot(path=str(ARTIFACTS / "studio-progress.png"))
    assert axe_violations(page) == []
    page.goto(f"{address}clients")
    assert "Week 3" in page.locator("tr[data-client=maria]").inner_text()
    assert axe_violations(page) == []
    assert elsewhere == []  # drawn on the coach's computer: nothing asked of the internet
    context.close()
