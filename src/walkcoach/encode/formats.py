"""The audio formats a track is written in, by name (light: the command line's choices)."""

from __future__ import annotations

__all__ = ["FORMATS"]

FORMATS = ("mp3", "m4a", "wav")
"""MP3 (walkcoach's own writer), M4A (AAC by ffmpeg) and WAV."""
