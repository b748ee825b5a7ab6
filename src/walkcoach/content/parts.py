"""A program week's walk: continuous minutes, the interval shorthand, or blocks of parts.

The three forms and what goes around them are described in walkcoach.content.program;
the parts themselves are made by walkcoach.plan.blocks. Every error names file, line and key.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from walkcoach.content.exercise import offered
from walkcoach.content.files import beside, names_a_file, not_a_file
from walkcoach.content.nodes import Node
from walkcoach.content.problems import Problems
from walkcoach.content.shipped import find_exercise
from walkcoach.errors import ContentError, InputError
from walkcoach.plan.blocks import (
    MAX_BLOCKS,
    MAX_ROUNDS,
    RECOVERY,
    interval_blocks,
    parse_intervals,
    parse_minutes,
    parse_time,
    with_kinds,
)
from walkcoach.plan.model import Block, Exercise, Source

__all__ = ["AROUND", "FORMS", "RECOVERY", "At", "Reader", "check_around", "read_blocks",
           "read_intervals", "week_walk"]

FORMS = ("minutes", "intervals", "blocks")
"""The three ways to write a week's walk: a week has exactly one."""
AROUND = ("warmup", "cooldown", "recovery")
"""What ``minutes`` and ``intervals`` take around them; ``blocks`` lists it itself."""
_BLOCK_KEYS = ("exercise", "minutes", "time", "level", "speed_mph", "incline_percent", "cues")
_REPEAT_KEYS = ("rounds", "blocks")
"""The recovery exercise of ``intervals``, ``warmup`` and ``cooldown`` unless one is named."""
_WEEK_MS = (60_000, 60 * 60_000)


@dataclasses.dataclass(frozen=True)
class At:
    """A value of a week's walk (a form or what goes around it) and where it was written."""

    value: Any
    node: Node
    key: str

    def error(self, message: str) -> ContentError:
        """A problem of this value, at its line and key."""
        return self.node.error(self.key, message)

    @property
    def source(self) -> Source:
        """Where this value was written."""
        return Source(path=self.node.path, line=self.node.line_of(self.key),
                      key=f"{self.node.key}.{self.key}" if self.node.key else self.key)


