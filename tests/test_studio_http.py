"""The studio over HTTP, driven in-process as a hostile page or a careless user would: the
Host check, the CSRF token on every POST, no file outside the workspace read or written
through any URL or field, uploads checked, and every bad input answered with the command
line's words next to its field, never a stack trace. No track is built here: a route that
would queue work records the job instead of running it."""

from __future__ import annotations

import asyncio
import functools
import html
import io
import math
import random
import re
import socket
import struct
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from click.testing import CliRunner
from studio_support import asgi_request
from studio_support import run as _run

from walkcoach.build import session
from walkcoach.errors import InputError
from walkcoach.plan import planner
from walkcoach.script import file as scriptfile
from walkcoach.studio import serve
from walkcoach.studio.app import create_app
from walkcoach.studio.base import Studio
from walkcoach.studio.jobs import Job
from walkcoach.workspace import Workspace, check_name, exercise_ref
from walkcoach.workspace.words import LABELS, said

HOSTS = frozenset({"127.0.0.1:8765", "localhost:8765"})
BASE = "http://127.0.0.1:8765"
TOKEN = "the-studio-token-for-these-tests"
GOOD = {"X-CSRF-Token": TOKEN}
PROGRAM = "walking-backwards-6-weeks"  # shipped, copied into every new workspace
SECRET = "TOPSECRET-outside-the-workspace"
CLIENT_SECRET = "TOPSECRET-in-a-client-file"
T = TypeVar("T")
SCRIPT_OPTIONS = {"minutes": 3.0, "level": "beginner", "setting": "floor", "seed": 4}


# --- helpers ----------------------------------------------------------------------------


@functools.cache
def _wav(seconds: float = 1.5, rate: int = 16000) -> bytes:
    """A WAV of a quiet 440 Hz tone, made with the standard library."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * i
                                                                         / rate)))
                                 for i in range(int(seconds * rate))))
    return buffer.getvalue()


@functools.cache
def _png() -> bytes:
    """A square PNG a build takes as a cover (600 pixels a side)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (40, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@functools.cache
def _script_text() -> str:
    """An editable session script, planned with made-up phrase lengths (no voice)."""
    spec = session.make_spec(minutes=3, level="beginner", setting="floor", seed=4)
    lengths = {text: random.Random(text).randint(400, 2500)
               for text in planner.candidate_phrases(spec)}
    return scriptfile.write_text(planner.plan(spec, lengths), SCRIPT_OPTIONS)


def _library_error(call: Callable[[], object]) -> str:
    """The one-line message the library raises for ``call``."""
    with pytest.raises(InputError) as raised:
        call()
    return str(raised.value)


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every path under ``root`` with its bytes (what the link says, for a link)."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[name] = b"link:" + str(path.readlink()).encode()
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = b"<folder>"
    return found


@dataclass
class Box:
    """One studio on a fresh workspace, and what its routes queued."""

    app: Any
    studio: Studio
    space: Workspace
    outside: Path  # the folder holding the workspace (and a secret file beside it)
    queued: list[Job] = field(default_factory=list)
    real_submit: Any = None

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return asgi_request(self.app, method, url, base=BASE, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, *, headers: dict[str, str] | None = None,
             **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, headers=GOOD if headers is None else headers,
                            **kwargs)

    def raw(self, method: str, path: str, *, headers: list[tuple[bytes, bytes]] | None = None,
            body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        """The app called with an ASGI scope as a server would make it: ``path`` exactly as
        given (no client normalizes it), and only the headers given."""
        return _run(_call(self.app, method, path, body,
                                 [(b"host", b"127.0.0.1:8765")] if headers is None
                                 else headers))

    def snapshot(self) -> dict[str, bytes]:
        return _snapshot(self.outside)

    def done_script_job(self) -> Job:
        """A finished script preview, as the queue keeps it (made without a voice)."""
        job: Job = self.real_submit(kind="script", title="Script: kept",
                                    work=lambda progress: {"name": "kept",
                                                           "yaml": _script_text()})
        deadline = time.monotonic() + 10
        while not job.ended:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert job.state == "done"
        return job


async def _call(app: Any, method: str, path: str, body: bytes,
                headers: list[tuple[bytes, bytes]]) -> tuple[int, dict[str, str], bytes]:
    sent: list[dict[str, Any]] = []
    finished = asyncio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            finished.set()

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path,
             "raw_path": path.encode("utf-8", "surrogateescape"), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8765)}
    await app(scope, receive, send)
    start = sent[0]
    return (start["status"],
            {key.decode("latin-1"): value.decode("latin-1") for key, value in start["headers"]},
            b"".join(message.get("body", b"") for message in sent[1:]))


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """A studio on a workspace holding a client, a music bed, a script and an output file,
    with a secret file beside the workspace; queued work is recorded, never run."""
    yield from make_box(tmp_path, monkeypatch)


def make_box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    """The ``box`` fixture's studio (for the fixture of another test file)."""
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    space = Workspace.open(tmp_path / "ws")
    (space.root / "clients" / "ann.yaml").write_text(
        f"name: Ann\nlevel: beginner\nnotes: {CLIENT_SECRET}\n", encoding="utf-8")
    (space.root / "music" / "tone.wav").write_bytes(_wav())
    (space.root / "scripts" / "s1.yaml").write_text(_script_text(), encoding="utf-8")
    (space.root / "tracks" / "made.txt").write_text("made by walkcoach", encoding="utf-8")
    app, studio = create_app(space, hosts=HOSTS, token=TOKEN)
    made = Box(app=app, studio=studio, space=space, outside=tmp_path,
               real_submit=studio.jobs.submit)

    def submit(*, kind: str, title: str, work: Any, key: str | None = None) -> Job:
        job = Job(id=f"q{len(made.queued) + 1}", kind=kind, title=title, work=work, key=key)
        made.queued.append(job)
        return job

    monkeypatch.setattr(studio.jobs, "submit", submit)
    yield made
    studio.jobs.close()


def _in_coach_words(shown: str, field: str) -> None:
    """A message next to a field names it as the form does, and says no option, file or
    line number."""
    assert LABELS[field].lower() in shown.lower(), (field, shown)
    assert "--" not in shown and ".yaml" not in shown and not re.search(r":\d+:", shown), shown


def _error_of(body: str, name: str) -> str:
    """The text of the problem shown next to field ``name`` (its element's id is
    NAME-error)."""
    found = re.search(rf'<p class="error" role="alert" id="{re.escape(name)}-error">(.*?)</p>',
                      body, re.DOTALL)
    assert found, f"no {name}-error element in {body[:3000]}"
    return html.unescape(found[1])


def _no_trace(response: httpx.Response) -> None:
    assert response.status_code != 500, response.text[:500]
    assert "Traceback" not in response.text and 'File "' not in response.text


# --- the Host header --------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.com", "127.0.0.1:8766", "127.0.0.1", "localhost",
                                  "127.0.0.1:8765.evil.com", "evil.com:8765", "",
                                  "[::1]:8765", "0.0.0.0:8765"])
def test_a_request_for_another_host_is_refused(box: Box, host: str) -> None:
    response = box.get("/", headers={"host": host})
    assert response.status_code == 421
    assert "<html" not in response.text and TOKEN not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_request_with_no_host_header_is_refused(box: Box) -> None:
    status, _, body = box.raw("GET", "/", headers=[])
    assert status == 421 and b"<html" not in body


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_the_bound_addresses_answer(box: Box, host: str) -> None:
    response = box.get("/", headers={"host": host})
    assert response.status_code == 200 and "walkcoach studio" in response.text


