"""Tests for the sidecars: the JSON cue sheet, WebVTT captions and the proofreading script."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from walkcoach.build.session import make_spec
from walkcoach.encode import sheets
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.plan import planner
from walkcoach.plan.model import (
    CUE_KINDS,
    BlockSpan,
    Cue,
    DroppedCue,
    SessionSpec,
    Sound,
    Timeline,
)

_VTT_TIME = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")


def _parse_vtt_time(text: str) -> int:
    match = _VTT_TIME.match(text)
    assert match, text
    hours, minutes, seconds, millis = (int(g) for g in match.groups())
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


@pytest.fixture(scope="module")
def spec() -> SessionSpec:
    return make_spec(level="beginner", setting="treadmill", minutes=3, client="Sam")


@pytest.fixture(scope="module")
def timeline(spec: SessionSpec) -> Timeline:
    """A planned 3-minute session; long countdown words so that some cues are dropped."""
    lengths = {text: 900 + 37 * (len(text) % 50) for text in planner.candidate_phrases(spec)}
    lengths.update(dict.fromkeys(spec.template.time.countdown, 1400))
    planned = planner.plan(spec, lengths)
    assert planned.dropped  # the fixture covers dropped cues too
    return planned


def _blocks(vtt: str) -> list[list[str]]:
    body = vtt.split("\n\n")
    return [block.splitlines() for block in body[1:] if block.strip()]


# --- cue sheet ------------------------------------------------------------------------------

def test_cue_sheet_fields(timeline: Timeline) -> None:
    """The sheet carries the track's times and every cue with its times, words and kind."""
    sheet = sheets.cue_sheet(timeline)
    assert sheet["version"] == sheets.SHEET_VERSION
    assert sheet["duration_ms"] == timeline.duration_ms
    assert sheet["walk_start_ms"] == timeline.walk_start_ms
    assert sheet["walk_end_ms"] == timeline.walk_end_ms
    assert len(sheet["cues"]) == len(timeline.cues)
    for entry, cue in zip(sheet["cues"], timeline.cues, strict=True):
        assert (entry["start_ms"], entry["end_ms"], entry["text"], entry["kind"]) == (
            cue.start_ms, cue.end_ms, cue.text, cue.kind)
        assert entry["kind"] in CUE_KINDS
        assert entry.get("anchor_ms") == cue.anchor_ms
        assert entry.get("group") == cue.group


def test_cue_sheet_lists_dropped_cues(timeline: Timeline) -> None:
    """Dropped time cues are in the sheet, so a coach can see what was left out."""
    sheet = sheets.cue_sheet(timeline)
    assert [(d["anchor_ms"], d["text"]) for d in sheet["dropped"]] == [
        (d.anchor_ms, d.text) for d in timeline.dropped]


def test_cue_sheet_chapters_cover_the_track(timeline: Timeline) -> None:
    """Chapters run back to back from 0 to the end of the track."""
    chapters = sheets.cue_sheet(timeline)["chapters"]
    assert chapters[0]["start_ms"] == 0
    assert chapters[-1]["end_ms"] == timeline.duration_ms
    for a, b in zip(chapters, chapters[1:], strict=False):
        assert a["end_ms"] == b["start_ms"] and a["start_ms"] < a["end_ms"]


def test_cue_sheet_about_and_json(timeline: Timeline) -> None:
    """Extra facts go at the top; the JSON text reads back to the same dict, unicode intact."""
    about = {"exercise": "walking-backwards", "client": "Zoë"}
    sheet = sheets.cue_sheet(timeline, about=about)
    assert sheet["exercise"] == "walking-backwards"
    text = sheets.cue_sheet_json(timeline, about=about)
    assert text.endswith("\n") and "Zoë" in text
    assert json.loads(text) == sheet


def test_cue_sheet_lists_the_chimes(spec: SessionSpec, timeline: Timeline) -> None:
    sheet = sheets.cue_sheet(timeline)
    assert spec.chimes and timeline.sounds
    assert sheet["sounds"] == [{"kind": s.kind, "start_ms": s.start_ms, "end_ms": s.end_ms}
                               for s in timeline.sounds]
    assert {s["kind"] for s in sheet["sounds"]} <= {"start", "switch", "time", "stop"}
    quiet = Timeline(duration_ms=1000, walk_start_ms=0, walk_end_ms=500, cues=())
    assert sheets.cue_sheet(quiet)["sounds"] == []


