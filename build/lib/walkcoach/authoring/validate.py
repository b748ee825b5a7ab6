"""``walkcoach validate``: check content files without making audio, every problem at once.

Each file is read by the content loader (its faults of YAML, encoding, size and kind of
file are one problem each), its kind is told from its keys, and then three checks run:

1. the kind's JSON Schema (walkcoach.authoring.schemas): every structural problem, each at
   its line, with "did you mean" for a misspelt key or value;
2. the files it names: exercises (by name, with "did you mean", or by path), music (that it
   is there and is audio) and a cover image;
3. the content reader of the kind, for what only it checks (placeholders, names that must
   match, parts that must add up): it reads each independent entry (each level, setting,
   week, block, spoken line) on past a problem in another, and raises all it found
   (walkcoach.content.problems); each is reported unless a check above already reported a
   problem at its line or key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from walkcoach import content
from walkcoach.authoring.explain import Problem, did_you_mean, schema_problems
from walkcoach.authoring.schemas import KINDS, schema
from walkcoach.authoring.tree import JsonPath, Tree, read_tree
from walkcoach.content.files import beside, names_a_file, not_a_file
from walkcoach.content.loader import key_path
from walkcoach.content.problems import problems_of
from walkcoach.errors import ContentError, InputError, excerpt
from walkcoach.plan.model import Exercise

__all__ = ["KIND_NAMES", "Report", "detect_kind", "validate_file", "validate_files"]

KIND_NAMES = {"exercise": "exercise", "program": "program", "client": "client profile",
              "session": "session template", "lexicon": "lexicon",
              "script": "session script"}
_LOADERS = {"exercise": content.load_exercise, "program": content.load_program,
            "client": content.load_client, "session": content.load_template,
            "lexicon": content.load_lexicon}


@dataclass(frozen=True, kw_only=True)
class Report:
    """What validate found in one file: its kind (None when it could not be told) and its
    problems, in file order (none: the file is good)."""

    path: Path
    kind: str | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the file has no problem."""
        return not self.problems

    def lines(self) -> tuple[str, ...]:
        """The report as printed: ``FILE: ok (KIND)``, or one line per problem."""
        if self.ok:
            return (f"{self.path}: ok ({KIND_NAMES.get(self.kind or '', self.kind)})",)
        return tuple(str(problem) for problem in self.problems)


def validate_files(paths: Iterable[Path]) -> tuple[Report, ...]:
    """A report for each file, in the order given."""
    return tuple(validate_file(Path(path)) for path in paths)


def validate_file(path: Path) -> Report:
    """Check one content file without making audio (see the module's docstring)."""
    try:
        tree = read_tree(path)
    except ContentError as exc:
        return Report(path=path, kind=None, problems=(_from_error(exc, path),))
    if "script" in tree.data and "lines" in tree.data:
        return _script_report(path)
    kind = detect_kind(tree.data)
    if kind is None:
        return Report(path=path, kind=None, problems=(Problem(
            path=path, line=tree.start(()), key=None,
            message="cannot tell what kind of file this is (an exercise has levels and "
                    "technique, a program has weeks, a client profile has a name and no "
                    "weeks, a session template has time and pauses_ms, a lexicon has words)"),))
    problems = schema_problems(tree, schema(kind))
    problems += [problem for problem in _reference_problems(tree, kind)
                 if not any(p.line == problem.line for p in problems)]
    try:
        _LOADERS[kind](path)
    except InputError as exc:
        checked = list(problems)
        problems += [found for found in _from_errors(exc, path)
                     if not any(_same_place(found, problem) for problem in checked)]
    problems.sort(key=lambda p: (p.path != path, str(p.path), p.line or 0, p.key or ""))
    return Report(path=path, kind=kind, problems=tuple(problems))


def _script_report(path: Path) -> Report:
    """A session script (``walkcoach script -o``): read as ``walkcoach render`` reads it, and
    its session made again (content and options), without speaking a line."""
    from walkcoach.script import file as scriptfile

    try:
        script = scriptfile.read(path)
        scriptfile.check(script, scriptfile.session_of(script))
    except InputError as exc:
        return Report(path=path, kind="script", problems=tuple(_from_errors(exc, path)))
    return Report(path=path, kind="script", problems=())


def detect_kind(data: dict[str, Any]) -> str | None:
    """The kind of a file from its top-level keys: the kind whose schema knows most of them
    (a key spelt nearly right counts half, a required key missing takes a tenth off), or
    None when no kind knows any."""
    scores: dict[str, float] = {}
    for kind in KINDS:
        known = list(schema(kind).get("properties", {}))
        scores[kind] = sum(1.0 if key in known else 0.5 if did_you_mean(str(key), known)
                           else 0.0 for key in data)
        if scores[kind]:
            missing = [key for key in schema(kind).get("required", []) if key not in data]
            scores[kind] = max(scores[kind] - 0.1 * len(missing), 0.01)
    if "weeks" in data:  # only a program has weeks, whatever else it holds
        return "program"
    best = max(KINDS, key=lambda kind: scores[kind])  # ties: the first of KINDS
    return best if scores[best] > 0 else None


