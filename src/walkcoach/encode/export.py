"""The only place that runs ffmpeg: encode a track, tag it, write its sidecars atomically.

Every file is written to a temporary name beside it and renamed. A temporary's name carries
the writer's process id (``.track.mp3.wc1234-x1y2z3.part``), so a later run can tell the
leftovers of a run killed outright (SIGKILL, power loss) from those of a run still writing.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from walkcoach import tempfiles
from walkcoach.audio.pcm import OUTPUT_RATE, SAMPLE_RATE, Audio, pieces
from walkcoach.audio.resample import upsample2x
from walkcoach.encode import m4a, mp3, sheets
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.encode.formats import FORMATS as FORMATS
from walkcoach.encode.id3 import id3_tag
from walkcoach.errors import ExportError, InputError, excerpt
from walkcoach.plan.model import Chapter

_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", f"{mp3.BITRATE_KBPS}k", "-id3v2_version", "3",
            "-write_xing", "1"],
    "m4a": ["-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart"],
    "wav": ["-c:a", "pcm_s16le"],
}
_MUXERS = {"mp3": "mp3", "m4a": "ipod", "wav": "wav"}
STEREO_KBPS = 128
"""The bitrate of a stereo track (one with a stereo music bed), MP3 or M4A."""


def encode_command(fmt: str, out: Path, tags: Mapping[str, str] | None = None, *,
                   chapters: Path | None = None, channels: int = 1) -> list[str]:
    """The ffmpeg command that reads raw float samples on stdin and writes ``out`` (with the
    chapters of an FFMETADATA file, if given).

    ffmpeg resamples to 44.1 kHz itself, in its own thread, beside the mixing. A stereo MP3
    gets no ID3 tag from ffmpeg: walkcoach.encode.id3 writes it (see :func:`encode`).
    """
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", str(channels), "-i", "pipe:0"]
    if chapters is not None:
        command += ["-f", "ffmetadata", "-i", str(chapters), "-map", "0:a",
                    "-map_chapters", "1"]
    codec = list(_CODECS[fmt])
    if channels == 2 and fmt in ("mp3", "m4a"):
        codec[codec.index("-b:a") + 1] = f"{STEREO_KBPS}k"
    if channels == 2 and fmt == "mp3":
        codec[codec.index("-id3v2_version") + 1] = "0"
        tags = None
    command += ["-ar", str(OUTPUT_RATE), "-ac", str(channels), *codec]
    for key, value in (tags or {}).items():
        command += ["-metadata", f"{key}={value}"]
    return [*command, "-f", _MUXERS[fmt], str(out)]


def encode(samples: Audio | Iterable[Audio], out: Path, fmt: str,
           tags: Mapping[str, str] | None = None, *, cover: bytes | None = None,
           chapters: Sequence[Chapter] = ()) -> None:
    """Encode samples at 22.05 kHz (one array, or chunks streamed as they are made) to ``out``
    at 44.1 kHz.

    MP3 is encoded in this process (walkcoach.encode.mp3: LAME over the speech, ready-made frames
    over the silence between cues, twice as fast as ffmpeg encoding every frame); M4A and WAV
    by ffmpeg. All are mono at 44.1 kHz with exact length, or stereo when the samples are
    (two columns: a stereo music bed), which ffmpeg encodes (MP3 at STEREO_KBPS, its Xing
    and LAME header giving the exact length) under walkcoach's own ID3 tag. MP3 and M4A
    carry the ``cover`` image and the ``chapters`` too. The file is written whole or not at
    all.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    chunks = iter(pieces(samples) if isinstance(samples, np.ndarray) else samples)
    first = next(chunks, None)
    channels = 2 if first is not None and first.ndim == 2 else 1
    if first is not None:
        chunks = itertools.chain((first,), chunks)
    tags = {key: sheets.tag_text(value) for key, value in (tags or {}).items()}
    if fmt == "mp3" and channels == 2:
        with atomic_path(out) as tmp:
            encoded = tmp.with_name(tmp.name + ".lame")
            try:
                _run_ffmpeg(chunks, encoded, out, fmt, None, None, channels=2)
                with tmp.open("wb") as file, encoded.open("rb") as stream:
                    file.write(id3_tag(tags, cover=cover, chapters=chapters))
                    shutil.copyfileobj(stream, file)
            finally:
                encoded.unlink(missing_ok=True)
        return
    if fmt == "mp3":
        with atomic_path(out) as tmp, tmp.open("wb") as file:
            mp3.write(upsample2x(chunks), file, tags, cover=cover, chapters=chapters)
        return
    if fmt == "wav":
        cover, chapters = None, ()  # WAV has no place for either
    with atomic_path(out) as tmp, _chapters_file(chapters) as listed:
        _run_ffmpeg(chunks, tmp, out, fmt, tags, listed, channels=channels)
        if cover:
            m4a.add_cover(tmp, cover)


@contextlib.contextmanager
def _chapters_file(chapters: Sequence[Chapter]) -> Iterator[Path | None]:
    """The chapters as an FFMETADATA file for ffmpeg, for the block (None when there are
    none)."""
    if not chapters:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="walkcoach-") as folder:
        path = Path(folder) / "chapters.txt"
        path.write_text(m4a.ffmetadata(chapters), encoding="utf-8")
        yield path


