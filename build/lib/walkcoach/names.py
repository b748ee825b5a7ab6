"""File and folder names made from what people type: safe on every system, always inside.

A client's name may hold anything: accents, spaces, slashes, "..", NUL, only dots, hundreds of
characters, a name Windows keeps for a device (CON, NUL, COM1). :func:`slug` turns it into
lowercase ASCII letters, digits and single hyphens, short enough for any file system, never
empty, never a reserved device name, so a path built from it stays in its folder.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 48
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                       *(f"lpt{i}" for i in range(10))})
_OTHER = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, fallback: str = "client") -> str:
    """``text`` as a safe file-name part: "María José / CON" gives "maria-jose-con"."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    words = _OTHER.sub("-", ascii_only).strip("-")[:MAX_SLUG].strip("-")
    if not words:
        return fallback
    if words.split("-", 1)[0] in _RESERVED and "-" not in words:
        return f"{fallback}-{words}"
    return words
