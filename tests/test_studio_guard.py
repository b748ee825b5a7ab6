"""The studio's guard against the other users and programs of the computer, and against
other sites' pages (issue 22): a per-launch secret turned into an HttpOnly SameSite=Strict
cookie, the studio's files never another page's subresource, scripts only from /static/,
hard-linked outputs not served."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from studio_support import asgi_request

from walkcoach.studio.app import create_app
from walkcoach.workspace import Workspace

BASE = "http://127.0.0.1:8765"
SECRET = "launch-secret-for-these-tests"
COOKIE = "walkcoach-studio-8765"


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[tuple[object, Workspace]]:
    """A studio started with a secret, as `walkcoach serve` starts it."""
    space = Workspace.open(tmp_path / "ws")
    (space.root / "tracks" / "made.txt").write_text("made by walkcoach", encoding="utf-8")
    (space.root / "share" / "p").mkdir(parents=True)
    (space.root / "share" / "p" / "week.txt").write_text("the bundle", encoding="utf-8")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t",
                             secret=SECRET)
    yield app, space
    studio.jobs.close()


def _get(app: object, url: str, **headers: str) -> httpx.Response:
    return asgi_request(app, "GET", url, base=BASE, headers=headers)


def test_without_the_secret_nothing_answers(guarded: tuple[object, Workspace]) -> None:
    app, _ = guarded
    for url in ("/", "/clients", "/files/tracks/made.txt", "/static/studio.js",
                "/?token=wrong", f"/?token={SECRET[:-1]}"):
        response = _get(app, url)
        assert response.status_code == 403, url
        assert "made by walkcoach" not in response.text
        assert "Open it again from the address walkcoach printed" in response.text
    posted = asgi_request(app, "POST", f"/clients?token={SECRET}", base=BASE,
                          headers={"X-CSRF-Token": "t"}, data={"name": "X"})
    assert posted.status_code == 403


def test_the_address_with_the_secret_becomes_a_strict_cookie(
        guarded: tuple[object, Workspace]) -> None:
    app, _ = guarded
    response = _get(app, f"/track?exercise=x&token={SECRET}")
    assert response.status_code == 303
    assert response.headers["location"] == "/track?exercise=x"  # the secret out of sight
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={SECRET};")
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= {part.strip()
                                                          for part in cookie.split(";")}
    signed = {"cookie": f"{COOKIE}={SECRET}"}
    assert _get(app, "/", **signed).status_code == 200
    assert _get(app, "/", cookie=f"{COOKIE}=nope").status_code == 403
    assert _get(app, "/", cookie=f"walkcoach-studio-9999={SECRET}x").status_code == 403


def test_the_published_bundle_answers_its_sandboxed_page(
        guarded: tuple[object, Workspace]) -> None:
    app, _ = guarded
    response = _get(app, "/files/share/p/week.txt", **{"sec-fetch-site": "cross-site",
                                                       "sec-fetch-dest": "audio"})
    assert response.status_code == 200 and response.text == "the bundle"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"


@pytest.mark.parametrize("url", ["/files/tracks/made.txt", "/static/studio.js"])
@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_files_are_no_other_pages_subresource(guarded: tuple[object, Workspace], url: str,
                                              site: str) -> None:
    app, _ = guarded
    signed = {"cookie": f"{COOKIE}={SECRET}"}
    for dest in ("audio", "image", "script", "empty", "track", "style"):
        response = _get(app, url, **signed, **{"sec-fetch-site": site, "sec-fetch-dest": dest})
        assert response.status_code == 403, (url, site, dest)
        assert "made by walkcoach" not in response.text
    mine = _get(app, url, **signed, **{"sec-fetch-site": "same-origin",
                                       "sec-fetch-dest": "script"})
    assert mine.status_code == 200
    assert mine.headers["cross-origin-resource-policy"] == "same-origin"


def test_scripts_come_only_from_the_static_folder(guarded: tuple[object, Workspace]) -> None:
    app, _ = guarded
    policy = _get(app, "/", cookie=f"{COOKIE}={SECRET}").headers["content-security-policy"]
    assert "script-src http://127.0.0.1:8765/static/;" in policy


def test_a_hard_linked_output_is_not_served(guarded: tuple[object, Workspace],
                                            tmp_path: Path) -> None:
    app, space = guarded
    secret = tmp_path / "private.txt"
    secret.write_text("private", encoding="utf-8")
    os.link(secret, space.root / "tracks" / "linked.txt")
    response = _get(app, "/files/tracks/linked.txt", cookie=f"{COOKIE}={SECRET}")
    assert response.status_code == 404 and "private" not in response.text


def _ffmpegs() -> dict[str, str | None]:
    """The ffmpeg binaries to run the guard under, by name: imageio-ffmpeg's ("bundled"),
    Debian's ("debian": `make system-ffmpeg` unpacks Debian's older ffmpeg, 5.1 on Debian 12,
    into <venv>/debian-ffmpeg/ffmpeg, found here from sys.prefix and kept off PATH so the
    other tests keep theirs) and an ffmpeg on PATH ("system"), each one binary once. With
    neither of the last two, "debian" is None: skipped, but failed where CI is set."""
    import shutil

    import imageio_ffmpeg

    found: dict[str, str | None] = {"bundled": imageio_ffmpeg.get_ffmpeg_exe()}
    debian = Path(sys.prefix) / "debian-ffmpeg" / "ffmpeg"
    if debian.is_file():
        found["debian"] = str(debian)
    system = shutil.which("ffmpeg")
    if system and os.path.realpath(system) not in {os.path.realpath(path)
                                                   for path in found.values() if path}:
        found["system"] = system
    if len(found) == 1:
        found["debian"] = None
    return found


def _mp3(seconds: float) -> bytes:
    """An MP3 of test_studio_http's tone, encoded by LAME (lameenc) from its samples."""
    import io
    import wave

    import lameenc
    from test_studio_http import _wav

    with wave.open(io.BytesIO(_wav(seconds))) as tone:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(64)
        encoder.set_in_sample_rate(tone.getframerate())
        encoder.set_channels(tone.getnchannels())
        return bytes(encoder.encode(tone.readframes(tone.getnframes())) + encoder.flush())