def test_a_post_for_another_host_changes_nothing(box: Box) -> None:
    before = box.snapshot()
    response = box.post("/clients", data={"name": "Rebind"},
                        headers={**GOOD, "host": "evil.com:8765"})
    assert response.status_code == 421
    assert box.snapshot() == before


# --- CSRF: every POST route -------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A POST route as the studio's page sends it, and what it changes when it works."""

    route: str  # as the app declares it
    url: str
    send: Callable[[Box], dict[str, Any]]
    worked: Callable[[Box], bool]


def _program_text(box: Box) -> str:
    return (box.space.root / "programs" / f"{PROGRAM}.yaml").read_text(encoding="utf-8")


def _queued(kind: str) -> Callable[[Box], bool]:
    return lambda box: [job.kind for job in box.queued] == [kind]


def _file_has(relative: str, text: str) -> Callable[[Box], bool]:
    path = Path(relative)
    return lambda box: (box.space.root / path).is_file() \
        and text in (box.space.root / path).read_text(encoding="utf-8")


def _file_made(relative: str) -> Callable[[Box], bool]:
    return lambda box: (box.space.root / relative).is_file()


EDITED = "Zebra words, said softly."
POSTS = {
    "new client": Post("/clients", "/clients", lambda box: {"data": {"name": "Bea Cruz"}},
                       _file_made("clients/bea-cruz.yaml")),
    "edit client": Post("/clients/{name}", "/clients/ann",
                        lambda box: {"data": {"name": "Ann", "notes": "changed here"}},
                        _file_has("clients/ann.yaml", "changed here")),
    "music": Post("/music", "/music",
                  lambda box: {"files": {"file": ("bed.wav", _wav(), "audio/wav")}},
                  _file_made("music/bed.wav")),
    "cover": Post("/programs/{name}/cover", f"/programs/{PROGRAM}/cover",
                  lambda box: {"files": {"file": ("cover.png", _png(), "image/png")}},
                  _file_made(f"covers/{PROGRAM}.png")),
    "script preview": Post("/track/{action:str}", "/track/script",
                           lambda box: {"data": {"minutes": "3"}}, _queued("script")),
    "track build": Post("/track/{action:str}", "/track/build",
                        lambda box: {"data": {"minutes": "3"}}, _queued("track")),
    "keep script": Post("/scripts", "/scripts",
                        lambda box: {"data": {"job": box.done_script_job().id}},
                        _file_made("scripts/kept.yaml")),
    "edit script": Post("/scripts/{name}", "/scripts/s1",
                        lambda box: {"data": {"say-1": EDITED}},
                        _file_has("scripts/s1.yaml", EDITED)),
    "program build": Post("/programs/{name}/build", f"/programs/{PROGRAM}/build",
                          lambda box: {"data": {}}, _queued("program")),
    "edit a file": Post("/edit/{kind}/{name}", f"/edit/programs/{PROGRAM}",
                        lambda box: {"data": {"text": _program_text(box) + "# edited here\n"}},
                        _file_has(f"programs/{PROGRAM}.yaml", "# edited here")),
    "copy an exercise": Post("/exercises/{name}/copy", "/exercises/walking-forward/copy",
                             lambda box: {}, _file_made("exercises/my-walking-forward.yaml")),
    "copy a program": Post("/programs/{name}/copy", f"/programs/{PROGRAM}/copy", lambda box: {},
                           _file_made(f"programs/{PROGRAM}-copy.yaml")),
    "share": Post("/programs/{name}/share", f"/programs/{PROGRAM}/share",
                  lambda box: {"data": {"client": "ann"}}, _queued("share")),
    "coach's name": Post("/settings", "/settings", lambda box: {"data": {"coach": "Sam"}},
                         _file_has("settings.yaml", "coach: Sam")),
    "delete a track": Post("/tracks/delete", "/tracks/delete",
                           lambda box: {"data": {"file": _a_track(box)}},
                           lambda box: not (box.space.root / "tracks" / "gone.mp3").exists()),
    "undo": Post("/trash/restore", "/trash/restore",
                 lambda box: {"data": {"token": _a_deletion(box)}},
                 _file_made("tracks/gone.mp3")),
    "edit an exercise's words": Post(
        "/exercises/{name}/words", "/exercises/my-walking-forward/words",
        lambda box: {"data": _words_form(box)},
        _file_has("exercises/my-walking-forward.yaml", EDITED)),
    "hear a line": Post("/hear", "/hear", lambda box: {"data": _a_line_to_hear()},
                        lambda box: _HEARD["text"] in _HEARD["answer"](box)),
    "check-in code": Post("/clients/{name}/checkin", "/clients/ann/checkin",
                          lambda box: {"data": {"code": _a_checkin_code(box)}},
                          _file_made("clients/ann.checkins.json")),
    "cancel a job": Post("/jobs/cancel", "/jobs/cancel",
                         lambda box: {"data": {"job": _a_running_job(box)}},
                         lambda box: any(job.state == "cancelled"
                                         for job in box.studio.jobs.all())),
    "delete to the trash": Post("/trash/delete", "/trash/delete",
                                lambda box: {"data": {"what": "music", "name": "tone.wav"}},
                                lambda box: not (box.space.root / "music" / "tone.wav").exists()),
    "empty the trash": Post("/trash/empty", "/trash/empty",
                            lambda box: {"data": {}, "params": {"made": _a_deletion(box)}},
                            lambda box: not any((box.space.root / "trash").iterdir())),
    "delete a client": Post("/clients/{name}/delete", "/clients/ann/delete", lambda box: {},
                            lambda box: not (box.space.root / "clients" / "ann.yaml").exists()),
}


def _words_form(box: Box) -> dict[str, Any]:
    """The list editor of the coach's copy of walking forward, its first line changed."""
    from walkcoach.workspace import copy_exercise
    from walkcoach.workspace.exercise_words import read_words

    if not (box.space.root / "exercises" / "my-walking-forward.yaml").exists():
        copy_exercise(box.space, "walking-forward")
    parts, version = read_words(box.space, "my-walking-forward")
    form: dict[str, Any] = {"version": version, "do": "save"}
    for index, part in enumerate(parts):
        form[f"n{index}"] = ""
        form[f"p{index}"] = [EDITED, *part.lines[1:]] if index == 0 else list(part.lines)
    return form


_HEARD: dict[str, Any] = {"text": "", "answer": lambda box: ""}


def _a_line_to_hear() -> dict[str, str]:
    """A line never heard before (so the phrase cache shows whether it was spoken)."""
    import secrets

    from walkcoach.build.session import make_speaker

    text = f"Zebra number {secrets.randbelow(10 ** 9)}."
    speaker = make_speaker("system")
    _HEARD["text"] = text
    _HEARD["answer"] = lambda box: text if speaker.cache.get(speaker.key(text)) is not None \
        else ""
    return {"p0": text, "voice": "system"}


def _a_track(box: Box) -> str:
    """A track in the tracks folder, with its cue sheet: its workspace path."""
    (box.space.root / "tracks" / "gone.mp3").write_bytes(b"ID3")
    (box.space.root / "tracks" / "gone.json").write_text('{"duration_ms": 1000}',
                                                         encoding="utf-8")
    return "tracks/gone.mp3"


