"""The data walkcoach works on: frozen, keyword-only dataclasses, times in milliseconds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from walkcoach.plan.limits import INTROS as INTROS
from walkcoach.plan.limits import LEVELS as LEVELS
from walkcoach.plan.limits import MAX_CADENCE as MAX_CADENCE
from walkcoach.plan.limits import MIN_CADENCE as MIN_CADENCE
from walkcoach.plan.limits import SETTINGS as SETTINGS
from walkcoach.plan.limits import Cadence as Cadence
from walkcoach.plan.limits import Intro as Intro
from walkcoach.plan.schedule import ReleaseRule as ReleaseRule
from walkcoach.plan.timeline import BlockKind as BlockKind
from walkcoach.plan.timeline import BlockSpan as BlockSpan
from walkcoach.plan.timeline import Chapter as Chapter
from walkcoach.plan.timeline import Cue as Cue
from walkcoach.plan.timeline import CueKind as CueKind
from walkcoach.plan.timeline import DroppedCue as DroppedCue
from walkcoach.plan.timeline import Level as Level
from walkcoach.plan.timeline import Phase as Phase
from walkcoach.plan.timeline import Sound as Sound
from walkcoach.plan.timeline import Timeline as Timeline

Setting = str  # a setting an exercise file names (walking-backwards: floor, treadmill)
Role = Literal["work", "recovery", "rest"]

DEFAULT_SETTING: Setting = "treadmill"
"""The setting a session takes when none is given, if its exercise has one of that name."""
MAX_NAMES = 8
"""The most levels, and the most settings, one exercise may name."""
NAME_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
"""A level's or a setting's name: short lowercase words joined by hyphens (pool, rail-hall)."""
MAX_NAME_LENGTH = 24
ROLES: tuple[Role, ...] = ("work", "recovery", "rest")
BLOCK_KINDS: tuple[BlockKind, ...] = ("warmup", "work", "recovery", "rest", "cooldown")
CUE_KINDS: tuple[CueKind, ...] = (
    "intro", "safety", "setup", "start", "switch", "technique", "time", "stop", "outro",
)


@dataclass(frozen=True, kw_only=True)
class Source:
    """Where a piece of content was read from, for error messages."""

    path: Path
    line: int | None = None
    key: str | None = None  # the key path in the file (weeks[0].blocks[2]), where one helps

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
    cadence: int = 90  # steps a minute of the metronome at this level (cadence "auto")


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
    switch: str | None = None  # this setting's words for changing into the exercise
    belt: bool = False  # a moving belt: its speed and incline are said and used (a treadmill)


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
    role: Role = "work"  # recovery (walking forward) and rest (standing) are between work parts
    switch: str | None = None  # said when a part of this exercise follows another part

    @property
    def level_names(self) -> tuple[Level, ...]:
        """The levels the file names, in its order: the easiest first."""
        return tuple(self.levels)

    @property
    def setting_names(self) -> tuple[Setting, ...]:
        """The settings the file names, in its order."""
        return tuple(self.settings)

    @property
    def default_level(self) -> Level:
        """The level of a session that names none: the easiest."""
        return self.level_names[0]

    @property
    def default_setting(self) -> Setting:
        """The setting of a session that names none: DEFAULT_SETTING if the exercise has it,
        else its first."""
        return DEFAULT_SETTING if DEFAULT_SETTING in self.settings else self.setting_names[0]

    def setting(self, name: Setting) -> SettingSpec:
        """The lines of setting ``name``; none for a setting this exercise does not name
        (a shipped recovery between rounds of a coach's own exercise in a pool)."""
        return self.settings.get(name) or SettingSpec()

    def level_like(self, level: Level, ranked: tuple[Level, ...]) -> Level:
        """This exercise's level for a session at ``level``: the same name if it has one,
        else the one at the same rank (``level``'s place in ``ranked``, easiest first,
        scaled to this exercise's levels)."""
        if level in self.levels:
            return level
        mine = self.level_names
        if level not in ranked or len(ranked) == 1:
            return mine[0]
        return mine[round(ranked.index(level) * (len(mine) - 1) / (len(ranked) - 1))]

    def switch_text(self, setting: Setting) -> str:
        """What is said at the moment a part of this exercise begins after another part:
        the setting's own words (a treadmill turns differently), else the exercise's, else its
        start line."""
        return (self.setting(setting).switch or self.switch or self.start
                or f"Now, {self.title.lower()}.")


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
class BlockWords:
    """The wording of sessions in parts: changes, rounds, time left."""

    heads_up: str  # said heads_up_s before each change
    heads_up_s: int
    countdown: tuple[str, ...]  # into each change
    keep_going: str  # a change that keeps the exercise (a new round, a new speed)
    round: str  # {round} of {rounds}
    last_round: str
    time_left: str  # {duration}: the whole session's time left, said as recovery begins
    halfway: str
    minutes_left: str  # {n}
    one_minute_left: str
    speed: str  # {speed_mph}: a part with a new treadmill speed
    incline: str  # {incline_percent}


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
    blocks: BlockWords
    cooldown_lead: str
    finish: tuple[str, ...]
    pauses: Pauses
    source: Source


@dataclass(frozen=True, kw_only=True)
class Block:
    """One timed part of a session's walk: what is done, for how long, and how.

    ``level``, ``speed_mph`` and ``incline_percent`` left as None come from the session (see
    walkcoach.plan.planner). ``round``/``rounds`` say which repeat of a set of rounds it is part of.
    """

    kind: BlockKind
    exercise: Exercise
    duration_ms: int
    level: Level | None = None
    speed_mph: float | None = None
    incline_percent: float | None = None
    cues: tuple[str, ...] = ()  # the coach's extra technique lines for this part, as written
    round: int | None = None
    rounds: int | None = None
    source: Source | None = None


@dataclass(frozen=True, kw_only=True)
class SessionSpec:
    """Everything one track is made from, apart from the voice.

    ``blocks`` are the parts of the walk; none means one continuous walk of the session's
    exercise for ``walk_ms``. With blocks, ``walk_ms`` is their sum.
    """

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
    blocks: tuple[Block, ...] = ()
    chimes: bool = True  # a chime before time cues, at "begin", each change and "stop"
    cadence: Cadence | None = None  # a step metronome in walking parts; None: none
    music: Path | None = None  # a music bed under the walk, ducked under speech

    def __post_init__(self) -> None:
        if self.blocks and sum(b.duration_ms for b in self.blocks) != self.walk_ms:
            raise ValueError("walk_ms must be the sum of the blocks' durations")

    @property
    def level_spec(self) -> LevelSpec:
        """The exercise's settings for this session's level."""
        return self.exercise.levels[self.level]

    @property
    def belt(self) -> bool:
        """Whether the session's setting has a moving belt: its speed and incline are said."""
        return self.exercise.setting(self.setting).belt

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
class ClientSpec:
    """The client a program is built for: spoken name, optional level and setting overrides."""

    name: str
    level: Level | None = None
    level_rule: str = "all"  # what the level means for a program's weeks (plan.levels)
    setting: Setting | None = None
    spoken_notes: tuple[str, ...] = ()  # said in the intro, as written
    notes: str | None = None  # for the coach only; never spoken
    chimes: bool | None = None  # None: as the program (or the command line) says
    cadence: Cadence | None = None
    music: Path | None = None
    days: tuple[int, ...] = ()  # the weekdays the client walks (Monday 0); none: the program's
    source: Source
    sources: tuple[tuple[str, Source], ...] = ()  # where the level and setting were written

    def source_of(self, key: str) -> Source:
        """Where ``key`` (level, setting) was written, else where the client was."""
        return dict(self.sources).get(key, self.source)


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
    blocks: tuple[Block, ...] = ()  # the week's parts; none: one continuous walk of minutes
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
    chimes: bool | None = None  # None: on; a client's own value wins
    cadence: Cadence | None = None  # None: no metronome, unless the client has one
    music: Path | None = None
    email: str | None = None  # the coach's e-mail: the owner of a client's podcast feed
    release: ReleaseRule = ReleaseRule()  # every week at once, or each once earned
    days: tuple[int, ...] = ()  # the days of the week sessions fall on (Monday 0); none: spread
    source: Source
