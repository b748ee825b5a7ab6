"""A program's weeks built as tracks: in parallel, incrementally, and never half-written.

1. Each week becomes a SessionSpec (the client's overrides applied) and a file name (see
   :func:`track_name`). Its content hash covers the week as resolved (its parts too, with
   the file of each part's exercise), its sounds (chimes, cadence, and the music file's
   SHA-256), the exercise, template and lexicon files, the voice, the format, the tags and
   the walkcoach version. A track whose hash matches the manifest
   in the output folder and whose files are all there, each of the size and SHA-256 the
   manifest recorded, is up to date.
2. The rest are built longest first by :mod:`walkcoach.build.parallel`: each missing phrase is
   synthesized once, then the tracks over a process pool. The manifest is rewritten
   atomically after every finished track, so an interrupted batch keeps what finished and
   the rerun builds the rest.
3. The playlist lists the weeks in order with their real durations (from their cue sheets),
   and files of this program's weeks that changed name or left the program are removed.

A folder belongs to one program (the manifest names it): another program is refused, since
their tracks would share names. Runs into one folder take turns, by a lock file in it
(:data:`LOCK`); a run that has to wait says so. A folder that is published (a share bundle)
keeps its manifest and lock in a private folder of their own (``state_dir``).

Each track also has a content digest (:attr:`TrackResult.content`): a hash of what its week
says (level, setting, walk and parts, focus, cues, sounds, the exercise files), not of how it
was made (voice, encoder, walkcoach version, cover) nor of the client's name, so a podcast
episode keeps its identity across rebuilds and changes when its week does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from walkcoach import __version__, notes
from walkcoach.build import parallel, session
from walkcoach.build.manifest import LOCK, MANIFEST, Manifest, folder_lock
from walkcoach.build.session import Progress
from walkcoach.content import TEMPLATES_DIR, check_client
from walkcoach.encode import cover, export, labels, sheets
from walkcoach.errors import ExportError, InputError, RuntimeFailure, WalkcoachError, excerpt
from walkcoach.plan.levels import DEFAULT_LEVEL_RULE, RULE_WORDS, week_levels
from walkcoach.plan.model import Block, ClientSpec, Program, Source, Week
from walkcoach.process import cores
from walkcoach.voice import Speaker

__all__ = ["LOCK", "MANIFEST", "ProgramResult", "Progress", "TrackResult", "build_program",
           "track_name"]

Status = Literal["built", "up to date", "failed"]
"""What a batch did with a track."""


@dataclass(frozen=True, kw_only=True)
class TrackResult:
    """One week's track after a batch: where it is, how long it is, what happened to it."""

    week: int
    path: Path
    status: Status
    duration_ms: int | None = None  # None when it failed
    error: str | None = None
    content: str = ""  # a hash of what the week says (see the module's docstring)


@dataclass(frozen=True, kw_only=True)
class ProgramResult:
    """The summary of a batch: every week's track in week order, the playlist, the time."""

    tracks: tuple[TrackResult, ...]
    playlist: Path
    manifest: Path
    phrases_made: int
    removed: tuple[Path, ...]  # stale tracks of this program deleted, with their sidecars
    seconds: float

    def _with(self, status: Status) -> tuple[TrackResult, ...]:
        return tuple(track for track in self.tracks if track.status == status)

    @property
    def built(self) -> tuple[TrackResult, ...]:
        """The tracks built by this run."""
        return self._with("built")

    @property
    def skipped(self) -> tuple[TrackResult, ...]:
        """The tracks that were already up to date."""
        return self._with("up to date")

    @property
    def failed(self) -> tuple[TrackResult, ...]:
        """The tracks that could not be built (each with its error)."""
        return self._with("failed")


@dataclass(frozen=True, kw_only=True)
class _Job:
    week: Week
    track: parallel.TrackJob
    digest: str
    content: str

    @property
    def out(self) -> Path:
        return self.track.out


def track_name(week: int, level: str, minutes: float, fmt: str) -> str:
    """A track's file name: ``week-01-beginner-05min.mp3``.

    The week in two digits, the level, then the walk's minutes: two digits for whole minutes,
    and otherwise the fewest decimals that still say the walk's length to the millisecond
    (7.5 minutes is ``07.5min``, 59.999 is ``59.999min``, never ``60min``), so names sort in
    week order and never claim a length the walk does not have.
    """
    walk_ms = round(minutes * 60_000)  # the walk as session.make_spec makes it
    walk = next(text for places in range(6)
                if round(float(text := f"{walk_ms / 60_000:.{places}f}") * 60_000) == walk_ms)
    whole, dot, fraction = walk.partition(".")
    return f"week-{week:02d}-{level}-{whole.zfill(2)}{dot}{fraction}min.{fmt}"