def _a_checkin_code(box: Box) -> str:
    """A check-in code from the page of a share bundle made for Ann (its token kept as the
    share page keeps it; no audio made)."""
    import datetime

    from walkcoach import content
    from walkcoach.share import tokens
    from walkcoach.share.checkins import Session, checkin_tag, encode

    program = box.space.path("programs", PROGRAM)
    ann = content.load_client(box.space.path("clients", "ann"))
    key = tokens.client_key(ann, ann.name, program, from_program=False)
    kept = tokens.keep(box.space.output_dir("share", PROGRAM), program, key, name=ann.name,
                       start=datetime.date(2027, 1, 4))
    return encode([Session(week=1, day=datetime.date(2027, 1, 4), pain=1, effort=3)],
                  tag=checkin_tag(kept.token))


def _a_running_job(box: Box) -> str:
    """A job running (until cancelled, or 10 s): its id."""
    def work(progress: Callable[[str, int, int], None]) -> dict[str, Any]:
        for step in range(1000):
            progress("tracks", step, 1000)
            time.sleep(0.01)
        return {}

    job: Job = box.real_submit(kind="program", title="Long", work=work)
    deadline = time.monotonic() + 10
    while job.state != "running":
        assert time.monotonic() < deadline
        time.sleep(0.005)
    return job.id


def _a_deletion(box: Box) -> str:
    """A track deleted to the trash: the deletion's token."""
    from walkcoach.workspace import trash

    return trash.discard_track(box.space, _a_track(box))
REFUSALS = {
    "no token": {},
    "empty token": {"X-CSRF-Token": ""},
    "wrong token": {"X-CSRF-Token": TOKEN[:-1] + "X"},
    "token as a prefix": {"X-CSRF-Token": TOKEN + "X"},
    "cross-site origin": {**GOOD, "Origin": "http://evil.com"},
    "origin null": {**GOOD, "Origin": "null"},
    "origin on another port": {**GOOD, "Origin": "http://127.0.0.1:9999"},
    "cross-site fetch": {**GOOD, "Sec-Fetch-Site": "cross-site"},
    "same-site fetch": {**GOOD, "Sec-Fetch-Site": "same-site"},
}


def test_every_post_route_is_in_this_test(box: Box) -> None:
    from starlette.routing import Route

    app = box.app
    while not hasattr(app, "routes"):
        app = app.app
    posts = {route.path for route in app.routes
             if isinstance(route, Route) and "POST" in (route.methods or ())}
    assert posts == {post.route for post in POSTS.values()}


@pytest.mark.parametrize("refusal", REFUSALS)
@pytest.mark.parametrize("route", POSTS)
def test_a_post_without_the_token_or_from_another_site_is_refused(box: Box, route: str,
                                                                  refusal: str) -> None:
    post = POSTS[route]
    sent = post.send(box)
    before = box.snapshot()
    response = box.post(post.url, headers=REFUSALS[refusal], **sent)
    assert response.status_code == 403
    if "token" in refusal:  # a page of an earlier run, most likely: said so, with a Reload
        assert response.text.startswith("This page is out of date") \
            and response.headers["x-walkcoach-stale"] == "1"
    else:
        assert "Refused" in response.text
    assert "CSRF" not in response.text
    assert box.snapshot() == before and box.queued == []
    assert not post.worked(box)


@pytest.mark.parametrize("route", POSTS)
def test_a_post_with_the_token_works(box: Box, route: str) -> None:
    post = POSTS[route]
    response = box.post(post.url, headers={**GOOD, "Origin": BASE,
                                           "Sec-Fetch-Site": "same-origin"}, **post.send(box))
    _no_trace(response)
    assert response.status_code == 200, response.text[:500]
    assert 'role="alert"' not in response.text, response.text[:2000]
    assert post.worked(box)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_need_the_token_too(box: Box, method: str) -> None:
    before = box.snapshot()
    assert box.request(method, "/clients/ann").status_code == 403
    with_token = box.request(method, "/clients/ann", headers=GOOD)
    assert with_token.status_code == 405
    _no_trace(with_token)
    assert box.snapshot() == before


GETS = ["/", "/clients", "/clients/ann", f"/programs/{PROGRAM}",
        "/exercises/walking-backwards", "/track", "/track?exercise=walking-forward&minutes=3",
        "/track/fields?exercise=standing-rest", "/scripts/s1", "/jobs",
        "/files/tracks/made.txt", "/static/studio.css", "/static/htmx.min.js"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_pages_change_nothing_on_disk(box: Box, method: str) -> None:
    before = box.snapshot()
    for url in GETS:
        response = box.request(method, url)
        assert response.status_code == 200, url
    assert box.snapshot() == before and box.queued == []


# --- security headers -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/clients", "/track", f"/programs/{PROGRAM}",
                                 "/scripts/s1", "/no/such/page"])
