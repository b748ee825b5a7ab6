"""Tests for splitting long text into pieces a voice speaks in bounded memory."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkcoach.voice.split import MAX_CHARS, MAX_WORDS, split_text

# Words, punctuation that breaks, spaces of every kind, and runs of letters longer than a piece.
_word = st.one_of(
    st.text(st.characters(blacklist_categories=("Z", "Cc", "Cs")), min_size=1, max_size=12),
    st.sampled_from([".", ",", ";", ":", "—", "-", "!", "?", "...", "Stop.", "left,", "heel;",
                     "(slowly)", "\"Begin.\""]),
    st.text("abc", min_size=1, max_size=400),
)
_gap = st.sampled_from([" ", "  ", "\n", "\t", " \u00a0", "\u2003"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_word, max_size=150))
    return "".join(word + draw(_gap) for word in words)


_limits = st.tuples(st.integers(1, 40), st.integers(1, 200))


def _letters(text: str) -> str:
    return "".join(text.split())


@given(texts(), _limits)
def test_pieces_are_within_the_limits_and_never_empty(text: str, limits: tuple[int, int]
                                                      ) -> None:
    max_words, max_chars = limits
    for piece in split_text(text, max_words=max_words, max_chars=max_chars):
        assert piece and piece == piece.strip()
        assert len(piece.split()) <= max_words
        assert len(piece) <= max_chars


@given(texts(), _limits)
def test_pieces_rejoin_to_the_same_words(text: str, limits: tuple[int, int]) -> None:
    max_words, max_chars = limits
    pieces = split_text(text, max_words=max_words, max_chars=max_chars)
    assert _letters(" ".join(pieces)) == _letters(text)  # nothing lost, added or reordered
    if all(len(word) <= max_chars for word in text.split()):  # no word had to be cut
        assert " ".join(pieces).split() == text.split()


@given(texts())
def test_text_within_the_limits_is_one_piece(text: str) -> None:
    words = text.split()
    fits = len(words) <= MAX_WORDS and len(" ".join(words)) <= MAX_CHARS
    assert (len(split_text(text)) <= 1) == (fits or not words)


def test_no_words_no_pieces() -> None:
    assert split_text("") == ()
    assert split_text(" \n\t ") == ()


def test_a_sentence_end_is_preferred_to_a_comma_and_a_comma_to_a_space() -> None:
    text = ("Keep your eyes forward. Roll from the ball of the foot, then the heel, and let "
            "your arms swing")
    assert split_text(text, max_words=12) == (
        "Keep your eyes forward.",
        "Roll from the ball of the foot, then the heel,",
        "and let your arms swing")
    assert split_text("one two three four five six", max_words=4) == (
        "one two three four", "five six")


@pytest.mark.parametrize("mark", [";", ":", " —", " -", "—"])
def test_clause_marks_and_dashes_break(mark: str) -> None:
    text = f"alpha beta gamma{mark} delta epsilon zeta eta"
    first, second = split_text(text, max_words=5)
    assert first.endswith(mark.strip()) and second.startswith("delta")


def test_a_closing_quote_or_bracket_still_ends_the_sentence() -> None:
    assert split_text('He said "stop." and then (after a breath) we walked on',
                      max_words=6)[0] == 'He said "stop."'


def test_a_piece_of_bare_punctuation_is_a_last_resort() -> None:
    # The strongest break is after "...", which would leave a piece that says nothing.
    assert split_text("... alpha beta gamma delta", max_words=3) == (
        "... alpha beta", "gamma delta")


def test_a_word_longer_than_a_piece_is_cut() -> None:
    assert split_text("a" * 250, max_chars=100) == ("a" * 100, "a" * 100, "a" * 50)


def test_a_very_long_line_is_split_quickly() -> None:
    pieces = split_text(" ".join(["walk"] * 100_000))
    assert len(pieces) == -(-100_000 // min(MAX_WORDS, (MAX_CHARS + 1) // 5))


def test_limits_below_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        split_text("walk", max_words=0)
