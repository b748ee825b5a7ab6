"""A program's weeks built as tracks: in parallel, incrementally, and never half-written.

1. Each week becomes a SessionSpec (the client's overrides applied) and a file name (see
   :func:`track_name`). Its content hash covers the week as resolved, the exercise, template
   and lexicon files, the voice, the format, the tags and the walkcoach version. A track whose
   hash matches the manifest in the output folder and whose files are all there is up to date.
2. The rest are built longest first by :mod:`walkcoach.parallel`: each missing phrase is
   synthesized once, then the tracks over a process pool. The manifest is rewritten
   atomically after every finished track, so an interrupted batch keeps what finished and
   the rerun builds the rest.
3. The playlist lists the weeks in order with their real durations (from their cue sheets),
   and files of this program's weeks that changed name or left the program are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from walkcoach import __version__, cores, export, parallel, planner, session
from walkcoach.content import TEMPLATES_DIR
from walkcoach.errors import ExportError, InputError, WalkcoachError
from walkcoach.model import Program, Week
from walkcoach.session import Progress
from walkcoach.voice import Speaker

__all__ = ["MANIFEST", "ProgramResult", "Progress", "TrackResult", "build_program",
           "track_name"]

MANIFEST = "walkcoach-manifest.json"
"""The manifest's file name in the output folder: what each track was built from."""
_MANIFEST_VERSION = 1
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

    @property
    def out(self) -> Path:
        return self.track.out


def track_name(week: int, level: str, minutes: float, fmt: str) -> str:
    """A track's file name: ``week-01-beginner-05min.mp3``.

    The week in two digits, the level, then the walk's minutes: two digits for whole minutes,
    up to two decimals otherwise (7.5 minutes is ``07.5min``), so names sort in week order.
    """
    walk = f"{minutes:05.2f}".rstrip("0").rstrip(".")
    return f"week-{week:02d}-{level}-{walk}min.{fmt}"


def build_program(program: Program, out_dir: Path, *, jobs: int | None = None,
                  client: str | None = None, voice: str = "auto", rate: float = 1.0,
                  fmt: str = "mp3", progress: Progress | None = None) -> ProgramResult:
    """Build every week of ``program`` into ``out_dir`` with a playlist; skip what is current.

    ``jobs`` is the number of worker processes (default: the number of cores); ``client``
    replaces the program's client name. ``progress`` gets ("voice", done, total) while new
    phrases are synthesized, then ("tracks", done, total) as tracks finish. Tracks that fail
    are reported in the result; a KeyboardInterrupt stops the batch, leaving only whole files
    and a manifest of them.
    """
    started = time.perf_counter()
    if fmt not in export.FORMATS:
        raise InputError(f"unknown format '{fmt}' (choose from {', '.join(export.FORMATS)})")
    jobs = jobs if jobs is not None else cores.available()
    if jobs < 1:
        raise InputError(f"jobs must be at least 1, not {jobs}")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir}: cannot write here: it is a file, not a folder")
    speaker = session.make_speaker(voice, rate=rate)
    all_jobs = _jobs(program, out_dir, speaker, client=client, fmt=fmt)
    manifest = _Manifest(out_dir / MANIFEST, program.source.path.stem)
    results: dict[int, TrackResult] = {}
    todo = []
    for job in all_jobs:
        duration = manifest.current(job)
        if duration is None:
            todo.append(job)
        else:
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="up to date", duration_ms=duration)
    todo.sort(key=lambda job: -job.track.spec.walk_ms)  # longest first: workers end together
    by_out = {job.out: job for job in todo}

    def finished(track: parallel.TrackJob, outcome: int | WalkcoachError) -> None:
        job = by_out[track.out]
        if isinstance(outcome, WalkcoachError):
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="failed", error=str(outcome))
        else:
            manifest.record(job, outcome)
            results[job.week.week] = TrackResult(week=job.week.week, path=job.out,
                                                 status="built", duration_ms=outcome)

    made = parallel.build_tracks([job.track for job in todo], speaker, workers=jobs,
                                 finished=finished, progress=progress) if todo else 0
    removed = manifest.remove_stale({job.out.name for job in all_jobs})
    playlist = _write_playlist(program, out_dir, all_jobs, results)
    ordered = tuple(results[job.week.week] for job in all_jobs)
    return ProgramResult(tracks=ordered, playlist=playlist, manifest=manifest.path,
                         phrases_made=made, removed=removed,
                         seconds=time.perf_counter() - started)


# -- what each week is made from -------------------------------------------------------------

