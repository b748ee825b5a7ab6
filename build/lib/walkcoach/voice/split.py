"""Long text cut into pieces a voice can speak in bounded memory.

A neural voice holds a whole sentence in memory at once, about 20 MB for every second of
speech it makes (measured with Piper, whose process holds 172 MB with the model loaded: 40
short words in one sentence, 11 s of speech, peak 377 MB; 40 long words, 44 s, 1,037 MB; 400
words, 3.1 GB). The measured voice says at least 14 characters a second (random letters; plain
words nearer 20) and at most 5 words a second (the shortest words). So a line longer than
:data:`MAX_CHARS` characters or :data:`MAX_WORDS` words is spoken as several pieces of at
most about 8 s of speech each, some 160 MB (a 120-character piece: 6 s, peak 297 MB). A
400-word sentence then peaks near 400 MB, and two pieces made at once, one per core, stay
near 500 MB. A slower rate takes longer over the same words: the speaker scales both limits
by it.

A piece ends at the strongest break within its limits: a sentence end, then a semicolon or a
colon, then a comma or a dash, and only then a plain space. A single word longer than
:data:`MAX_CHARS` (no space to break at) is cut inside, as the last resort.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_CHARS", "MAX_WORDS", "split_text"]

MAX_WORDS = 30
"""The most words in one piece (at the normal speaking rate)."""

MAX_CHARS = 120
"""The most characters in one piece, spaces included (at the normal speaking rate)."""

_CLOSERS = "\"')]}»”’"  # after a full stop, a closing quote or bracket still ends the sentence
_SENTENCE = ".!?…"
_CLAUSE = ";:"
_PHRASE = ",–—"  # a comma, an en dash, an em dash
_DASHES = frozenset("-–—")


def split_text(text: str, *, max_words: int = MAX_WORDS,
               max_chars: int = MAX_CHARS) -> tuple[str, ...]:
    """``text`` as pieces of at most ``max_words`` words and ``max_chars`` characters.

    Words are runs of non-space characters; a piece is its words joined by single spaces, so
    the pieces joined by spaces are the words of ``text``. Text within the limits is one piece
    (its words, spaces tidied); text with no words gives no pieces.
    """
    if max_words < 1 or max_chars < 1:
        raise ValueError("a piece holds at least one word of one character")
    words = _words(text, max_chars)
    speaks = _next_speaking(words)
    pieces: list[str] = []
    start = 0
    while start < len(words):
        end = _fits(words, start, max_words, max_chars)
        if end < len(words):
            end = _best_break(words, speaks, start, end)
        pieces.append(" ".join(words[start:end]))
        start = end
    return tuple(pieces)


def _words(text: str, max_chars: int) -> list[str]:
    """The words of ``text``; a word longer than a piece is cut into pieces of its own."""
    words: list[str] = []
    for word in text.split():
        words.extend(word[at:at + max_chars] for at in range(0, len(word), max_chars))
    return words


def _fits(words: Sequence[str], start: int, max_words: int, max_chars: int) -> int:
    """The end of the longest run of words from ``start`` within the limits (at least one)."""
    end = start + 1
    size = len(words[start])
    while end < len(words) and end - start < max_words:
        size += 1 + len(words[end])
        if size > max_chars:
            break
        end += 1
    return end


def _next_speaking(words: Sequence[str]) -> list[int]:
    """For each index, the first word from there on with something to say (a letter or a
    digit), or ``len(words)``: whether a run of words says anything is then one comparison."""
    found = [len(words)] * (len(words) + 1)
    for at in range(len(words) - 1, -1, -1):
        found[at] = at if any(char.isalnum() for char in words[at]) else found[at + 1]
    return found


def _best_break(words: Sequence[str], speaks: Sequence[int], start: int, end: int) -> int:
    """Where to end the piece ``words[start:end]`` that must be cut: the strongest break, the
    latest of equals; a break leaving either side with nothing to say is a last resort (a
    voice says nothing for a piece of bare punctuation)."""
    def strength(cut: int) -> tuple[bool, int, int]:
        both_speak = speaks[start] < cut and speaks[cut] < len(words)
        return both_speak, _strength(words[cut - 1]), cut

    return max(range(start + 1, end + 1), key=strength)


def _strength(word: str) -> int:
    """How strong a break after ``word`` is: 3 a sentence end, 2 ``;`` or ``:``, 1 a comma or a
    dash, 0 a space."""
    if set(word) <= _DASHES:
        return 1
    bare = word.rstrip(_CLOSERS) or word
    if bare[-1] in _SENTENCE:
        return 3
    if bare[-1] in _CLAUSE:
        return 2
    if bare[-1] in _PHRASE:
        return 1
    return 0
