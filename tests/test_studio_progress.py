"""The loop back from the client, in the studio: a check-in code pasted on the client's page
(good, damaged, foreign, twice), the progress chart drawn there with no script (and its
table), and each client's week at a glance on the clients list."""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from loop_support import DAY, PROGRAM
from studio_support import asgi_request
from test_studio_http import BASE, GOOD, HOSTS, TOKEN

from walkcoach import content
from walkcoach.share import tokens
from walkcoach.share.checkins import Session, checkin_tag, encode
from walkcoach.studio.app import create_app
from walkcoach.workspace import Workspace


class Place:
    """A studio on a workspace with a program and two clients, each with a share bundle's
    token kept as the share page keeps it (no audio made)."""

    def __init__(self, root: Path) -> None:
        self.space = Workspace.open(root)
        (self.space.root / "programs" / "backwards.yaml").write_text(PROGRAM, encoding="utf-8")
        for name, who in (("maria", "Maria Lopez"), ("john", "John Ode"),
                          ("ana", "Ana Bell")):
            (self.space.root / "clients" / f"{name}.yaml").write_text(f"name: {who}\n",
                                                                      encoding="utf-8")
        self.tags = {name: self.share(name) for name in ("maria", "john")}
        self.app, self.studio = create_app(self.space, hosts=HOSTS, token=TOKEN)

    def share(self, name: str) -> str:
        program = self.space.path("programs", "backwards")
        spec = content.load_client(self.space.path("clients", name))
        key = tokens.client_key(spec, spec.name, program, from_program=False)
        kept = tokens.keep(self.space.output_dir("share", "backwards"), program, key,
                           name=spec.name, start=DAY)
        return checkin_tag(kept.token)

    def get(self, url: str) -> str:
        response = asgi_request(self.app, "GET", url, base=BASE)
        assert response.status_code == 200, response.text[:400]
        return response.text

    def paste(self, name: str, code: str) -> str:
        response = asgi_request(self.app, "POST", f"/clients/{name}/checkin", base=BASE,
                                headers=GOOD, data={"code": code})
        assert response.status_code == 200, response.text[:400]
        return response.text

    @property
    def kept(self) -> Path:
        return self.space.root / "clients" / "maria.checkins.json"


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    made = Place(tmp_path / "ws")
    yield made
    made.studio.jobs.close()


def sessions(*pains: int, week: int = 1, effort: int = 4) -> list[Session]:
    first = DAY + datetime.timedelta(days=7 * (week - 1))
    return [Session(week=week, day=first + datetime.timedelta(days=2 * i), pain=pain,
                    effort=effort + i, note="") for i, pain in enumerate(pains)]


def _said(page: str, css: str) -> str:
    found = re.search(rf'<p class="{css}"[^>]*>(.*?)</p>', page, re.S)
    assert found, page[:3000]
    return found[1]


def test_a_good_code_is_imported_and_drawn(place: Place) -> None:
    before = place.get("/clients/maria")
    assert "No check-ins yet" in before and "<svg" not in before
    page = place.paste("maria", encode(sessions(1, 2, 1), tag=place.tags["maria"]))
    assert _said(page, "saved") == "Imported 3 sessions: 3 new."
    assert place.kept.is_file()
    assert "<svg" in page and "data-progress-chart" in page  # the part swapped in
    shown = place.get("/clients/maria")
    svg = shown[shown.index("<svg"):shown.index("</svg>")]
    assert "<script" not in shown[shown.index('id="progress"'):shown.index("</section>")]
    # Week 1 met its plan (3 of 3), week 2 is out and walked by no one yet.
    assert ">3 of 3<" in svg and ">0 of 3<" in svg and "Week 2" in svg
    assert svg.count('class="pain-dot"') == 3 + 1  # each session, and the legend's
    assert re.search(r'<polyline class="pain" points="[\d., ]+"', svg)
    assert "pain limit 5" in svg
    table = shown[shown.index("The same as a table"):]
    assert re.search(r"<td>Mon 4 Jan</td><td>1</td><td>1</td><td>4</td>", table)
    assert "Week 3 once" in shown or "week 3 once" in shown


@pytest.mark.parametrize("kind", ["damaged", "foreign", "empty"])
def test_a_bad_code_is_refused_next_to_its_field(place: Place, kind: str) -> None:
    good = encode(sessions(1), tag=place.tags["maria"])
    code = {"damaged": good[:6] + ("0" if good[6] != "0" else "1") + good[7:],
            "foreign": encode(sessions(1), tag=place.tags["john"]),
            "empty": "  "}[kind]
    page = place.paste("maria", code)
    said = re.search(r'<p class="error" id="code-problem" role="alert">(.*?)</p>', page)
    assert said, page[:3000]
    expected = {"damaged": "This code has a mistake", "foreign": "another client's page",
                "empty": "Paste the code"}[kind]
    assert expected in html.unescape(said[1])
    assert "walkcoach" not in said[1] and "--" not in said[1] and ".yaml" not in said[1]
    assert 'aria-invalid="true"' in page and code.strip() in page  # kept to correct
    assert not place.kept.exists()


def test_a_client_with_no_bundle_is_told_where_codes_come_from(place: Place) -> None:
    page = place.paste("ana", encode(sessions(1), tag=place.tags["maria"]))
    assert "Ana Bell has no client's page yet" in html.unescape(page)
    assert "share PROGRAM" not in page and "--client" not in page


def test_the_same_code_twice_changes_nothing_and_says_so(place: Place) -> None:
    code = encode(sessions(1, 2), tag=place.tags["maria"])
    place.paste("maria", code)
    before = place.kept.read_bytes()
    again = place.paste("maria", code.lower().replace("-", " "))
    assert _said(again, "saved") == ("This code was imported before: its 2 sessions are "
                                     "already here, and nothing changed.")
    assert place.kept.read_bytes() == before
    later = place.paste("maria", encode(sessions(1, 3, 2), tag=place.tags["maria"]))
    assert _said(later, "saved") == "Imported 3 sessions: 1 new, 1 corrected, 1 already here."


def test_the_clients_list_shows_each_clients_week_at_a_glance(place: Place) -> None:
    place.paste("maria", encode(sessions(0, 1, 1) + sessions(4, week=2),
                                tag=place.tags["maria"]))
    place.paste("john", encode(sessions(1, 8), tag=place.tags["john"]))
    page = place.get("/clients")
    rows = {name: re.sub(r"<[^>]+>|\s+", " ", row).split()
            for name, row in re.findall(r'data-client="([\w-]+)">(.*?)</tr>', page, re.S)}
    assert " ".join(rows["maria"]) == ("Maria Lopez Week 2, again 1 of 3 done 4 Maybe: "
                                       "week again")
    assert " ".join(rows["john"]) == "John Ode Week 1 2 of 3 done 8 Yes: told to stop"
    assert " ".join(rows["ana"]) == "Ana Bell No share bundle yet"
    assert 'class="call" data-client="john"' in page and 'class="call" data-client="maria"' \
        in page
    john = place.get("/clients/john")
    assert "Told to stop" in john and "Call John Ode" in john
