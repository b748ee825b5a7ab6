"""A music bed under the walk: refused when it is not usable music, and measured in the built
track: audible in the gaps, ducked at least 10 dB under every cue, fading in and out, stereo
when the music is, and the track still at -16 LUFS with its true peak under -1 dBTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import audio_checks as ac
import numpy as np
import pytest

from walkcoach.audio import music
from walkcoach.build import session
from walkcoach.encode import music as music_file
from walkcoach.encode.ffmpeg import ffmpeg_exe
from walkcoach.errors import InputError

pytestmark = pytest.mark.e2e

RATE = 22050


def _write_music(path: Path, seconds: float, *, stereo: bool = True) -> Path:
    """A steady chord (a different note in each channel when stereo), encoded by ffmpeg."""
    t = np.arange(int(44100 * seconds)) / 44100
    left = 0.25 * np.sin(2 * np.pi * 220 * t) + 0.15 * np.sin(2 * np.pi * 277 * t)
    right = 0.25 * np.sin(2 * np.pi * 330 * t) + 0.15 * np.sin(2 * np.pi * 415 * t)
    data = np.stack([left, right if stereo else left], axis=1).astype("<f4")
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "f32le", "-ar", "44100",
                    "-ac", "2", "-i", "pipe:0", str(path)], input=data.tobytes(), check=True)
    return path


def _decode_stereo(path: Path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-i", str(path),
                          "-map", "0:a", "-f", "f32le", "-ac", "2", "-ar", str(RATE),
                          "pipe:1"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4").reshape(-1, 2)


# --- refused before any synthesis -----------------------------------------------------------

@pytest.mark.parametrize(("make", "says"), [
    (lambda p: p.write_text("not music at all\n", encoding="utf-8"), "not audio ffmpeg can read"),
    (lambda p: p.write_bytes(b""), "not audio ffmpeg can read"),
    (lambda p: _write_music(p, 0.5), "is shorter than a second"),
    (lambda p: p.mkdir(), "not a regular file"),
    (lambda p: None, "No such file or directory"),
])
def test_music_that_cannot_be_used_is_refused_in_one_line(tmp_path: Path, make: object,
                                                          says: str) -> None:
    path = tmp_path / "bed.ogg"
    make(path)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        session.make_spec(minutes=1, music=path)
    message = str(caught.value)
    assert message.startswith(f"music file {path}: ") and says in message
    assert "\n" not in message


def test_silent_music_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "anullsrc=r=44100:cl=stereo", "-t", "3", str(path)], check=True)
    with pytest.raises(InputError, match="is silent"):
        music_file.check(path)


def test_mono_music_stays_mono(tmp_path: Path) -> None:
    assert music_file.load(_write_music(tmp_path / "mono.flac", 2, stereo=False)).channels == 1
    assert music_file.load(_write_music(tmp_path / "stereo.flac", 2)).channels == 2


# --- in the built track ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The same 1-minute walk built as WAV without and with a 7-second stereo loop, and as
    MP3 with it (system voice)."""
    folder = tmp_path_factory.mktemp("music")
    bed = _write_music(folder / "loop.ogg", 7.3)
    speaker = session.make_speaker("system")
    plain = session.make_spec(minutes=1, setting="floor", chimes=False)
    with_music = session.make_spec(minutes=1, setting="floor", chimes=False, music=bed)
    session.build_track(plain, speaker, folder / "plain.wav")
    built = session.build_track(with_music, speaker, folder / "music.wav")
    # Each format in a folder of its own: music.json beside music.wav is that track's
    # cue sheet, which a build of music.mp3 beside it must not replace.
    session.build_track(with_music, speaker, folder / "mp3" / "music.mp3")
    session.build_track(with_music, speaker, folder / "m4a" / "music.m4a")
    return {"folder": folder, "timeline": built.timeline,
            "plain": _decode_stereo(folder / "plain.wav"),
            "music": _decode_stereo(folder / "music.wav")}


def _bed(pair: dict[str, object]) -> np.ndarray:
    """The music's own contribution: the track minus the plain one (scaled by the master
    gain's change, found over the speech, which the bed does not correlate with)."""
    plain, mixed = pair["plain"], pair["music"]
    assert isinstance(plain, np.ndarray) and isinstance(mixed, np.ndarray)
    assert plain.shape == mixed.shape
    scale = float(np.dot(mixed[:, 0], plain[:, 0]) / np.dot(plain[:, 0], plain[:, 0]))
    return mixed - scale * plain


def _db(samples: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(samples.astype(np.float64) ** 2) + 1e-20))


def _at(ms: int) -> int:
    return ms * RATE // 1000


def test_the_bed_is_audible_in_the_gaps_and_ducked_under_every_cue(pair: dict[str, object]
                                                                   ) -> None:
    bed, timeline = _bed(pair), pair["timeline"]
    walk = [c for c in timeline.cues  # type: ignore[attr-defined]
            if timeline.walk_start_ms + 4000 <= c.start_ms  # type: ignore[attr-defined]
            and c.end_ms <= timeline.walk_end_ms]  # type: ignore[attr-defined]
    assert len(walk) >= 3
    gaps = [(a.end_ms + 600, b.start_ms - 200) for a, b in zip(walk, walk[1:], strict=False)
            if b.start_ms - a.end_ms > 1200]
    assert gaps
    gap_levels = [_db(bed[_at(a):_at(b)]) for a, b in gaps]
    assert min(gap_levels) > -45  # audible: the music is there between the cues
    quiet = float(np.median(gap_levels))
    plain = pair["plain"]
    assert isinstance(plain, np.ndarray)
    for cue in walk:
        inside = bed[_at(cue.start_ms + 50):_at(cue.end_ms - 50)]
        assert quiet - _db(inside) >= 10, (cue.text, quiet, _db(inside))
        # and the voice is more than 10 dB over the bed while it speaks
        speech = plain[_at(cue.start_ms + 50):_at(cue.end_ms - 50)]
        assert _db(speech) - _db(inside) >= 10, (cue.text, _db(speech), _db(inside))


