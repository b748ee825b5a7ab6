"""The only place that runs ffmpeg: encode a track, tag it, write its sidecars atomically."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from walkcoach import mp3
from walkcoach.errors import ExportError
from walkcoach.ffmpeg import ffmpeg_exe
from walkcoach.pcm import OUTPUT_RATE, SAMPLE_RATE, Audio, pieces
from walkcoach.resample import upsample2x

FORMATS = ("mp3", "m4a", "wav")
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", f"{mp3.BITRATE_KBPS}k", "-id3v2_version", "3",
            "-write_xing", "1"],
    "m4a": ["-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart"],
    "wav": ["-c:a", "pcm_s16le"],
}
_MUXERS = {"mp3": "mp3", "m4a": "ipod", "wav": "wav"}


def encode_command(fmt: str, out: Path, tags: Mapping[str, str] | None = None) -> list[str]:
    """The ffmpeg command that reads raw float samples on stdin and writes ``out``.

    ffmpeg resamples to 44.1 kHz itself, in its own thread, beside the mixing.
    """
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
               "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
               "-ar", str(OUTPUT_RATE), "-ac", "1", *_CODECS[fmt]]
    for key, value in (tags or {}).items():
        command += ["-metadata", f"{key}={value}"]
    return [*command, "-f", _MUXERS[fmt], str(out)]


def encode(samples: Audio | Iterable[Audio], out: Path, fmt: str,
           tags: Mapping[str, str] | None = None) -> None:
    """Encode samples at 22.05 kHz (one array, or chunks streamed as they are made) to ``out``
    at 44.1 kHz.

    MP3 is encoded in this process (walkcoach.mp3: LAME over the speech, ready-made frames
    over the silence between cues, twice as fast as ffmpeg encoding every frame); M4A and WAV
    by ffmpeg. All are mono at 44.1 kHz with exact length. The file is written whole or not
    at all.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    chunks = pieces(samples) if isinstance(samples, np.ndarray) else samples
    if fmt == "mp3":
        with atomic_path(out) as tmp, tmp.open("wb") as file:
            mp3.write(upsample2x(chunks), file, tags)
        return
    _run_ffmpeg(chunks, out, fmt, tags)


def _run_ffmpeg(chunks: Iterable[Audio], out: Path, fmt: str,
                tags: Mapping[str, str] | None) -> None:
    with atomic_path(out) as tmp, tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(encode_command(fmt, tmp, tags), stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL, stderr=errors)
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


def write_text(path: Path, text: str) -> None:
    """Write a text file whole or not at all."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it only if the block succeeds."""
    tmp = _temporary_beside(path)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a shared track must be readable
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def check_writable(path: Path) -> None:
    """Fail now, before any work, if ``path`` cannot be written (its folder is made)."""
    _temporary_beside(path).unlink()


def _temporary_beside(path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except (FileExistsError, NotADirectoryError):
        raise ExportError(f"{path}: cannot write here: a file is in the way of its folder "
                          f"{path.parent}") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot write here: {exc.strerror or exc}") from exc
    os.close(fd)
    return Path(name)


def decode(path: Path, rate: int = SAMPLE_RATE) -> Audio:
    """Decode any audio file to mono float samples at ``rate`` (for tests and measurement)."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i", str(path),
               "-f", "f32le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise ExportError(f"{path}: cannot decode: "
                          f"{result.stderr.decode('utf-8', 'replace').strip()}")
    return np.frombuffer(result.stdout, dtype="<f4").copy()
