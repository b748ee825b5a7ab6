"""The names and limits a face shows before anything is planned (light: plain constants).

The command line's ``--help`` and option checks read these without loading the model.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["INTROS", "LEVELS", "MAX_CADENCE", "MAX_SEED", "MIN_CADENCE", "MIN_SEED", "RECOVERY",
           "SETTINGS", "WARMUP", "Cadence", "Intro"]

Intro = Literal["full", "short"]
Cadence = int | Literal["auto"]  # steps a minute, or each part's level default
MIN_CADENCE, MAX_CADENCE = 30, 200  # steps a minute a metronome may click
MIN_SEED, MAX_SEED = -(2 ** 31), 2 ** 31 - 1
"""The seeds of a technique cue order: one range for the command line, scripts and studio."""

LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
"""The levels of the shipped walking-backwards exercise (the command line's default); every
check uses the levels of the exercise at hand (``Exercise.level_names``)."""
INTROS: tuple[Intro, ...] = ("full", "short")
SETTINGS: tuple[str, ...] = ("floor", "treadmill")
"""The settings of the shipped walking-backwards exercise (see LEVELS)."""

RECOVERY = "walking-forward"
"""The exercise between rounds of intervals unless another is named."""
WARMUP = "walking-forward"
"""The exercise of every warm-up and cool-down: easy forward walking."""