def build_program(program: Program, out_dir: Path, *, jobs: int | None = None,
                  client: str | ClientSpec | None = None, voice: str = "auto",
                  rate: float = 1.0, fmt: str = "mp3", progress: Progress | None = None,
                  state_dir: Path | None = None,
                  weeks: Collection[int] | None = None) -> ProgramResult:
    """Build every week of ``program`` into ``out_dir`` with a playlist; skip what is current.

    ``jobs`` is the number of worker processes (default: the number of cores); ``client``
    is a profile (walkcoach.content.find_client) or a name, either replacing the program's
    client (a name equal to the program client's keeps that client). ``progress`` gets
    ("voice", done, total) while new phrases are synthesized, then ("tracks", done, total)
    as tracks finish. Tracks that fail are reported in the result; a KeyboardInterrupt stops
    the batch, leaving only whole files and a manifest of them. ``state_dir`` is where the
    manifest and the lock are kept (default ``out_dir``); one found in ``out_dir`` is moved
    there. ``weeks`` (default: all) are the weeks to build: the others' tracks are left out
    of the folder and the playlist (a program whose weeks are earned), each track still
    made as one week of the whole program.
    """
    started = time.perf_counter()
    if fmt not in export.FORMATS:
        raise InputError(f"unknown format '{fmt}' (choose from {', '.join(export.FORMATS)})")
    jobs = cores.cap_jobs(jobs)  # at most one per core, and as many as fit in memory
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, not {jobs}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir}: cannot write here: it is a file, not a folder")
    # A folder this run makes is removed again if the run fails or is interrupted early.
    state = state_dir if state_dir is not None else out_dir
    with export.new_folders(out_dir, litter=(LOCK,)), \
            export.new_folders(state, litter=(LOCK,)), folder_lock(state):
        if state != out_dir:
            _move_private(out_dir, state)
        return _build_in(program, out_dir, jobs=jobs, client=client, voice=voice, rate=rate,
                         fmt=fmt, progress=progress, started=started, state=state,
                         weeks=weeks)


def _move_private(out_dir: Path, state: Path) -> None:
    """A manifest an earlier walkcoach kept in ``out_dir`` moved to ``state`` (its lock
    removed): the folder is published, they are the coach's."""
    try:
        if (out_dir / MANIFEST).is_file() and not (state / MANIFEST).exists():
            os.replace(out_dir / MANIFEST, state / MANIFEST)
            os.chmod(state / MANIFEST, 0o600)
        (out_dir / MANIFEST).unlink(missing_ok=True)
        (out_dir / LOCK).unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(f"{state}: cannot keep the manifest here: {exc.strerror or exc}"
                          ) from exc


