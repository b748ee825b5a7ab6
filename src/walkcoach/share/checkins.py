"""The check-in code: the sessions a client logged on their phone, as a short text to send back.

The client's page makes the code (``templates/checkin-code.js.j2`` is the JavaScript that
does, the same as :func:`encode`); the coach's ``walkcoach checkin`` reads it
(:func:`read_code`). It holds no name: the bundle's check-in tag (:func:`checkin_tag`, a
hash of the client's private token that the bundle writes into the page) ties it to one
client's bundle, so a code imported for another client is refused.

Version 1, byte by byte (big-endian)::

    offset  bytes  field
    0       1      version: 1
    1       3      tag: checkin_tag(token), the first 3 bytes of
                   SHA-256("walkcoach check-in:" + token) (UTF-8)
    4       1      N: the number of sessions, 0 to 255
    then N sessions, each:
            1      week: 1 to 99
            2      day: days since 2000-01-01 (the date the session was logged)
            1      pain * 16 + effort: each 0 to 10
            1      L: the note's length in bytes, 0 to 120
            L      note: UTF-8, at most 40 characters (JavaScript: note.trim().slice(0, 40))
    last    2      CRC-16/CCITT-FALSE of every byte before it (polynomial 0x1021, initial
                   value 0xFFFF, not reflected, no final XOR; Python's binascii.crc_hqx)

The bytes are written as text in Crockford's base32: each 5 bits, most significant first,
are one of ``0123456789ABCDEFGHJKMNPQRSTVWXYZ``; the last character is padded with zero
bits; the characters are grouped by four with dashes (``1A2B-3C4D-...``). A reader takes
lower case too, ignores dashes and spaces, and reads O as 0 and I and L as 1.

Any one character changed (or two neighbours swapped) is caught: a character is at most 5
bits of one burst, and a CRC-16 catches every burst of up to 16 bits; the padding bits must
be zero. Every later version keeps its first byte the version and its last two bytes this
CRC, so a code of a newer walkcoach is told from a damaged one. Notes are kept short
(40 characters) so that a week's code stays short; a session's note past that is cut by the
page. A note's control characters are read as spaces, so a note never reaches the coach's
terminal as anything but text.
"""

from __future__ import annotations

import binascii
import datetime
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from walkcoach.errors import InputError

__all__ = ["ALPHABET", "EPOCH", "MAX_NOTE", "MAX_NOTE_BYTES", "MAX_SESSIONS", "VERSION",
           "CheckinCode", "DamagedCodeError", "ForeignCodeError", "NewerCodeError", "Session",
           "checkin_tag", "decode", "encode", "read_code"]

VERSION = 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base32: no I, L, O or U, so no two characters look alike."""
EPOCH = datetime.date(2000, 1, 1)
MAX_NOTE = 40
"""A note's most characters (JavaScript's UTF-16 units, as ``slice(0, 40)`` cuts it)."""
MAX_NOTE_BYTES = 120
MAX_SESSIONS = 255
MAX_WEEK = 99
_TAG = "walkcoach check-in:"
_TAG_BYTES = 3
_MAX_TEXT = 60_000  # more characters than the longest code of 255 sessions with notes
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DAMAGED = "the code has a mistake: check it and try again"


class DamagedCodeError(InputError):
    """A check-in code that is not one as walkcoach makes it: mistyped, cut short, or other text."""

    def __init__(self) -> None:
        super().__init__(_DAMAGED)


class ForeignCodeError(InputError):
    """A check-in code made by another client's page."""

    def __init__(self) -> None:
        super().__init__("this code is for another client")


class NewerCodeError(InputError):
    """A check-in code of a version this walkcoach does not know (a newer walkcoach made it)."""

    def __init__(self, version: int) -> None:
        self.version = version
        super().__init__(f"this code is of a newer kind (version {version}) than this "
                         "walkcoach reads: update walkcoach and import it again")


@dataclass(frozen=True, kw_only=True)
class Session:
    """One session a client logged: the week walked, the day, pain and effort (0-10), a note."""

    week: int
    day: datetime.date
    pain: int
    effort: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CheckinCode:
    """What a check-in code holds: its version, the bundle's tag, and the sessions in the
    order the client logged them."""

    version: int
    tag: str  # six hex digits, lower case: checkin_tag(token)
    sessions: tuple[Session, ...]


def checkin_tag(token: str) -> str:
    """The check-in tag of a bundle's private token: six hex digits that the bundle writes
    into the client's page (the page puts it into every code) and that say nothing of the
    token itself."""
    return hashlib.sha256((_TAG + token).encode()).digest()[:_TAG_BYTES].hex()