def test_script_shows_each_chime_in_time_order() -> None:
    cues = (
        Cue(start_ms=1000, end_ms=2000, text="Get ready.", kind="setup", phase="setup"),
        Cue(start_ms=5000, end_ms=5500, text="Begin.", kind="start", phase="walk", anchor_ms=0),
        Cue(start_ms=35_000, end_ms=36_000, text="Thirty seconds left.", kind="time",
            phase="walk", anchor_ms=30_000),
        Cue(start_ms=65_000, end_ms=65_500, text="Stop.", kind="stop", phase="cooldown",
            anchor_ms=60_000),
    )
    chimes = (Sound(kind="start", start_ms=4580, end_ms=4900),
              Sound(kind="time", start_ms=34_660, end_ms=34_900),
              Sound(kind="stop", start_ms=64_560, end_ms=64_900))
    timeline = Timeline(duration_ms=70_000, walk_start_ms=5000, walk_end_ms=65_000, cues=cues,
                        sounds=chimes)
    lines = sheets.script_text(timeline).splitlines()
    assert lines[1] == "00:04.580              chime      (start)"
    assert lines[2].endswith("Begin.")
    assert lines[3] == "00:34.660  walk 00:29  chime      (time)"
    assert lines[5].endswith("chime      (stop)") and lines[6].endswith("Stop.")
    # Captions and the transcript are the words only.
    assert "chime" not in sheets.captions(timeline) + sheets.transcript(timeline)


# --- captions -------------------------------------------------------------------------------

def test_captions_one_block_per_cue(timeline: Timeline) -> None:
    """WebVTT: the header, then one numbered block per cue whose times parse back exactly."""
    vtt = sheets.captions(timeline)
    assert vtt.startswith("WEBVTT\n")
    blocks = _blocks(vtt)
    assert len(blocks) == len(timeline.cues)
    for number, (block, cue) in enumerate(zip(blocks, timeline.cues, strict=True), start=1):
        assert block[0] == str(number)
        start, arrow, end = block[1].split(" ")
        assert arrow == "-->"
        assert (_parse_vtt_time(start), _parse_vtt_time(end)) == (cue.start_ms, cue.end_ms)
        assert block[2] == cue.text


def test_captions_never_break_on_an_arrow() -> None:
    """A cue whose words contain "-->" cannot end its own timing line early."""
    cue = Cue(start_ms=0, end_ms=1000, text="Step back --> then forward", kind="technique",
              phase="walk")
    timeline = Timeline(duration_ms=2000, walk_start_ms=0, walk_end_ms=1500, cues=(cue,))
    blocks = _blocks(sheets.captions(timeline))
    assert len(blocks) == 1
    assert "-->" not in blocks[0][2]
    assert blocks[0][2].startswith("Step back") and blocks[0][2].endswith("then forward")


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "00:00:00.000"),
        (999, "00:00:00.999"),
        (1000, "00:00:01.000"),
        (59_999, "00:00:59.999"),
        (60_000, "00:01:00.000"),
        (3_599_999, "00:59:59.999"),
        (3_600_000 + 1, "01:00:00.001"),
        (2 * 3_600_000 + 34 * 60_000 + 56_789, "02:34:56.789"),
    ],
)
def test_vtt_time(ms: int, text: str) -> None:
    """Milliseconds print as HH:MM:SS.mmm and read back to the same number."""
    assert sheets.vtt_time(ms) == text
    assert _parse_vtt_time(text) == ms


# --- script ---------------------------------------------------------------------------------

def test_script_mentions_every_cue(timeline: Timeline) -> None:
    """The proofreading script has every cue's words, in order, and the dropped ones."""
    script = sheets.script_text(timeline)
    position = 0
    for cue in timeline.cues:
        found = script.find(cue.text, position)
        assert found >= 0, cue.text
        position = found + len(cue.text)
    for dropped in timeline.dropped:
        assert dropped.text in script and "dropped" in script
    assert script.rstrip().splitlines()[-1].startswith("total")