def _build_in(program: Program, out_dir: Path, *, jobs: int, client: str | ClientSpec | None,
              voice: str, rate: float, fmt: str, progress: Progress | None,
              started: float, state: Path,
              weeks: Collection[int] | None = None) -> ProgramResult:
    """build_program's work, in a folder this run holds."""
    stem = program.source.path.stem
    source = program.source.path.absolute()
    manifest = Manifest(state / MANIFEST, stem, source, program.name, folder=out_dir)
    other = manifest.owner_source
    if manifest.owner not in (None, stem) or (
            other not in (None, str(source)) and Path(str(other)).is_file()
            and manifest.owner_title not in (None, program.name)):
        # Another program by the same file name: its file is still there, and its name is
        # not this one's (a copy of the same program, or the file moved, is this program).
        same_stem = manifest.owner == stem
        shown = other if other and same_stem else manifest.owner
        mine = str(source) if same_stem else stem
        raise InputError(f"{out_dir}: this folder holds the program {excerpt(str(shown))}; "
                         f"build {excerpt(mine)} into a folder of its own (their tracks would "
                         "share names)")
    export.remove_stale_temporaries(out_dir)  # of runs killed outright
    speaker = session.make_speaker(voice, rate=rate)
    all_jobs = [job for job in _jobs(program, out_dir, speaker, client=client, fmt=fmt)
                if weeks is None or job.week.week in weeks]
    if manifest.owner is None:
        _refuse_strangers(out_dir, all_jobs)
    results: dict[int, TrackResult] = {}
    todo = []
    for job in all_jobs:
        duration = manifest.current(job.out, job.digest)
        if duration is not None:
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="up to date", duration_ms=duration,
                                                 content=job.content)
            continue
        try:
            session.check_output(job.out)  # now, not after the batch's synthesis
        except WalkcoachError as exc:
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="failed", error=str(exc))
            continue
        todo.append(job)
    todo.sort(key=lambda job: -job.track.spec.walk_ms)  # longest first: workers end together
    by_out = {job.out: job for job in todo}

    def finished(track: parallel.TrackJob, outcome: int | WalkcoachError) -> None:
        job = by_out[track.out]
        if isinstance(outcome, WalkcoachError):
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="failed", error=str(outcome))
        else:
            manifest.record(job.out, week=job.week.week, digest=job.digest,
                            duration_ms=outcome)
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="built", duration_ms=outcome,
                                                 content=job.content)

    made = parallel.build_tracks([job.track for job in todo], speaker, workers=jobs,
                                 finished=finished, progress=progress) if todo else 0
    if all(result.status == "failed" for result in results.values()):
        # Nothing to show for the run (a full disk fails every week alike): one error, and
        # the folders it made are removed again.
        first = results[min(results)]
        others = f" (and {len(results) - 1} more weeks)" if len(results) > 1 else ""
        raise RuntimeFailure(f"no week could be built: week {first.week}: {first.error}"
                             f"{others}")
    removed = manifest.remove_stale({job.out.name for job in all_jobs})
    playlist = _write_playlist(program, out_dir, all_jobs, results)
    ordered = tuple(results[job.week.week] for job in all_jobs)
    return ProgramResult(tracks=ordered, playlist=playlist, manifest=manifest.path,
                         phrases_made=made, removed=removed,
                         seconds=time.perf_counter() - started)


def _refuse_strangers(out_dir: Path, jobs: list[_Job]) -> None:
    """In a folder with no manifest, a file by a track's name was not made by this program
    (or its record is gone): refuse rather than overwrite it."""
    for job in jobs:
        for path in (job.out, *session.sidecar_paths(job.out)):
            if os.path.lexists(path):
                raise InputError(f"{path}: already there, and {out_dir} has no walkcoach "
                                 f"manifest to say this program made it; remove it or build "
                                 f"into another folder")


# -- what each week is made from -------------------------------------------------------------

