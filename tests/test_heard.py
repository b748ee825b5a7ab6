"""Heard: what Whisper tiny.en (tests/listen.py) hears of the neural voice's tracks.

Four default walks (6, 8, 10 and 12 minutes, every level, floor and treadmill), each cue cut
out of the decoded MP3 with 200 ms either side: every multi-word time cue's number is heard as
that number, every countdown number as itself, and at least 97% of all the words are heard.
Then every time cue a walk of up to 60 minutes can say, each spoken once (phrase cache), is
heard with its number. Numbers are compared as numbers: "four" and "4" are one word.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import listen
import numpy as np
import pytest
from click.testing import CliRunner

from walkcoach.audio.pcm import SAMPLE_RATE
from walkcoach.build import session
from walkcoach.cli import cli
from walkcoach.encode.export import decode
from walkcoach.plan.anchors import anchors, format_duration, opening, parts
from walkcoach.voice import Speaker, neural_available

pytestmark = pytest.mark.e2e

WALKS = {  # name: minutes, level, setting
    "6 min": ("6", "beginner", "treadmill"),
    "8 min": ("8", "intermediate", "floor"),
    "10 min": ("10", "advanced", "treadmill"),
    "12 min": ("12", "advanced", "floor"),
}
WORDS_HEARD = 0.97


@pytest.fixture(scope="module")
def speaker() -> Speaker:
    """The neural voice with the shipped lexicon (what ``build --voice neural`` speaks with)."""
    assert neural_available(), "the neural voice is part of the default install here"
    return session.make_speaker("neural")


@pytest.fixture(scope="module")
def heard(tmp_path_factory: pytest.TempPathFactory, listener: listen.Listener,
          speaker: Speaker) -> dict[str, list[listen.HeardCue]]:
    """Each walk built by the command line, decoded at 16 kHz, every cue heard."""
    folder = tmp_path_factory.mktemp("heard")
    out = {}
    for name, (minutes, level, setting) in WALKS.items():
        path = folder / f"walk-{minutes}.mp3"
        result = CliRunner().invoke(cli, [
            "build", "--minutes", minutes, "--level", level, "--setting", setting,
            "--voice", "neural", "-o", str(path)], prog_name="walkcoach")
        assert result.exit_code == 0, (result.stderr, result.exception)
        sheet = listen_sheet(path)
        out[name] = listen.hear_cues(listener, decode(path, listen.RATE), sheet["cues"],
                                     speaker.spoken)
    return out


def listen_sheet(path: Path) -> dict[str, Any]:
    """The cue sheet beside a track."""
    import json

    sheet: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return sheet


def _all(heard: dict[str, list[listen.HeardCue]]) -> list[listen.HeardCue]:
    return [cue for cues in heard.values() for cue in cues]


def _said_and_heard(cues: list[listen.HeardCue]) -> list[tuple[str, str]]:
    return [(c.cue["text"], c.heard_text) for c in cues]


# --- comparing words (no model) ----------------------------------------------------------------

def test_numbers_are_compared_as_numbers() -> None:
    assert listen.words("Halfway there. Four minutes left.") == \
        listen.words("Half way there, 4 minutes left") == \
        ["halfway", "there", "4", "minutes", "left"]
    assert listen.numbers(listen.words("for minutes left")) == []
    assert listen.numbers(listen.words("Twenty-one minutes to go in all.")) == ["21"]
    assert listen.words("Two.") == ["2"] != listen.words("to you")
    assert listen.words("about 1.5 mph, 2% incline") == [
        "about", "1.5", "miles", "per", "hour", "2", "percent", "incline"]


def test_matching_counts_words_in_order() -> None:
    said = listen.words("Chest lifted, shoulders soft.")
    assert listen.matched(said, listen.words("just lift it shoulder soft")) == 1
    assert listen.matched(said, listen.words("soft shoulders lifted chest")) == 1
    assert listen.matched(said, listen.words("chest lifted shoulders soft")) == 4


# --- four default walks ----------------------------------------------------------------------

def test_every_time_cue_number_is_heard(heard: dict[str, list[listen.HeardCue]]) -> None:
    """Each "N minutes left", "One minute left", "Thirty seconds left" and "Halfway there"
    (alone or joined) is heard with its numbers, in order, and "halfway" where it is said."""
    cues = [c for c in _all(heard) if c.cue["kind"] == "time" and len(c.said) > 1]
    assert len(cues) >= 4 * 4  # at least halfway, 2 minutes, one minute, thirty seconds each
    assert sum(bool(listen.numbers(c.said)) for c in cues) >= 4 * 3
    missed = [c for c in cues if not c.numbers_heard
              or ("halfway" in c.said and "halfway" not in c.heard)]
    assert not missed, _said_and_heard(missed)


def test_every_countdown_number_is_heard(heard: dict[str, list[listen.HeardCue]]) -> None:
    """"Five" to "One" before "Stop", each heard as that number and nothing else."""
    for name, cues in heard.items():
        countdown = [c for c in cues if c.cue["kind"] == "time" and len(c.said) == 1]
        assert [c.said for c in countdown] == [["5"], ["4"], ["3"], ["2"], ["1"]], name
        missed = [c for c in countdown if c.heard != c.said]
        assert not missed, (name, _said_and_heard(missed))


def test_stop_is_heard(heard: dict[str, list[listen.HeardCue]]) -> None:
    stops = [c for c in _all(heard) if c.cue["kind"] == "stop"]
    assert len(stops) == len(WALKS)
    assert all("stop" in c.heard for c in stops), _said_and_heard(stops)


def test_nearly_every_word_is_heard(heard: dict[str, list[listen.HeardCue]]) -> None:
    """At least 97% of all the words of the four walks (every cue: intro, safety, setup,
    technique, time, cool-down), found in order in what is heard of their own cue."""
    cues = _all(heard)
    share = listen.word_share(cues)
    worst = sorted(cues, key=lambda c: c.matched / len(c.said))[:12]
    assert share >= WORDS_HEARD, (f"{share:.1%} of words heard", _said_and_heard(worst))


def test_the_checks_can_fail(heard: dict[str, list[listen.HeardCue]]) -> None:
    """Judged against the next cue's words (a cue sheet off by one cue), few words and no
    countdown numbers are heard: the checks tell the cues apart."""
    for cues in heard.values():
        shifted = [listen.HeardCue(cue=a.cue, said=b.said, heard_text=a.heard_text)
                   for a, b in zip(cues, cues[1:], strict=False)]
        assert listen.word_share(shifted) < 0.3
        countdown = [c for c in shifted if c.cue["kind"] == "time" and len(c.said) == 1]
        assert not any(c.heard == c.said for c in countdown)


# --- every time cue a walk can say -----------------------------------------------------------

def time_cues() -> dict[str, str]:
    """Every phrase with a time in it that a walk of 1 to 60 minutes can say, and where.

    A continuous walk of every whole minute (cues that share a moment are joined: "Halfway
    there. 4 minutes left." in an 8-minute walk, "Thirty seconds left. Halfway there." in a
    1-minute one; other lengths join nothing new), "Stop."; a part of every whole minute
    before a change (the heads-up, "N minutes, then we switch", the countdown into it), and
    the sentence that tells, as a recovery begins, every whole number of minutes to go in all
    (1 to 59: a recovery never opens a walk).
    """
    phrases: dict[str, str] = {}
    for minutes in range(1, 61):
        spec = session.make_spec(minutes=minutes, setting="floor")
        for anchor in anchors(spec, parts(spec)):
            phrases.setdefault(anchor.text, f"a {minutes}-minute walk")
        phrases.setdefault(spec.template.time.stop, "every walk")
    for minutes in range(1, 60):
        spec = session.make_spec(intervals=f"1x{minutes}:00/1:00", setting="floor")
        for anchor in anchors(spec, parts(spec)):
            phrases.setdefault(anchor.text, f"a part of {minutes} minutes before a change")
        # Two 20-second rounds, then a cool-down: the first recovery opens with N minutes
        # of the walk to go. Only that sentence is spoken: the voice says each sentence of a
        # phrase on its own (the line to turn around before it is heard above).
        rest = minutes * 60 - 40
        spec = session.make_spec(intervals="2x20/20", cooldown=f"{rest // 60}:{rest % 60:02d}",
                                 setting="floor")
        all_parts = parts(spec)
        said = spec.template.blocks.time_left.format(
            duration=format_duration(spec.walk_ms - all_parts[1].start_ms))
        assert said in opening(spec, all_parts, 1)
        phrases.setdefault(said, f"{minutes} minutes to go in all")
        phrases.setdefault(opening(spec, all_parts, 1).replace(said, "").strip(), "a recovery")
    return phrases


def test_the_list_of_time_cues_is_whole() -> None:
    """Every minute from 1 to 59 is said as time to go, 2 to 5 as minutes left, and the
    joined phrases are there."""
    phrases = time_cues()
    for n in range(1, 60):
        unit = "minute" if n == 1 else "minutes"
        assert sum(re.search(rf"(?<!\d){n} {unit} to go in all\.$", p) is not None
                   for p in phrases) == 1, n
    said = {tuple(listen.words(p)) for p in phrases}
    for n in range(2, 6):
        assert any(str(n) in s and s[-1] == "left" for s in said), n
    assert sum("halfway" in s and len(listen.numbers(s)) == 1 for s in said) >= 5


@pytest.fixture(scope="module")
def heard_time_cues(listener: listen.Listener, speaker: Speaker) -> list[tuple[str, list[str],
                                                                                str]]:
    """Each time cue spoken once by the neural voice (through the phrase cache), with
    200 ms of silence either side, and what is heard: (phrase, its words, heard)."""
    from scipy.signal import resample_poly

    pad = np.zeros(listen.PAD_MS * listen.RATE // 1000, dtype=np.float32)
    out = []
    phrases = list(time_cues())
    clips = speaker.clips(phrases)
    for text in phrases:
        samples = resample_poly(clips[text], listen.RATE, SAMPLE_RATE).astype(np.float32)
        out.append((text, listen.words(speaker.spoken(text)),
                    listener.hear(np.concatenate([pad, samples, pad]))))
    return out


def test_every_time_cue_is_heard_with_its_number(
        heard_time_cues: list[tuple[str, list[str], str]]) -> None:
    """Each phrase's numbers are heard as those numbers, in order, and "halfway" where it is
    said."""
    missed = [(text, heard) for text, said, heard in heard_time_cues
              if listen.numbers(listen.words(heard)) != listen.numbers(said)
              or ("halfway" in said and "halfway" not in listen.words(heard))]
    assert not missed, missed
