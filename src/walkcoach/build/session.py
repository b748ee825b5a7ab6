"""One track end to end: spec -> phrases -> timeline -> mix -> encoded file and sidecars."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from walkcoach.audio import layers as sounds
from walkcoach.audio import loudness, mixer
from walkcoach.audio.music import Music
from walkcoach.audio.pcm import Audio
from walkcoach.build import workers
from walkcoach.build.outputs import SIDECARS, check_output, sidecar_paths
from walkcoach.build.progress import STAGES, Progress
from walkcoach.content import (
    TEMPLATES_DIR,
    check_client,
    find_exercise,
    load_lexicon,
    load_template,
    unknown_name,
)
from walkcoach.encode import export, labels, sheets
from walkcoach.encode.labels import track_tags
from walkcoach.errors import InputError, UnknownName, excerpt
from walkcoach.plan import blocks as parts
from walkcoach.plan import planner
from walkcoach.plan.blocks import RECOVERY, WARMUP
from walkcoach.plan.cadence import parse_cadence
from walkcoach.plan.limits import MAX_SEED, MIN_SEED
from walkcoach.plan.model import (
    INTROS,
    Block,
    ClientSpec,
    Exercise,
    SessionSpec,
    Source,
    Timeline,
)
from walkcoach.text import client_name
from walkcoach.voice import Speaker, resolve_voice

__all__ = ["DEFAULT_MINUTES", "RECOVERY", "SIDECARS", "STAGES", "WARMUP", "BuiltTrack", "Progress",
           "build_track", "check_output", "describe", "make_speaker", "make_spec",
           "plan_session", "session_blocks", "sidecar_paths", "speak", "track_tags"]


MIN_MINUTES, MAX_MINUTES = 1.0, 60.0
DEFAULT_MINUTES = 8.0
"""The walk of a continuous session when no minutes are given."""


def make_spec(*, exercise: str | Exercise = "walking-backwards", level: str | None = None,
              setting: str | None = None, minutes: float | None = None,
              client: str | ClientSpec | None = None, focus: str | None = None,
              speed_mph: float | None = None, incline_percent: float | None = None,
              extra_cues: tuple[str, ...] = (), template: Path | None = None,
              seed: int = 0, intro: str = "full",
              blocks: tuple[Block, ...] = (), intervals: str | None = None,
              warmup: str | float | None = None, cooldown: str | float | None = None,
              recovery: str | Exercise | None = None, chimes: bool = True,
              cadence: int | str | None = None, music: Path | None = None) -> SessionSpec:
    """Check the choices and load the content one track needs.

    ``client`` is a name or a profile (walkcoach.content.find_client); a profile's level and
    setting apply where ``level`` or ``setting`` is not given, and its spoken notes are said
    in the intro. Without either, the level is the exercise's first (its easiest) and the
    setting treadmill if the exercise has one, else its first. A level or setting the
    exercise does not name is refused, the error listing those it does.
    ``intro`` is "full", or "short" for a returning listener (greeting, one safety line,
    straight to setup).
    ``minutes`` is the walk (default DEFAULT_MINUTES). ``blocks`` are the parts of the walk
    (walkcoach.plan.blocks makes them); with them, ``minutes`` is ignored and the walk is their
    sum, which must also be 1 to 60 minutes. Or the parts are written as the command line
    writes them, ``intervals``, ``warmup``, ``cooldown`` and ``recovery``: see
    :func:`session_blocks`.
    ``chimes`` plays a chime before time cues, at "begin", at each change and at "stop";
    ``cadence`` (steps a minute, 30 to 200, or "auto" for each part's level default, as
    walkcoach.plan.cadence.parse_cadence reads it: an int or text) adds a
    step metronome in walking parts; ``music`` (any file ffmpeg decodes) plays under the walk,
    checked here, before any synthesis.
    """
    who = client if isinstance(client, ClientSpec) else None
    ex = find_exercise(exercise) if isinstance(exercise, str) else exercise
    if who is not None:  # the profile's own level and setting, where they are used
        check_client(dataclasses.replace(who, level=None if level else who.level,
                                         setting=None if setting else who.setting), ex)
    level = level or (who.level if who else None) or ex.default_level
    setting = setting or (who.setting if who else None) or ex.default_setting
    if level not in ex.levels:
        raise UnknownName(unknown_name(ex, "level", level), what="level")
    if setting not in ex.settings:
        raise UnknownName(unknown_name(ex, "setting", setting), what="setting")
    if intro not in INTROS:
        raise InputError(f"unknown intro {excerpt(intro)} (choose from {', '.join(INTROS)})")
    shorthand = any(value is not None for value in (intervals, warmup, cooldown, recovery))
    if blocks and shorthand:
        raise InputError("give the parts as blocks or as intervals, warm-up and cool-down, "
                         "not both")
    if minutes is not None and intervals is not None:
        raise InputError("give the minutes or the intervals, not both")
    if minutes is None:
        minutes = DEFAULT_MINUTES
    if isinstance(seed, bool) or not isinstance(seed, int) or not MIN_SEED <= seed <= MAX_SEED:
        raise InputError(f"seed must be a whole number from {MIN_SEED} to {MAX_SEED}, "
                         f"not {excerpt(str(seed))}")
    if not (isinstance(minutes, (int, float)) and math.isfinite(minutes)
            and MIN_MINUTES <= minutes <= MAX_MINUTES):
        raise InputError(f"minutes must be between 1 and 60, not {minutes}")
    # stripped, None when blank; refused if it cannot be said
    name = client_name(who.name if who else client if isinstance(client, str) else None)
    if shorthand:
        blocks = session_blocks(ex, minutes=None if intervals is not None else minutes,
                                intervals=intervals, warmup=warmup, cooldown=cooldown,
                                recovery=recovery)
    if cadence is not None:
        try:
            cadence = parse_cadence(cadence)
        except InputError as exc:
            raise InputError(f"cadence {exc}") from None
    if music is not None:
        from walkcoach.encode.music import check  # ffmpeg only when there is music

        check(music)
    if blocks:
        total = sum(block.duration_ms for block in blocks) / 60_000
        if not MIN_MINUTES <= total <= MAX_MINUTES:
            raise InputError(f"the parts of a session add up to 1 to 60 minutes, not "
                             f"{total:g}")
    return SessionSpec(
        exercise=ex, template=load_template(template or TEMPLATES_DIR / "session.yaml"),
        level=level, setting=setting,
        walk_ms=sum(b.duration_ms for b in blocks) if blocks else round(minutes * 60_000),
        client=name, client_notes=who.spoken_notes if who else (), focus=focus,
        speed_mph=speed_mph, incline_percent=incline_percent, extra_cues=extra_cues,
        seed=seed, intro="short" if intro == "short" else "full", blocks=blocks,
        chimes=bool(chimes), cadence=cadence, music=music)


def session_blocks(exercise: str | Exercise, *, minutes: float | None = None,
                   intervals: str | None = None, warmup: str | float | None = None,
                   cooldown: str | float | None = None,
                   recovery: str | Exercise | None = None) -> tuple[Block, ...]:
    """The parts of a session written the short way, as the command line writes them.

    ``intervals`` is ``ROUNDSxWORK[/RECOVERY]`` (walkcoach.plan.blocks.parse_intervals: rounds of
    ``exercise``, each followed by ``recovery``, an exercise name or file, RECOVERY unless
    given, and refused where there is no recovery time); without it the
    work is one part of ``minutes`` (default DEFAULT_MINUTES). ``warmup`` and ``cooldown``
    (minutes or m:ss) add easy forward walking (WARMUP) before and after. A continuous walk
    with neither is no parts at all: ``()``. Each part's source names the option it came
    from, so an error about it points there.
    """
    if minutes is not None and intervals is not None:
        raise InputError("give the minutes or the intervals, not both")
    with _about("--intervals"):
        shape = parts.parse_intervals(intervals) if intervals is not None else None
    with _about("--warmup"):
        warmup_ms = parts.parse_minutes(warmup) if warmup is not None else None
    with _about("--cooldown"):
        cooldown_ms = parts.parse_minutes(cooldown) if cooldown is not None else None
    with _about("--minutes"):
        work_ms = parts.parse_minutes(minutes if minutes is not None else DEFAULT_MINUTES)
    if recovery is not None and (shape is None or not shape.recovery_ms):
        raise InputError("--recovery: only intervals with a recovery time (such as "
                         "6x1:00/1:00) have a recovery")
    if shape is None and warmup_ms is None and cooldown_ms is None:
        return ()
    work = find_exercise(exercise) if isinstance(exercise, str) else exercise
    with _about("--recovery"):
        recovery = recovery if recovery is not None else RECOVERY
        between = find_exercise(recovery) if isinstance(recovery, str) else recovery
        made = parts.interval_blocks(work, between, shape, work_ms=work_ms,
                                     warmup_ms=warmup_ms, cooldown_ms=cooldown_ms,
                                     walk=find_exercise(WARMUP))
    main = Source(path=Path("--intervals" if shape else "--minutes"))
    placed = [dataclasses.replace(block, source=main) for block in made]
    if warmup_ms is not None:
        placed[0] = dataclasses.replace(placed[0], source=Source(path=Path("--warmup")))
    if cooldown_ms is not None:
        placed[-1] = dataclasses.replace(placed[-1], source=Source(path=Path("--cooldown")))
    return tuple(placed)


@contextlib.contextmanager
def _about(option: str) -> Iterator[None]:
    """An InputError raised inside names the option it is about."""
    try:
        yield
    except InputError as exc:
        raise InputError(f"{option}: {exc}") from None


def make_speaker(voice: str = "auto", *, rate: float = 1.0,
                 lexicon: Path | None = None) -> Speaker:
    """The speaker for a voice id, with the shipped (or a given) pronunciation lexicon."""
    if not (isinstance(rate, (int, float)) and 0.5 <= rate <= 2.0):
        raise InputError(f"rate must be between 0.5 and 2.0, not {rate}")
    words = load_lexicon(lexicon or TEMPLATES_DIR / "lexicon.yaml")
    return Speaker(resolve_voice(voice), rate=float(rate), lexicon=words)


def plan_session(spec: SessionSpec, speaker: Speaker,
                 progress: Progress | None = None) -> tuple[Timeline, dict[str, Audio]]:
    """Speak every candidate phrase (cached), then plan with their real lengths.

    The phrases the cache lacks are spoken on every core, in worker processes
    (walkcoach.build.workers.speak_missing), when there are several and the voice is one to
    spread; this process then reads them all from the cache.
    """
    texts = planner.candidate_phrases(spec)
    clips = speak(speaker, texts, progress)
    durations = {text: speaker.duration_ms(text) for text in texts}
    return planner.plan(spec, durations), clips


def speak(speaker: Speaker, texts: Sequence[str],
          progress: Progress | None = None) -> dict[str, Audio]:
    """The clips of ``texts``: the missing ones spoken over worker processes where that pays
    (walkcoach.build.workers.speak_missing), else by ``speaker`` itself. ``progress`` gets
    ("voice", done, total)."""
    report = (lambda done, total: progress("voice", done, total)) if progress else None
    spread = workers.speak_missing(speaker, texts, progress=report)
    return speaker.clips(texts, progress=None if spread else report)


def describe(spec: SessionSpec, speaker: Speaker | None = None) -> dict[str, Any]:
    """What a track is: the head of its cue sheet. ``shape`` says what a session in parts
    is ("6 x 1 min intervals", walkcoach.encode.labels.shape_label), null for a continuous walk;
    the parts themselves are the sheet's ``blocks``."""
    about: dict[str, Any] = {
        "exercise": spec.exercise.name, "title": spec.exercise.title, "level": spec.level,
        "setting": spec.setting, "walk_minutes": spec.walk_ms / 60_000,
        "shape": labels.shape_label(spec.blocks),
        "client": spec.client, "focus": spec.focus, "intro": spec.intro,
        "chimes": spec.chimes, "cadence": spec.cadence,
        "music": spec.music.name if spec.music is not None else None,
    }
    if spec.belt:
        about["speed_mph"] = spec.effective_speed_mph
        about["incline_percent"] = spec.effective_incline_percent
    if speaker is not None:
        about["voice"] = speaker.choice.voice
        about["rate"] = speaker.rate
    return about