def _jobs(program: Program, out_dir: Path, speaker: Speaker, *,
          client: str | ClientSpec | None,
          fmt: str) -> list[_Job]:
    who = client if isinstance(client, ClientSpec) else program.client
    if isinstance(client, str) and client.strip() and (who is None
                                                        or who.name != client.strip()):
        # Another client, by name only: nothing of the file's client (their level, setting,
        # spoken notes) may reach them.
        who = ClientSpec(name=client.strip(), source=Source(path=Path("--client")))
    if who is not None:  # a profile is checked against the exercise it is used with
        check_client(who, program.exercise)
    own_cover = cover.load_cover(program.cover) if program.cover else None
    files = {"exercise": _file_hash(program.exercise.source.path),
             "lexicon": _file_hash(TEMPLATES_DIR / "lexicon.yaml")}
    hashes: dict[Path, str] = {}  # each exercise file of the weeks' parts, hashed once
    # The sounds are the program's, a client's own choice winning.
    chimes = who.chimes if who and who.chimes is not None else program.chimes
    chimes = chimes is not False  # on unless a file turns them off
    cadence = who.cadence if who and who.cadence is not None else program.cadence
    music = who.music if who and who.music is not None else program.music
    sounds = {"chimes": chimes, "cadence": cadence,
              "music": _file_hash(music) if music is not None else None}
    jobs = []
    before: tuple[str, str] | None = None  # the level and setting of the week before
    levels = client_week_levels(program, who)
    if who is not None and who.level is not None:
        _note_levels(program, who, levels)
    for week, level in zip(program.weeks, levels, strict=True):
        setting = who.setting if who and who.setting else week.setting
        # The full intro in the first week and whenever the level or setting changes; a
        # short one for the weeks the listener already knows (unless the week says).
        spec = session.make_spec(
            exercise=program.exercise, level=level, setting=setting, minutes=week.minutes,
            client=who, focus=week.focus, speed_mph=week.speed_mph,
            incline_percent=week.incline_percent, extra_cues=week.cues,
            intro=week.intro or ("full" if before != (level, setting) else "short"),
            blocks=week.blocks, chimes=chimes, cadence=cadence, music=music)
        before = (level, setting)
        out = out_dir / track_name(week.week, spec.level, week.minutes, fmt)
        last = program.weeks[-1].week
        tags = labels.track_tags(spec, artist=program.coach, album=program.name,
                                 week=week.week, weeks=last)
        art = own_cover or labels.track_cover(spec, artist=program.coach, week=week.week,
                                              weeks=last, cache=speaker.cache.root / "covers")
        resolved = {"week": week.week, "level": spec.level, "setting": spec.setting,
                    "walk_ms": spec.walk_ms, "client": spec.client,
                    "client_notes": list(spec.client_notes), "intro": spec.intro,
                    "focus": spec.focus,
                    "speed_mph": spec.speed_mph, "incline_percent": spec.incline_percent,
                    "cues": list(spec.extra_cues), "seed": spec.seed,
                    "blocks": [_block_facts(block, hashes) for block in spec.blocks],
                    "sounds": sounds}
        made_from = {"track": resolved, "tags": tags, "file": out.name, "format": fmt,
                     "template": _file_hash(spec.template.source.path), **files,
                     "voice": speaker.identity, "walkcoach": __version__,
                     "cover": hashlib.sha256(art).hexdigest()}
        says = {**resolved, "client": None, "exercise": files["exercise"]}  # not the label
        jobs.append(_Job(week=week, track=parallel.TrackJob(spec=spec, out=out, tags=tags,
                                                            cover=art),
                         digest=_digest(made_from), content=_digest(says)))
    return jobs


def _digest(facts: dict[str, object]) -> str:
    blob = json.dumps(facts, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _block_facts(block: Block, hashes: dict[Path, str]) -> dict[str, object]:
    """What a part of a week is made from, for the week's digest: a part changed in the
    program (or its exercise's file) rebuilds the week; where it is written does not."""
    path = block.exercise.source.path
    if path not in hashes:
        hashes[path] = _file_hash(path)
    return {"kind": block.kind, "exercise": block.exercise.name, "exercise_file": hashes[path],
            "duration_ms": block.duration_ms, "level": block.level,
            "speed_mph": block.speed_mph, "incline_percent": block.incline_percent,
            "cues": list(block.cues), "round": block.round, "rounds": block.rounds}


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


# -- the playlist ----------------------------------------------------------------------------

def _write_playlist(program: Program, out_dir: Path, jobs: list[_Job],
                    results: Mapping[int, TrackResult]) -> Path:
    """``<program>.m3u``: the tracks that exist, in week order, with real durations."""
    lines = ["#EXTM3U", f"#PLAYLIST:{sheets.m3u_text(program.name)}"]
    for job in jobs:
        result = results[job.week.week]
        if result.duration_ms is None:
            continue
        title = sheets.m3u_text(job.track.tags["title"])
        lines += [f"#EXTINF:{round(result.duration_ms / 1000)},{title}",
                  job.out.name]
    path = out_dir / f"{program.source.path.stem}.m3u"
    text = "\n".join(lines) + "\n"
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return path  # unchanged: leave its time alone
    export.write_text(path, text)
    return path


def client_week_levels(program: Program, client: ClientSpec | None) -> tuple[str, ...]:
    """The level each week of ``program`` is walked at for ``client``: the program's, or as
    the client's level and level rule say (walkcoach.plan.levels)."""
    return week_levels(program.exercise.level_names, [week.level for week in program.weeks],
                       client.level if client is not None else None,
                       client.level_rule if client is not None else DEFAULT_LEVEL_RULE)


def _note_levels(program: Program, client: ClientSpec, levels: tuple[str, ...]) -> None:
    """Say, once, which weeks a client's level changes from the program's (never silent)."""
    changed = [f"week {week.week} {level} (not {week.level})"
               for week, level in zip(program.weeks, levels, strict=True) if level != week.level]
    if changed:
        rule = RULE_WORDS[client.level_rule].format(level=client.level)
        notes.note(f"{client.name}'s level ({rule}): {', '.join(changed)}")
