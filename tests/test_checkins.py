"""The check-in code: round trips, every one-character mistake caught, other clients' and newer
codes refused in one line, and the page's JavaScript making the very same code."""

from __future__ import annotations

import binascii
import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.share import checkins
from walkcoach.share.checkins import (
    ALPHABET,
    DamagedCodeError,
    ForeignCodeError,
    NewerCodeError,
    Session,
    checkin_tag,
    decode,
    encode,
    read_code,
)

TAG = checkin_tag("A" * 22)
JS = Path(checkins.__file__).parent / "templates" / "checkin-code.js.j2"

_note_chars = st.characters(min_codepoint=0x21, max_codepoint=0xFFFD,
                            exclude_categories=("C", "Z"))
_notes = st.lists(st.text(_note_chars, min_size=1, max_size=8), max_size=4).map(" ".join) \
    .map(lambda note: note[:checkins.MAX_NOTE].strip())
sessions_st = st.builds(
    Session, week=st.integers(1, 99),
    day=st.dates(datetime.date(2000, 1, 1), datetime.date(2179, 6, 5)),
    pain=st.integers(0, 10), effort=st.integers(0, 10), note=_notes)
codes = st.lists(sessions_st, max_size=12).map(lambda items: encode(items, tag=TAG))


def _raw(data: bytes) -> str:
    """The text of bytes followed by their CRC, as a code is written (for hand-made codes)."""
    data += binascii.crc_hqx(data, 0xFFFF).to_bytes(2, "big")
    return checkins._to_base32(data)


@settings(max_examples=150)
@given(st.lists(sessions_st, max_size=12))
def test_a_code_gives_back_its_sessions(sessions: list[Session]) -> None:
    code = encode(sessions, tag=TAG)
    assert set(code) <= set(ALPHABET) | {"-"}
    assert all(len(group) == 4 for group in code.split("-")[:-1])
    assert decode(code, tag=TAG) == tuple(sessions)
    assert read_code(code.lower().replace("-", " ")).sessions == tuple(sessions)


@settings(max_examples=250)
@given(codes, st.data())
def test_any_one_character_changed_is_caught(code: str, data: st.DataObject) -> None:
    places = [i for i, char in enumerate(code) if char != "-"]
    at = data.draw(st.sampled_from(places))
    other = data.draw(st.sampled_from([c for c in ALPHABET if c != code[at]]))
    with pytest.raises(DamagedCodeError, match="^the code has a mistake: check it and try "
                                               "again$"):
        read_code(code[:at] + other + code[at + 1:])


@settings(max_examples=150)
@given(codes, st.data())
def test_two_neighbours_swapped_are_caught(code: str, data: st.DataObject) -> None:
    chars = code.replace("-", "")
    swaps = [i for i in range(len(chars) - 1) if chars[i] != chars[i + 1]]
    at = data.draw(st.sampled_from(swaps))
    with pytest.raises(DamagedCodeError):
        read_code(chars[:at] + chars[at + 1] + chars[at] + chars[at + 2:])


@settings(max_examples=200)
@given(codes, st.data())
def test_a_character_left_out_or_added_is_caught(code: str, data: st.DataObject) -> None:
    chars = code.replace("-", "")
    at = data.draw(st.integers(0, len(chars) - 1))
    with pytest.raises(DamagedCodeError):
        read_code(chars[:at] + chars[at + 1:])
    extra = data.draw(st.sampled_from(ALPHABET))
    with pytest.raises(DamagedCodeError):
        read_code(chars[:at] + extra + chars[at:])


def test_look_alike_letters_are_read_as_the_digits() -> None:
    session, code = next((s, c) for s in (Session(week=week, day=datetime.date(2027, 1, 4),
                                                  pain=1, effort=1) for week in range(1, 99))
                         if "0" in (c := encode([s] * 3, tag=TAG)) and "1" in c)
    assert decode(code.replace("0", "o").replace("1", "l"), tag=TAG) == (session,) * 3
    assert decode(code.replace("1", "I"), tag=TAG) == (session,) * 3


@pytest.mark.parametrize("text", ["", "   ", "----", "hello world", "U" * 12, "ABCD-EFGH",
                                  "Ü" * 20, "0" * 70_000])
def test_text_that_is_no_code_is_damaged(text: str) -> None:
    with pytest.raises(DamagedCodeError):
        read_code(text)


def test_padding_bits_must_be_zero() -> None:
    code = encode([], tag=TAG).replace("-", "")  # 7 bytes: 56 bits in 12 characters, 4 spare
    assert len(code) * 5 - 56 == 4
    value = ALPHABET.index(code[-1])
    assert value & 0b1111 == 0
    with pytest.raises(DamagedCodeError):
        read_code(code[:-1] + ALPHABET[value | 1])


def test_a_code_of_another_client_is_refused() -> None:
    code = encode([Session(week=1, day=datetime.date(2027, 1, 4), pain=1, effort=2)],
                  tag=checkin_tag("B" * 22))
    with pytest.raises(ForeignCodeError, match="^this code is for another client$"):
        decode(code, tag=TAG)