class Reader:
    """What reading one program file takes besides its nodes: the program's exercise and the
    exercises named so far (each file read once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.program_exercise: Exercise | None = None
        self._exercises: dict[str, Exercise] = {}

    def exercise(self, node: Node, key: str) -> Exercise:
        """The exercise named at ``key``: a shipped name, or a YAML file (relative to the
        program's folder)."""
        value = cast(str, node.text(key))
        if names_a_file(value):
            path = beside(self.path, value)
            problem = not_a_file(path, "exercise")
            if problem:
                raise node.error(key, problem)
            value = str(path)
        return self.find(value, lambda message: node.error(key, message))

    def find(self, value: str, error: Callable[[str], ContentError]) -> Exercise:
        """A shipped exercise by name, or one by its path; ``error`` says where it was named."""
        if value not in self._exercises:
            try:
                self._exercises[value] = find_exercise(value)
            except ContentError:
                raise  # the exercise file itself is wrong: its own file and line say where
            except InputError as exc:
                raise error(str(exc)) from None
        return self._exercises[value]

    def length(self, node: Node, key: str, parse: Callable[[Any], int], *,
               required: bool = False) -> int | None:
        """The length at ``key`` in ms, read by ``parse`` (walkcoach.plan.blocks)."""
        text = node.text(key, required=required)
        if text is None:
            return None
        value: str | float = text
        if re.fullmatch(r"-?\d{1,9}", text):
            value = int(text)
        elif re.fullmatch(r"-?\d{1,9}\.\d{1,9}", text):
            value = float(text)
        try:
            return parse(value)
        except InputError as exc:
            raise node.error(key, str(exc)) from None


def check_around(values: dict[str, Any]) -> None:
    """Refuse a warm-up, cool-down or recovery beside a week's own ``blocks``."""
    if "blocks" not in values:
        return
    for key, what in (("warmup", "warm-up"), ("cooldown", "cool-down"),
                      ("recovery", "recovery exercise")):
        if key in values:
            raise values[key].error(f"a week of blocks lists its {what} among the blocks "
                                    "(name each block's exercise), so it takes no " + key)


def week_walk(values: dict[str, Any], week_node: Node,
          reader: Reader) -> tuple[float, tuple[Block, ...]]:
    """The week's minutes in all and its parts (none for one continuous walk)."""
    form: At | None = next((values[key] for key in FORMS if key in values), None)
    if form is None:
        raise week_node.error("minutes", "missing required key 'minutes' (or intervals, or "
                                         "blocks: set one on the week or under defaults)")
    warmup: At | None = values.get("warmup")
    cooldown: At | None = values.get("cooldown")
    if form.key == "minutes" and warmup is None and cooldown is None:
        return float(form.value), ()
    if form.key == "blocks":
        blocks: tuple[Block, ...] = form.value
    else:
        recovery = values["recovery"].value if "recovery" in values else \
            reader.find(RECOVERY, form.error)
        if recovery.role == "work" and "recovery" in values:
            raise values["recovery"].error(
                f"{recovery.name} is a work exercise: a recovery needs a file with role: "
                "recovery or rest (rounds of two exercises are a circuit: write blocks)")
        try:
            blocks = interval_blocks(
                cast(Exercise, reader.program_exercise), recovery,
                form.value if form.key == "intervals" else None,
                work_ms=round(form.value * 60_000) if form.key == "minutes" else None,
                warmup_ms=warmup.value if warmup else None,
                cooldown_ms=cooldown.value if cooldown else None,
                walk=reader.find(RECOVERY, form.error), source=form.source)
        except InputError as exc:
            raise form.error(str(exc)) from None
        # The warm-up and the cool-down are where their own keys are.
        if warmup:
            blocks = (dataclasses.replace(blocks[0], source=warmup.source), *blocks[1:])
        if cooldown:
            blocks = (*blocks[:-1], dataclasses.replace(blocks[-1], source=cooldown.source))
    total = sum(block.duration_ms for block in blocks)
    if not _WEEK_MS[0] <= total <= _WEEK_MS[1]:
        message = f"the parts add up to {total / 60_000:g} minutes; a week lasts 1 to 60"
        raise form.error(message) if form.node is week_node else week_node.error(None, message)
    if not any(block.kind == "work" for block in blocks):
        named = reader.program_exercise.title.lower() if reader.program_exercise else "it"
        message = (f"no part of the week is a work exercise: it would announce {named} and "
                   "only warm up, recover or rest (add a part of the exercise)")
        raise form.error(message) if form.node is week_node else week_node.error(None, message)
    return total / 60_000, blocks


def read_intervals(node: Node) -> Any:
    """A week's ``intervals`` (ROUNDSxWORK/RECOVERY), or None when it has none."""
    text = node.text("intervals", required=False)
    if text is None:
        return None
    try:
        return parse_intervals(text)
    except InputError as exc:
        raise node.error("intervals", str(exc)) from None


def read_blocks(node: Node, reader: Reader) -> tuple[Block, ...]:
    """A ``blocks:`` list, repeats spelt out, each part of its kind (walkcoach.plan.blocks)."""
    parts = _block_list(node, "blocks", reader, in_repeat=False)
    try:
        return with_kinds(parts)
    except InputError as exc:
        raise node.error("blocks", str(exc)) from None


def _block_list(node: Node, key: str, reader: Reader, *, in_repeat: bool) -> list[Block]:
    """The parts of a ``blocks:`` list; each block is checked on past a problem in another,
    and all the problems found are raised together."""
    parts: list[Block] = []
    problems = Problems()
    for item in node.mappings(key):
        with problems.each():
            parts += _repeat(item, reader, len(parts), in_repeat=in_repeat) \
                if "rounds" in item or "blocks" in item else [_block(item, reader)]
            if len(parts) > MAX_BLOCKS:
                raise item.error(None, f"a session has at most {MAX_BLOCKS} parts")
    problems.raise_any()
    return parts


def _repeat(item: Node, reader: Reader, before: int, *, in_repeat: bool) -> list[Block]:
    """The parts of a repeat, ``{rounds: N, blocks: [...]}`` (``before``: the parts before
    it), spelt out."""
    if in_repeat:
        raise item.error("rounds" if "rounds" in item else "blocks",
                         "a repeat cannot hold another repeat (write its blocks out "
                         "in this one)")
    item.only(*_REPEAT_KEYS)
    problems = Problems()
    rounds = problems.get(lambda: int(cast(float, item.number("rounds", low=1, high=MAX_ROUNDS,
                                                              integer=True))))
    inner = problems.get(lambda: _block_list(item, "blocks", reader, in_repeat=True))
    problems.raise_any()
    rounds, inner = cast(int, rounds), cast(list[Block], inner)
    if before + rounds * len(inner) > MAX_BLOCKS:
        raise item.error("rounds", f"{rounds} rounds of {len(inner)} blocks make "
                                   f"{before + rounds * len(inner)} parts with "
                                   f"those before; a session has at most "
                                   f"{MAX_BLOCKS}")
    return [dataclasses.replace(block, round=number, rounds=rounds)
            for number in range(1, rounds + 1) for block in inner]


def _block(node: Node, reader: Reader) -> Block:
    """One part: its length, and optionally its exercise, level, speed, incline and cues."""
    node.only(*_BLOCK_KEYS)
    lengths = [key for key in ("minutes", "time") if key in node]
    if not lengths:
        raise node.error(None, "a block needs its length: minutes, or time (m:ss or seconds)")
    if len(lengths) > 1:
        raise node.error("time", "a block has minutes or time, not both")
    key = lengths[0]
    duration = reader.length(node, key, parse_minutes if key == "minutes" else parse_time,
                             required=True)
    exercise = cast(Exercise, reader.exercise(node, "exercise") if "exercise" in node
                    else reader.program_exercise)
    return Block(
        kind="work", exercise=exercise, duration_ms=cast(int, duration),
        level=offered(node, "level", exercise, "level"),
        speed_mph=node.number("speed_mph", low=0.1, high=15, required=False),
        incline_percent=node.number("incline_percent", low=0, high=30, required=False),
        cues=node.texts("cues", required=False, spoken=True),
        source=Source(path=node.path, line=node.line, key=node.key))
