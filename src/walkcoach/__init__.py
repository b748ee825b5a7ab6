"""walkcoach: turn exercise instructions into spoken coaching audio tracks.

The Python API, for coaches' tools and clinic systems: the same library the command line and
the studio call. Names load when first used, so ``import walkcoach`` stays light::

    import walkcoach

    spec = walkcoach.make_spec(exercise="walking-backwards", level="beginner", minutes=8)
    speaker = walkcoach.make_speaker("auto")
    built = walkcoach.build_track(spec, speaker, Path("week1.mp3"))

    program = walkcoach.load_program(walkcoach.find_program("walking-backwards-6-weeks"))
    walkcoach.build_program(program, Path("out/program"))
    walkcoach.build_share(program, Path("out/share"), client="Maria")

Every failure is a :class:`WalkcoachError`: an :class:`InputError` (a :class:`ContentError`
names the file, line and key) for what was asked, a :class:`RuntimeFailure` for the machine.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_WHERE = {
    "ContentError": "walkcoach.errors",
    "InputError": "walkcoach.errors",
    "RuntimeFailure": "walkcoach.errors",
    "WalkcoachError": "walkcoach.errors",
    "build_program": "walkcoach.build.program",
    "build_share": "walkcoach.share.bundle",
    "build_track": "walkcoach.build.session",
    "find_exercise": "walkcoach.content.shipped",
    "find_program": "walkcoach.content.shipped",
    "load_program": "walkcoach.content.program",
    "make_speaker": "walkcoach.build.session",
    "make_spec": "walkcoach.build.session",
    "plan_session": "walkcoach.build.session",
    "validate_file": "walkcoach.authoring.validate",
}
"""Each name of the API and the module it lives in, imported when the name is first used."""

__all__ = ["ContentError", "InputError", "RuntimeFailure", "WalkcoachError", "__version__",
           "build_program", "build_share", "build_track", "find_exercise", "find_program",
           "load_program", "make_speaker", "make_spec", "plan_session", "validate_file"]


def __getattr__(name: str) -> Any:
    """A name of the API, from its module (imported on first use, then kept here)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'walkcoach' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
