"""The share bundle: a private folder per client with the tracks, a page, a feed and a zip.

The bundle is built once (a short three-week program, the real system voice) and read back
with tools that are not ours: feedparser reads the feed as a podcast app does, zipfile the
archive, json the chapters.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from browser import screenshot
from static_host import serving

from walkcoach.content import TEMPLATES_DIR, load_program
from walkcoach.errors import InputError
from walkcoach.names import slug
from walkcoach.share import TOKENS, ShareResult, build_share, bundle_folder, tokens_path

pytestmark = pytest.mark.e2e

BASE = "https://coach.example/walks"
PROGRAM_TEXT = """\
program: "Backwards, three weeks"
coach: "Ana Souza"
exercise: walking-backwards
sessions_per_week: 3
defaults: {setting: floor}
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Just the roll, slowly."}
  - {week: 2, level: beginner, intervals: 2x0:30/0:15, focus: "A little longer."}
  - {week: 3, level: intermediate, minutes: 1, setting: treadmill, focus: "A bit faster."}
"""


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("share-program") / "three-weeks.yaml"
    path.write_text(PROGRAM_TEXT, encoding="utf-8")
    return path


def _share(program_file: Path, out: Path, client: str, **options: object) -> ShareResult:
    options.setdefault("voice", "system")
    options.setdefault("jobs", 2)
    return build_share(load_program(program_file), out, client=client, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shared(program_file: Path, tmp_path_factory: pytest.TempPathFactory) -> ShareResult:
    """Maria's bundle, with a public address and a zip."""
    out = tmp_path_factory.mktemp("share")
    return _share(program_file, out, "María José", base_url=BASE, make_zip=True)


def test_the_bundle_is_a_private_folder(shared: ShareResult) -> None:
    """DIR/<slug>-<token>/ with an unguessable token, and everything the client needs."""
    folder = shared.folder
    match = re.fullmatch(r"maria-jose-([A-Za-z0-9_-]{22})", folder.name)
    assert match, folder.name
    names = {path.name for path in folder.iterdir()}
    for week in ("week-01-beginner-01min", "week-02-beginner-01.5min",
                 "week-03-intermediate-01min"):
        for suffix in (".mp3", ".json", ".vtt", ".chapters.json"):
            assert week + suffix in names
    assert {"index.html", "feed.xml", "cover.png"} <= names
    assert shared.url == f"{BASE}/{folder.name}/"