def encode(sessions: Iterable[Session], *, tag: str) -> str:
    """The check-in code of ``sessions`` for the bundle of ``tag`` (what the page's JavaScript
    makes); a session out of range is an InputError."""
    data = bytearray([VERSION, *_tag_bytes(tag)])
    items = tuple(sessions)
    if len(items) > MAX_SESSIONS:
        raise InputError(f"a check-in code holds at most {MAX_SESSIONS} sessions, "
                         f"not {len(items)}")
    data.append(len(items))
    for session in items:
        day = (session.day - EPOCH).days
        if not (1 <= session.week <= MAX_WEEK and 0 <= day < 1 << 16
                and 0 <= session.pain <= 10 and 0 <= session.effort <= 10):
            raise InputError(f"a session cannot go into a check-in code: {session}")
        note = _cut(session.note.strip())
        data += bytes([session.week, day >> 8, day & 0xFF, session.pain << 4 | session.effort,
                       len(note)]) + note
    data += binascii.crc_hqx(bytes(data), 0xFFFF).to_bytes(2, "big")
    text = _to_base32(bytes(data))
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def read_code(text: str) -> CheckinCode:
    """What the check-in code ``text`` holds, checked: a damaged code is a DamagedCodeError, one of
    a version this walkcoach does not read a NewerCodeError (each an InputError in one line)."""
    if len(text) > _MAX_TEXT:
        raise DamagedCodeError
    data = _from_base32(text)
    if len(data) < 3 or binascii.crc_hqx(data[:-2], 0xFFFF) != int.from_bytes(data[-2:], "big"):
        raise DamagedCodeError
    if data[0] != VERSION:
        raise NewerCodeError(data[0])
    body = data[:-2]
    if len(body) < 5:
        raise DamagedCodeError
    count, at, sessions = body[4], 5, []
    for _ in range(count):
        if at + 5 > len(body):
            raise DamagedCodeError
        week, day, scores, size = body[at], int.from_bytes(body[at + 1:at + 3], "big"), \
            body[at + 3], body[at + 4]
        raw = body[at + 5:at + 5 + size]
        at += 5 + size
        pain, effort = scores >> 4, scores & 0x0F
        if not 1 <= week <= MAX_WEEK or pain > 10 or effort > 10 or size > MAX_NOTE_BYTES \
                or len(raw) != size:
            raise DamagedCodeError
        try:
            note = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DamagedCodeError from None
        sessions.append(Session(week=week, day=EPOCH + datetime.timedelta(days=day),
                                pain=pain, effort=effort, note=_plain(note)))
    if at != len(body):
        raise DamagedCodeError
    return CheckinCode(version=data[0], tag=body[1:4].hex(), sessions=tuple(sessions))


def decode(text: str, *, tag: str) -> tuple[Session, ...]:
    """The sessions of the check-in code ``text`` made for the bundle of ``tag``: a code of
    another bundle is a ForeignCodeError (and see :func:`read_code`)."""
    code = read_code(text)
    if code.tag != tag.lower():
        raise ForeignCodeError
    return code.sessions


def _tag_bytes(tag: str) -> bytes:
    try:
        raw = bytes.fromhex(tag)
    except ValueError:
        raw = b""
    if len(raw) != _TAG_BYTES:
        raise InputError(f"a check-in tag is {2 * _TAG_BYTES} hex digits, not {tag!r}")
    return raw


def _cut(note: str) -> bytes:
    """``note`` as the page sends it: its first MAX_NOTE UTF-16 units (a pair cut in two is
    U+FFFD, as JavaScript's TextEncoder writes it) in UTF-8: at most MAX_NOTE_BYTES bytes."""
    units = note.encode("utf-16-le", "surrogatepass")[:2 * MAX_NOTE]
    return units.decode("utf-16-le", "replace").encode("utf-8", "replace")


def _plain(note: str) -> str:
    """A note as one line of text: control and format characters are spaces."""
    return " ".join("".join(" " if unicodedata.category(char)[0] == "C" else char
                            for char in note).split())


def _to_base32(data: bytes) -> str:
    bits = len(data) * 8
    number = int.from_bytes(data, "big") << (-bits % 5)
    count = (bits + 4) // 5
    return "".join(ALPHABET[(number >> (5 * (count - 1 - i))) & 31] for i in range(count))


def _from_base32(text: str) -> bytes:
    """The bytes of a code's text; a character not in the alphabet, or padding bits that are
    not zero, is a DamagedCodeError."""
    chars = "".join(text.split()).replace("-", "").upper().translate(_ALIASES)
    if not chars or any(char not in ALPHABET for char in chars):
        raise DamagedCodeError
    number = 0
    for char in chars:
        number = number << 5 | ALPHABET.index(char)
    bits = len(chars) * 5
    size, pad = divmod(bits, 8)
    if pad >= 5 or number & ((1 << pad) - 1):  # a whole spare character, or padding not zero
        raise DamagedCodeError
    return (number >> pad).to_bytes(size, "big")
