"""What a share bundle publishes, and what it keeps to itself.

The published folder and its zip hold exactly the files the bundle made (no manifest, lock,
stray file or linked file); the coach's files are private (0600); a coach's photo loses its
EXIF (GPS, camera serial) everywhere it is published; the same inputs make the same bytes;
a client renamed in their profile keeps their folder and feed address; and what cannot be
published (a broken JPEG, text XML cannot carry) is refused when the files are read.
"""

from __future__ import annotations

import datetime
import io
import os
import stat
import zipfile
from pathlib import Path

import mutagen.mp3
import pytest
from click.testing import CliRunner
from PIL import Image

from walkcoach.cli import cli
from walkcoach.content import load_client, load_program
from walkcoach.errors import ContentError
from walkcoach.share import PRIVATE, ShareResult, build_share, bundle_folder, tokens_path

pytestmark = pytest.mark.e2e

BASE = "https://coach.example/walks"
START = datetime.date(2024, 1, 1)
SERIAL = "SN-QUOKKA-4242"
PROGRAM_TEXT = """\
program: "Backwards, one week"
coach: "Ana Souza"
exercise: walking-backwards
defaults: {setting: floor}
weeks:
  - {week: 1, level: beginner, minutes: 1, focus: "Just the roll, slowly."}
"""
TRACK = "week-01-beginner-01min"


def _photo(size: int = 900) -> bytes:
    """A JPEG with EXIF as a phone writes it: a GPS position and the camera's serial."""
    image = Image.new("RGB", (size, size), (180, 40, 90))
    exif = Image.Exif()
    exif[0x010F] = "QuokkaCam"  # Make
    exif[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(0x8825)
    return out.getvalue()


@pytest.fixture(scope="module")
def program_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("publish-program")
    (folder / "photo.jpg").write_bytes(_photo())
    path = folder / "one-week.yaml"
    path.write_text(PROGRAM_TEXT + "cover: photo.jpg\n", encoding="utf-8")
    return path


def _share(program_file: Path, out: Path) -> ShareResult:
    return build_share(load_program(program_file), out, client="Maria", voice="system",
                       jobs=1, base_url=BASE, make_zip=True, start=START)


@pytest.fixture(scope="module")
def shared(program_file: Path, tmp_path_factory: pytest.TempPathFactory) -> ShareResult:
    return _share(program_file, tmp_path_factory.mktemp("publish"))


def _zip_names(result: ShareResult) -> list[str]:
    assert result.archive is not None
    with zipfile.ZipFile(result.archive) as packed:
        assert packed.testzip() is None
        return sorted(packed.namelist())


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_exactly_the_clients_files_are_published(shared: ShareResult) -> None:
    """The folder and the zip list the same, expected files; the manifest and lock are in
    DIR/.walkcoach/<bundle>/, and they, the tokens file and its lock are 0600."""
    expected = sorted(["cover.jpg", "index.html", "feed.xml", "one-week.m3u", "sw.js",
                       "manifest.webmanifest",
                       *(TRACK + suffix for suffix in (".mp3", ".json", ".vtt", ".txt",
                                                       ".chapters.json"))])
    assert sorted(path.name for path in shared.folder.iterdir()) == expected
    assert list(shared.files) == expected
    assert _zip_names(shared) == [f"{shared.folder.name}/{name}" for name in expected]
    out = shared.folder.parent
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [PRIVATE, shared.folder.name, f"{shared.folder.name}.zip"])
    private = out / PRIVATE / shared.folder.name
    assert sorted(path.name for path in private.iterdir()) == [".walkcoach.lock",
                                                                "walkcoach-manifest.json"]
    for path in (*private.iterdir(), tokens_path(),
                 tokens_path().with_name(tokens_path().name + ".lock")):
        assert _mode(path) == 0o600, path