@dataclass(frozen=True, kw_only=True)
class BuiltTrack:
    """A finished track and its sidecar files."""

    path: Path
    cue_sheet: Path
    captions: Path
    transcript: Path
    timeline: Timeline
    tags: Mapping[str, str] = field(default_factory=dict)


def build_track(spec: SessionSpec, speaker: Speaker, out: Path, *, fmt: str | None = None,
                tags: Mapping[str, str] | None = None, cover: bytes | None = None,
                progress: Progress | None = None,
                planned: tuple[Timeline, Mapping[str, Audio]] | None = None) -> BuiltTrack:
    """Build one track into ``out`` plus ``.json``, ``.vtt`` and ``.txt`` beside it.

    ``tags`` and ``cover`` default to the track's own (walkcoach.encode.labels); the chapters are
    the session's phases, at the cue sheet's times. ``planned`` is a timeline already laid
    out and its clips (an edited script, walkcoach.script.file), built instead of the plan.

    Every file is written to a temporary name and renamed, and if any step fails the files
    of this build are removed, so an interrupted build leaves nothing half-made (nor a folder
    it made). The output is checked before any work (see :func:`check_output`), and
    temporaries that killed runs left in its folder are removed.
    """
    fmt = fmt or out.suffix.lstrip(".").lower() or "mp3"
    if fmt not in export.FORMATS:
        raise InputError(f"unknown format '{fmt}' (choose from {', '.join(export.FORMATS)})")
    check_output(out, fmt=fmt)  # before minutes of synthesis, not after
    with export.new_folders(out.parent):
        export.check_writable(out)
        export.remove_stale_temporaries(out.parent)
        tags = dict(tags or labels.track_tags(spec, artist="walkcoach"))
        if cover is None:
            cover = labels.track_cover(spec, artist=tags.get("artist", ""),
                                       cache=speaker.cache.root / "covers")
        return _build(spec, speaker, out, fmt, tags, cover, progress, planned)


