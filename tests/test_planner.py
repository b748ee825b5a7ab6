"""Tests for the planner: SessionSpec + phrase lengths -> Timeline. Pure, so tested hard."""

from __future__ import annotations

import dataclasses
import functools
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.build.session import make_spec
from walkcoach.content import TEMPLATES_DIR, load_program
from walkcoach.plan import planner
from walkcoach.plan.model import LEVELS, SETTINGS, Cue, SessionSpec, Timeline

ANCHORED = ("start", "time", "stop")


@functools.cache
def _base(level: str, setting: str) -> SessionSpec:
    """One spec per level and setting, loaded once; examples vary it with dataclasses.replace."""
    return make_spec(level=level, setting=setting, minutes=8)


def _spec(level: str = "beginner", setting: str = "treadmill", *, walk_ms: int = 480_000,
          client: str | None = None, seed: int = 0, **changes: object) -> SessionSpec:
    return dataclasses.replace(_base(level, setting), walk_ms=walk_ms, client=client, seed=seed,
                               **changes)  # type: ignore[arg-type]


def _random_lengths(spec: SessionSpec, seed: int) -> dict[str, int]:
    """A spoken length for every candidate phrase, seeded per phrase (countdown words short)."""
    short = set(spec.template.time.countdown)
    lengths = {}
    for text in planner.candidate_phrases(spec):
        rng = random.Random(f"{seed}|{text}")
        lengths[text] = rng.randint(150, 1500) if text in short else rng.randint(300, 6000)
    return lengths


def _lengths(spec: SessionSpec, default: int = 1500, **by_text: int) -> dict[str, int]:
    """Every candidate phrase ``default`` ms long, except those given."""
    lengths = dict.fromkeys(planner.candidate_phrases(spec), default)
    lengths.update(by_text)
    return lengths


def _countdown_lengths(spec: SessionSpec, length: int, default: int = 1500) -> dict[str, int]:
    lengths = _lengths(spec, default)
    lengths.update(dict.fromkeys(spec.template.time.countdown, length))
    return lengths


def _texts(timeline: Timeline) -> list[str]:
    return [cue.text for cue in timeline.cues]


def _walk_cues(timeline: Timeline) -> list[Cue]:
    """The cues on the walk track: start, time and technique cues, and "stop"."""
    return [c for c in timeline.cues if c.phase == "walk" or c.kind == "stop"]


