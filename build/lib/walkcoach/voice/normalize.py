"""Rewrite coaching text so every voice engine speaks numbers, units and symbols as words.

The rules, in the order they run:

* a dash between two numbers is a range: ``5-10`` -> "five to ten";
* ``m:ss`` and ``h:mm:ss`` are durations: ``1:30`` -> "one minute thirty",
  ``2:00`` -> "two minutes", ``0:45`` -> "forty-five seconds";
* ``3x10`` -> "three by ten"; ``3x`` and ``x3`` -> "three times";
* a number followed by a unit (``mph``, ``km/h``, ``min``, ``s``, ``ft``, ``m``, ``%``, ...)
  gets the unit spelled out, singular only for exactly one (``0.5 mph`` -> "zero point five
  miles per hour", ``1.0 mph`` -> "one mile per hour"); ``10-min walk`` -> "ten-minute walk";
* ordinals (``2nd``), fractions (``3/4``), ``10+`` ("ten or more"), a leading minus sign,
  then every remaining number: decimals are read digit by digit after "point" and
  trailing zeros are dropped (``2.50`` -> "two point five", ``1.0`` -> "one");
* abbreviations: ``e.g.``, ``i.e.``, ``etc.``, ``vs``, ``approx.``, ``PT`` become words;
* leftover symbols: ``&`` and, ``+`` plus, ``/`` per or or, ``~`` about, ``%`` percent, a
  dash between words becomes a comma;
* the caller's lexicon, whole words, case-insensitive, keeping a leading capital; a
  respelling is inserted as written, so it should be plain lower-case words.

Sentence punctuation is kept for the pauses it gives. For a lexicon whose respellings
do not contain its own keys, ``normalize`` is idempotent.

Which lines can be spoken at all is decided by :func:`speakable` (in :mod:`walkcoach.text`,
re-exported here), which content calls when a file is read: after this normalizer a
speakable line has at least one letter A-Z. The two share the table of symbols said as words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from num2words import num2words

from walkcoach.text import SAID_AS_WORDS, speakable

__all__ = ["NORMALIZER_VERSION", "normalize", "speakable"]

NORMALIZER_VERSION = "1"

# Integer with optional thousands commas and decimals, or a bare ".5".
_NUM = r"(?:(?<![\w.])\.\d+|(?<!\d)(?<!\d\.)(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)"

_UNITS: dict[str, tuple[str, str]] = {
    "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "km/hr": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "bpm": ("beat per minute", "beats per minute"),
    "mins": ("minute", "minutes"),
    "min": ("minute", "minutes"),
    "secs": ("second", "seconds"),
    "sec": ("second", "seconds"),
    "s": ("second", "seconds"),
    "hrs": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "h": ("hour", "hours"),
    "ft": ("foot", "feet"),
    "km": ("kilometer", "kilometers"),
    "mi": ("mile", "miles"),
    "m": ("meter", "meters"),
    "kg": ("kilogram", "kilograms"),
    "lbs": ("pound", "pounds"),
    "lb": ("pound", "pounds"),
    "%": ("percent", "percent"),
    "°": ("degree", "degrees"),
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
# A unit must not run on into a word ("5 sets" is not "5 s" + "ets").
_UNIT_RE = re.compile(rf"({_NUM})(\+)?(-(?=[a-z])| ?)({_UNIT_ALT})(?!\w)", re.IGNORECASE)
# A range takes the plural even when it ends on one ("0.5-1.0 mph").
_RANGE_UNIT_RE = re.compile(
    rf"({_NUM})\s*[-\u2013\u2014]\s*({_NUM}) ?({_UNIT_ALT})(?!\w)", re.IGNORECASE
)

_ABBREVIATIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?<!\w)e\.\s?g\.", re.IGNORECASE), "for example"),
    (re.compile(r"(?<!\w)i\.\s?e\.", re.IGNORECASE), "that is"),
    # Keep the full stop when "etc." also ends the sentence.
    (re.compile(r"(?<!\w)etc\.(?=\s*$|\s+[A-Z])", re.IGNORECASE), "and so on."),
    (re.compile(r"(?<!\w)etc\b\.?", re.IGNORECASE), "and so on"),
    (re.compile(r"(?<!\w)vs\b\.?", re.IGNORECASE), "versus"),
    (re.compile(r"(?<!\w)approx\b\.?", re.IGNORECASE), "about"),
    (re.compile(r"\bPTs\b"), "physical therapists"),
    (re.compile(r"\bPT\b"), "physical therapist"),
]

# After a slash, these words read as a rate ("reps/side" -> "reps per side").
_PER_WORDS = r"(?:day|week|month|side|leg|arm|set|session|rep|round|lap|minute|min|hour|hr)s?\b"

_SYMBOLS = SAID_AS_WORDS


def _match_case(original: str, spoken: str) -> str:
    if original[:1].isupper() and spoken[:1].islower():
        return spoken[0].upper() + spoken[1:]
    return spoken


def _digits(text: str) -> str:
    return " ".join(num2words(int(d)) for d in text)


def _cardinal(text: str) -> str:
    """Spell out a numeral such as "12", "2,000", "2.50" or ".5" in words."""
    whole, _, frac = text.replace(",", "").partition(".")
    whole = whole.lstrip("0") or "0"
    # num2words stops at about 10**30, and Python refuses int() on huge digit strings.
    words = _digits(whole) if len(whole) > 24 else str(num2words(int(whole))).replace(",", "")
    # num2words reads decimals through a float and drops digits of long ones, so the
    # fraction is read digit by digit here, as a speaker would.
    frac = frac.rstrip("0")
    return f"{words} point {_digits(frac)}" if frac else words


def _ordinal(text: str) -> str:
    return _cardinal(text) if len(text) > 24 else str(num2words(int(text), to="ordinal"))


def _is_one(text: str) -> bool:
    return re.fullmatch(r"0*1(?:\.0*)?", text) is not None


def _pad(words: str) -> str:
    # Spaces keep spoken words from fusing with a neighbouring letter ("L5" -> "L five").
    return f" {words} "


def _clock(m: re.Match[str]) -> str:
    parts = [int(p) for p in m.groups() if p is not None]
    names = ["hour", "minute", "second"][-len(parts):]
    if len(parts) == 2 and parts[0] and parts[1]:
        lead = "minute" if parts[0] == 1 else "minutes"
        return _pad(f"{_cardinal(str(parts[0]))} {lead} {_cardinal(str(parts[1]))}")
    said = [f"{_cardinal(str(v))} {n if v == 1 else n + 's'}"
            for v, n in zip(parts, names, strict=True) if v]
    return _pad(" ".join(said) or "zero seconds")


def _unit(m: re.Match[str]) -> str:
    num, plus, sep, unit = m.groups()
    singular, plural = _UNITS[unit.lower()]
    words = _cardinal(num)
    if sep == "-":  # "a 10-min walk": the adjective form is always singular
        return _pad(f"{words}-{singular}")
    if plus:
        return _pad(f"{words} or more {plural}")
    return _pad(f"{words} {singular if _is_one(num) else plural}")


def _fraction(m: re.Match[str]) -> str:
    top, bottom = m.group(1), m.group(2)
    if int(bottom) < 2 or len(bottom) > 24:
        return _pad(f"{_cardinal(top)} over {_cardinal(bottom)}")
    one = _is_one(top)
    name = {"2": ("half", "halves"), "4": ("quarter", "quarters")}.get(bottom.lstrip("0"))
    if name is None:
        name = (_ordinal(bottom), _ordinal(bottom) + "s")
    return _pad(f"{_cardinal(top)} {name[0] if one else name[1]}")


def _dash(m: re.Match[str]) -> str:
    # Only a lone hyphen inside a word ("warm-up") joins anything; any other dash is a pause.
    before, after = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
    joins = m[0] == "-" and (before + after).isalnum() and len(before + after) == 2
    return "-" if joins else ", "


def _abbreviation(spoken: str, pattern: re.Pattern[str]) -> Callable[[re.Match[str]], str]:
    # Acronyms such as "PT" are matched by case and need no capital copied over.
    keep_case = bool(pattern.flags & re.IGNORECASE)
    return lambda m: _pad(_match_case(m[0], spoken) if keep_case else spoken)


def _apply_lexicon(text: str, lexicon: Mapping[str, str]) -> str:
    keys = sorted((k.strip() for k in lexicon if k.strip()), key=len, reverse=True)
    if not keys:
        return text
    spoken = {" ".join(k.lower().split()): v for k, v in lexicon.items()}
    alternatives = "|".join(r"\s+".join(map(re.escape, k.split())) for k in keys)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def replace(m: re.Match[str]) -> str:
        return _match_case(m.group(0), spoken[" ".join(m.group(0).lower().split())])

    # One pass over the text, so a respelling is never itself rewritten.
    return pattern.sub(replace, text)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?<=[(\[]) | (?=[)\]])", "", text)
    text = re.sub(r" (?=[.,?!:;])", "", text)
    text = re.sub(r",(?=[.,?!:;])", "", text)
    return text.strip(" ,")


def normalize(text: str, lexicon: Mapping[str, str] | None = None) -> str:
    """Return ``text`` as it should be spoken: numbers, units, symbols and abbreviations
    as words, then ``lexicon`` respellings (word or phrase -> how to say it) applied as
    whole-word, case-insensitive replacements that keep a leading capital."""
    text = _tidy(text.replace("\u2212", "-"))
    text = _RANGE_UNIT_RE.sub(
        lambda m: _pad(f"{_cardinal(m[1])} to {_cardinal(m[2])} {_UNITS[m[3].lower()][1]}"), text
    )
    text = re.sub(r"(?<=\d)\s*[-\u2013\u2014]\s*(?=\.?\d)", " to ", text)
    text = re.sub(r"(?<![\w.])-(?=\.?\d)", " minus ", text)
    text = re.sub(r"(?<![\d:])(\d+):([0-5]\d)(?::([0-5]\d))?(?: ?(?:minutes|mins?)\b)?(?![\d:])",
                  _clock, text)
    # "3x10 s": the second number stays a numeral so the unit rule still sees it.
    text = re.sub(rf"({_NUM})\s?[xX×]\s?(?={_NUM})", lambda m: _pad(f"{_cardinal(m[1])} by"),
                  text)
    text = re.sub(rf"({_NUM})\s?[xX×](?!\w)", lambda m: _pad(f"{_cardinal(m[1])} times"), text)
    text = re.sub(rf"(?<!\w)[xX×]({_NUM})(?!\w)",
                  lambda m: _pad(f"{_cardinal(m[1])} times"), text)
    text = _UNIT_RE.sub(_unit, text)
    text = re.sub(r"(?<!\d)(?<!\d\.)(\d+)(?:st|nd|rd|th)\b", lambda m: _pad(_ordinal(m[1])),
                  text, flags=re.IGNORECASE)
    text = re.sub(r"(?<![\d/.])(\d+)/(\d+)(?![\d/]|\.\d)", _fraction, text)
    text = re.sub(rf"({_NUM})\+(?!\s*\.?\d)", lambda m: _pad(f"{_cardinal(m[1])} or more"), text)
    text = re.sub(_NUM, lambda m: _pad(_cardinal(m[0])), text)
    # Digits the patterns above leave alone, such as the "3" of "1.2.3", still become words.
    text = re.sub(r"\d+", lambda m: _pad(_cardinal(m[0])), text)
    # After the numbers, so a word split off a numeral ("vs5" -> "vs five") is caught too.
    for pattern, spoken in _ABBREVIATIONS:
        text = pattern.sub(_abbreviation(spoken, pattern), text)
    text = re.sub(rf"\s*/\s*(?={_PER_WORDS})", " per ", text, flags=re.IGNORECASE)
    text = text.replace("/", " or ")
    text = re.sub(r"\s*[-\u2013\u2014]+\s*", _dash, text)
    text = re.sub("[" + re.escape("".join(_SYMBOLS)) + "]", lambda m: _pad(_SYMBOLS[m[0]]), text)
    if lexicon:
        text = _apply_lexicon(text, lexicon)
    return _tidy(text)
