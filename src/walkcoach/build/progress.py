"""How a build tells its progress: the callback's type and each stage in words.

Kept apart from the builders so that a face (the command line, the studio) can name the
stages without importing the machinery that makes tracks.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["STAGES", "Progress"]

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as a build advances."""
STAGES = {"voice": "Speaking new phrases", "tracks": "Building tracks", "mix": "Mixing",
          "encode": "Encoding", "done": "Finishing"}
"""Each stage a Progress callback is told of, in words (every face shows them alike)."""
