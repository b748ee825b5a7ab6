"""What a line of speech must be, checked when content is read, long before a voice speaks.

The voices are English: a line is spoken when, once the normalizer has made words of its
numbers and symbols (:mod:`walkcoach.voice.normalize`, which takes its symbol table from
here), it has at least one word in Latin letters. Letters of many other scripts, modifier
letters, emoji and most symbols are read as silence by the voices (measured with both, one
character of every Unicode block), and a Latin word that runs on into such a letter ("xꜜ")
is silenced whole: those do not count as words (a line may still contain them). A line
holds no line breaks and no control characters: it is one caption, one cue, one phrase.

Kept apart from the voice package so that content (which reads the files) and the voice
(which speaks them) share one rule without content depending on the engines.
"""

from __future__ import annotations

import re
import string
import unicodedata

from walkcoach.errors import InputError, excerpt

__all__ = ["MAX_LABEL", "MAX_LINE", "MAX_NAME", "SAID_AS_WORDS", "client_name", "label_problem",
           "name_problem", "says_a_word", "speakable", "xml_problem"]

SAID_AS_WORDS: dict[str, str] = {
    "&": "and", "+": "plus", "=": "equals", "~": "about", "@": "at", "#": "number",
    "%": "percent", "°": "degrees", "×": "times",
}
"""Symbols the normalizer says as words wherever they are left ("/" is said "or" or "per")."""

MAX_NAME = 60
"""The longest client name, in characters: a name is said in a greeting, not a speech."""

MAX_LINE = 500
"""The longest spoken line, in characters (about 90 words, half a minute of speech): a cue
is said between steps. A longer line is spoken in pieces all the same (walkcoach.voice.split),
but a line this long is a paragraph meant for several cues, and refusing it bounds the
memory of speaking it."""

_LETTERS = frozenset(string.ascii_letters)
_WORDISH = frozenset(SAID_AS_WORDS) | {"/"}
_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 cannot carry (its Char production): C0 controls but tab, line feed and
carriage return, surrogates, U+FFFE and U+FFFF."""


def xml_problem(text: str) -> str | None:
    """Why ``text`` cannot go into an XML file (the feed) or a web page, or None: a
    character outside XML 1.0's, named by its code point."""
    found = _NOT_XML.search(text)
    if found is None:
        return None
    return (f"has the character U+{ord(found[0]):04X} in it, which a feed or a web page "
            f"cannot carry ({excerpt(text)})")


def _in_word(char: str) -> bool:
    """Letters, marks and digits make words; anything else (space, punctuation, symbols,
    emoji) stands between them. Unassigned and private characters count as letters."""
    category = unicodedata.category(char)
    return category[0] in "LMN" or category in ("Co", "Cn")


def _silencing(char: str) -> bool:
    """A character that silences the word it is in: a letter or mark beyond Latin and its
    accents (the voices know those: every one of them was tried), or an unassigned one."""
    category = unicodedata.category(char)
    if category == "Cn":
        return True
    code = ord(char)
    return category[0] in "LM" and not (code < 0x250 or 0x300 <= code < 0x370)


def says_a_word(text: str) -> bool:
    """Whether ``text``, as it is handed to a voice, has a word the voice says: a run of
    letters with a letter A-Z and nothing that silences it."""
    latin = silenced = False
    for char in (*text, " "):
        if _in_word(char):
            latin = latin or char in _LETTERS
            silenced = silenced or _silencing(char)
        elif latin and not silenced:
            return True
        else:
            latin = silenced = False
    return False


def speakable(text: str) -> str | None:
    """Why ``text`` cannot be spoken, or None when every voice can say it.

    Refused: a line break or another control character (a tab counts as a space), bytes that
    were not valid UTF-8 (lone surrogates from a command line), and a line with no words:
    once normalized it must have a word the voices say (:func:`says_a_word`). A digit or a
    symbol such as "%" always becomes a word of its own, so it counts; otherwise the answer
    is the same for the text as written and as normalized. A line longer than MAX_LINE is
    refused too.
    """
    if len(text) > MAX_LINE:
        return (f"it is {len(text)} characters long ({excerpt(text)}); a spoken line has at "
                f"most {MAX_LINE}: split it into several lines")
    for char in text:
        if char in _BREAKS:
            return f"it has a line break in it ({excerpt(text)}; one line per phrase)"
        category = unicodedata.category(char)
        if category == "Cs":
            return f"it holds bytes that are not valid UTF-8 ({excerpt(text)})"
        if category == "Cc" and char != "\t":
            return f"it has a control character in it ({excerpt(text)})"
    not_xml = xml_problem(text)  # U+FFFE, U+FFFF
    if not_xml:
        return f"it {not_xml}"
    # Any decimal digit, of any script, and any symbol in SAID_AS_WORDS is said by the
    # normalizer as English words, spaced from their neighbours.
    if not (any(char.isdecimal() or char in _WORDISH for char in text) or says_a_word(text)):
        return (f"it has no words a voice says ({excerpt(text)}; a line needs a word in "
                "Latin letters or a number: punctuation, emoji and other scripts say nothing)")
    return None


MAX_LABEL = 120
"""The longest program name or coach name: a title in a player, a line on a cover."""
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def label_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name shown to the client (a program's, a coach's: in tags, on
    the cover, the page and the feed), or None. One line of printable text: no control or
    bidirectional-override characters (they would reverse the rest of a page's line), no
    bytes that were not UTF-8, at most MAX_LABEL characters."""
    if len(text) > MAX_LABEL:
        return f"is {len(text)} characters long ({excerpt(text)}); at most {MAX_LABEL}"
    for char in text:
        category = unicodedata.category(char)
        if char in _BREAKS or category == "Cc":
            return f"has a line break or control character in it ({excerpt(text)})"
        if category == "Cs":
            return f"holds bytes that are not valid UTF-8 ({excerpt(text)})"
        if char in _BIDI:
            return f"has a text-direction override in it ({excerpt(text)})"
    return xml_problem(text)  # U+FFFE, U+FFFF


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a client's name (said in the greeting), or None."""
    if len(name) > MAX_NAME:
        return f"is {len(name)} characters long ({excerpt(name)}); a name has at most {MAX_NAME}"
    if any(char in _BIDI for char in name):
        return f"has a text-direction override in it ({excerpt(name)})"
    problem = speakable(name)
    return f"cannot be spoken: {problem}" if problem else None


def client_name(name: str | None) -> str | None:
    """A client name given by hand (``--client``), stripped; None for none or a blank one.

    Raises :class:`InputError` for a name that cannot be said (see :func:`name_problem`).
    """
    if name is None or not name.strip():
        return None
    name = name.strip()
    problem = name_problem(name)
    if problem:
        raise InputError(f"client name {problem}")
    return name
