"""The planner on sessions in parts: openings exactly on their boundaries, nothing overlapping,
the walk the sum of its parts, technique cues from each part's own exercise."""

from __future__ import annotations

import dataclasses
import functools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.build.session import make_spec
from walkcoach.content import find_exercise
from walkcoach.errors import ContentError, InputError
from walkcoach.plan import planner
from walkcoach.plan.anchors import opening, parts
from walkcoach.plan.blocks import interval_blocks, parse_intervals, with_kinds
from walkcoach.plan.model import Block, CueGroup, Exercise, SessionSpec, Source, Timeline


@functools.cache
def _backwards() -> Exercise:
    return find_exercise("walking-backwards")


@functools.cache
def _recovery() -> Exercise:
    """A recovery exercise of the test's own, with technique lines no other exercise has."""
    ex = _backwards()
    return dataclasses.replace(
        ex, name="test-recovery", title="Test recovery", role="recovery",
        switch="Turn around and walk forward, easy.",
        technique=(CueGroup(name="breath", lines=("Breathe out slowly.", "Let the breath go.")),
                   CueGroup(name="shoulders", lines=("Drop your shoulders.",))),
        settings={name: dataclasses.replace(spec, technique=(), switch=None)
                  for name, spec in ex.settings.items()},
        levels={name: dataclasses.replace(spec, technique=())
                for name, spec in ex.levels.items()})


@functools.cache
def _base(setting: str) -> SessionSpec:
    return make_spec(minutes=8, setting=setting)


def _spec(blocks: tuple[Block, ...], setting: str = "treadmill", **changes: object
          ) -> SessionSpec:
    return dataclasses.replace(_base(setting), blocks=blocks,  # type: ignore[arg-type]
                               walk_ms=sum(b.duration_ms for b in blocks), **changes)


def _lengths(spec: SessionSpec, seed: int, longest: int = 6000) -> dict[str, int]:
    short = set(spec.template.time.countdown) | set(spec.template.blocks.countdown)
    out = {}
    for text in planner.candidate_phrases(spec):
        rng = random.Random(f"{seed}|{text}")
        out[text] = rng.randint(150, 700) if text in short else rng.randint(300, longest)
    return out


def _groups_of(exercise: Exercise, spec: SessionSpec, level: str) -> set[str]:
    lines = {line for group in exercise.technique for line in group.lines}
    lines |= {line for group in exercise.settings[spec.setting].technique for line in group.lines}
    lines |= {line for group in exercise.levels[level].technique  # type: ignore[index]
              for line in group.lines}
    return lines


def _check(spec: SessionSpec, timeline: Timeline, lengths: dict[str, int]) -> None:
    walk_start = timeline.walk_start_ms
    # The walk is the sum of its parts, and the parts lie end to end.
    assert timeline.walk_end_ms - walk_start == sum(b.duration_ms for b in spec.blocks)
    assert [b.start_ms for b in timeline.blocks][0] == walk_start
    assert timeline.blocks[-1].end_ms == timeline.walk_end_ms
    for before, after in zip(timeline.blocks, timeline.blocks[1:], strict=False):
        assert before.end_ms == after.start_ms
    # Every part opens exactly on its boundary (to the millisecond), with the opening cue.
    openings = [c for c in timeline.cues if c.kind in ("start", "switch")]
    assert [c.start_ms for c in openings] == [b.start_ms for b in timeline.blocks]
    assert [c.block for c in openings] == list(range(len(timeline.blocks)))
    stop = next(c for c in timeline.cues if c.kind == "stop")
    assert stop.start_ms == timeline.walk_end_ms
    # Nothing overlaps, and every cue is as long as its phrase.
    ordered = sorted(timeline.cues, key=lambda c: c.start_ms)
    for before, after in zip(ordered, ordered[1:], strict=False):
        assert before.end_ms <= after.start_ms, (before, after)
    for cue in timeline.cues:
        assert cue.end_ms - cue.start_ms == lengths[cue.text]
    # Time cues start on their moment, inside their part; each walk cue ends in its part.
    for cue in timeline.cues:
        if cue.phase != "walk":
            continue
        part = timeline.blocks[cue.block]  # type: ignore[index]
        assert part.start_ms <= cue.start_ms and cue.end_ms <= part.end_ms, (cue, part)
        if cue.kind == "time":
            assert cue.start_ms == walk_start + cue.anchor_ms  # type: ignore[operator]
        if cue.kind == "technique":
            block = spec.blocks[cue.block]  # type: ignore[index]
            following = spec.blocks[cue.block + 1:cue.block + 2]  # type: ignore[operator]
            if following and following[0].exercise.name != block.exercise.name:
                # The last seconds before a change are the heads-up's and the countdown's.
                assert cue.end_ms <= part.end_ms - spec.template.blocks.heads_up_s * 1000
            allowed = _groups_of(block.exercise, spec, block.level or spec.level)
            allowed |= set(block.cues)
            if block.exercise.name == spec.exercise.name:
                allowed |= set(spec.extra_cues)
            assert cue.text in allowed, (cue.text, block.exercise.name)