def _expected_moments(walk_ms: int, countdown: int) -> set[int]:
    """The walk times of the time cues, from the planner's documented rules."""
    moments = {walk_ms // 2, walk_ms - 60_000, walk_ms - 30_000}
    moments |= {walk_ms - n * 60_000 for n in range(2, 6)}
    moments |= {walk_ms - k * 1000 for k in range(1, countdown + 1)}
    return {m for m in moments if 0 < m < walk_ms}


# --- properties -----------------------------------------------------------------------------

@settings(deadline=None, max_examples=150)
@given(
    seconds=st.integers(min_value=60, max_value=3600),
    level=st.sampled_from(LEVELS),
    setting=st.sampled_from(SETTINGS),
    client=st.one_of(st.none(), st.sampled_from(["Sam", "Dr. Maria Lopez"])),
    seed=st.integers(min_value=0, max_value=2**32),
    length_seed=st.integers(min_value=0, max_value=2**32),
)
def test_plan_properties(seconds: int, level: str, setting: str, client: str | None,
                         seed: int, length_seed: int) -> None:
    """Any walk length, level, setting and phrase lengths give a consistent, tight plan."""
    spec = _spec(level, setting, walk_ms=seconds * 1000, client=client, seed=seed)
    lengths = _random_lengths(spec, length_seed)
    timeline = planner.plan(spec, lengths)
    pauses = spec.template.pauses
    cues = timeline.cues

    # Deterministic, and only phrases the caller was asked to measure.
    assert planner.plan(spec, dict(lengths)) == timeline
    candidates = set(planner.candidate_phrases(spec))
    assert {c.text for c in cues} <= candidates

    # Each cue lasts exactly as long as its phrase, and the track holds every cue.
    for cue in cues:
        assert cue.end_ms - cue.start_ms == lengths[cue.text]
        assert 0 <= cue.start_ms and cue.end_ms <= timeline.duration_ms

    # No overlaps anywhere; on the walk track, at least min_gap between neighbours.
    ordered = sorted(cues, key=lambda c: c.start_ms)
    for a, b in zip(ordered, ordered[1:], strict=False):
        assert a.end_ms <= b.start_ms, (a, b)
    walk = sorted(_walk_cues(timeline), key=lambda c: c.start_ms)
    for a, b in zip(walk, walk[1:], strict=False):
        assert b.start_ms - a.end_ms >= pauses.min_gap, (a, b)

    # The walk is exactly as long as asked, and starts and stops on the dot.
    assert timeline.walk_end_ms - timeline.walk_start_ms == seconds * 1000
    starts = [c for c in cues if c.kind == "start"]
    stops = [c for c in cues if c.kind == "stop"]
    assert [c.start_ms for c in starts] == [timeline.walk_start_ms]
    assert [c.start_ms for c in stops] == [timeline.walk_end_ms]
    assert starts[0].text == planner.start_text(spec)
    assert stops[0].text == spec.template.time.stop

    # Anchored time cues land exactly on their moment, inside the walk, clear of "stop".
    time_cues = [c for c in cues if c.kind == "time"]
    for cue in time_cues:
        assert cue.anchor_ms is not None
        assert cue.start_ms == timeline.walk_start_ms + cue.anchor_ms
        assert 0 < cue.anchor_ms < spec.walk_ms
        assert cue.end_ms + pauses.min_gap <= timeline.walk_end_ms

    # Every moment is either said or reported as dropped, never both, never twice.
    placed = [c.anchor_ms for c in time_cues]
    dropped = [d.anchor_ms for d in timeline.dropped]
    assert len(set(placed)) == len(placed) and len(set(dropped)) == len(dropped)
    assert set(placed).isdisjoint(dropped)
    assert set(placed) | set(dropped) == _expected_moments(
        spec.walk_ms, len(spec.template.time.countdown))

    # A cue is dropped only when it really does not fit around the anchored cues.
    anchored = [c for c in cues if c.kind in ANCHORED]
    for drop in timeline.dropped:
        at = timeline.walk_start_ms + drop.anchor_ms
        end = at + lengths[drop.text]
        too_late = end + pauses.min_gap > timeline.walk_end_ms
        clash = any(not (end + pauses.min_gap <= c.start_ms or at >= c.end_ms + pauses.min_gap)
                    for c in anchored)
        assert too_late or clash, drop

    # Technique cues stay inside the walk, a phase pause clear of their neighbours.
    gap = max(pauses.between_phases, pauses.min_gap)
    for index, cue in enumerate(walk):
        if cue.kind != "technique":
            continue
        assert timeline.walk_start_ms < cue.start_ms and cue.end_ms < timeline.walk_end_ms
        if index > 0:
            assert cue.start_ms - walk[index - 1].end_ms >= gap
        if index + 1 < len(walk):
            assert walk[index + 1].start_ms - cue.end_ms >= gap

    # Within each group, no line comes back before the whole group has been said.
    groups = {g.name: set(g.lines) for g in planner.technique_groups(spec)}
    said: dict[str, list[str]] = {}
    for cue in cues:
        if cue.kind == "technique":
            assert cue.group in groups and cue.text in groups[cue.group]
            said.setdefault(cue.group, []).append(cue.text)
    for name, sequence in said.items():
        size = len(groups[name])
        for start in range(0, len(sequence), size):
            block = sequence[start:start + size]
            assert len(set(block)) == len(block), (name, sequence)
        for first, second in zip(sequence, sequence[1:], strict=False):
            assert size == 1 or first != second, (name, sequence)


@settings(deadline=None, max_examples=50)
@given(seconds=st.integers(min_value=60, max_value=3600))
def test_make_spec_fractional_minutes(seconds: int) -> None:
    """Minutes with fractions become the exact walk length in milliseconds."""
    spec = make_spec(exercise=_base("beginner", "floor").exercise, level="beginner",
                     setting="floor", minutes=seconds / 60)
    assert spec.walk_ms == seconds * 1000
    timeline = planner.plan(spec, _lengths(spec))
    assert timeline.walk_end_ms - timeline.walk_start_ms == seconds * 1000


# --- time cues ------------------------------------------------------------------------------

def test_halfway_merges_with_five_minutes_left() -> None:
    """In a 10-minute walk, halfway and "5 minutes left" share 5:00 and are said as one cue."""
    spec = _spec(walk_ms=600_000)
    timeline = planner.plan(spec, _countdown_lengths(spec, 500))
    words = spec.template.time
    at_five = [c for c in timeline.cues if c.anchor_ms == 300_000]
    assert len(at_five) == 1
    assert at_five[0].kind == "time"
    assert words.halfway in at_five[0].text
    assert words.minutes_left.format(n=5) in at_five[0].text
    # Neither half is also said on its own.
    texts = _texts(timeline)
    assert words.halfway not in texts and words.minutes_left.format(n=5) not in texts
    assert not timeline.dropped


def test_seven_and_a_half_minute_walk_time_cues() -> None:
    """A 7.5-minute walk says every time cue at its hand-computed moment, then stops."""
    spec = _spec(walk_ms=450_000)
    timeline = planner.plan(spec, _countdown_lengths(spec, 500))
    words = spec.template.time
    expected = {
        150_000: words.minutes_left.format(n=5),
        210_000: words.minutes_left.format(n=4),
        225_000: words.halfway,
        270_000: words.minutes_left.format(n=3),
        330_000: words.minutes_left.format(n=2),
        390_000: words.one_minute_left,
        420_000: words.thirty_seconds,
        445_000: words.countdown[0],
        446_000: words.countdown[1],
        447_000: words.countdown[2],
        448_000: words.countdown[3],
        449_000: words.countdown[4],
    }
    time_cues = {c.anchor_ms: c.text for c in timeline.cues if c.kind == "time"}
    assert time_cues == expected
    assert "You have 5 minutes left." in time_cues.values()
    stop = next(c for c in timeline.cues if c.kind == "stop")
    assert stop.start_ms - timeline.walk_start_ms == 450_000
    assert not timeline.dropped


def test_one_minute_walk_has_no_minute_cues() -> None:
    """A 1-minute walk has no "N minutes left" and no "one minute left" (it is the start)."""
    spec = _spec(walk_ms=60_000)
    timeline = planner.plan(spec, _countdown_lengths(spec, 500))
    words = spec.template.time
    texts = " ".join(_texts(timeline))
    for n in range(2, 6):
        assert words.minutes_left.format(n=n) not in texts
    assert words.one_minute_left not in texts
    assert words.thirty_seconds in texts
    assert all(word in texts for word in words.countdown)
    assert not any(d.text == words.one_minute_left for d in timeline.dropped)


def test_long_countdown_words_are_dropped_not_moved() -> None:
    """Countdown words longer than a second cannot all fit: some are dropped and reported.

    Placed last number first with min_gap 250 ms: "One." (1 s before the end) would run into
    "Stop."; "Two." fits; "Three." would run into "Two."; "Four." fits; "Five." would run into
    "Four.".
    """
    spec = _spec(walk_ms=300_000)
    assert spec.template.pauses.min_gap == 250
    timeline = planner.plan(spec, _countdown_lengths(spec, 1500))
    words = spec.template.time
    five, four, three, two, one = words.countdown
    assert {d.text for d in timeline.dropped} == {one, three, five}
    assert all(d.reason for d in timeline.dropped)
    placed = {c.text: c for c in timeline.cues if c.kind == "time"}
    assert one not in placed and three not in placed and five not in placed
    assert placed[two].start_ms == timeline.walk_start_ms + 300_000 - 2000
    assert placed[four].start_ms == timeline.walk_start_ms + 300_000 - 4000
    for cue in timeline.cues:
        if cue.kind == "time":
            assert cue.anchor_ms is not None
            assert cue.start_ms == timeline.walk_start_ms + cue.anchor_ms


def test_short_countdown_words_are_all_said() -> None:
    """The same walk with short countdown words drops nothing."""
    spec = _spec(walk_ms=300_000)
    timeline = planner.plan(spec, _countdown_lengths(spec, 600))
    assert not timeline.dropped
    texts = _texts(timeline)
    assert all(word in texts for word in spec.template.time.countdown)


# --- technique cues -------------------------------------------------------------------------

@pytest.mark.parametrize("setting", SETTINGS)
def test_beginner_gets_more_technique_cues_than_advanced(setting: str) -> None:
    """A shorter cue interval (beginner) means more technique cues in the same walk."""
    beginner, advanced = _spec("beginner", setting), _spec("advanced", setting)
    assert beginner.level_spec.cue_interval_s < advanced.level_spec.cue_interval_s

    def count(spec: SessionSpec) -> int:
        spec = dataclasses.replace(spec, walk_ms=20 * 60_000)
        timeline = planner.plan(spec, _lengths(spec, 2000))
        return sum(c.kind == "technique" for c in timeline.cues)

    assert count(beginner) > count(advanced) > 0


def test_technique_cues_follow_the_level_interval() -> None:
    """With short phrases every slot is used: one cue per interval, none in the last one."""
    spec = _spec("intermediate", "floor", walk_ms=10 * 60_000)
    timeline = planner.plan(spec, _countdown_lengths(spec, 400, default=1000))
    interval_ms = int(spec.level_spec.cue_interval_s * 1000)
    technique = [c for c in timeline.cues if c.kind == "technique"]
    # Slots at 1..19 intervals of 30 s inside 10 minutes.
    assert len(technique) == 600_000 // interval_ms - 1
    for cue in technique:
        offset = cue.start_ms - timeline.walk_start_ms
        slot = round(offset / interval_ms)
        assert slot * interval_ms <= offset <= slot * interval_ms + interval_ms // 2


def test_rotation_depends_on_seed() -> None:
    """Different seeds give different technique orders; the same seed the same one."""
    def order(seed: int) -> list[str]:
        spec = _spec(walk_ms=30 * 60_000, seed=seed)
        timeline = planner.plan(spec, _lengths(spec))
        return [c.text for c in timeline.cues if c.kind == "technique"]

    assert order(1) == order(1)
    assert len({tuple(order(seed)) for seed in range(5)}) > 1


def test_extra_cues_join_the_rotation() -> None:
    """A week's extra cues become their own group and are said during the walk."""
    extra = ("Breathe out as you step back.", "Relax your jaw.")
    spec = _spec(walk_ms=20 * 60_000, extra_cues=extra)
    timeline = planner.plan(spec, _lengths(spec))
    said = {c.text for c in timeline.cues if c.group == "this-week"}
    assert said == set(extra)


# --- lines before the walk ------------------------------------------------------------------

def test_client_greeting_only_with_a_client() -> None:
    """A client is greeted by name, first; without one there is no greeting at all."""
    spec = _spec(client="Sam")
    greeting = spec.template.greeting.format(client="Sam")
    timeline = planner.plan(spec, _lengths(spec))
    assert timeline.cues[0].text == greeting
    assert _texts(timeline).count(greeting) == 1

    anonymous = _spec(client=None)
    timeline = planner.plan(anonymous, _lengths(anonymous))
    prefix = spec.template.greeting.split("{")[0]
    assert not any(text.startswith(prefix) for text in _texts(timeline))
    assert greeting not in planner.candidate_phrases(anonymous)


def test_focus_is_said_as_written() -> None:
    """A week's focus is the coach's own words: said once, as written, braces and all."""
    focus = "This week, think {slow} and smooth :}"
    spec = _spec(focus=focus)
    timeline = planner.plan(spec, _lengths(spec))
    focus_cues = [c for c in timeline.cues if c.text == focus]
    assert len(focus_cues) == 1
    assert focus_cues[0].phase == "intro"


@pytest.mark.parametrize("setting", ["floor", "treadmill"])
def test_a_short_intro_for_a_returning_listener(setting: str) -> None:
    """Short: the greeting, the welcome, the week's focus and the client's notes, then the one
    safety line that matters, and straight to the same setup. Full: everything."""
    focus, note = "Just the roll this week.", "Use the wall today."
    full = _spec(setting=setting, client="Sam", focus=focus, client_notes=(note,))
    short = dataclasses.replace(full, intro="short")
    long_texts = _texts(planner.plan(full, _lengths(full)))
    short_plan = planner.plan(short, _lengths(short))
    short_texts = _texts(short_plan)
    ex = full.exercise
    assert short_texts[:4] == [long_texts[0], long_texts[1], focus, note]
    safety = [c.text for c in short_plan.cues if c.phase == "safety"]
    assert safety == [ex.safety_reminder] == ["If anything hurts, stop right away."]
    assert not set(ex.purpose) & set(short_texts) and set(ex.purpose) <= set(long_texts)
    assert not set(full.level_spec.intro) & set(short_texts)
    assert set(ex.safety) <= set(long_texts) and full.template.safety_lead not in short_texts
    setup = [c.text for c in short_plan.cues if c.phase == "setup"]
    assert setup == [c.text for c in planner.plan(full, _lengths(full)).cues
                     if c.phase == "setup"]
    assert short_plan.walk_start_ms < planner.plan(full, _lengths(full)).walk_start_ms - 20_000


def test_welcome_names_the_duration() -> None:
    """The welcome line says the walk length in words."""
    spec = _spec(walk_ms=450_000)
    texts = _texts(planner.plan(spec, _lengths(spec)))
    assert any("7 minutes 30 seconds" in text for text in texts)


def test_treadmill_says_speed_floor_does_not() -> None:
    """Treadmill sessions set the speed (the level's, or an override); floor sessions don't."""
    prefix = _base("beginner", "treadmill").template.treadmill_speed.split("{")[0]

    def speed_lines(spec: SessionSpec) -> list[str]:
        return [t for t in _texts(planner.plan(spec, _lengths(spec))) if t.startswith(prefix)]

    assert speed_lines(_spec("beginner", "treadmill")) == ["Set the treadmill to about 0.5 mph."]
    assert speed_lines(_spec("beginner", "treadmill", speed_mph=2.0)) == [
        "Set the treadmill to about 2 mph."]
    for level in LEVELS:
        assert speed_lines(_spec(level, "floor")) == []


def test_incline_line_only_when_inclined() -> None:
    """The incline line appears on a treadmill with incline > 0, and nowhere else."""
    prefix = _base("advanced", "treadmill").template.treadmill_incline.split("{")[0]

    def incline_lines(spec: SessionSpec) -> list[str]:
        return [t for t in _texts(planner.plan(spec, _lengths(spec))) if t.startswith(prefix)]

    assert _base("advanced", "treadmill").effective_incline_percent > 0
    assert incline_lines(_spec("advanced", "treadmill")) == ["Set the incline to about 5%."]
    assert _base("beginner", "treadmill").effective_incline_percent == 0
    assert incline_lines(_spec("beginner", "treadmill")) == []
    assert incline_lines(_spec("beginner", "treadmill", incline_percent=2.5)) == [
        "Set the incline to about 2.5%."]
    assert incline_lines(_spec("advanced", "treadmill", incline_percent=0.0)) == []
    assert incline_lines(_spec("advanced", "floor")) == []


def test_phases_come_in_order() -> None:
    """Intro, safety and setup come before the walk; the cool-down after "stop"."""
    spec = _spec()
    timeline = planner.plan(spec, _lengths(spec))
    order = ["intro", "safety", "setup", "walk", "cooldown"]
    phases = [order.index(c.phase) for c in timeline.cues]
    assert phases == sorted(phases)
    for cue in timeline.cues:
        if cue.phase in ("intro", "safety", "setup"):
            assert cue.end_ms <= timeline.walk_start_ms
        elif cue.kind == "outro":
            assert cue.start_ms > timeline.walk_end_ms


# --- format_duration ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("walk_ms", "said"),
    [
        (480_000, "8 minutes"),
        (60_000, "1 minute"),
        (450_000, "7 minutes 30 seconds"),
        (61_000, "1 minute 1 second"),
        (122_000, "2 minutes 2 seconds"),
        (30_000, "30 seconds"),
        (1_000, "1 second"),
        (0, "0 seconds"),
        (3_600_000, "60 minutes"),
        (59_600, "1 minute"),
        (90_400, "1 minute 30 seconds"),
    ],
)
def test_format_duration(walk_ms: int, said: str) -> None:
    """Walk lengths are said in whole minutes and seconds, singular where it is one."""
    assert planner.format_duration(walk_ms) == said