def _build(spec: SessionSpec, speaker: Speaker, out: Path, fmt: str, tags: dict[str, str],
           cover: bytes, progress: Progress | None,
           planned: tuple[Timeline, Mapping[str, Audio]] | None) -> BuiltTrack:
    timeline, clips = planned or plan_session(spec, speaker, progress)
    if progress:
        progress("mix", 0, 1)
    ceiling = loudness.AAC_CEILING_DBTP if fmt == "m4a" else loudness.TRACK_CEILING_DBTP
    mastered = mixer.master(timeline, clips, extra=sounds.layers(spec, timeline, _music(spec)),
                            ceiling_dbtp=ceiling)
    sheet_path, vtt_path, text_path = sidecar_paths(out)
    if progress:
        progress("encode", 0, 1)
    written: list[Path] = []
    try:
        export.encode(mastered.chunks(), out, fmt, tags, cover=cover,
                      chapters=timeline.chapters())
        written.append(out)
        export.write_text(sheet_path, sheets.cue_sheet_json(
            timeline, about={**describe(spec, speaker), "format": fmt}, track=out.name))
        written.append(sheet_path)
        export.write_text(vtt_path, sheets.captions(timeline))
        written.append(vtt_path)
        export.write_text(text_path, sheets.transcript(timeline, title=tags.get("title", "")))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if progress:
        progress("done", 1, 1)
    return BuiltTrack(path=out, cue_sheet=sheet_path, captions=vtt_path, transcript=text_path,
                      timeline=timeline, tags=tags)


def _music(spec: SessionSpec) -> Music | None:
    """The session's music file decoded, if it has one (ffmpeg only then)."""
    if spec.music is None:
        return None
    from walkcoach.encode import music

    return music.load(spec.music)
