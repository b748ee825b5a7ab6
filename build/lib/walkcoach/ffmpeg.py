"""Where the ffmpeg binary is: the system one on PATH, else the one imageio-ffmpeg ships."""

from __future__ import annotations

import functools
import shutil

from walkcoach.errors import ExportError


@functools.cache
def ffmpeg_exe() -> str:
    """The path of an ffmpeg binary (running it is export's job)."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:
        raise ExportError(f"no ffmpeg found on PATH or in imageio-ffmpeg: {exc}") from exc
