"""What the tests of the loop back from the client share: a three-week program whose weeks
are earned, and the day its schedule starts."""

from __future__ import annotations

import datetime

DAY = datetime.date(2027, 1, 4)
"""A Monday: the schedule's start."""
PROGRAM = """\
program: Backwards
coach: C
exercise: walking-backwards
sessions_per_week: 3
release: earned
weeks:
  - {week: 1, level: beginner, setting: floor, minutes: 5, focus: "Go."}
  - {week: 2, level: beginner, setting: floor, minutes: 6, focus: "Go on."}
  - {week: 3, level: beginner, setting: floor, minutes: 7, focus: "And on."}
"""
"""Three short weeks released as they are earned, three sessions a week."""