def _jobs(program: Program, out_dir: Path, speaker: Speaker, *, client: str | None,
          fmt: str) -> list[_Job]:
    who = program.client
    name = client if client is not None and client.strip() else (who.name if who else None)
    files = {"exercise": _file_hash(program.exercise.source.path),
             "lexicon": _file_hash(TEMPLATES_DIR / "lexicon.yaml")}
    jobs = []
    for week in program.weeks:
        spec = session.make_spec(
            exercise=program.exercise, level=(who.level if who and who.level else week.level),
            setting=(who.setting if who and who.setting else week.setting),
            minutes=week.minutes, client=name, focus=week.focus, speed_mph=week.speed_mph,
            incline_percent=week.incline_percent, extra_cues=week.cues)
        out = out_dir / track_name(week.week, spec.level, week.minutes, fmt)
        title = f"Week {week.week}: {planner.format_duration(spec.walk_ms)}, {spec.level}, " \
                f"{spec.setting}"
        tags = {**session.track_tags(spec, artist=program.coach, album=program.name,
                                     title=title), "track": str(week.week)}
        resolved = {"week": week.week, "level": spec.level, "setting": spec.setting,
                    "walk_ms": spec.walk_ms, "client": spec.client, "focus": spec.focus,
                    "speed_mph": spec.speed_mph, "incline_percent": spec.incline_percent,
                    "cues": list(spec.extra_cues), "seed": spec.seed}
        made_from = {"track": resolved, "tags": tags, "file": out.name, "format": fmt,
                     "template": _file_hash(spec.template.source.path), **files,
                     "voice": speaker.identity, "walkcoach": __version__}
        blob = json.dumps(made_from, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        jobs.append(_Job(week=week, track=parallel.TrackJob(spec=spec, out=out, tags=tags),
                         digest=hashlib.sha256(blob.encode("utf-8")).hexdigest()))
    return jobs


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


# -- manifest and playlist --------------------------------------------------------------------

class _Manifest:
    """``walkcoach-manifest.json``: for each track file, its hash and the files it made."""

    def __init__(self, path: Path, program: str) -> None:
        self.path = path
        self.program = program
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            tracks = data["tracks"] if data.get("manifest") == _MANIFEST_VERSION else {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            tracks = {}  # no manifest, or not one we can read: everything is rebuilt
        self.tracks: dict[str, dict[str, Any]] = tracks if isinstance(tracks, dict) else {}

    def current(self, job: _Job) -> int | None:
        """The track's duration if it is up to date (same hash, every file whole), else None."""
        entry = self.tracks.get(job.out.name)
        if not isinstance(entry, dict) or entry.get("hash") != job.digest:
            return None
        files = [job.out.parent / Path(str(name)).name for name in entry.get("files", ())]
        if not job.out.is_file() or not all(path.is_file() for path in files):
            return None
        return _sheet_duration(session.sidecar_paths(job.out)[0])

    def record(self, job: _Job, duration_ms: int) -> None:
        """Note a finished track and save the manifest at once."""
        files = [job.out.name, *(p.name for p in session.sidecar_paths(job.out))]
        self.tracks[job.out.name] = {"program": self.program, "week": job.week.week,
                                     "hash": job.digest, "files": files,
                                     "duration_ms": duration_ms}
        self._save()

    def remove_stale(self, keep: set[str]) -> tuple[Path, ...]:
        """Delete this program's tracks no longer in it (a week renamed or removed), with
        their sidecars; the tracks removed."""
        removed = []
        for name, entry in list(self.tracks.items()):
            if name in keep or not isinstance(entry, dict) \
                    or entry.get("program") != self.program:
                continue
            for file in entry.get("files", ()):
                (self.path.parent / Path(str(file)).name).unlink(missing_ok=True)
            removed.append(self.path.parent / name)
            del self.tracks[name]
        if removed:
            self._save()
        return tuple(removed)

    def _save(self) -> None:
        data = {"manifest": _MANIFEST_VERSION, "tracks": dict(sorted(self.tracks.items()))}
        export.write_text(self.path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def _sheet_duration(path: Path) -> int | None:
    """The duration_ms a cue sheet records, or None if it is missing or unreadable."""
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("duration_ms")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) and value > 0 else None


def _write_playlist(program: Program, out_dir: Path, jobs: list[_Job],
                    results: Mapping[int, TrackResult]) -> Path:
    """``<program>.m3u``: the tracks that exist, in week order, with real durations."""
    lines = ["#EXTM3U", f"#PLAYLIST:{program.name}"]
    for job in jobs:
        result = results[job.week.week]
        if result.duration_ms is None:
            continue
        lines += [f"#EXTINF:{round(result.duration_ms / 1000)},{job.track.tags['title']}",
                  job.out.name]
    path = out_dir / f"{program.source.path.stem}.m3u"
    text = "\n".join(lines) + "\n"
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return path  # unchanged: leave its time alone
    export.write_text(path, text)
    return path
