"""The studio's library (walkcoach.workspace, walkcoach.workspace.lines) under concurrent use: a
change is checked and written as one step, a refused edit is never the file, a kept script
is whole or absent."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from studio_support import script_text

from walkcoach.errors import InputError
from walkcoach.script import file as scriptfile
from walkcoach.workspace import StaleFile, Workspace, file_version, making, save_source
from walkcoach.workspace import lines as scriptedit

PROGRAM = """\
program: "One week"
coach: "Ana"
exercise: walking-backwards
weeks:
  - {week: 1, level: beginner, setting: floor, minutes: 1, focus: "Small steps."}
"""


@pytest.fixture
def space(tmp_path: Path) -> Workspace:
    made = Workspace.open(tmp_path / "ws")
    (made.root / "programs" / "one.yaml").write_text(PROGRAM, encoding="utf-8")
    (made.root / "scripts" / "s.yaml").write_text(script_text(minutes=1), encoding="utf-8")
    return made


def test_two_saves_of_one_version_never_both_pass(space: Workspace) -> None:
    """Two pages showing one version save at once: one is written, the other refused as
    stale; never both (the second silently replacing the first)."""
    path = space.path("programs", "one")
    for round_ in range(40):
        version = file_version(path)
        outcomes: list[str] = []
        start = threading.Barrier(2)
        texts = [PROGRAM.replace("Small steps.", f"Round {round_} by {who}.") for who in "AB"]
        threads = [threading.Thread(target=_save, args=(space, text, version, start, outcomes))
                   for text in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["saved", "stale"], outcomes
        assert path.read_text(encoding="utf-8") in texts


def _save(space: Workspace, text: str, version: str, start: threading.Barrier,
          outcomes: list[str]) -> None:
    start.wait()
    try:
        save_source(space, "programs", "one", text, version=version)
        outcomes.append("saved")
    except StaleFile:
        outcomes.append("stale")


def test_a_refused_edit_is_never_the_script_on_disk(space: Workspace,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The edited script is checked under another name: while it is, the script itself is
    still the one that reads."""
    path = space.path("scripts", "s")
    before = path.read_bytes()
    real_read = scriptfile.read
    seen: list[bytes] = []

    def read(checked: Path) -> scriptfile.Script:
        seen.append(path.read_bytes())
        return real_read(checked)

    monkeypatch.setattr(scriptfile, "read", read)
    lines = len(real_read(path).lines)
    with pytest.raises(InputError, match="lines"):
        scriptedit.edit(path, {}, delete=frozenset(range(lines)))
    assert seen and all(content == before for content in seen)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["s.yaml"]  # no trial left


def test_an_edit_returns_the_version_it_wrote(space: Workspace) -> None:
    path = space.path("scripts", "s")
    version = scriptedit.edit(path, {0: "Hello there, walker."}, version=file_version(path))
    assert version == file_version(path)
    with pytest.raises(StaleFile):
        scriptedit.edit(path, {0: "Hello again."}, version="0" * 16)


def test_a_kept_script_is_whole_or_absent(space: Workspace) -> None:
    """Text that cannot be encoded as it is (a lone surrogate) is kept with the character
    replaced, never as an empty or partial file; a name taken is the same session's script,
    kept as the coach edited it (issue 22)."""
    text = (space.path("scripts", "s")).read_text(encoding="utf-8")
    first = making.keep_script(space, "kept", text.replace("Hello", "Hel\ud800lo", 1))
    second = making.keep_script(space, "kept", text)
    assert (first, second) == ("kept", "kept")
    assert scriptfile.read(space.path("scripts", "kept")).lines
    assert space.path("scripts", "kept").stat().st_size > 0
    assert not [p for p in (space.root / "scripts").iterdir() if p.name.startswith(".")]


def test_a_top_level_key_is_set_keeping_every_comment() -> None:
    from walkcoach.content.writer import set_top_key

    text = "# mine\nprogram: P  # its name\nexercise: x\nweeks:\n  - {cover: inner}\n"
    added = set_top_key(text, "cover", '"a.png"', after="exercise")
    assert added == "# mine\nprogram: P  # its name\nexercise: x\ncover: \"a.png\"\nweeks:\n" \
                    "  - {cover: inner}\n"
    assert set_top_key(added, "cover", '"b.png"') == added.replace("a.png", "b.png")
    assert set_top_key("{program: P}\n", "cover", "x", after="exercise") is None