# --- what each setting hears ----------------------------------------------------------------

# Words that only make sense in one setting (as word starts: "handrail" also finds "handrails").
ONLY_IN = {
    "treadmill": ("treadmill", "handrail", "rail", "belt", "incline", "uphill", "slope",
                  "safety key", "mph", "step off"),
    "floor": ("floor", "mirror", "clear space", "your space", "wall", "chair"),
}


def _everything_said(spec: SessionSpec) -> list[str]:
    """Every line a session with this spec can say, whatever the walk length."""
    long_walk = spec if spec.blocks else dataclasses.replace(spec, walk_ms=60 * 60_000)
    lines = list(planner.candidate_phrases(long_walk))
    lines += [line for group in planner.technique_groups(spec) for line in group.lines]
    for block in spec.blocks:  # every technique line of every part's exercise
        exercise = block.exercise
        groups = (*exercise.technique, *exercise.settings[spec.setting].technique,
                  *exercise.levels[block.level or spec.level].technique)
        lines += [line for group in groups for line in group.lines]
        lines += [*exercise.settings[spec.setting].cooldown, *exercise.cooldown]
    return lines


def _foreign_words(spec: SessionSpec) -> list[tuple[str, str]]:
    other = next(setting for setting in SETTINGS if setting != spec.setting)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, ONLY_IN[other])) + ")", re.IGNORECASE)
    return [(m[0], line) for line in _everything_said(spec) for m in [pattern.search(line)] if m]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("level", LEVELS)