def _same_place(found: Problem, problem: Problem) -> bool:
    """Whether the reader's problem is one a check before it already reported."""
    return found.path == problem.path and (
        found.line == problem.line or (found.key is not None and found.key == problem.key))


def _from_errors(exc: InputError, path: Path) -> list[Problem]:
    """Each problem an error stands for (a reader's ContentErrors holds all it found)."""
    if isinstance(exc, ContentError):
        return [_from_error(one, path) for one in problems_of(exc)]
    return [_from_error(exc, path)]


def _from_error(exc: InputError, path: Path) -> Problem:
    if isinstance(exc, ContentError):
        return Problem(path=exc.path or path, line=exc.line, key=exc.key, message=exc.message)
    return Problem(path=path, line=None, key=None, message=str(exc))


# --- the files a file names -------------------------------------------------------------------

def _reference_problems(tree: Tree, kind: str) -> Iterator[Problem]:
    """The exercises, music and cover a program or a client names, each checked."""
    if kind == "program":
        for where, value in _strings(tree.data, ("exercise", "recovery")):
            problem = _exercise_problem(tree.path, value)
            if problem:
                yield _at(tree, where, problem)
        yield from _name_problems(tree)
        if isinstance(tree.get(("cover",)), str):
            problem = _file_problem(tree.path, tree.get(("cover",)), "image")
            if problem:
                yield _at(tree, ("cover",), problem)
    if kind in ("program", "client"):
        for where in (("music",), ("client", "music")):
            value = tree.get(where)
            if isinstance(value, str) and (kind == "program" or len(where) == 1):
                problem = _music_problem(tree.path, value)
                if problem:
                    yield _at(tree, where, problem)


def _name_problems(tree: Tree) -> Iterator[Problem]:
    """Each level and setting of a program's weeks, defaults and client that its exercise
    does not name (a block's level: its own exercise's), with the closest it does."""
    exercises: dict[str, Exercise | None] = {}

    def exercise(value: Any) -> Exercise | None:
        if not isinstance(value, str) or _exercise_problem(tree.path, value):
            return None
        if value not in exercises:
            text = value.strip()
            try:
                exercises[value] = content.find_exercise(
                    str(beside(tree.path, text)) if names_a_file(text) else text)
            except InputError:  # the exercise's own problems are its own file's
                exercises[value] = None
        return exercises[value]

    own = tree.get(("exercise",))
    for where, value in _strings(tree.data, ("level", "setting")):
        block = "blocks" in where and where[-1] == "level"
        found = exercise((tree.get((*where[:-1], "exercise")) or own) if block else own)
        if found is None:
            continue
        names = found.level_names if where[-1] == "level" else found.setting_names
        if value not in names:
            close = did_you_mean(value, names)
            hint = f"did you mean '{close}'? " if close else ""
            yield _at(tree, where, f"unknown {where[-1]} {excerpt(value)} ({hint}"
                                   f"{found.name} has: {', '.join(names)})")


def _at(tree: Tree, where: JsonPath, message: str) -> Problem:
    return Problem(path=tree.path, line=tree.line(where), key=key_path(list(where)),
                   message=message)


def _strings(value: Any, keys: tuple[str, ...], path: JsonPath = ()
             ) -> Iterator[tuple[JsonPath, str]]:
    """Every text value under one of ``keys``, anywhere in ``value``, with its path."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys and isinstance(inner, str):
                yield (*path, key), inner
            else:
                yield from _strings(inner, keys, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, keys, (*path, index))


def _exercise_problem(path: Path, value: str) -> str | None:
    """Why the exercise named ``value`` in the file at ``path`` cannot be found, or None."""
    text = value.strip()
    if names_a_file(text):
        return _file_problem(path, text, "exercise")
    names = content.exercise_names()
    if text in names:
        return None
    close = did_you_mean(text, names)
    hint = f"did you mean '{close}'? " if close else ""
    return f"unknown exercise {excerpt(text)} ({hint}available: {', '.join(names)})"


def _file_problem(path: Path, value: str, what: str) -> str | None:
    try:
        return not_a_file(beside(path, value.strip()), what)
    except (OSError, ValueError, RuntimeError):  # a NUL, a name too long, no home folder
        return f"no {what} file at {excerpt(value)}"


def _music_problem(path: Path, value: str) -> str | None:
    """Why the music file ``value`` cannot play under a walk (missing, not audio), or None."""
    problem = _file_problem(path, value, "music")
    if problem:
        return problem
    from walkcoach.encode.music import check  # ffmpeg only when there is music to check

    try:
        check(beside(path, value.strip()))
    except InputError as exc:
        return str(exc)
    return None
