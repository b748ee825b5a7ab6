"""The data walkcoach works on: frozen, keyword-only dataclasses, times in milliseconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["beginner", "intermediate", "advanced"]
Setting = Literal["floor", "treadmill"]
CueKind = Literal["intro", "safety", "setup", "start", "technique", "time", "stop", "outro"]
Phase = Literal["intro", "safety", "setup", "walk", "cooldown"]
Intro = Literal["full", "short"]

LEVELS: tuple[Level, ...] = ("beginner", "intermediate", "advanced")
INTROS: tuple[Intro, ...] = ("full", "short")
SETTINGS: tuple[Setting, ...] = ("floor", "treadmill")
CUE_KINDS: tuple[CueKind, ...] = (
    "intro", "safety", "setup", "start", "technique", "time", "stop", "outro",
)


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where a piece of content was read from, for error messages."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)


@dataclass(frozen=True, kw_only=True)
class CueGroup:
    """One technique idea, said several ways so a long walk does not repeat itself."""

    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class LevelSpec:
    """What changes with the level: cue density, treadmill speed and incline, extra cues."""

    cue_interval_s: float
    speed_mph: float
    incline_percent: float
    intro: tuple[str, ...] = ()
    technique: tuple[CueGroup, ...] = ()


@dataclass(frozen=True, kw_only=True)
class SettingSpec:
    """What changes with the setting: safety, setup and cool-down lines, extra technique groups.

    A line that only holds in one setting (handrails on a treadmill, a clear space on the
    floor) belongs here, never in the exercise's lines for every setting.
    """

    safety: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    technique: tuple[CueGroup, ...] = ()
    cooldown: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """An exercise as a coach wrote it: one YAML file under audio_templates/exercises/."""

    name: str
    title: str
    summary: str
    purpose: tuple[str, ...]
    muscles: tuple[str, ...]
    safety: tuple[str, ...]
    safety_reminder: str  # the one safety line a returning listener hears (short intro)
    setup: tuple[str, ...]
    start: str | None
    technique: tuple[CueGroup, ...]
    settings: dict[Setting, SettingSpec] = field(hash=False)
    levels: dict[Level, LevelSpec] = field(hash=False)
    cooldown: tuple[str, ...]
    source: Source


@dataclass(frozen=True, kw_only=True)
class TimeWords:
    """The wording of the anchored time cues."""

    halfway: str
    minutes_left: str
    one_minute_left: str
    thirty_seconds: str
    countdown: tuple[str, ...]
    stop: str


@dataclass(frozen=True, kw_only=True)
class Pauses:
    """Silences of the session template, in milliseconds."""

    lead_in: int
    between_lines: int
    between_phases: int
    before_start: int
    after_stop: int
    tail: int
    min_gap: int


@dataclass(frozen=True, kw_only=True)
class SessionTemplate:
    """The shape of every session: phases, their lead lines and the time-cue wording."""

    greeting: str
    welcome: str
    safety_lead: str
    setup_lead: str
    treadmill_speed: str
    treadmill_incline: str
    ready: str
    start: str
    time: TimeWords
    cooldown_lead: str
    finish: tuple[str, ...]
    pauses: Pauses
    source: Source


@dataclass(frozen=True, kw_only=True)
class SessionSpec:
    """Everything one track is made from, apart from the voice."""

    exercise: Exercise
    template: SessionTemplate
    level: Level
    setting: Setting
    walk_ms: int
    client: str | None = None
    client_notes: tuple[str, ...] = ()  # the coach's words for this client, said as written
    intro: Intro = "full"  # short: for a returning listener (see planner)
    focus: str | None = None
    speed_mph: float | None = None
    incline_percent: float | None = None
    extra_cues: tuple[str, ...] = ()
    seed: int = 0

    @property
    def level_spec(self) -> LevelSpec:
        """The exercise's settings for this session's level."""
        return self.exercise.levels[self.level]

    @property
    def effective_speed_mph(self) -> float:
        """The treadmill speed: the session's override, else the level's."""
        return self.speed_mph if self.speed_mph is not None else self.level_spec.speed_mph

    @property
    def effective_incline_percent(self) -> float:
        """The treadmill incline: the session's override, else the level's."""
        if self.incline_percent is not None:
            return self.incline_percent
        return self.level_spec.incline_percent


@dataclass(frozen=True, kw_only=True)
class Cue:
    """One spoken phrase placed on the track."""

    start_ms: int
    end_ms: int
    text: str
    kind: CueKind
    phase: Phase
    anchor_ms: int | None = None  # for time cues: the walk time (from "begin") it marks
    group: str | None = None  # for technique cues: the idea it belongs to


@dataclass(frozen=True, kw_only=True)
class DroppedCue:
    """An anchored cue the planner left out because it could not fit, and why."""

    anchor_ms: int
    text: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Chapter:
    """A span of the track with one purpose (intro, walk, cool-down ...)."""

    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, kw_only=True)
class Timeline:
    """A planned session: every cue with its exact start and end, and the track length."""

    duration_ms: int
    walk_start_ms: int
    walk_end_ms: int
    cues: tuple[Cue, ...]
    dropped: tuple[DroppedCue, ...] = ()

    def chapters(self) -> tuple[Chapter, ...]:
        """The track's phases as chapters, each from its first cue to the next chapter."""
        titles = {"intro": "Introduction", "safety": "Safety", "setup": "Setup",
                  "walk": "Walk", "cooldown": "Cool-down"}
        starts: list[tuple[str, int]] = []
        for cue in self.cues:
            start = self.walk_start_ms if cue.phase == "walk" else cue.start_ms
            if not starts or starts[-1][0] != cue.phase:
                starts.append((cue.phase, 0 if not starts else start))
        chapters = []
        for i, (phase, start) in enumerate(starts):
            end = starts[i + 1][1] if i + 1 < len(starts) else self.duration_ms
            chapters.append(Chapter(title=titles[phase], start_ms=start, end_ms=end))
        return tuple(chapters)


@dataclass(frozen=True, kw_only=True)
class ClientSpec:
    """The client a program is built for: spoken name, optional level and setting overrides."""

    name: str
    level: Level | None = None
    setting: Setting | None = None
    spoken_notes: tuple[str, ...] = ()  # said in the intro, as written
    notes: str | None = None  # for the coach only; never spoken
    source: Source


@dataclass(frozen=True, kw_only=True)
class Week:
    """One week of a program as resolved from the file: the defaults applied, one track."""

    week: int
    level: Level
    setting: Setting
    minutes: float
    focus: str
    speed_mph: float | None = None
    incline_percent: float | None = None
    cues: tuple[str, ...] = ()
    intro: Intro | None = None  # None: full in week 1 and when level or setting changes
    source: Source


@dataclass(frozen=True, kw_only=True)
class Program:
    """A weekly program: one exercise, one track per week, optionally for a named client."""

    name: str
    coach: str
    exercise: Exercise
    weeks: tuple[Week, ...]
    sessions_per_week: int | None = None
    client: ClientSpec | None = None
    cover: Path | None = None  # the coach's own cover image, instead of drawn ones
    source: Source