_DURATIONS = st.integers(min_value=10, max_value=300).map(lambda s: s * 1000)


@st.composite
def _block_lists(draw: st.DrawFn) -> tuple[Block, ...]:
    out: list[Block] = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if draw(st.booleans()):
            rounds = draw(st.integers(min_value=1, max_value=6))
            work, rest = draw(_DURATIONS), draw(_DURATIONS)
            for number in range(1, rounds + 1):
                out.append(Block(kind="work", exercise=_backwards(), duration_ms=work,
                                 round=number, rounds=rounds))
                out.append(Block(kind="recovery", exercise=_recovery(), duration_ms=rest,
                                 round=number, rounds=rounds))
        else:
            exercise = draw(st.sampled_from([_backwards(), _recovery()]))
            out.append(Block(kind="work", exercise=exercise, duration_ms=draw(_DURATIONS),
                             level=draw(st.sampled_from([None, "advanced"])),
                             speed_mph=draw(st.sampled_from([None, 0.8])),
                             cues=draw(st.sampled_from([(), ("Own line for this part.",)]))))
    return with_kinds(out)


_ANCHORED = ("start", "switch", "time", "stop")


def _check_chimes(spec: SessionSpec, timeline: Timeline, without: Timeline) -> None:
    """The chime rules (walkcoach.plan.planner): each chime ends CHIME_GAP_MS before its cue and
    starts CHIME_CLEAR_MS or more after the speech before it; nothing overlaps; anchored cues
    are exactly where they are without chimes; a chime is left out only for want of room (or
    after a countdown's first number); technique cues keep clear of chimes."""
    assert without.sounds == ()
    anchored = [c for c in timeline.cues if c.kind in _ANCHORED or c.phase != "walk"]
    assert anchored == [c for c in without.cues if c.kind in _ANCHORED or c.phase != "walk"]
    assert timeline.dropped == without.dropped
    sounds = list(timeline.sounds)
    assert sounds == sorted(sounds, key=lambda s: s.start_ms)
    for before, after in zip(sounds, sounds[1:], strict=False):
        assert before.end_ms <= after.start_ms
    by_end = {s.end_ms + planner.CHIME_GAP_MS: s for s in sounds}
    assert len(by_end) == len(sounds)
    fixed = [c for c in timeline.cues if c.kind != "technique"]  # placed before the chimes
    previous_anchor: int | None = None
    for cue in sorted((c for c in fixed if c.kind in _ANCHORED), key=lambda c: c.start_ms):
        sound = by_end.pop(cue.start_ms, None)
        ended = max((c.end_ms for c in fixed if c.end_ms <= cue.start_ms), default=0)
        needed = planner.CHIME_MS[cue.kind] + planner.CHIME_GAP_MS + planner.CHIME_CLEAR_MS
        in_run = (cue.kind == "time" and previous_anchor is not None
                  and cue.start_ms - previous_anchor < planner.CHIME_RUN_MS)
        previous_anchor = cue.start_ms
        assert (sound is not None) == (not in_run and cue.start_ms - ended >= needed), (
            cue, sound, ended)
        if sound is not None:
            assert sound.kind == cue.kind
            assert sound.end_ms - sound.start_ms == planner.CHIME_MS[cue.kind]
            assert ended + planner.CHIME_CLEAR_MS <= sound.start_ms
    assert not by_end  # every chime belongs to an anchored cue
    gap = max(spec.template.pauses.between_phases, spec.template.pauses.min_gap)
    for cue in timeline.cues:  # no speech at all overlaps a chime
        for sound in sounds:
            assert cue.end_ms <= sound.start_ms or sound.end_ms <= cue.start_ms, (cue, sound)
            if cue.kind == "technique":
                assert cue.end_ms + gap <= sound.start_ms or sound.end_ms + gap <= cue.start_ms


@settings(max_examples=120, deadline=None)
@given(blocks=_block_lists(), seed=st.integers(0, 10_000),
       setting=st.sampled_from(["floor", "treadmill"]))
