"""ffmpeg: where its binary is, and reading a local audio file into samples with it.

A file is read as a plain local file of the type its name says, never as whatever its content
claims to be: the demuxer is forced from the file's suffix and only the ``file`` protocol is
allowed, so a playlist dressed as an MP3 cannot make ffmpeg open other files (older ffmpeg
builds probe the content, and an HLS playlist may name any local file as a segment).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from walkcoach.errors import ExportError, InputError

__all__ = ["DEMUXERS", "decode", "ffmpeg_exe"]

DEMUXERS = {".mp3": "mp3", ".wav": "wav", ".wave": "wav", ".m4a": "mov", ".mp4": "mov",
            ".aac": "aac", ".ogg": "ogg", ".oga": "ogg", ".opus": "ogg", ".flac": "flac",
            ".aif": "aiff", ".aiff": "aiff", ".aifc": "aiff"}
"""The audio types walkcoach reads, by suffix, and the ffmpeg demuxer each is read with."""


@functools.cache
def ffmpeg_exe() -> str:
    """The path of an ffmpeg binary: the system one on PATH, else imageio-ffmpeg's."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:
        raise ExportError(f"no ffmpeg found on PATH or in imageio-ffmpeg: {exc}") from exc


def decode(path: Path, *, what: str, rate: int, channels: int,
           seconds: float | None = None) -> bytes:
    """The audio of a local file as 32-bit float samples (``channels`` interleaved, at
    ``rate``), at most its first ``seconds``. Raises InputError naming ``what`` (e.g.
    "music file") for a type walkcoach does not read or a file ffmpeg cannot decode."""
    demuxer = DEMUXERS.get(path.suffix.lower())
    if demuxer is None:
        kinds = ", ".join(sorted({suffix.lstrip(".") for suffix in DEMUXERS}))
        raise InputError(f"{what} {path}: not a type of audio walkcoach reads "
                         f"(the name should end in one of: {kinds})")
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
               "-protocol_whitelist", "file", "-f", demuxer, "-i", f"file:{path}",
               *(("-t", str(seconds)) if seconds is not None else ()),
               "-vn", "-f", "f32le", "-ac", str(channels), "-ar", str(rate), "pipe:1"]
    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"{what} {path}: could not run ffmpeg: {exc}") from None
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = lines[-1] if lines else f"exit status {result.returncode}"
        raise InputError(f"{what} {path}: not audio ffmpeg can read ({detail})")
    return result.stdout
