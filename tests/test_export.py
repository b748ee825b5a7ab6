"""Encoding through ffmpeg: the true-peak ceiling holds after a lossy codec's overshoot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from walkcoach import export


def test_an_m4a_that_aac_overshoots_is_brought_under_the_ceiling(tmp_path: Path) -> None:
    """A square wave 1.5 dB under full scale comes out of AAC near +5 dBTP; encoded again
    quieter (as often as needed) it ends under -1 dBTP. Speech overshoots far less, now and
    then just past the mix's 0.5 dB of headroom."""
    t = np.arange(22_050 * 5) / 22_050
    square = (0.84 * np.sign(np.sin(2 * np.pi * 220 * t))).astype(np.float32)
    plain = tmp_path / "plain.m4a"
    export.encode(square, plain, "m4a")
    assert export.true_peak_dbtp(plain) > 0  # what the check must catch
    levelled = tmp_path / "levelled.m4a"
    export.encode(square, levelled, "m4a", again=lambda: [square])
    assert export.true_peak_dbtp(levelled) <= export.PEAK_LIMIT_DBTP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["levelled.m4a", "plain.m4a"]