def test_no_line_belongs_to_the_other_setting(level: str, setting: str) -> None:
    """A floor session never hears of handrails or a treadmill's incline; a treadmill session
    never hears of the floor's clear space or a mirror."""
    assert _foreign_words(_base(level, setting)) == []


@pytest.mark.parametrize("setting", SETTINGS)
def test_shipped_program_weeks_fit_either_setting(setting: str) -> None:
    """A client's setting overrides every week of a program: each week's focus and cues, and
    what its parts' exercises say (the switch lines), must suit it (the shipped program's own
    comment shows a floor client)."""
    program = load_program(TEMPLATES_DIR / "programs" / "walking-backwards-6-weeks.yaml")
    for week in program.weeks:
        spec = make_spec(exercise=program.exercise, level=week.level, setting=setting,
                         minutes=week.minutes, focus=week.focus, speed_mph=week.speed_mph,
                         incline_percent=week.incline_percent, extra_cues=week.cues,
                         blocks=week.blocks)
        assert _foreign_words(spec) == [], week.week


def test_setting_safety_lines_come_with_the_safety_notes() -> None:
    """Each setting's own safety lines are said in the safety phase, after the general ones."""
    for setting in SETTINGS:
        spec = _spec("beginner", setting)
        own = spec.exercise.settings[setting].safety
        assert own
        safety = [c.text for c in planner.plan(spec, _lengths(spec)).cues if c.phase == "safety"]
        assert safety[-len(own):] == list(own)
        other = next(s for s in SETTINGS if s != setting)
        assert not set(spec.exercise.settings[other].safety) & set(safety)