def test_the_bed_fades_in_and_is_silent_outside_the_walk(pair: dict[str, object]) -> None:
    bed, timeline = _bed(pair), pair["timeline"]
    start, end = timeline.walk_start_ms, timeline.walk_end_ms  # type: ignore[attr-defined]
    assert _db(bed[:_at(start - 100)]) < -80  # nothing under the intro
    assert _db(bed[_at(end + music.FADE_OUT_MS + 100):]) < -80  # nor after the fade-out
    # Under the start cue the bed is ducked all along: only the fade makes it rise.
    cue = next(c for c in timeline.cues if c.kind == "start")  # type: ignore[attr-defined]
    assert cue.end_ms - cue.start_ms >= 1000
    early = _db(bed[_at(cue.start_ms + 50):_at(cue.start_ms + 350)])
    late = _db(bed[_at(cue.end_ms - 350):_at(cue.end_ms - 50)])
    assert late - early >= 6, (early, late)


def _steady(seconds: float, hz: float = 200.0) -> music.Music:
    t = np.arange(int(RATE * seconds)) / RATE
    tone = (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    return music.Music(path=Path("steady"), samples=tone, loudness_lufs=-9.0, peak_dbtp=-6.0)


def test_the_loop_fades_in_and_out_over_its_span() -> None:
    loop = music._Loop(_steady(2.0), _at(1000), _at(11_000))
    out = loop.render(0, _at(12_000))
    assert not out[:_at(1000)].any() and not out[_at(11_000):].any()
    envelope = [float(np.max(np.abs(out[_at(ms):_at(ms) + _at(20)])))
                for ms in (1100, 2500, 4100, 6000, 8000, 10_000, 10_900)]
    assert envelope[0] < 0.1 < envelope[1] < envelope[2]  # fading in over 3 s
    assert abs(envelope[3] - 0.5) < 0.02  # full level in the middle
    assert envelope[4] > envelope[5] > envelope[6] and envelope[6] < 0.05  # out over 4 s


def test_the_loop_is_seamless() -> None:
    """Around every wrap of a 2-second loop whose end does not meet its start, the signal
    has no jump: at most the steps of an equal-power crossfade of two tones (1.5 times the
    tone's own), where restarting the file would jump by far more."""
    source = _steady(2.0, hz=201.3)
    ordinary = float(np.max(np.abs(np.diff(source.samples))))
    assert abs(float(source.samples[-1]) - float(source.samples[0])) > 3 * ordinary
    loop = music._Loop(source, 0, _at(20_000))
    out = loop.render(_at(4000), _at(16_000))
    assert float(np.max(np.abs(np.diff(out)))) <= ordinary * 1.5


def test_the_track_is_stereo_when_the_music_is(pair: dict[str, object]) -> None:
    bed = _bed(pair)
    assert _db(bed[:, 0] - bed[:, 1]) > -45  # the two channels carry different notes
    mp3 = pair["folder"] / "mp3" / "music.mp3"  # type: ignore[operator]
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(mp3)],
                           capture_output=True, text=True).stderr
    assert "stereo" in probe and "128 kb/s" in probe


@pytest.mark.parametrize("suffix", [".mp3", ".m4a"])
def test_with_music_the_planned_length_loudness_and_peak(pair: dict[str, object],
                                                        suffix: str) -> None:
    path = pair["folder"] / suffix[1:] / f"music{suffix}"  # type: ignore[operator]
    decoded = _decode_stereo(path)
    planned = pair["timeline"].duration_ms  # type: ignore[attr-defined]
    assert abs(decoded.shape[0] * 1000 / RATE - planned) <= 50
    measured = ac.ebur128(path)
    assert abs(measured.integrated_lufs + 16) <= 1.0
    assert measured.true_peak_dbtp <= -1.0


def test_the_stereo_mp3_keeps_walkcoach_tags_and_chapters(pair: dict[str, object]) -> None:
    import mutagen.mp3

    mp3 = pair["folder"] / "mp3" / "music.mp3"  # type: ignore[operator]
    tags = mutagen.mp3.MP3(mp3).tags
    assert tags is not None and tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]).startswith("Walking backwards") and tags.getall("APIC")
    chapters = [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")]
    assert chapters and chapters == [c.title for c in pair["timeline"].chapters()]  # type: ignore[attr-defined]


def test_a_long_sparse_walk_over_mono_noise_still_meets_the_target(tmp_path: Path) -> None:
    """A walk that is mostly music (a 6-minute walk, cues far apart) over mono pink noise
    with a fast metronome: BS.1770 averages what it hears, so the bed's level is set for the
    whole track to reach -16 LUFS (this measured -18 to -19 when the bed kept one level)."""
    noise = tmp_path / "pink.flac"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "anoisesrc=color=pink:duration=20:seed=7", "-ac", "1", str(noise)],
                   check=True)
    spec = session.make_spec(minutes=6, level="advanced", setting="floor", music=noise,
                             cadence=200)
    built = session.build_track(spec, session.make_speaker("system"), tmp_path / "long.mp3")
    measured = ac.ebur128(built.path)
    assert abs(measured.integrated_lufs + 16) <= 1.0, measured
    assert measured.true_peak_dbtp <= -1.0