def _run_ffmpeg(chunks: Iterable[Audio], tmp: Path, out: Path, fmt: str,
                tags: Mapping[str, str] | None, chapters: Path | None, *,
                channels: int = 1) -> None:
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(encode_command(fmt, tmp, tags, chapters=chapters,
                                                      channels=channels),
                                       stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=errors)
        except OSError as exc:
            raise ExportError(f"{out}: could not run ffmpeg: {exc}") from exc
        assert process.stdin is not None
        try:
            for chunk in chunks:
                process.stdin.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
            process.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg stopped reading: its exit status and message say why
        except BaseException:
            process.kill()
            process.wait()
            raise
        if process.wait() != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit status {process.returncode}"
            raise ExportError(f"{out}: ffmpeg failed: {detail}")


def write_text(path: Path, text: str, *, private: bool = False) -> None:
    """Write a text file whole or not at all (as UTF-8; what cannot be encoded is replaced);
    ``private``: readable by its owner only (0600) from the start."""
    with atomic_path(path, private=private) as tmp:
        tmp.write_text(text, encoding="utf-8", errors="replace")


def write_bytes(path: Path, data: bytes) -> None:
    """Write a binary file whole or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def _umask() -> int:
    # Read once, at import: setting it to read it is process-wide, and another thread (the
    # studio's) making a file in that instant would make it with no mask at all.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextlib.contextmanager
def atomic_path(path: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it only if the block succeeds
    (``private``: left 0600, as made)."""
    tmp = _temporary_beside(path)
    if not private:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a shared track must be readable
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def check_output(path: Path, *, sidecars: Iterable[str] = ()) -> None:
    """Refuse, before any work, an output that would lose or hide a file.

    ``path`` must name a file; none of the files written with it (``path`` with each suffix
    of ``sidecars``) may be ``path`` itself; and each that exists must be a regular file, which
    is replaced: a symbolic link, a folder, a device or a pipe is refused (InputError).
    """
    if not path.name or path.name == "..":
        raise InputError(f"the output {excerpt(str(path))} is empty or a folder: give the "
                         "file to write, e.g. track.mp3")
    beside = [path.with_suffix(suffix) for suffix in sidecars]
    for other in beside:
        if _same_name(other, path):
            raise InputError(f"{path}: the track cannot end in {path.suffix}: its own "
                             f"sidecar {other.name} would overwrite it")
    for target in (path, *beside):
        try:
            mode = os.lstat(target).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # nothing there yet (or a file in the way of the folder: made later)
        except OSError as exc:
            raise ExportError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        if not stat.S_ISREG(mode):
            raise InputError(f"{target}: cannot write: it is {_kind(mode)}, not a regular "
                             "file (walkcoach replaces only regular files)")


def _same_name(a: Path, b: Path) -> bool:
    # Case-insensitive: on macOS and Windows track.JSON and track.json are one file.
    return os.path.normcase(a).casefold() == os.path.normcase(b).casefold()


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
             (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def check_writable(path: Path) -> None:
    """Fail now, before any work, if ``path`` cannot be written (its folder must exist)."""
    _temporary_beside(path).unlink()


@contextlib.contextmanager
def new_folders(folder: Path, *, litter: Iterable[str] = ()) -> Iterator[None]:
    """Make ``folder`` and its missing parents for the block; if the block fails (or is
    interrupted), remove again the folders it made that hold nothing.

    ``litter`` names files of this run that do not count (the folder's lock): a folder
    holding only those is emptied and removed too.
    """
    made = _make_folders(folder)
    try:
        yield
    except BaseException:
        for path in reversed(made):  # deepest first
            with contextlib.suppress(OSError):
                if {entry.name for entry in os.scandir(path)} <= set(litter):
                    for name in litter:
                        (path / name).unlink(missing_ok=True)
                path.rmdir()  # refused, and the folder kept, unless it is empty
        raise


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and the parents it lacks; the folders made, outermost first."""
    missing = []
    for path in (folder, *folder.parents):
        if os.path.lexists(path):
            if not path.is_dir():
                where = "" if path == folder else f" ({path})"
                raise ExportError(f"{folder}: cannot write here: a file is in the way of this "
                                  f"folder{where}")
            break
        missing.append(path)
    made = []
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            if path.is_dir():
                continue  # another run made it just now: it is not ours to remove
            raise ExportError(f"{folder}: cannot write here: a file is in the way of this "
                              f"folder ({path})") from None
        except OSError as exc:
            raise ExportError(f"{folder}: cannot make this folder: "
                              f"{exc.strerror or exc}") from exc
        made.append(path)
    return made


def remove_stale_temporaries(folder: Path) -> tuple[Path, ...]:
    """Delete the temporaries killed runs left in ``folder`` (see walkcoach.tempfiles)."""
    return tempfiles.remove_stale(folder)


def _temporary_beside(path: Path) -> Path:
    try:
        return tempfiles.make(path.parent, path.name)
    except (FileNotFoundError, NotADirectoryError):
        raise ExportError(f"{path}: cannot write here: its folder {path.parent} is missing "
                          "or a file is in the way") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here: {exc.strerror or exc}") from exc


def decode(path: Path, rate: int = SAMPLE_RATE) -> Audio:
    """Decode any audio file to mono float samples at ``rate`` (for tests and measurement)."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path),
               "-f", "f32le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise ExportError(f"{path}: cannot decode: "
                          f"{result.stderr.decode('utf-8', 'replace').strip()}")
    return np.frombuffer(result.stdout, dtype="<f4").copy()