def test_pages_carry_the_security_headers_and_no_inline_script(box: Box, url: str) -> None:
    response = box.get(url)
    policy = response.headers["content-security-policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";")
                  if part.strip()}
    assert directives["script-src"] == ["http://127.0.0.1:8765/static/"]
    assert directives["frame-ancestors"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    # what script-src allows: every script of the page is a file of the studio
    scripts = re.findall(r"<script\b[^>]*>", response.text)
    assert scripts and all(re.search(r'src="/static/', tag) for tag in scripts), scripts
    assert not re.search(r"\son[a-z]+=", response.text), "an inline event handler"


def test_files_carry_nosniff_and_a_policy(box: Box) -> None:
    response = box.get("/files/tracks/made.txt")
    assert response.status_code == 200 and response.text == "made by walkcoach"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    download = box.get("/files/tracks/made.txt?download=1")
    assert download.headers["content-disposition"].startswith("attachment")


def test_a_reflected_field_is_escaped(box: Box) -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for response in (box.get("/track", params={"minutes": attack, "exercise": attack}),
                     box.post("/track/script", data={"minutes": attack, "client": attack}),
                     box.post("/clients", data={"name": "Eve", "notes": attack})):
        _no_trace(response)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text


# --- path traversal ---------------------------------------------------------------------


@pytest.fixture
def links(box: Box) -> Box:
    """Links inside the outputs pointing out of them: to a file and a folder outside the
    workspace, and to a client file inside it."""
    (box.space.root / "tracks" / "leak.mp3").symlink_to(box.outside / "secret.txt")
    (box.space.root / "weeks" / "outside").symlink_to(box.outside)
    (box.space.root / "tracks" / "client.txt").symlink_to(box.space.root / "clients"
                                                          / "ann.yaml")
    return box


ESCAPES = ["/files/tracks/../../secret.txt", "/files/tracks/%2e%2e/%2e%2e/secret.txt",
           "/files/tracks/%2E%2E/%2E%2E/secret.txt", "/files/tracks%2f..%2f..%2fsecret.txt",
           "/files/tracks/..%2f..%2fsecret.txt", "/files/tracks/..%5c..%5csecret.txt",
           "/files/tracks/..\\..\\secret.txt", "/files//secret.txt", "/files/%2fetc%2fpasswd",
           "/files//etc/passwd", "/files/clients/ann.yaml", "/files/tracks/../clients/ann.yaml",
           f"/files/programs/{PROGRAM}.yaml", "/files/music/tone.wav", "/files/scripts/s1.yaml",
           "/files/tracks/leak.mp3", "/files/weeks/outside/secret.txt",
           "/files/weeks/outside/ws/clients/ann.yaml", "/files/tracks/client.txt",
           "/files/tracks/made.txt%00", "/files/tracks/made.txt%00.mp3",
           "/files/tracks/.made.txt", "/files/tracks", "/files/tracks/", "/files/",
           "/files/ws/clients/ann.yaml", "/files/C:%5cWindows%5cwin.ini",
           "/files/tracks/made.txt/..%2f..%2f..%2fsecret.txt"]


@pytest.mark.parametrize("url", ESCAPES)
def test_no_url_reads_a_file_outside_the_outputs(links: Box, url: str) -> None:
    response = links.get(url)
    assert response.status_code == 404
    assert SECRET not in response.text and CLIENT_SECRET not in response.text
    assert "weeks:" not in response.text and "RIFF" not in response.text
    _no_trace(response)


@pytest.mark.parametrize("path", ["/files/tracks/../../secret.txt", "/files/../secret.txt",
                                  "/files/tracks/../clients/ann.yaml", "/files/./clients/ann.yaml",
                                  "/files/tracks/..\\..\\secret.txt", "/files/tracks/made.txt\x00",
                                  "/files/\x00/etc/passwd", "/files//etc/passwd",
                                  "/files/tracks//../../secret.txt",
                                  "/files/tracks/\udcff\udcfe", "/clients/../ann",
                                  "/clients/ann\x00", "/scripts/../../secret",
                                  "/programs/..", "/exercises/../../secret"])
def test_no_raw_path_reads_a_file_outside_the_outputs(links: Box, path: str) -> None:
    """Paths as a server hands them over, never normalized by a client."""
    status, headers, body = links.raw("GET", path)
    assert status == 404
    assert SECRET.encode() not in body and CLIENT_SECRET.encode() not in body
    assert b"Traceback" not in body and headers["x-content-type-options"] == "nosniff"


def test_the_files_route_serves_a_made_file(links: Box) -> None:
    status, _, body = links.raw("GET", "/files/tracks/made.txt")
    assert (status, body) == (200, b"made by walkcoach")
    (links.space.root / "weeks" / PROGRAM).mkdir()
    (links.space.root / "weeks" / PROGRAM / "week-1.txt").write_text("w1", encoding="utf-8")
    assert links.get(f"/files/weeks/{PROGRAM}/week-1.txt").text == "w1"


@pytest.mark.parametrize("kind", ["clients", "programs", "scripts", "exercises"])
@pytest.mark.parametrize("name", ["..%2fclients%2fann", "%2e%2e", "ann%00", "..%5cann",
                                  ".ann", "a" * 65, "ann.yaml", "%2fetc%2fpasswd", "~ann",
                                  "ann%20"])
def test_a_name_in_a_url_cannot_leave_its_folder(box: Box, kind: str, name: str) -> None:
    response = box.get(f"/{kind}/{name}")
    assert response.status_code == 404
    assert CLIENT_SECRET not in response.text and SECRET not in response.text
    _no_trace(response)


@pytest.mark.parametrize("url", ["/edit/scripts/s1", "/edit/music/tone", "/edit/tracks/made",
                                 "/edit/..%2fclients/ann", "/edit/clients/..%2fann",
                                 "/edit/%2e%2e/ann", "/edit/clients/ann%00", "/edit//ann",
                                 "/edit/exercises/walking-backwards"])
def test_the_file_editor_opens_only_the_workspaces_own_files(box: Box, url: str) -> None:
    response = box.get(url)
    assert response.status_code in (400, 404)
    _no_trace(response)
    before = box.snapshot()
    assert box.post(url, data={"text": "name: x\n"}).status_code in (400, 404)
    assert box.snapshot() == before


def test_the_file_editor_opens_a_client_file(box: Box) -> None:
    assert CLIENT_SECRET in box.get("/edit/clients/ann").text


@pytest.mark.parametrize("url", ["/clients/..%2fsecret", "/scripts/..%2f..%2fsecret",
                                 "/clients/ann%2f..%2f..%2fx",
                                 "/programs/..%2f..%2fsecret/build",
                                 "/programs/..%2f..%2fsecret/share",
                                 "/programs/..%2f..%2fsecret/cover",
                                 "/exercises/..%2f..%2fsecret/copy",
                                 "/programs/..%2f..%2fsecret/copy",
                                 "/edit/programs/..%2f..%2fsecret"])
def test_a_post_to_a_name_outside_its_folder_writes_nothing(box: Box, url: str) -> None:
    before = box.snapshot()
    response = box.post(url, data={"name": "X", "say-0": "x"})
    assert response.status_code == 404
    assert box.snapshot() == before and box.queued == []


@pytest.mark.parametrize(("fields", "where"), [
    ({"music": "../../secret.txt"}, "music"), ({"music": "/etc/passwd"}, "music"),
    ({"music": "../clients/ann.yaml"}, "music"), ({"music": "..\\..\\secret.wav"}, "music"),
    ({"client": "../x"}, "client"), ({"client": "../../secret"}, "client"),
    ({"client": "/etc/passwd"}, "client"), ({"exercise": "../../secret.txt"}, "exercise"),
    ({"exercise": str(Path(__file__))}, "exercise"), ({"exercise": "/etc/passwd"}, "exercise"),
])
def test_a_track_field_cannot_name_a_file_outside_the_workspace(box: Box,
                                                                fields: dict[str, str],
                                                                where: str) -> None:
    before = box.snapshot()
    response = box.post("/track/script", data=fields)
    assert response.status_code == 200
    assert _error_of(response.text, where)
    assert SECRET not in response.text and "root:" not in response.text
    assert box.queued == [] and box.snapshot() == before


@pytest.mark.parametrize("where", ["outside", "absolute", "etc"])
def test_the_recovery_field_cannot_name_a_file_outside_the_workspace(box: Box,
                                                                     where: str) -> None:
    from walkcoach.content import find_exercise

    shipped = find_exercise("standing-rest").source.path
    (box.outside / "rest.yaml").write_bytes(shipped.read_bytes())
    recovery = {"outside": "../../rest.yaml", "absolute": str(box.outside / "rest.yaml"),
                "etc": "/etc/passwd"}[where]
    response = box.post("/track/script", data={"length": "intervals",
                                               "intervals": "6x1:00/1:00",
                                               "recovery": recovery})
    shown = _error_of(response.text, "recovery")  # as the command line says it
    assert shown == said("--recovery: " + _library_error(lambda: exercise_ref(box.space,
                                                                        recovery)), "recovery")
    assert shown.startswith("Between rounds: ") and "--" not in shown
    assert box.queued == []


def test_a_share_cannot_name_a_client_outside_the_workspace(box: Box) -> None:
    before = box.snapshot()
    for client in ("../x", "../../secret", "/etc/passwd", "..\\ann"):
        response = box.post(f"/programs/{PROGRAM}/share", data={"client": client})
        assert response.status_code == 200 and 'data-field="client"' in response.text
    assert box.queued == [] and box.snapshot() == before


@pytest.mark.parametrize("base_url", ["javascript:alert(1)", "file:///etc/passwd",
                                      'http://x/"><script>', "//evil.com/", "ftp://x/"])
def test_a_share_refuses_an_address_that_is_not_a_web_one(box: Box, base_url: str) -> None:
    response = box.post(f"/programs/{PROGRAM}/share", data={"base_url": base_url})
    assert response.status_code == 200 and 'data-field="base_url"' in response.text
    assert "<script>" not in response.text and box.queued == []


@pytest.mark.parametrize("music", ["../../outside.wav", "../music/../../outside.wav",
                                   "/tmp/x.wav", "nosuch.wav"])
def test_a_client_profile_cannot_point_at_music_outside_the_workspace(box: Box,
                                                                      music: str) -> None:
    (box.outside / "outside.wav").write_bytes(_wav())
    before = box.snapshot()
    response = box.post("/clients", data={"name": "Mallory", "music": music})
    assert response.status_code == 200
    assert _error_of(response.text, "music") == _library_error(
        lambda: box.space.existing("music", music))
    assert box.snapshot() == before  # not written: no profile points outside
    response = box.post("/clients/ann", data={"name": "Ann", "music": music})
    assert _error_of(response.text, "music")
    assert box.snapshot() == before


def test_a_client_profile_takes_the_workspaces_own_music(box: Box) -> None:
    response = box.post("/clients/ann", data={"name": "Ann", "music": "tone.wav"})
    assert response.status_code == 200 and 'role="alert"' not in response.text
    assert "music: ../music/tone.wav" in (box.space.root / "clients" / "ann.yaml").read_text(
        encoding="utf-8")


# --- uploads ----------------------------------------------------------------------------


def _music_files(box: Box) -> list[str]:
    return sorted(path.name for path in (box.space.root / "music").iterdir())


def _upload(box: Box, name: str, data: bytes, kind: str = "audio/mpeg") -> httpx.Response:
    return box.post("/music", files={"file": (name, data, kind)})


def test_a_real_wav_is_kept_and_offered(box: Box) -> None:
    response = _upload(box, "Morning Walk.wav", _wav(), "audio/wav")
    assert response.status_code == 200 and 'role="alert"' not in response.text
    assert "<li>morning-walk.wav</li>" in response.text
    assert (box.space.root / "music" / "morning-walk.wav").read_bytes() == _wav()
    assert 'value="morning-walk.wav"' in box.get("/track").text


@pytest.mark.parametrize(("name", "data", "words"), [
    ("song.mp3", b"just some text, renamed\n" * 50, "is not an audio file"),
    ("fake.mp3", b"ID3" + bytes(random.Random(1).randrange(256) for _ in range(4000)),
     "not audio ffmpeg can read"),
    ("fake.wav", b"RIFF" + b"\x00" * 4000, "not audio ffmpeg can read"),
    ("short.wav", _wav(0.3), "shorter than a second"),
    ("notes.txt", _wav(), "is not a music file walkcoach takes"),
    ("noext", _wav(), "is not a music file walkcoach takes"),
    ("page.html", b"<script>alert(1)</script>", "is not a music file walkcoach takes"),
])
def test_an_upload_that_is_not_music_is_refused_and_not_kept(box: Box, name: str, data: bytes,
                                                             words: str) -> None:
    before = box.snapshot()
    response = _upload(box, name, data)
    assert response.status_code == 200
    assert words in response.text
    assert box.snapshot() == before  # nothing kept, no temporary left behind
    _no_trace(response)


def test_a_refused_upload_leaves_a_music_file_of_its_name_as_it_was(box: Box) -> None:
    before = box.snapshot()
    response = _upload(box, "tone.wav", b"RIFF" + b"\x00" * 4000, "audio/wav")
    assert "not audio ffmpeg can read" in response.text
    assert str(box.space.root) not in response.text  # said by the upload's name
    assert box.snapshot() == before


def test_an_upload_names_nothing_outside_the_music_folder(box: Box) -> None:
    for name in ("../../escape.wav", "..\\..\\escape.wav", "/tmp/escape.wav", ".hidden.wav"):
        response = _upload(box, name, _wav(), "audio/wav")
        assert response.status_code == 200
        _no_trace(response)
    outside = [path for path in box.snapshot() if path.split("/")[0] != "ws"]
    assert outside == ["secret.txt"]
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.wav", name) for name in _music_files(box))


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
        box: Box, monkeypatch: pytest.MonkeyPatch) -> None:
    import walkcoach.studio.pages as pages
    import walkcoach.workspace.edits as edits

    monkeypatch.setattr(pages, "MAX_UPLOAD", 20_000)
    monkeypatch.setattr(edits, "MAX_UPLOAD", 20_000)
    before = box.snapshot()
    big = _wav(3.0)  # 96 kB, past the limit and its 64 kB of slack for the form
    response = _upload(box, "big.wav", big, "audio/wav")
    assert "at most" in response.text and response.status_code == 200
    assert box.snapshot() == before
    # within the slack the declared size allows, the file itself is measured
    response = _upload(box, "big.wav", _wav(1.2), "audio/wav")
    assert "at most" in response.text
    assert box.snapshot() == before