def test_random_block_lists_keep_every_rule(blocks: tuple[Block, ...], seed: int,
                                            setting: str) -> None:
    spec = _spec(blocks, setting, seed=seed, extra_cues=("A line for this week.",))
    lengths = _lengths(spec, seed, longest=4000)
    timeline = planner.plan(spec, lengths)
    _check(spec, timeline, lengths)
    assert spec.chimes
    without = planner.plan(dataclasses.replace(spec, chimes=False), lengths)
    _check(spec, without, lengths)
    _check_chimes(spec, timeline, without)


@settings(max_examples=60, deadline=None)
@given(blocks=_block_lists(), seed=st.integers(0, 10_000))
def test_a_part_too_short_for_its_opening_is_refused_with_its_place(
        blocks: tuple[Block, ...], seed: int) -> None:
    source = Source(path=Path("week.yaml"), line=7, key="weeks[0].blocks[1]")
    blocks = tuple(dataclasses.replace(b, source=source) for b in blocks)
    spec = _spec(blocks, seed=seed)
    lengths = _lengths(spec, seed, longest=14_000)  # openings may outlast a 10 s part
    gap = spec.template.pauses.min_gap
    short = [p for p in parts(spec)
             if p.length_ms < lengths[_opening(spec, p.index)] + gap]
    if short:
        with pytest.raises(ContentError) as caught:
            planner.plan(spec, lengths)
        message = str(caught.value)
        assert message.startswith("week.yaml:7: weeks[0].blocks[1]: a part of ")
        assert f"{short[0].length_ms / 1000:g} s is too short" in message
        assert "\n" not in message
    else:
        _check(spec, planner.plan(spec, lengths), lengths)


def _opening(spec: SessionSpec, index: int) -> str:
    return opening(spec, parts(spec), index)


def test_a_part_made_on_the_command_line_too_short_is_an_input_error() -> None:
    blocks = with_kinds([Block(kind="work", exercise=_backwards(), duration_ms=60_000),
                         Block(kind="work", exercise=_recovery(), duration_ms=10_000),
                         Block(kind="work", exercise=_backwards(), duration_ms=60_000)])
    spec = _spec(blocks)
    lengths = dict.fromkeys(planner.candidate_phrases(spec), 11_000)
    with pytest.raises(InputError, match=r"^a part of 10 s is too short"):
        planner.plan(spec, lengths)


def test_one_block_plans_exactly_as_a_continuous_walk() -> None:
    continuous = dataclasses.replace(_base("floor"), walk_ms=7 * 60_000, seed=3,
                                     extra_cues=("Extra line.",))
    one = dataclasses.replace(continuous, blocks=(
        Block(kind="work", exercise=continuous.exercise, duration_ms=7 * 60_000),))
    lengths = _lengths(continuous, 1)
    assert planner.candidate_phrases(one) == planner.candidate_phrases(continuous)
    a, b = planner.plan(continuous, lengths), planner.plan(one, lengths)
    assert a.cues == b.cues and a.duration_ms == b.duration_ms and a.dropped == b.dropped
    assert len(a.blocks) == 1 and a.chapters() == b.chapters()
    assert [c.title for c in a.chapters()] == ["Introduction", "Safety", "Setup", "Walk",
                                               "Cool-down"]


def _intervals(text: str = "6x1:00/1:00", warmup: int = 120_000,
               cooldown: int = 120_000) -> tuple[Block, ...]:
    return interval_blocks(_backwards(), _recovery(), parse_intervals(text),
                           warmup_ms=warmup, cooldown_ms=cooldown)


def test_rounds_and_time_left_are_said_at_the_changes() -> None:
    spec = _spec(_intervals())
    timeline = planner.plan(spec, _lengths(spec, 2, longest=3000))
    openings = [c.text for c in timeline.cues if c.kind in ("start", "switch")]
    words = spec.template.blocks
    assert len(openings) == 13  # warm-up, 6 work, 5 recoveries, cool-down
    assert openings[1].endswith("Round 1 of 6.") and "Turn around" not in openings[1]
    assert openings[1].startswith(_backwards().switch_text("treadmill"))
    assert openings[2].startswith("Turn around and walk forward, easy.")
    assert openings[2].endswith("12 minutes to go in all.")  # 15 min walk, at 3:00
    assert openings[11].endswith(words.last_round)
    assert "to go in all" not in openings[12]  # the cool-down counts down as the walk ends
    heads_up = [c for c in timeline.cues if c.text == words.heads_up]
    assert len(heads_up) == 12  # before every change
    for cue in heads_up:
        part = timeline.blocks[cue.block]  # type: ignore[index]
        assert cue.start_ms == part.end_ms - words.heads_up_s * 1000


