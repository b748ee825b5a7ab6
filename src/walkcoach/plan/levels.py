"""Which level each week of a program is walked at, for a client whose profile names one.

A program's weeks step up through the exercise's levels (easiest first). A client's profile
may name a level, and ``level_rule`` says what that level means:

* ``all``: every week at the client's level (the program's steps are flattened: a beginner
  stays a beginner all program long);
* ``highest``: the client's level is the highest they walk at: weeks above it are held at
  it, easier weeks stay as the program has them;
* ``start``: the program starts at the client's level and keeps its steps from there (a
  program written from beginner, for an intermediate client, starts at intermediate and
  steps up as written, never past the hardest level).

Pure: names in, names out.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["DEFAULT_LEVEL_RULE", "LEVEL_RULES", "RULE_WORDS", "week_levels"]

LEVEL_RULES = ("all", "highest", "start")
"""What a client's level may mean for a program's weeks (see the module's docstring)."""
DEFAULT_LEVEL_RULE = "all"
"""A profile with a level and no rule: every week at that level, as before rules existed."""
RULE_WORDS = {
    "all": "every week at {level}",
    "highest": "weeks above {level} held at {level}",
    "start": "the program's steps, starting at {level}",
}
"""Each rule in words, for the pages and notes that say what a client's level does."""


def week_levels(levels: Sequence[str], weeks: Sequence[str], client: str | None,
                rule: str = DEFAULT_LEVEL_RULE) -> tuple[str, ...]:
    """The level of each week, given the exercise's ``levels`` (easiest first), the
    program's level of each week, the client's level (None: the program's) and the rule."""
    if client is None or not weeks:
        return tuple(weeks)
    if rule not in LEVEL_RULES:
        raise ValueError(f"unknown level rule {rule!r}")
    if rule == "all":
        return tuple(client for _ in weeks)
    rank = {name: index for index, name in enumerate(levels)}
    mine = rank[client]
    if rule == "highest":
        return tuple(week if rank[week] <= mine else client for week in weeks)
    shift = mine - rank[weeks[0]]
    hardest = len(levels) - 1
    return tuple(levels[min(max(rank[week] + shift, 0), hardest)] for week in weeks)