def test_an_upload_that_does_not_say_its_size_is_refused(box: Box) -> None:
    before = box.snapshot()
    status, _, body = box.raw("POST", "/music", body=b"--x\r\n", headers=[
        (b"host", b"127.0.0.1:8765"), (b"x-csrf-token", TOKEN.encode()),
        (b"content-type", b"multipart/form-data; boundary=x")])
    assert status == 200 and b"must say its size" in body
    assert box.snapshot() == before


@pytest.mark.parametrize("files", [
    [("file", ("a.wav", _wav(), "audio/wav")), ("file", ("b.wav", _wav(), "audio/wav"))],
    [("other", ("a.wav", _wav(), "audio/wav"))],
    [("file", ("", _wav(), "audio/wav"))],
])
def test_an_upload_form_that_is_not_one_file_is_refused(box: Box, files: Any) -> None:
    before = box.snapshot()
    response = box.post("/music", files=files)
    assert response.status_code in (200, 400)
    _no_trace(response)
    assert box.snapshot() == before


# --- bad input in every field of the track form -----------------------------------------


_MAKE = session.make_spec
TRACK_PROBLEMS: list[tuple[dict[str, str], str, Callable[[Workspace], str]]] = [
    # (fields, the field the problem is shown next to, the message the library says)
    ({"level": "nope"}, "level", lambda space: _library_error(lambda: _MAKE(level="nope"))),
    ({"setting": "nope"}, "setting",
     lambda space: _library_error(lambda: _MAKE(setting="nope"))),
    ({"minutes": "0"}, "minutes", lambda space: "minutes must be a number from 1 to 60, not '0'"),
    ({"minutes": "999"}, "minutes",
     lambda space: "minutes must be a number from 1 to 60, not '999'"),
    ({"minutes": "abc"}, "minutes",
     lambda space: "minutes must be a number from 1 to 60, not 'abc'"),
    ({"minutes": "nan"}, "minutes",
     lambda space: "minutes must be a number from 1 to 60, not 'nan'"),
    ({"minutes": "1e999"}, "minutes",
     lambda space: "minutes must be a number from 1 to 60, not '1e999'"),
    ({"length": "intervals", "intervals": "6x"}, "intervals",
     lambda space: _library_error(lambda: _MAKE(intervals="6x"))),
    ({"length": "intervals", "intervals": "0x1:00/1:00"}, "intervals",
     lambda space: _library_error(lambda: _MAKE(intervals="0x1:00/1:00"))),
    ({"length": "intervals", "intervals": "abc"}, "intervals",
     lambda space: _library_error(lambda: _MAKE(intervals="abc"))),
    ({"length": "intervals", "intervals": ""}, "intervals",
     lambda space: "give the intervals, such as 6x1:00/1:00"),
    ({"warmup": "abc"}, "warmup",
     lambda space: _library_error(lambda: _MAKE(minutes=8, warmup="abc"))),
    ({"warmup": "-3"}, "warmup",
     lambda space: _library_error(lambda: _MAKE(minutes=8, warmup="-3"))),
    ({"cooldown": "abc"}, "cooldown",
     lambda space: _library_error(lambda: _MAKE(minutes=8, cooldown="abc"))),
    ({"rate": "9"}, "rate", lambda space: "the rate must be a number from 0.5 to 2, not '9'"),
    ({"rate": "abc"}, "rate", lambda space: "the rate must be a number from 0.5 to 2, not 'abc'"),
    ({"cadence": "5"}, "cadence", lambda space: _library_error(lambda: _MAKE(cadence=5))),
    ({"cadence": "abc"}, "cadence", lambda space: _library_error(lambda: _MAKE(cadence="abc"))),
    ({"intro": "x"}, "intro", lambda space: "unknown intro 'x' (choose from full, short)"),
    ({"seed": "-1"}, "seed", lambda space: "the seed must be a number from 0 to "
                                           "2000000000, not '-1'"),
    ({"client": "nobody"}, "client",
     lambda space: _library_error(lambda: space.existing("clients", "nobody"))),
    ({"client": "../x"}, "client", lambda space: _library_error(lambda: check_name("../x"))),
    ({"music": "nosuch.mp3"}, "music",
     lambda space: _library_error(lambda: space.existing("music", "nosuch.mp3"))),
    ({"music": "../../etc/passwd"}, "music",
     lambda space: _library_error(lambda: space.existing("music", "../../etc/passwd"))),
    ({"exercise": "nosuch"}, "exercise",
     lambda space: _library_error(lambda: exercise_ref(space, "nosuch"))),
    ({"length": "intervals", "intervals": "6x1:00/1:00", "recovery": "nosuch"}, "recovery",
     lambda space: _library_error(lambda: _MAKE(intervals="6x1:00/1:00",
                                                recovery="nosuch"))),
]