def test_technique_cues_follow_the_part() -> None:
    spec = _spec(_intervals("4x2:00/2:00", warmup=0, cooldown=0))
    timeline = planner.plan(spec, _lengths(spec, 5, longest=2500))
    recovery_lines = _groups_of(_recovery(), spec, "beginner")
    by_kind: dict[str, set[str]] = {"work": set(), "recovery": set(), "cooldown": set()}
    for cue in timeline.cues:
        if cue.kind == "technique":
            by_kind[timeline.blocks[cue.block].kind].add(cue.text)  # type: ignore[index]
    assert timeline.blocks[-1].kind == "cooldown"  # the last recovery ends the walk
    assert by_kind["recovery"] and by_kind["recovery"] <= recovery_lines
    assert by_kind["cooldown"] <= recovery_lines
    assert by_kind["work"] and not by_kind["work"] & recovery_lines


def test_same_exercise_parts_keep_going_without_a_heads_up() -> None:
    blocks = interval_blocks(_backwards(), _recovery(), parse_intervals("4x1:00"))
    spec = _spec(blocks)
    timeline = planner.plan(spec, _lengths(spec, 3, longest=2500))
    switches = [c.text for c in timeline.cues if c.kind == "switch"]
    words = spec.template.blocks
    assert switches == [f"{words.keep_going} Round 2 of 4.", f"{words.keep_going} Round 3 of 4.",
                        f"{words.keep_going} {words.last_round}"]
    assert words.heads_up not in [c.text for c in timeline.cues]


def test_a_new_speed_is_said_on_a_treadmill_only() -> None:
    blocks = with_kinds([Block(kind="work", exercise=_backwards(), duration_ms=60_000),
                         Block(kind="work", exercise=_backwards(), duration_ms=60_000,
                               speed_mph=1.5, incline_percent=2)])
    for setting, said in (("treadmill", True), ("floor", False)):
        spec = _spec(blocks, setting)
        timeline = planner.plan(spec, _lengths(spec, 4, longest=2500))
        switch = next(c.text for c in timeline.cues if c.kind == "switch")
        assert ("1.5 mph" in switch and "2%" in switch) is said, switch
        assert timeline.blocks[1].speed_mph == (1.5 if said else None)


def test_the_cool_down_after_stop_is_the_last_parts() -> None:
    spec = _spec(_intervals("2x1:00/1:00", warmup=0, cooldown=60_000))
    last = _recovery()
    timeline = planner.plan(spec, _lengths(spec, 6, longest=2500))
    outro = [c.text for c in timeline.cues if c.kind == "outro"]
    assert outro[1:1 + len(last.settings["treadmill"].cooldown)] == list(
        last.settings["treadmill"].cooldown)
    chapters = [c.title for c in timeline.chapters()]
    assert chapters[3:] == ["Round 1 of 2: Walking backwards", "Recovery: Test recovery",
                            "Round 2 of 2: Walking backwards", "Cool-down walk: Test recovery",
                            "Cool-down"]


def test_after_a_rest_the_walk_starts_again_without_turning() -> None:
    """Back from standing on the side rails, the walker steps on as at the start: the
    exercise's start line, never "turn around" (which would face them the wrong way)."""
    rest = find_exercise("standing-rest")
    blocks = interval_blocks(_backwards(), rest, parse_intervals("3x1:00/0:30"))
    spec = _spec(blocks, "treadmill")
    timeline = planner.plan(spec, _lengths(spec, 7, longest=2500))
    switches = [c.text for c in timeline.cues if c.kind == "switch"]
    after_rest = switches[1::2]
    assert after_rest and all(text.startswith(str(_backwards().start)) for text in after_rest)
    assert not any("turn" in text.lower() for text in after_rest)
    assert all(text.startswith(rest.switch_text("treadmill")) for text in switches[0::2])
    safety = [c.text for c in timeline.cues if c.phase == "safety"]
    assert set(rest.settings["treadmill"].safety) <= set(safety)  # the side rails' own line


def test_no_switch_is_announced_where_the_exercise_goes_on() -> None:
    spec = _spec(interval_blocks(_backwards(), _recovery(), parse_intervals("2x3:00")),
                 "floor")
    timeline = planner.plan(spec, _lengths(spec, 8, longest=2500))
    said = [c.text for c in timeline.cues]
    words = spec.template.blocks
    assert words.one_minute_left not in said and words.minutes_left.format(n=2) not in said
    assert words.halfway in said  # a 3-minute part still hears its halfway
