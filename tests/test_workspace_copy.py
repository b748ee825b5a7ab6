"""A program copied to change (walkcoach.workspace.copy_program): the studio's "Make a copy to
change". Each copy has a name and a title of its own, keeps every comment, and loads as the
command line loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from walkcoach import content
from walkcoach.text import MAX_LABEL
from walkcoach.workspace import Workspace, copy_program

PROGRAM = """\
# The coach's own note, kept in every copy.
program: {title}
coach: "Sam Rivera"
exercise: walking-backwards
weeks:
  - week: 1          # a first week
    level: beginner
    setting: floor
    minutes: 1
    focus: "Small steps first."
"""


def _space(tmp_path: Path, title: str) -> Workspace:
    space = Workspace.open(tmp_path / "ws")
    space.path("programs", "mine").write_text(PROGRAM.format(title=title), encoding="utf-8")
    return space


def test_copies_are_named_and_titled_apart_and_keep_the_comments(tmp_path: Path) -> None:
    space = _space(tmp_path, '"Knees: six weeks"')
    first, second = copy_program(space, "mine"), copy_program(space, "mine")
    assert (first, second) == ("mine-copy", "mine-copy-2")
    for name, title in ((first, "Knees: six weeks (my copy)"),
                        (second, "Knees: six weeks (my copy 2)")):
        path = space.path("programs", name)
        text = path.read_text(encoding="utf-8")
        assert "# The coach's own note, kept in every copy." in text and "# a first week" in text
        assert content.load_program(path).name == title
    assert content.load_program(space.path("programs", "mine")).name == "Knees: six weeks"


@pytest.mark.parametrize(("title", "copied"), [
    ("2024", "2024 (my copy)"),  # a number is the program's title as text
    ('"  Spaced  "', "Spaced (my copy)"),
    ("x" * MAX_LABEL, "x" * (MAX_LABEL - len(" (my copy)")) + " (my copy)"),
])
def test_a_copys_title_is_one_the_loader_takes(tmp_path: Path, title: str, copied: str) -> None:
    space = _space(tmp_path, title)
    name = copy_program(space, "mine")
    assert content.load_program(space.path("programs", name)).name == copied


def test_a_link_under_the_copys_name_is_never_replaced(tmp_path: Path) -> None:
    """A link (even one to nothing) already named as the copy would be: the copy takes the
    next name, and the link stays as it was."""
    space = _space(tmp_path, '"Knees"')
    link = space.path("programs", "mine-copy")
    link.symlink_to(tmp_path / "nowhere.yaml")
    assert copy_program(space, "mine") == "mine-copy-2"
    assert link.is_symlink() and not (tmp_path / "nowhere.yaml").exists()