@pytest.mark.parametrize("ffmpeg", [pytest.param(path, id=name)
                                    for name, path in _ffmpegs().items()])
def test_an_hls_playlist_named_mp3_is_refused_not_decoded(
        ffmpeg: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upload named .mp3 that starts as an MP3 does (an ID3 tag) but is an HLS playlist
    naming a file of the computer: ffmpeg reads it as MP3 only, and only that file, so it
    is refused, never decoded into a bed of the other file's sound. The file named is an MP3,
    a segment Debian's ffmpeg 5.1 plays from such a playlist when left to guess (a WAV it
    does not, so a WAV would pass even unguarded); ffmpeg 9 takes no playlist named .mp3."""
    from walkcoach.encode import ffmpeg as wrapper

    if ffmpeg is None:
        missing = ("no Debian ffmpeg (`make system-ffmpeg` unpacks one into "
                   f"{Path(sys.prefix) / 'debian-ffmpeg'}) and no ffmpeg on PATH")
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "ffmpeg").symlink_to(ffmpeg)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    wrapper.ffmpeg_exe.cache_clear()  # found again on this PATH
    private = tmp_path / "private.mp3"
    private.write_bytes(_mp3(3.0))
    playlist = (b"ID3\x03\x00\x00\x00\x00\x00\x00#EXTM3U\n#EXT-X-TARGETDURATION:10\n"
                b"#EXTINF:3.0,\nfile://" + str(private).encode() + b"\n#EXT-X-ENDLIST\n")
    space = Workspace.open(tmp_path / "ws")
    app, studio = create_app(space, hosts=frozenset({"127.0.0.1:8765"}), token="t")
    try:
        response = asgi_request(app, "POST", "/music", base=BASE,
                                headers={"X-CSRF-Token": "t"},
                                files={"file": ("calm.mp3", playlist, "audio/mpeg")})
        used = wrapper.ffmpeg_exe()
    finally:
        studio.jobs.close()
        monkeypatch.undo()
        wrapper.ffmpeg_exe.cache_clear()
    assert used == str(tools / "ffmpeg")
    assert response.status_code == 200
    assert "not audio ffmpeg can read" in response.text, response.text
    assert list((space.root / "music").iterdir()) == []