def test_a_newer_code_is_refused_as_one_not_as_damage() -> None:
    code = _raw(bytes([2, *bytes.fromhex(TAG), 0]))
    with pytest.raises(NewerCodeError, match=r"newer kind \(version 2\).*update walkcoach"):
        read_code(code)


@pytest.mark.parametrize("body", [
    bytes([1, *bytes.fromhex(TAG)]),  # no count
    bytes([1, *bytes.fromhex(TAG), 1]),  # a session announced, none there
    bytes([1, *bytes.fromhex(TAG), 0, 9]),  # a byte past the sessions
    bytes([1, *bytes.fromhex(TAG), 1, 0, 0, 1, 0x11, 0]),  # week 0
    bytes([1, *bytes.fromhex(TAG), 1, 100, 0, 1, 0x11, 0]),  # week 100
    bytes([1, *bytes.fromhex(TAG), 1, 1, 0, 1, 0xB0, 0]),  # pain 11
    bytes([1, *bytes.fromhex(TAG), 1, 1, 0, 1, 0x0B, 0]),  # effort 11
    bytes([1, *bytes.fromhex(TAG), 1, 1, 0, 1, 0x11, 2, 0xC3]),  # a note cut short
    bytes([1, *bytes.fromhex(TAG), 1, 1, 0, 1, 0x11, 1, 0xFF]),  # a note not UTF-8
    bytes([1, *bytes.fromhex(TAG), 1, 1, 0, 1, 0x11, 121, *b"x" * 121]),  # a note too long
])
def test_a_well_checked_code_of_a_wrong_layout_is_damaged(body: bytes) -> None:
    with pytest.raises(DamagedCodeError):
        read_code(_raw(body))


def test_notes_are_cut_and_read_as_one_line_of_text() -> None:
    day = datetime.date(2027, 1, 4)
    long = "ok " * 30
    code = encode([Session(week=1, day=day, pain=0, effort=0, note=long),
                   Session(week=1, day=day, pain=0, effort=0, note="a\x1b[2Jb\nc\u202ed")],
                  tag=TAG)
    first, second = decode(code, tag=TAG)
    assert first.note == long.strip()[:checkins.MAX_NOTE].strip()
    assert second.note == "a [2Jb c d"
    emoji = encode([Session(week=1, day=day, pain=0, effort=0, note="😀" * 30)], tag=TAG)
    assert decode(emoji, tag=TAG)[0].note == "😀" * 20  # 40 UTF-16 units, as the page cuts


def test_a_session_out_of_range_cannot_be_encoded() -> None:
    with pytest.raises(checkins.InputError):
        encode([Session(week=1, day=datetime.date(1999, 12, 31), pain=0, effort=0)], tag=TAG)
    with pytest.raises(checkins.InputError):
        encode([], tag="xyz")


def test_the_tag_is_a_hash_of_the_token() -> None:
    assert len(TAG) == 6 and int(TAG, 16) >= 0
    assert checkin_tag("A" * 22) == TAG and checkin_tag("A" * 21 + "B") != TAG
    assert "A" * 6 not in TAG.upper()


JS_INPUTS = [
    [],
    [{"week": 1, "date": "2027-01-04", "pain": 2, "effort": 5, "note": "knee fine"},
     {"week": 1, "date": "2027-01-06", "pain": 3, "effort": 6, "note": ""}],
    [{"week": 99, "date": "2179-06-05", "pain": 10, "effort": 10, "note": "  ü " + "é" * 50},
     {"week": 2, "date": "2000-01-01", "pain": 0, "effort": 0, "note": "😀" * 25},
     {"week": 3, "date": "2026-12-31", "pain": 7, "effort": 1, "note": "x" + "😀" * 20}],
]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_pages_javascript_makes_the_same_code(tmp_path: Path) -> None:
    runner = tmp_path / "run.js"
    runner.write_text(
        "const fs = require('fs');\n"
        f"eval(fs.readFileSync({json.dumps(str(JS))}, 'utf8') + "
        "';globalThis.code = walkcoachCheckinCode;');\n"
        "const inputs = JSON.parse(fs.readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(inputs.map(i => code(i[0], i[1]))));\n")
    made = subprocess.run(["node", str(runner)], input=json.dumps([[TAG, i] for i in JS_INPUTS]),
                          capture_output=True, text=True, check=True, timeout=60)
    for sessions, code in zip(JS_INPUTS, json.loads(made.stdout), strict=True):
        expected = encode([Session(week=s["week"], day=datetime.date.fromisoformat(s["date"]),
                                   pain=s["pain"], effort=s["effort"], note=s["note"])
                           for s in sessions], tag=TAG)
        assert code == expected
        assert len(decode(code, tag=TAG)) == len(sessions)


def test_the_javascript_is_short() -> None:
    lines = [line for line in JS.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("//")]
    assert len(lines) <= 30