def test_script_walk_clock() -> None:
    """Walk cues show the walk clock, counted from the start cue."""
    cues = (
        Cue(start_ms=1000, end_ms=2000, text="Hello.", kind="intro", phase="intro"),
        Cue(start_ms=5000, end_ms=5500, text="Begin.", kind="start", phase="walk", anchor_ms=0),
        Cue(start_ms=5000 + 95_000, end_ms=5000 + 96_000, text="Halfway.", kind="time",
            phase="walk", anchor_ms=95_000),
    )
    timeline = Timeline(duration_ms=200_000, walk_start_ms=5000, walk_end_ms=195_000, cues=cues,
                        dropped=(DroppedCue(anchor_ms=189_000, text="One.", reason="no room"),))
    lines = sheets.script_text(timeline).splitlines()
    assert "walk" not in lines[0]
    assert "walk 00:00" in lines[1]
    assert "walk 01:35" in lines[2]
    assert "03:09" in lines[3] and "One." in lines[3]
    assert lines[-1] == "total 03:20.000"


def test_captions_of_text_with_line_breaks_keep_one_cue_each(tmp_path: Path) -> None:
    """Blank lines, carriage returns, Unicode line separators, an arrow and markup in a cue's
    words: still one cue each, as ffmpeg's WebVTT parser reads the file, with the words
    intact on one line (escaped as WebVTT requires)."""
    words = ["Hi Sam\n\nWEBVTT\n\n99\n00:00:00.000 --> 00:00:09.000\nEvil.",
             "One\r\rtwo\u2028three\u2029four", "<b>bold</b> & --> done"]
    cues = tuple(Cue(start_ms=1000 * i, end_ms=1000 * i + 900, text=text, kind="technique",
                     phase="walk") for i, text in enumerate(words))
    timeline = Timeline(duration_ms=4000, walk_start_ms=0, walk_end_ms=3000, cues=cues)
    vtt = sheets.captions(timeline)
    blocks = _blocks(vtt)
    assert [len(block) for block in blocks] == [3, 3, 3]
    assert blocks[2][2] == "&lt;b&gt;bold&lt;/b&gt; &amp; --&gt; done"
    path = tmp_path / "t.vtt"
    path.write_text(vtt, encoding="utf-8")
    srt = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i",
                          str(path), "-f", "srt", "pipe:1"], capture_output=True, text=True,
                         check=True).stdout
    parsed = [block.splitlines()[2:] for block in srt.strip().split("\n\n")]
    assert parsed == [["Hi Sam WEBVTT 99 00:00:00.000 --> 00:00:09.000 Evil."],
                      ["One two three four"], ["<b>bold</b> & --> done"]]


# --- a walk in parts ------------------------------------------------------------------------

WALK_START = 60_000


def _span(kind: str, exercise: str, title: str, start_s: int, end_s: int,
          **more: object) -> BlockSpan:
    return BlockSpan(kind=kind, exercise=exercise, title=title,  # type: ignore[arg-type]
                     start_ms=WALK_START + start_s * 1000, end_ms=WALK_START + end_s * 1000,
                     level="beginner", **more)  # type: ignore[arg-type]


def _walk_cue(at_s: float, text: str, kind: str, block: int | None) -> Cue:
    start = WALK_START + round(at_s * 1000)
    return Cue(start_ms=start, end_ms=start + 800, text=text, kind=kind,  # type: ignore[arg-type]
               phase="walk", anchor_ms=start - WALK_START, block=block)


_PARTS = (
    _span("warmup", "walking-forward", "Walking forward", 0, 60, speed_mph=1.0,
          incline_percent=0.0),
    _span("work", "walking-backwards", "Walking <backwards> & co", 60, 120, round=1, rounds=2,
          speed_mph=0.5, incline_percent=2.0),
    _span("recovery", "walking-forward", "Walking forward", 120, 150, round=1, rounds=2,
          speed_mph=1.0, incline_percent=0.0),
    _span("work", "walking-backwards", "Walking <backwards> & co", 150, 210, round=2,
          rounds=2, speed_mph=0.5, incline_percent=2.0),
)
_CUES = (
    Cue(start_ms=1000, end_ms=3000, text="Hello.", kind="intro", phase="intro"),
    _walk_cue(0, "Begin.", "start", 0),
    _walk_cue(30, "Breathe easy.", "technique", 0),
    _walk_cue(50, "Ten seconds, then we switch.", "time", 0),
    _walk_cue(60, "Turn around. Round 1 of 2.", "switch", 1),
    _walk_cue(90, "Short steps.", "technique", 1),
    _walk_cue(120, "Walk forward. 1:30 to go in all.", "switch", 2),
    _walk_cue(150, "Turn around. Last round.", "switch", 3),
    _walk_cue(209, "Stop.", "stop", 3),
    Cue(start_ms=WALK_START + 212_000, end_ms=WALK_START + 214_000, text="Well done.",
        kind="outro", phase="cooldown"),
)