def test_every_field_of_the_track_form_is_tested() -> None:
    from walkcoach.workspace import TRACK_FIELDS

    covered = {where for _, where, _ in TRACK_PROBLEMS} | {"voice"}  # voice: tested below
    assert set(TRACK_FIELDS) - {"length", "chimes"} == covered


@pytest.mark.parametrize(("fields", "where", "expected"), TRACK_PROBLEMS,
                         ids=[",".join(f"{k}={v}" for k, v in fields.items())
                              for fields, _, _ in TRACK_PROBLEMS])
def test_a_bad_track_field_is_said_next_to_it_in_the_librarys_words(
        box: Box, fields: dict[str, str], where: str,
        expected: Callable[[Workspace], str]) -> None:
    response = box.post("/track/script", data=fields)
    assert response.status_code == 200
    _no_trace(response)
    shown = _error_of(response.text, where)
    assert shown == said(expected(box.space), where) and "\n" not in shown
    _in_coach_words(shown, where)
    assert box.queued == []
    assert response.text.count('role="alert"') == 1  # said once, next to its own field


@pytest.mark.parametrize(("option", "field_name"), [
    (["--level", "nope"], "level"), (["--setting", "nope"], "setting"),
    (["--intervals", "6x"], "intervals"), (["--intervals", "0x1:00/1:00"], "intervals"),
    (["--warmup", "abc"], "warmup"),
    (["--exercise", "nosuch"], "exercise"),
])
def test_the_studio_says_what_walkcoach_build_says(box: Box, tmp_path: Path,
                                                   option: list[str], field_name: str) -> None:
    from walkcoach.cli import cli

    result = CliRunner().invoke(cli, ["build", "-o", str(tmp_path / "t.mp3"), *option])
    assert result.exit_code == 2
    printed = (result.output + getattr(result, "stderr", "")).strip().splitlines()[-1]
    fields = {field_name: option[1]}
    if field_name == "intervals":
        fields["length"] = "intervals"
    shown = _error_of(box.post("/track/script", data=fields).text, field_name)
    # The command line's message, in the form's words: its option said as the field's label.
    assert shown.removeprefix(f"{LABELS[field_name]}: ") in printed, (shown, printed)
    _in_coach_words(shown, field_name)
    assert not (tmp_path / "t.mp3").exists()


def test_several_bad_fields_are_each_said_next_to_their_own(box: Box) -> None:
    response = box.post("/track/build", data={"minutes": "0", "rate": "9", "intro": "x",
                                              "music": "nosuch.mp3"})
    for name in ("minutes", "rate", "intro", "music"):
        assert _error_of(response.text, name)
    assert box.queued == []


def test_an_unknown_voice_is_said_next_to_its_field(box: Box) -> None:
    response = box.post("/track/script", data={"voice": "nosuch"})
    assert "unknown voice 'nosuch'" in _error_of(response.text, "voice")
    assert box.queued == []


def test_a_good_track_form_queues_one_job(box: Box) -> None:
    response = box.post("/track/script", data={"minutes": "3", "level": "beginner",
                                               "client": "ann", "music": "tone.wav",
                                               "cadence": "auto", "warmup": "1:30"})
    assert response.status_code == 200 and 'role="alert"' not in response.text
    assert [job.kind for job in box.queued] == ["script"]


# --- error pages and broken requests ----------------------------------------------------


@pytest.mark.parametrize(("method", "url", "status"), [
    ("GET", "/no/such/page", 404), ("GET", "/jobs/999", 404), ("GET", "/clients/nobody", 404),
    ("GET", "/exercises/nosuch", 404), ("GET", "/scripts/nosuch", 404),
    ("GET", "/programs/nosuch", 404), ("GET", "/music", 405), ("GET", "/track/build", 405),
])
def test_an_unknown_page_is_the_studios_own_without_a_trace(box: Box, method: str, url: str,
                                                           status: int) -> None:
    response = box.request(method, url)
    assert response.status_code == status
    assert "walkcoach studio" in response.text and "Something is not right" in response.text
    _no_trace(response)


def _multipart(*parts: tuple[bytes, bytes], boundary: bytes = b"xx", end: bool = True) -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + head + b"\r\n\r\n" + data + b"\r\n"
                    for head, data in parts)
    return body + (b"--" + boundary + b"--\r\n" if end else b"")


_FORM_DATA = b'Content-Disposition: form-data; name="%s"'
BROKEN_BODIES = {
    "no boundary": (b"multipart/form-data", b"garbage"),
    "wrong boundary": (b"multipart/form-data; boundary=yy", _multipart((_FORM_DATA % b"name",
                                                                        b"Zed"))),
    "unterminated": (b"multipart/form-data; boundary=xx",
                     _multipart((_FORM_DATA % b"name", b"Zed"), end=False)),
    "no headers": (b"multipart/form-data; boundary=xx", b"--xx\r\n\r\n\r\n--xx--\r\n"),
    "invalid UTF-8 value": (b"multipart/form-data; boundary=xx",
                            _multipart((_FORM_DATA % b"name", b"\xff\xfe\xfd"))),
    "invalid UTF-8 name": (b"multipart/form-data; boundary=xx",
                           _multipart((_FORM_DATA % b"n\xffame", b"Zed"))),
    "invalid UTF-8 urlencoded": (b"application/x-www-form-urlencoded",
                                 b"name=\xff\xfe&minutes=%ff%fe&level=%c0%af"),
    "a file where none is taken": (b"multipart/form-data; boundary=xx",
                                   _multipart((_FORM_DATA % b'f"; filename="a.wav', b"RIFF"))),
    "a huge field": (b"multipart/form-data; boundary=xx",
                     _multipart((_FORM_DATA % b"name", b"x" * (2 * 2 ** 20)))),
    "too many fields": (b"application/x-www-form-urlencoded",
                        b"&".join(b"f%d=x" % i for i in range(5000))),
    "json": (b"application/json", b'{"name": "Zed"}'),
}


