"""Every problem of a content file at once: the readers check independent entries (each
week, each level, each spoken line) one after another and raise them together.

A reader collects into :class:`Problems` and calls :meth:`Problems.raise_any` before it
builds a model object from what it read. One problem is raised as the ContentError it is,
exactly as a reader that stops at its first problem would raise it; several as
:class:`ContentErrors`, a ContentError at the first of them (its file, line, key and message),
that also carries them all, in the order they were found.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from walkcoach.errors import ContentError

__all__ = ["ContentErrors", "Problems", "problems_of"]

T = TypeVar("T")


class ContentErrors(ContentError):  # noqa: N818 - reads as what it holds
    """Several problems of content files: the error is the first, ``problems`` all of them.

    Its one line is the first problem's, and how many more there are: ``walkcoach validate``
    (walkcoach.authoring) prints each as its own line.
    """

    def __init__(self, problems: Iterable[ContentError]) -> None:
        self.problems: tuple[ContentError, ...] = tuple(problems)
        first = self.problems[0]
        super().__init__(first.message, path=first.path, line=first.line, key=first.key)

    def __str__(self) -> str:
        more = len(self.problems) - 1
        return (f"{super().__str__()} (and {more} more problem{'s' if more > 1 else ''}: "
                "walkcoach validate lists them all)")


def problems_of(error: ContentError) -> tuple[ContentError, ...]:
    """The problems an error stands for: those of a ContentErrors, else the error itself."""
    return error.problems if isinstance(error, ContentErrors) else (error,)


class Problems:
    """The problems found so far while reading one file."""

    def __init__(self) -> None:
        self.found: list[ContentError] = []

    def __len__(self) -> int:
        return len(self.found)

    def add(self, error: ContentError) -> None:
        """Keep ``error`` (each of its problems, when it holds several)."""
        self.found.extend(problems_of(error))

    @contextlib.contextmanager
    def each(self) -> Iterator[None]:
        """Run an entry's checks: a ContentError raised inside is kept, and the reader goes on
        after the block (the rest of the block is skipped: it depended on what failed)."""
        try:
            yield
        except ContentError as exc:
            self.add(exc)

    def get(self, read: Callable[[], T]) -> T | None:
        """``read()``, or None when it raises a ContentError (which is kept)."""
        try:
            return read()
        except ContentError as exc:
            self.add(exc)
            return None

    def read_all(self, readers: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Each reader's value by its key, in order; one that raises is kept and left out."""
        values: dict[str, Any] = {}
        for key, read in readers.items():
            with self.each():
                values[key] = read()
        return values

    def raise_any(self) -> None:
        """Raise what was found: nothing, one ContentError, or a ContentErrors."""
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise ContentErrors(self.found)