def _parts(cues: tuple[Cue, ...] = _CUES, blocks: tuple[BlockSpan, ...] = _PARTS) -> Timeline:
    """A hand-made walk in four parts: a warm-up, two rounds of work with a recovery between
    (their title has markup in it), on a treadmill."""
    return Timeline(duration_ms=WALK_START + 220_000, walk_start_ms=WALK_START,
                    walk_end_ms=WALK_START + 210_000, cues=cues, blocks=blocks)


def test_cue_sheet_lists_the_parts_and_each_walk_cue_names_its_part() -> None:
    sheet = sheets.cue_sheet(_parts())
    assert sheet["version"] == 4 and "track" not in sheet  # written only beside a track
    assert sheet["blocks"] == [
        {"kind": "warmup", "exercise": "walking-forward", "title": "Walking forward",
         "label": "Warm-up: Walking forward", "round": None, "rounds": None,
         "start_ms": 60_000, "end_ms": 120_000, "level": "beginner", "speed_mph": 1.0,
         "incline_percent": 0.0},
        {"kind": "work", "exercise": "walking-backwards", "title": "Walking <backwards> & co",
         "label": "Round 1 of 2: Walking <backwards> & co", "round": 1, "rounds": 2,
         "start_ms": 120_000, "end_ms": 180_000, "level": "beginner", "speed_mph": 0.5,
         "incline_percent": 2.0},
        {"kind": "recovery", "exercise": "walking-forward", "title": "Walking forward",
         "label": "Recovery: Walking forward", "round": 1, "rounds": 2,
         "start_ms": 180_000, "end_ms": 210_000, "level": "beginner", "speed_mph": 1.0,
         "incline_percent": 0.0},
        {"kind": "work", "exercise": "walking-backwards", "title": "Walking <backwards> & co",
         "label": "Round 2 of 2: Walking <backwards> & co", "round": 2, "rounds": 2,
         "start_ms": 210_000, "end_ms": 270_000, "level": "beginner", "speed_mph": 0.5,
         "incline_percent": 2.0},
    ]
    assert [cue.get("block") for cue in sheet["cues"]] == [None, 0, 0, 0, 1, 1, 2, 3, 3, None]
    assert "block" not in sheet["cues"][0]  # only cues of the walk have a part
    assert json.loads(sheets.cue_sheet_json(_parts())) == sheet


def test_cue_sheet_of_a_continuous_walk_has_one_part(timeline: Timeline) -> None:
    """The planned continuous walk is one part, the whole walk, and every cue of the walk
    is in it."""
    sheet = sheets.cue_sheet(timeline)
    assert [(b["kind"], b["exercise"], b["start_ms"], b["end_ms"], b["round"])
            for b in sheet["blocks"]] == [
        ("work", "walking-backwards", timeline.walk_start_ms, timeline.walk_end_ms, None)]
    assert {c.get("block") for c in sheet["cues"] if c["phase"] == "walk"} == {0}
    assert {c.get("block") for c in sheet["cues"] if c["phase"] != "walk"} == {None}


def _marked(vtt: str) -> dict[str, str]:
    """The captions whose first line is a part's name in brackets: {name: the words}."""
    return {block[2]: block[3] for block in _blocks(vtt) if block[2].startswith("[")}