@pytest.mark.parametrize("url", ["/clients", "/clients/ann", "/track/script", "/scripts/s1",
                                 "/music", f"/programs/{PROGRAM}/share"])
@pytest.mark.parametrize("broken", BROKEN_BODIES)
def test_a_broken_body_is_never_a_server_error(box: Box, url: str, broken: str) -> None:
    kind, body = BROKEN_BODIES[broken]
    status, _, answer = box.raw("POST", url, body=body, headers=[
        (b"host", b"127.0.0.1:8765"), (b"x-csrf-token", TOKEN.encode()),
        (b"content-type", kind), (b"content-length", str(len(body)).encode())])
    assert status < 500, answer[:400]
    assert b"Traceback" not in answer
    assert status in (200, 400, 413), status
    if broken in ("no boundary", "a huge field", "too many fields"):
        assert status == 400 or url == "/music"


def test_a_body_over_the_apps_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import walkcoach.studio.app as studio_app

    monkeypatch.setattr(studio_app, "MAX_UPLOAD", 1000)  # max_body_size: 1000 + 1 MiB
    space = Workspace.open(tmp_path / "ws")
    app, studio = create_app(space, hosts=HOSTS, token=TOKEN)
    box = Box(app=app, studio=studio, space=space, outside=tmp_path)
    try:
        before = box.snapshot()
        response = box.post("/clients", content=b"name=" + b"a" * (2 * 2 ** 20),
                            headers={**GOOD,
                                     "content-type": "application/x-www-form-urlencoded"})
        assert response.status_code == 413
        _no_trace(response)
        assert box.snapshot() == before
    finally:
        studio.jobs.close()