def test_a_stray_file_or_a_link_is_never_packed(shared: ShareResult, program_file: Path,
                                                tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the coach's private notes", encoding="utf-8")
    stray, link = shared.folder / "notes.txt", shared.folder / "extra.mp3"
    stray.write_text("dropped here by hand", encoding="utf-8")
    link.symlink_to(secret)
    try:
        again = _share(program_file, shared.folder.parent)
        assert _zip_names(again) == _zip_names(shared) and "notes.txt" not in again.files
        assert again.archive is not None
        assert b"private notes" not in again.archive.read_bytes()
    finally:
        stray.unlink()
        link.unlink()


def test_the_coachs_photo_loses_its_metadata(shared: ShareResult) -> None:
    """No EXIF in cover.jpg, in the zip's copy, or in the MP3's embedded art."""
    assert shared.archive is not None
    with zipfile.ZipFile(shared.archive) as packed:
        zipped = packed.read(f"{shared.folder.name}/cover.jpg")
    tags = mutagen.mp3.MP3(shared.folder / f"{TRACK}.mp3").tags
    assert tags is not None
    (apic,) = tags.getall("APIC")
    for data in ((shared.folder / "cover.jpg").read_bytes(), zipped, apic.data):
        with Image.open(io.BytesIO(data)) as image:
            assert image.mode == "RGB" and image.size == (900, 900)
            assert not image.getexif() and "exif" not in image.info
        assert SERIAL.encode() not in data and b"QuokkaCam" not in data
    assert SERIAL.encode() not in shared.archive.read_bytes()


def test_the_same_inputs_make_the_same_bytes(shared: ShareResult, program_file: Path) -> None:
    """Rebuilt later (the files' times changed), the feed, the page and the zip are the
    same bytes: no clock time inside any of them."""
    assert shared.feed is not None and shared.archive is not None
    before = {path.name: path.read_bytes() for path in (shared.feed, shared.page,
                                                        shared.archive)}
    for path in shared.folder.iterdir():
        os.utime(path, (1_000_000_000, 1_000_000_000))  # 2001
    again = _share(program_file, shared.folder.parent)
    assert again.feed is not None and again.archive is not None
    assert {path.name: path.read_bytes() for path in (again.feed, again.page,
                                                      again.archive)} == before


def test_a_renamed_client_keeps_their_folder_and_address(tmp_path: Path) -> None:
    program = tmp_path / "one-week.yaml"
    program.write_text(PROGRAM_TEXT, encoding="utf-8")
    profile = tmp_path / "maria.yaml"
    profile.write_text('name: "Maria"\n', encoding="utf-8")
    out = tmp_path / "out"
    first = build_share(load_program(program), out, client=load_client(profile),
                        voice="system", jobs=1, base_url=BASE, start=START)
    profile.write_text('name: "Mariana"\n', encoding="utf-8")
    renamed = load_client(profile)
    second = build_share(load_program(program), out, client=renamed, voice="system", jobs=1,
                         base_url=BASE)
    assert second.folder == first.folder and second.url == first.url
    assert bundle_folder(out, program, renamed) == first.folder
    assert sorted(path.name for path in out.iterdir()) == [PRIVATE, first.folder.name]
    assert second.feed is not None and b"Mon, 01 Jan 2024" in second.feed.read_bytes()


def _jpeg_cut_short() -> bytes:
    return _photo()[:-2000]


def _jpeg_that_lies() -> bytes:
    """A 600 px JPEG whose header says 900 px: the data ends long before the image does."""
    data = bytearray(_photo(600))
    frame = data.index(b"\xff\xc0")  # SOF0: length, precision, height, width
    data[frame + 5:frame + 9] = (900).to_bytes(2, "big") * 2
    return bytes(data)


@pytest.mark.parametrize("make", [_jpeg_cut_short, _jpeg_that_lies])
def test_a_broken_jpeg_cover_is_refused(tmp_path: Path, make: object) -> None:
    assert callable(make)
    (tmp_path / "photo.jpg").write_bytes(make())
    program = tmp_path / "p.yaml"
    program.write_text(PROGRAM_TEXT + "cover: photo.jpg\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_program(program)
    assert str(error.value).startswith(f"{program}:7: cover: ")
    result = CliRunner().invoke(cli, ["validate", str(program)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output


@pytest.mark.parametrize(("find", "replace", "line", "key"), [
    ('program: "Backwards', 'program: "Back\\uFFFEwards', 1, "program"),
    ('coach: "Ana', 'coach: "An\\uFFFFa', 2, "coach"),
    ('focus: "Just', 'focus: "Just\\x01', 6, "weeks[0].focus"),
    ('focus: "Just', 'focus: "Just\\uD800', 6, ""),  # YAML itself refuses a lone surrogate
])
def test_text_xml_cannot_carry_is_refused(shared: ShareResult, tmp_path: Path, find: str,
                                          replace: str, line: int, key: str) -> None:
    """At validate and at share, in one line with file, line and key; a share into the
    bundle's folder then writes nothing at all."""
    program = tmp_path / "one-week.yaml"
    program.write_text(PROGRAM_TEXT.replace(find, replace), encoding="utf-8")
    checked = CliRunner().invoke(cli, ["validate", str(program)])
    assert checked.exit_code == 2, checked.output
    assert checked.output.startswith(f"{program}:{line}: {key}"), checked.output
    assert checked.output.count("\n") == 1
    out = shared.folder.parent
    before = {path: path.stat().st_mtime_ns for path in out.rglob("*")}
    made = CliRunner().invoke(cli, ["share", str(program), "--client", "Maria", "-o", str(out),
                                    "--base-url", BASE, "--voice", "system", "--zip"])
    assert made.exit_code == 2 and made.stderr.count("\n") == 1, made.output
    assert "Traceback" not in made.output
    assert {path: path.stat().st_mtime_ns for path in out.rglob("*")} == before


def test_an_email_that_is_no_address_is_refused(tmp_path: Path) -> None:
    program = tmp_path / "p.yaml"
    program.write_text(PROGRAM_TEXT + "email: ana at coach\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"p\.yaml:7: email: must be one e-mail address"):
        load_program(program)


def test_an_older_bundles_manifest_moves_out_of_the_published_folder(
        shared: ShareResult, program_file: Path) -> None:
    """A bundle made before: its manifest and lock in the folder. The next share moves the
    manifest to DIR/.walkcoach/ (nothing is rebuilt) and leaves the folder as published."""
    private = shared.folder.parent / PRIVATE / shared.folder.name
    os.replace(private / "walkcoach-manifest.json", shared.folder / "walkcoach-manifest.json")
    (shared.folder / ".walkcoach.lock").touch()
    again = _share(program_file, shared.folder.parent)
    assert not again.program.built
    assert sorted(path.name for path in again.folder.iterdir()) == list(again.files)
    assert _mode(private / "walkcoach-manifest.json") == 0o600


@pytest.mark.parametrize(("today", "monday"), [
    ((2026, 12, 7), (2026, 12, 14)),  # a Monday: the next one
    ((2026, 12, 13), (2026, 12, 14)),  # a Sunday
    ((2026, 12, 31), (2027, 1, 4)),
])
def test_the_default_start_is_the_next_monday(today: tuple[int, int, int],
                                              monday: tuple[int, int, int]) -> None:
    from walkcoach.share.tokens import next_monday

    assert next_monday(datetime.date(*today)) == datetime.date(*monday)