def test_captions_name_each_part_on_its_first_cue_only() -> None:
    vtt = sheets.captions(_parts())
    blocks = _blocks(vtt)
    assert len(blocks) == len(_CUES)  # the names are lines of a cue, not cues of their own
    assert [len(block) for block in blocks] == [3, 4, 3, 3, 4, 3, 4, 4, 3, 3]
    assert _marked(vtt) == {
        "[Warm-up: Walking forward]": "Begin.",
        "[Round 1 of 2: Walking &lt;backwards&gt; &amp; co]": "Turn around. Round 1 of 2.",
        "[Recovery: Walking forward]": "Walk forward. 1:30 to go in all.",
        "[Round 2 of 2: Walking &lt;backwards&gt; &amp; co]": "Turn around. Last round.",
    }


def test_captions_of_one_part_have_no_names(timeline: Timeline) -> None:
    """A walk of one part changes nothing: its captions are one line of words each."""
    one = (_PARTS[0],)
    cues = tuple(c for c in _CUES if c.block in (None, 0))
    assert "[" not in sheets.captions(_parts(cues, one))
    assert all(len(block) == 3 for block in _blocks(sheets.captions(timeline)))


def test_captions_with_parts_are_valid_webvtt(tmp_path: Path) -> None:
    """ffmpeg reads the captions back: every cue, the part's name as its first line."""
    path = tmp_path / "t.vtt"
    path.write_text(sheets.captions(_parts()), encoding="utf-8")
    srt = subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-i",
                          str(path), "-f", "srt", "pipe:1"], capture_output=True, text=True,
                         check=True).stdout
    parsed = [block.splitlines()[2:] for block in srt.strip().split("\n\n")]
    assert len(parsed) == len(_CUES)
    assert parsed[4] == ["[Round 1 of 2: Walking <backwards> & co]",
                         "Turn around. Round 1 of 2."]
    assert parsed[5] == ["Short steps."]


def test_transcript_marks_where_each_part_begins() -> None:
    lines = sheets.transcript(_parts(), title="Week 1").splitlines()
    assert lines == [
        "Week 1",
        "",
        " 0:01  Hello.",
        " 1:00  -- Warm-up: Walking forward (1:00) --",
        " 1:00  Begin.",
        " 1:30  Breathe easy.",
        " 1:50  Ten seconds, then we switch.",
        " 2:00  -- Round 1 of 2: Walking <backwards> & co (1:00) --",
        " 2:00  Turn around. Round 1 of 2.",
        " 2:30  Short steps.",
        " 3:00  -- Recovery: Walking forward (0:30) --",
        " 3:00  Walk forward. 1:30 to go in all.",
        " 3:30  -- Round 2 of 2: Walking <backwards> & co (1:00) --",
        " 3:30  Turn around. Last round.",
        " 4:29  Stop.",
        " 4:32  Well done.",
    ]


def test_transcript_announces_a_part_without_cues_with_the_next() -> None:
    """A part whose cues were all left out still has its line, just before the next part's
    (the captions have no cue to name it on)."""
    cues = tuple(c for c in _CUES if c.block != 2)
    transcript = sheets.transcript(_parts(cues))
    assert ("-- Recovery: Walking forward (0:30) --\n 3:30  -- Round 2 of 2" in transcript)
    assert "[Recovery" not in sheets.captions(_parts(cues))


def test_transcript_of_one_part_is_unmarked(timeline: Timeline) -> None:
    assert " -- " not in sheets.transcript(timeline)
    assert "--" not in sheets.script_text(timeline)


def test_script_heads_each_part_and_keeps_the_walk_clock() -> None:
    lines = sheets.script_text(_parts()).splitlines()
    headers = [line for line in lines if " -- " in line]
    assert headers == [
        "01:00.000  walk 00:00  -- Warm-up: Walking forward (1:00) --",
        "02:00.000  walk 01:00  -- Round 1 of 2: Walking <backwards> & co (1:00) --",
        "03:00.000  walk 02:00  -- Recovery: Walking forward (0:30) --",
        "03:30.000  walk 02:30  -- Round 2 of 2: Walking <backwards> & co (1:00) --",
    ]
    for header in headers:  # each just before its part's first cue, at the same times
        following = lines[lines.index(header) + 1]
        assert following[:22] == header[:22] and following.split()[3] in ("start", "switch")
    assert lines[lines.index(headers[0]) - 1].endswith("Hello.")
    assert lines[-1] == "total 04:40.000"