def test_the_real_limit_refuses_a_body_past_it(box: Box) -> None:
    from walkcoach.workspace import MAX_UPLOAD

    body = b"name=" + b"a" * (MAX_UPLOAD + 2 ** 20 + 10)
    before = box.snapshot()
    response = box.post("/clients", content=body,
                        headers={**GOOD, "content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert box.snapshot() == before


def test_a_bad_query_string_is_not_a_server_error(box: Box) -> None:
    for query in ("exercise=%ff%fe&minutes=%ff", "exercise=../../etc/passwd",
                  "exercise=" + "a" * 10000, "level=%00", "&&&=&=="):
        _no_trace(box.get(f"/track?{query}"))
        _no_trace(box.get(f"/track/fields?{query}"))


# --- a hostile coach: clients ------------------------------------------------------------


def test_a_very_long_client_name_is_refused_and_not_kept(box: Box) -> None:
    before = box.snapshot()
    response = box.post("/clients", data={"name": "a" * 300})
    assert response.status_code == 200
    assert "at most 60" in _error_of(response.text, "name")
    assert box.snapshot() == before


def test_a_refused_new_client_can_be_sent_again_corrected(box: Box) -> None:
    """A new profile that is refused is not kept: the corrected form is not told that its
    file already exists."""
    response = box.post("/clients", data={"name": "Zoe\x00Ng"})
    assert re.search(r"control character|U\+0000", _error_of(response.text, "name"))
    assert not (box.space.root / "clients" / "zoe-ng.yaml").exists()
    response = box.post("/clients", data={"name": "Zoe Ng"})
    assert response.headers.get("hx-redirect") == "/clients/zoe-ng"
    assert (box.space.root / "clients" / "zoe-ng.yaml").is_file()


@pytest.mark.parametrize("name", ["../../evil/x", "/etc/passwd", "..", "C:\\Windows\\x",
                                  "con", "///", "\u202eevil", "ann"])
def test_a_client_name_never_makes_a_file_outside_the_clients_folder(box: Box,
                                                                      name: str) -> None:
    response = box.post("/clients", data={"name": name})
    _no_trace(response)
    outside = [path for path in box.snapshot() if path.split("/")[0] != "ws"]
    assert outside == ["secret.txt"]
    for path in (box.space.root / "clients").iterdir():
        assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.yaml", path.name), path.name
    assert (box.space.root / "clients" / "ann.yaml").read_text("utf-8").count(CLIENT_SECRET)


@pytest.mark.parametrize("cadence", ["\u00b2", "\u0663", "99999999999999999999", "-5", "auto"])
def test_an_odd_client_cadence_is_said_not_crashed(box: Box, cadence: str) -> None:
    response = box.post("/clients/ann", data={"name": "Ann", "cadence": cadence})
    assert response.status_code == 200
    _no_trace(response)
    if cadence != "auto":
        assert _error_of(response.text, "cadence")


@pytest.mark.parametrize("text", [b"name: [unclosed\n  - : :", b"name: \xff\xfe\n", b"- a\n- b\n",
                                  b"", b"name: &a [*a]\n", b"\x00\x01\x02"])
def test_a_broken_client_file_opens_without_a_trace(box: Box, text: bytes) -> None:
    (box.space.root / "clients" / "broken.yaml").write_bytes(text)
    response = box.get("/clients/broken")
    assert response.status_code == 200
    _no_trace(response)
    assert box.get("/clients").status_code == 200 and box.get("/").status_code == 200


def test_a_broken_client_file_says_what_is_wrong(box: Box) -> None:
    """It opens as its file to fix, with the problem under it (not an empty form whose Save
    would write over the file)."""
    (box.space.root / "clients" / "broken.yaml").write_text("name: [unclosed\n",
                                                            encoding="utf-8")
    page = box.get("/clients/broken").text
    assert 'id="source-form"' in page and 'id="client-form"' not in page
    assert re.search(r'class="error" role="alert">[^<]*broken\.yaml:2: not valid YAML', page)


# --- a hostile coach: programs and exercises ---------------------------------------------


@pytest.mark.parametrize("text", ["weeks: [unclosed\n", "weeks: 5\n", "[]\n", "{}\n",
                                  "exercise: walking-backwards\nweeks:\n- week: x\n",
                                  "a: &a [*a, *a]\nb: *a\n", "\t- tab\n"])
def test_a_broken_program_opens_with_its_problem(box: Box, text: str) -> None:
    (box.space.root / "programs" / "broken.yaml").write_text(text, encoding="utf-8")
    response = box.get("/programs/broken")
    assert response.status_code == 200
    _no_trace(response)
    assert 'class="error"' in response.text and "broken.yaml" in response.text
    before = box.snapshot()
    build = box.post("/programs/broken/build")
    _no_trace(build)
    assert box.snapshot() == before


def test_a_program_that_is_not_utf8_opens_with_its_problem(box: Box) -> None:
    (box.space.root / "programs" / "latin.yaml").write_bytes(b"weeks: \xff\xfe\n")
    response = box.get("/programs/latin")
    assert response.status_code == 200 and "not UTF-8" in response.text


def test_a_cover_for_a_program_that_is_not_utf8_is_refused_in_one_line(box: Box) -> None:
    (box.space.root / "programs" / "latin.yaml").write_bytes(
        b"exercise: walking-backwards\nweeks: \xff\n")
    before = box.snapshot()
    response = box.post("/programs/latin/cover",
                        files={"file": ("cover.png", _png(), "image/png")})
    assert response.status_code == 200 \
        and "the program's file is not UTF-8" in html.unescape(response.text)
    assert "latin.yaml" not in response.text and box.snapshot() == before


@pytest.mark.parametrize("text", [b"name: [unclosed\n", b"name: \xff\n", b"{}\n"])
def test_a_broken_exercise_of_the_workspace_is_said_in_one_line(box: Box, text: bytes) -> None:
    """It opens as its file, to fix, with what is wrong said under it."""
    (box.space.root / "exercises" / "mine.yaml").write_bytes(text)
    response = box.get("/exercises/mine")
    assert response.status_code == 200
    _no_trace(response)
    assert 'id="source-form"' in response.text
    assert re.search(r'class="error" role="alert">[^<]*mine\.yaml', response.text)
    for url in ("/", "/track", "/track?exercise=mine", "/track/fields?exercise=mine"):
        assert box.get(url).status_code == 200, url
    posted = box.post("/track/script", data={"exercise": "mine"})
    _in_coach_words(_error_of(posted.text, "exercise"), "exercise")  # its file says where
    assert box.queued == []


# --- a hostile coach: scripts ------------------------------------------------------------


def _script(box: Box) -> Path:
    return box.space.root / "scripts" / "s1.yaml"


def _says(box: Box) -> list[str]:
    return [line.say for line in scriptfile.read(_script(box)).lines]


@pytest.mark.parametrize("fields", [
    {"say--1": "NEGATIVE"}, {"say-99999": "FAR"}, {"say-+1": "PLUS"}, {"say-1 ": "SPACE"},
    {"say-0x1": "HEX"}, {"say-": "EMPTY"}, {"delete--1": "on"}, {"delete-99999": "on"},
    {"SAY-1": "CASE"}, {"say-1.0": "FLOAT"},
])
def test_a_script_edit_at_an_odd_index_changes_no_line(box: Box, fields: dict[str, str]) -> None:
    before = _says(box)
    response = box.post("/scripts/s1", data=fields)
    assert response.status_code == 200
    _no_trace(response)
    assert _says(box) == before


@pytest.mark.parametrize("key", ["say-\u00b2", "delete-\u00b2"])
def test_a_script_edit_with_a_digit_int_cannot_read_is_not_a_server_error(box: Box,
                                                                          key: str) -> None:
    response = box.post("/scripts/s1", data={key: "x"})
    assert response.status_code == 200


def test_deleting_every_line_is_refused_and_the_script_stays_editable(box: Box) -> None:
    before = _script(box).read_bytes()
    count = len(_says(box))
    response = box.post("/scripts/s1", data={f"delete-{i}": "on" for i in range(count)})
    _no_trace(response)
    assert "non-empty list" in response.text
    assert _script(box).read_bytes() == before
    page = box.get("/scripts/s1")
    assert page.text.count('name="say-') == count


@pytest.mark.parametrize(("fields", "words"), [
    ({"say-0": "x" * 100_000}, "at most 500"),
    ({"say-0": ""}, "must not be empty"),
    ({"say-0": "\U0001f600"}, "cannot be spoken"),
    ({"add_walk": "abc", "add_say": "Hello there."}, "a walk time is m:ss.mmm"),
    ({"add_walk": "99:00.000", "add_say": "Hello there."}, "after the walk"),
])
def test_an_edit_that_would_leave_the_script_unreadable_is_not_kept(box: Box,
                                                                   fields: dict[str, str],
                                                                   words: str) -> None:
    before = _script(box).read_bytes()
    response = box.post("/scripts/s1", data=fields)
    _no_trace(response)
    assert words in html.unescape(response.text)
    assert _script(box).read_bytes() == before
    assert box.get("/scripts/s1").text.count('name="say-') == len(_says(box)) > 0


def test_a_refused_script_edit_is_said_in_the_script_form(box: Box) -> None:
    """Next to the line it is about, with what was typed kept in the form."""
    response = box.post("/scripts/s1", data={"say-0": "x" * 100_000})
    assert response.status_code == 200 and 'id="script-form"' in response.text
    assert "at most 500" in _error_of(response.text, "line-0")
    assert "x" * 100_000 in response.text


def test_an_edit_is_kept_and_read_back(box: Box) -> None:
    response = box.post("/scripts/s1", data={"say-1": EDITED,
                                             "add_walk": "0:30.000",
                                             "add_say": "Breathe out slowly."})
    assert response.status_code == 200
    says = _says(box)
    assert says[1] == EDITED and "Breathe out slowly." in says


@pytest.mark.parametrize("text", [b"lines: [unclosed\n", b"lines: \xff\n", b"lines: [1, 2]\n",
                                  b"- a\n", b""])
def test_a_broken_script_is_said_not_crashed_and_not_rewritten(box: Box, text: bytes) -> None:
    _script(box).write_bytes(text)
    page = box.get("/scripts/s1")
    assert page.status_code == 200
    _no_trace(page)
    assert _error_of(page.text, "form")
    response = box.post("/scripts/s1", data={"say-0": "x", "add_walk": "1:00.000",
                                             "add_say": "Hi."})
    _no_trace(response)
    assert response.status_code in (200, 400)
    said = _error_of(response.text, "form")
    assert said and ".yaml" not in said and "--" not in said
    assert _script(box).read_bytes() == text


def test_keeping_a_script_needs_a_finished_preview(box: Box) -> None:
    before = box.snapshot()
    for job in ("", "999", "../../secret", "q1"):
        response = box.post("/scripts", data={"job": job})
        assert response.status_code == 404
        _no_trace(response)
    assert box.snapshot() == before


def test_keeping_a_script_twice_keeps_one_file(box: Box) -> None:
    """The second time opens the first copy, with the coach's edits (issue 22)."""
    job = box.done_script_job()
    for _ in range(2):
        box.post("/scripts", data={"job": job.id})
    assert sorted(path.name for path in (box.space.root / "scripts").iterdir()) == [
        "kept.yaml", "s1.yaml"]


# --- serve.bind -------------------------------------------------------------------------


def test_the_studio_listens_on_this_computer_only() -> None:
    sock = serve.bind(0)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" == serve.HOST and port > 0
    finally:
        sock.close()


def test_a_taken_port_is_said_in_one_line() -> None:
    taken = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        with pytest.raises(InputError) as raised:
            serve.bind(port)
        message = str(raised.value)
        assert "\n" not in message and f"127.0.0.1:{port}" in message
        assert "--port 0" in message
    finally:
        taken.close()


def test_a_websocket_is_refused_before_any_route(box: Box) -> None:
    """The studio has no websockets: one asked for is closed at once, whatever its Host."""
    sent: list[dict[str, Any]] = []

    async def knock() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "websocket.connect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "websocket", "path": "/", "raw_path": b"/", "query_string": b"",
                 "headers": [(b"host", b"127.0.0.1:8765")], "scheme": "ws",
                 "root_path": "", "subprotocols": []}
        await box.app(scope, receive, send)

    _run(knock())
    assert sent == [{"type": "websocket.close", "code": 1008}]
