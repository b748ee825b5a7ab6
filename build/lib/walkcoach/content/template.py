"""Read the session template (the lines every session says) and the pronunciation lexicon."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, cast

from walkcoach.content.exercise import AS_WRITTEN, COUNT, ROUND, mapping_of, number_of, spoken_line
from walkcoach.content.nodes import Node, load_yaml
from walkcoach.content.problems import Problems
from walkcoach.plan.model import BlockWords, Pauses, SessionTemplate, Source, TimeWords

__all__ = ["load_lexicon", "load_template"]


def load_template(path: Path) -> SessionTemplate:
    """Read and validate the session template (phases' lead lines and time-cue wording);
    every line's problems are reported together."""
    node = load_yaml(path)
    problems = Problems()
    with problems.each():
        node.only("greeting", "welcome", "safety_lead", "setup_lead", "treadmill_speed",
                  "treadmill_incline", "ready", "start", "time", "blocks", "cooldown_lead",
                  "finish", "pauses_ms")
    time = problems.get(lambda: mapping_of(node, "time"))
    counts: dict[str, Any] = {}
    if time is not None:
        with problems.each():
            time.only("halfway", "minutes_left", "one_minute_left", "thirty_seconds",
                      "countdown", "stop")
        counts |= problems.read_all({"countdown": lambda: _countdown(time, 10, "ten")})
    blocks = problems.get(lambda: mapping_of(node, "blocks"))
    if blocks is not None:
        with problems.each():
            blocks.only("heads_up", "heads_up_s", "countdown", "keep_going", "round",
                        "last_round", "time_left", "halfway", "minutes_left",
                        "one_minute_left", "speed", "incline")
        counts |= problems.read_all({"switch": lambda: _countdown(blocks, 5, "five")})
    pauses = problems.get(lambda: _pauses(node))
    values = problems.read_all({
        "greeting": lambda: spoken_line(node, "greeting", named=True),  # said to a named client
        **{key: functools.partial(spoken_line, node, key) for key in (
            "welcome", "safety_lead", "setup_lead", "treadmill_speed", "treadmill_incline",
            "ready")},
        "start": lambda: spoken_line(node, "start", AS_WRITTEN),
    })
    time_words = problems.read_all({key: functools.partial(spoken_line, time, key, allowed)
                                    for key, allowed in _TIME_LINES.items()}) if time else {}
    block_words = problems.read_all({
        key: functools.partial(spoken_line, blocks, key, allowed) if allowed is not None
        else functools.partial(_heads_up_s, blocks)
        for key, allowed in _BLOCK_LINES.items()}) if blocks else {}
    values |= problems.read_all({
        "cooldown_lead": lambda: spoken_line(node, "cooldown_lead", AS_WRITTEN),
        "finish": lambda: node.texts("finish", spoken=True),
    })
    problems.raise_any()
    return SessionTemplate(
        time=TimeWords(countdown=counts["countdown"], **time_words),
        blocks=BlockWords(countdown=counts["switch"], **block_words),
        pauses=cast(Pauses, pauses), source=Source(path=path, line=1), **values)


_TIME_LINES = {"halfway": AS_WRITTEN, "minutes_left": COUNT,
               "one_minute_left": AS_WRITTEN, "thirty_seconds": AS_WRITTEN,
               "stop": AS_WRITTEN}
"""The lines of the template's ``time``, and the placeholders each is filled with."""
_BLOCK_LINES: dict[str, frozenset[str] | None] = {
    "heads_up": AS_WRITTEN, "heads_up_s": None, "keep_going": AS_WRITTEN, "round": ROUND,
    "last_round": AS_WRITTEN, "time_left": frozenset({"duration"}), "halfway": AS_WRITTEN,
    "minutes_left": COUNT, "one_minute_left": AS_WRITTEN,
    "speed": frozenset({"speed_mph"}), "incline": frozenset({"incline_percent"})}
"""The lines of the template's ``blocks`` and their placeholders (None: not a line)."""


def _countdown(node: Node, most: int, spelled: str) -> tuple[str, ...]:
    countdown = node.texts("countdown", spoken=True)
    if len(countdown) > most:
        raise node.error("countdown", f"may count down from {spelled} at the most")
    return countdown


def _heads_up_s(node: Node) -> int:
    return int(number_of(node, "heads_up_s", 5, 30, integer=True))


def _pauses(node: Node) -> Pauses:
    pauses = mapping_of(node, "pauses_ms")
    keys = ("lead_in", "between_lines", "between_phases", "before_start", "after_stop", "tail",
            "min_gap")
    problems = Problems()
    with problems.each():
        pauses.only(*keys)
    values = problems.read_all({key: functools.partial(number_of, pauses, key, 0, 60_000, True)
                                for key in keys})
    problems.raise_any()
    return Pauses(**{key: int(value) for key, value in values.items()})


def load_lexicon(path: Path) -> dict[str, str]:
    """Read a pronunciation lexicon: ``words:`` mapping a word or phrase to how it is said."""
    node = load_yaml(path)
    node.only("words")
    words = node.mapping("words", required=False)
    if words is None:
        return {}
    # A respelling is what the voice says instead of the word: it must be speakable itself.
    problems = Problems()
    found = problems.read_all({key: functools.partial(words.text, key, spoken=True)
                               for key in words.names()})
    problems.raise_any()
    return found