def test_the_feed_is_a_podcast(shared: ShareResult) -> None:
    """RSS 2.0 with the itunes and podcast namespaces; every enclosure's length is the file's
    size, its duration the track's, and the transcript and chapters point at real files."""
    assert shared.feed is not None
    parsed = feedparser.parse(shared.feed.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert "http://www.itunes.com/dtds/podcast-1.0.dtd" in parsed.namespaces.values()
    assert "https://podcastindex.org/namespace/1.0" in parsed.namespaces.values()
    assert parsed.feed.itunes_block == 1  # feedparser reads "yes" as 1
    assert parsed.feed.image.href == f"{shared.url}cover.png"
    assert [int(entry.itunes_episode) for entry in parsed.entries] == [1, 2, 3]
    text = shared.feed.read_text(encoding="utf-8")
    for entry, track in zip(parsed.entries, shared.program.tracks, strict=True):
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{shared.url}{track.path.name}"
        assert int(enclosure.length) == track.path.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert track.duration_ms is not None
        assert int(entry.itunes_duration) == round(track.duration_ms / 1000)
        for kind, suffix in (("transcript", ".vtt"), ("chapters", ".chapters.json")):
            url = f"{shared.url}{track.path.with_suffix(suffix).name}"
            assert re.search(rf'<podcast:{kind} url="{re.escape(url)}"', text), kind
            assert (shared.folder / Path(url).name).is_file()


def test_a_week_in_parts_shows_its_shape(shared: ShareResult) -> None:
    """Week 2 is intervals: its page row, its feed title and its chapters say so."""
    html = shared.page.read_text(encoding="utf-8")
    assert "1.5 min (2 x 30 s intervals) walk" in html
    assert html.count("intervals)") == 1  # the continuous weeks have no shape
    assert shared.feed is not None
    titles = [entry.title for entry in feedparser.parse(shared.feed.read_bytes()).entries]
    assert titles[1].endswith(", 2 x 30 s intervals") and "intervals" not in titles[0]
    sheet = json.loads(shared.program.tracks[1].path.with_suffix(".json").read_text("utf-8"))
    assert [b["kind"] for b in sheet["blocks"]] == ["work", "recovery", "work", "cooldown"]
    assert "Round 2 of 2: Walking backwards" in [c["title"] for c in sheet["chapters"]]


def test_chapters_json_matches_the_cue_sheet(shared: ShareResult) -> None:
    for track in shared.program.tracks:
        sheet = json.loads(track.path.with_suffix(".json").read_text(encoding="utf-8"))
        chapters = json.loads(track.path.with_suffix(".chapters.json").read_text("utf-8"))
        assert chapters["version"] == "1.2.0"
        assert [(c["startTime"], c["title"]) for c in chapters["chapters"]] == [
            (c["start_ms"] / 1000, c["title"]) for c in sheet["chapters"]]


def test_the_page_is_private_and_self_contained(shared: ShareResult) -> None:
    html = shared.page.read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex' in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.replace(shared.url or "", ""))
    assert "<svg" in html  # the QR codes, inline
    assert html.count('<audio ') == 3


def test_the_zip_holds_the_clients_files_only(shared: ShareResult) -> None:
    """The zip holds exactly the published folder's files, under the folder's name."""
    assert shared.archive is not None
    with zipfile.ZipFile(shared.archive) as packed:
        assert packed.testzip() is None
        names = sorted(packed.namelist())
    assert names == [f"{shared.folder.name}/{path.name}"
                     for path in sorted(shared.folder.iterdir())]
    assert "index.html" in shared.files and "feed.xml" in shared.files
    assert not {"walkcoach-manifest.json", ".walkcoach.lock"} & set(shared.files)


def test_a_rebuild_keeps_the_address_and_builds_nothing(shared: ShareResult,
                                                         program_file: Path) -> None:
    again = _share(program_file, shared.folder.parent, "María José", base_url=BASE)
    assert again.folder == shared.folder and again.url == shared.url
    assert not again.program.built and len(again.program.skipped) == 3


def test_another_client_gets_another_private_folder(shared: ShareResult, program_file: Path
                                                    ) -> None:
    """Two clients in one DIR: different tokens, and neither bundle names the other."""
    other = _share(program_file, shared.folder.parent, "Sam Lee", base_url=BASE)
    assert other.folder != shared.folder and other.folder.parent == shared.folder.parent
    maria_token = shared.folder.name[-22:]  # the token may itself hold a "-"
    for path in other.folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert "María".encode() not in data and b"maria" not in data, path.name
            assert maria_token.encode() not in data, path.name
    tokens = json.loads(tokens_path().read_text(encoding="utf-8"))["tokens"]
    here = [key for key in tokens if json.loads(key)[0] == str(shared.folder.parent.resolve())]
    assert len(here) == 2
    assert not (shared.folder.parent / TOKENS).exists()  # never in the folder published


@pytest.mark.parametrize("name", ["../../etc", "a/b\\c", "..", "....", "CON", "x" * 300,
                                  "Zoë\x00Ödegaard", " ", "李小龙"])
def test_hostile_names_make_safe_folders(name: str) -> None:
    made = slug(name)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", made) and len(made) <= 48
    assert made not in {"con", "prn", "aux", "nul"}


def test_a_hostile_client_name_stays_inside(program_file: Path, tmp_path: Path) -> None:
    result = _share(program_file, tmp_path / "out", "../../x/..")
    assert result.folder.resolve().parent == (tmp_path / "out").resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("url", ["ftp://x/y", "coach.example", "https://", "https://x/?a=1",
                                 "https://x/a b", "https://[::1/", "https://x:99999/",
                                 "https://" + "a" * 3000 + ".com", "https://ana:secret@x.com/",
                                 "https://x.com/é", 'https://x.com/"><x>', "https://x.com/a%zz"])
def test_a_bad_base_url_is_refused_before_any_work(program_file: Path, tmp_path: Path,
                                                   url: str) -> None:
    with pytest.raises(InputError, match="base-url"):
        _share(program_file, tmp_path / "out", "Sam", base_url=url)
    assert not (tmp_path / "out").exists()


def test_a_client_is_required(program_file: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--client"):
        _share(program_file, tmp_path / "out", "")
    assert not (tmp_path / "out").exists()


def test_the_shipped_program_loads_for_sharing() -> None:
    """The default program names a coach and sessions a week: the page's schedule."""
    program = load_program(TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml")
    assert program.sessions_per_week and program.coach


# --- the page, in a real browser ------------------------------------------------------------

@pytest.fixture(scope="module")
def served(shared: ShareResult) -> Iterator[str]:
    """The bundle's folder over HTTP on 127.0.0.1, as a static host would serve it."""
    with serving(shared.folder) as address:
        yield address


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A phone-sized tab."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def _sheets(shared: ShareResult) -> list[dict[str, Any]]:
    return [json.loads(track.path.with_suffix(".json").read_text(encoding="utf-8"))
            for track in shared.program.tracks]


def test_the_page_in_a_browser(shared: ShareResult, page: Any) -> None:
    """Every week shown; each audio element loads its track, its duration within 50 ms of
    the cue sheet; a transcript is shown; the page fits a phone's width."""
    page.goto(shared.page.as_uri())
    weeks = page.locator("article.week")
    assert weeks.count() == 3
    for index, sheet in enumerate(_sheets(shared)):
        week = weeks.nth(index)
        assert week.locator("h3").inner_text().startswith(f"Week {index + 1}: ")
        duration = week.locator("audio").evaluate(
            """audio => new Promise((resolve, reject) => {
                 if (audio.readyState >= 1) return resolve(audio.duration);
                 audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
                 audio.addEventListener('error', () => reject(audio.error.message));
                 audio.load();
               })""")
        assert abs(duration * 1000 - sheet["duration_ms"]) <= 50
        week.locator("summary").click()
        lines = week.locator(".transcript li")
        assert lines.count() == len(sheet["cues"])
        assert lines.first.is_visible() and sheet["cues"][0]["text"] in lines.first.inner_text()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    screenshot(page, "share-page-phone")


def test_captions_follow_the_audio(shared: ShareResult, page: Any) -> None:
    """Seeking into a cue shows its words under the player, and highlights the line."""
    page.goto(shared.page.as_uri())
    sheet = _sheets(shared)[0]
    cue = next(c for c in sheet["cues"] if c["kind"] == "time")
    week = page.locator("article.week").first
    week.locator("audio").evaluate(
        """(audio, at) => new Promise(resolve => {
             audio.addEventListener('seeked', resolve, {once: true});
             audio.currentTime = at;
           })""", (cue["start_ms"] + cue["end_ms"]) / 2000)
    assert week.locator(".caption").inner_text() == cue["text"]
    assert (week.locator(".transcript li.now").text_content() or "").endswith(cue["text"])


def test_decode_audio_data_gives_the_planned_samples(shared: ShareResult, served: str,
                                                     page: Any) -> None:
    """Chromium's decodeAudioData returns exactly the planned samples of every track."""
    page.goto(served + "index.html")
    for sheet, track in zip(_sheets(shared), shared.program.tracks, strict=True):
        length = page.evaluate(
            """async url => {
                 const data = await (await fetch(url)).arrayBuffer();
                 const context = new OfflineAudioContext(1, 1, 44100);
                 return (await context.decodeAudioData(data)).length;
               }""", served + track.path.name)
        assert abs(length - sheet["duration_ms"] * 44.1) <= 44  # the sheet rounds to 1 ms


def test_printed_it_is_a_handout(shared: ShareResult, page: Any) -> None:
    """Print media: the schedule, the safety notes and the QR codes, no players."""
    page.goto(shared.page.as_uri())
    page.emulate_media(media="print")
    assert not page.locator("audio").first.is_visible()
    assert not page.locator("details").first.is_visible()
    assert page.locator("#schedule").is_visible() and page.locator(".safety").is_visible()
    assert page.locator(".qr svg").count() == 2 and page.locator(".qr svg").first.is_visible()
    rows = page.locator("#schedule ~ table tbody tr")
    assert rows.count() == 3
    screenshot(page, "share-page-print")
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r") + pdf.count(
        b"/Type /Page/") + len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the handout is one page"


# --- the command ----------------------------------------------------------------------------

def test_the_share_command_reuses_the_bundle(shared: ShareResult, program_file: Path) -> None:
    from click.testing import CliRunner

    from walkcoach.cli import cli

    result = CliRunner().invoke(cli, [
        "share", str(program_file), "--client", "María José", "-o", str(shared.folder.parent),
        "--base-url", BASE, "--voice", "system", "--zip"], prog_name="walkcoach")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"3 tracks: 0 built, 3 up to date -> {shared.page}"
    assert lines[1] == f"podcast feed: {shared.url}feed.xml"
    assert lines[2] == f"zip: {shared.archive}"


def test_the_share_command_refuses_a_bad_address(program_file: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from walkcoach.cli import cli

    result = CliRunner().invoke(cli, [
        "share", str(program_file), "--client", "Sam", "-o", str(tmp_path / "out"),
        "--base-url", "coach.example"], prog_name="walkcoach")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--base-url" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_share_without_zip_removes_a_stale_zip(shared: ShareResult, program_file: Path
                                                 ) -> None:
    """An earlier zip would carry old pages and links: a run without --zip removes it."""
    assert shared.archive is not None and shared.archive.exists()
    again = _share(program_file, shared.folder.parent, "María José", base_url=BASE)
    assert again.archive is None and not shared.archive.exists()


def test_two_profiles_with_one_first_name_get_two_bundles(program_file: Path,
                                                           tmp_path: Path) -> None:
    """Two clients called Maria (two profiles): two tokens, two folders, neither's notes in
    the other's bundle."""
    from walkcoach.content import load_client

    clients = []
    for stem, note in (("maria1", "Mind your new hip, Quokka."),
                       ("maria2", "Remember the pacemaker, Zebrafish.")):
        path = tmp_path / f"{stem}.yaml"
        path.write_text(f'name: "Maria"\nspoken_notes: ["{note}"]\n', encoding="utf-8")
        clients.append(load_client(path))
    out = tmp_path / "out"
    first = build_share(load_program(program_file), out, client=clients[0], voice="system")
    second = build_share(load_program(program_file), out, client=clients[1], voice="system")
    assert first.folder != second.folder
    for folder, stranger in ((first.folder, b"Zebrafish"), (second.folder, b"Quokka")):
        assert not any(stranger in p.read_bytes() for p in folder.iterdir() if p.is_file())


def test_a_profiles_bundle_is_found_by_its_token(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Two profiles both called Maria, shared into one folder: bundle_folder finds each one's
    own bundle by its kept token, not by the name; a profile never shared (the same name
    again, or the bare name), another folder or another program finds none. The look-up
    only reads: before any share it makes no tokens file, after them it leaves it as it was."""
    from walkcoach.content import COMMAND_LINE, load_client
    from walkcoach.plan.model import ClientSpec, Source

    monkeypatch.setenv("WALKCOACH_DATA_DIR", str(tmp_path / "data"))
    program_path = tmp_path / "one-week.yaml"
    week = '  - {week: 1, level: beginner, minutes: 1, focus: "Slowly."}\n'
    program_path.write_text(PROGRAM_TEXT.split("weeks:\n")[0] + "weeks:\n" + week,
                            encoding="utf-8")
    profiles = []
    for stem in ("maria1", "maria2", "maria3"):
        path = tmp_path / f"{stem}.yaml"
        path.write_text('name: "Maria"\n', encoding="utf-8")
        profiles.append(load_client(path))
    out = tmp_path / "out"
    assert bundle_folder(out, program_path, profiles[0]) is None
    assert not (tmp_path / "data").exists()
    shared = [build_share(load_program(program_path), out, client=profile, voice="system",
                          jobs=1).folder for profile in profiles[:2]]
    assert shared[0] != shared[1] and all(f.name.startswith("maria-") for f in shared)
    kept = {path.name: path.read_bytes() for path in (tmp_path / "data").iterdir()}
    assert [bundle_folder(out, program_path, profile) for profile in profiles] == [
        *shared, None]
    bare = ClientSpec(name="Maria", source=Source(path=COMMAND_LINE))
    assert bundle_folder(out, program_path, bare) is None
    assert bundle_folder(tmp_path / "elsewhere", program_path, profiles[0]) is None
    assert bundle_folder(out, tmp_path / "another.yaml", profiles[0]) is None
    assert {path.name: path.read_bytes() for path in (tmp_path / "data").iterdir()} == kept
    assert sorted(out.iterdir()) == sorted([*shared, out / ".walkcoach"])  # + the private
    for folder in shared:
        folder.rename(folder.with_name("moved"))  # its token kept, its folder gone
        assert bundle_folder(out, program_path, profiles[shared.index(folder)]) is None
        folder.with_name("moved").rename(folder)


def test_the_programs_own_cover_is_the_bundles(program_file: Path, tmp_path: Path) -> None:
    import io

    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (900, 900), (200, 30, 30)).save(image, format="PNG")
    (tmp_path / "red.png").write_bytes(image.getvalue())
    program = tmp_path / "red-program.yaml"
    program.write_text(program_file.read_text(encoding="utf-8") + "cover: red.png\n",
                       encoding="utf-8")
    result = _share(program, tmp_path / "out", "Sam", base_url=BASE)
    with Image.open(result.folder / "cover.png") as published:
        assert published.mode == "RGB" and published.size == (900, 900)
        assert published.getpixel((450, 450)) == (200, 30, 30)


@pytest.mark.parametrize("token", ["-" * 22, "a-b-c-d-e-f-g-h-i-j-k-", "A" * 22, "_x-" * 7 + "y"])
def test_a_bundle_folder_names_its_client_whatever_its_token(token: str) -> None:
    from walkcoach.share import bundle_slug

    assert len(token) == 22
    assert bundle_slug(f"maria-lopez-{token}") == "maria-lopez"
    assert bundle_slug(f"maria-{token}") == "maria"
    assert bundle_slug(token) is None and bundle_slug(f"-{token}") is None
    assert bundle_slug("maria-lopez") is None
