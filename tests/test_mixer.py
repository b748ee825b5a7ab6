"""Tests for the mixer: exact sample placement, layers and gains, and the mastered loudness."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from walkcoach.audio import loudness, mixer
from walkcoach.audio.mixer import Layer, Placement
from walkcoach.audio.pcm import SAMPLE_RATE, Audio, ms_to_samples, samples_to_ms
from walkcoach.plan.model import Cue, Timeline


def _speech_like(seconds: float, seed: int, level_db: float = -20.0) -> Audio:
    """Noise shaped like speech: low-passed, in syllable-rate bursts with short pauses."""
    rng = np.random.default_rng(seed)
    size = int(seconds * SAMPLE_RATE)
    noise = rng.standard_normal(size + 8)
    voiced = np.convolve(noise, np.ones(8) / 8, mode="valid")[:size]  # soften the top end
    t = np.arange(size) / SAMPLE_RATE
    syllables = np.clip(np.sin(2 * np.pi * rng.uniform(3, 5) * t + rng.uniform(0, 6)), 0, None)
    words = (np.sin(2 * np.pi * 0.7 * t) > -0.6).astype(float)
    signal = voiced * syllables * words
    signal *= 10 ** (level_db / 20) / max(1e-9, float(np.sqrt(np.mean(signal ** 2))))
    out: Audio = signal.astype(np.float32)
    return out


def _lufs(samples: Audio) -> float:
    """Integrated loudness by pyloudnorm: an independent BS.1770 meter."""
    meter = pyloudnorm.Meter(SAMPLE_RATE)
    return float(meter.integrated_loudness(samples.astype(np.float64)))


def _clip(values: list[float]) -> Audio:
    return np.asarray(values, dtype=np.float32)


def _layer(*placements: tuple[int, Audio], gain_db: float = 0.0, name: str = "speech") -> Layer:
    return Layer(name=name, gain_db=gain_db,
                 placements=tuple(Placement(start_ms=s, audio=a) for s, a in placements))


# --- mix ------------------------------------------------------------------------------------

def test_ms_to_samples_hand_values() -> None:
    """ms_to_samples rounds ms * rate / 1000 to the nearest sample."""
    assert ms_to_samples(0) == 0
    assert ms_to_samples(1000) == SAMPLE_RATE
    assert ms_to_samples(1234, 22050) == 27210  # 27209.7
    assert ms_to_samples(1, 22050) == 22  # 22.05
    assert ms_to_samples(1, 44100) == 44  # 44.1


@pytest.mark.parametrize("start_ms", [0, 1, 1234, 9_999, 10_000, 14_321])
def test_clip_lands_on_its_exact_sample(start_ms: int) -> None:
    """A clip's first sample is at ms_to_samples(start), and nothing sounds before or after."""
    clip = _clip([1.0, 0.5, -0.25])
    out = mixer.mix([_layer((start_ms, clip))], 15_000)
    at = ms_to_samples(start_ms)
    assert list(np.flatnonzero(out)) == [at, at + 1, at + 2]
    np.testing.assert_array_equal(out[at:at + 3], clip)


def test_output_length_is_exact() -> None:
    """The mix is exactly ms_to_samples(duration) long, whatever the clips."""
    for duration_ms in (0, 1, 999, 10_000, 10_001, 23_457):
        out = mixer.mix([_layer((0, _clip([0.1] * 50)))], duration_ms)
        assert out.size == ms_to_samples(duration_ms)
        assert out.dtype == np.float32


def test_layers_sum() -> None:
    """Overlapping clips of different layers add up sample by sample."""
    a = _clip([0.1] * 100)
    b = _clip([0.2] * 100)
    out = mixer.mix([_layer((100, a)), _layer((102, b), name="chimes")], 500)
    sa, sb = ms_to_samples(100), ms_to_samples(102)
    assert sb - sa < 100  # the clips overlap
    np.testing.assert_allclose(out[sa:sb], 0.1, rtol=1e-6)
    np.testing.assert_allclose(out[sb:sa + 100], 0.3, rtol=1e-6)
    np.testing.assert_allclose(out[sa + 100:sb + 100], 0.2, rtol=1e-6)
    assert not out[:sa].any() and not out[sb + 100:].any()


def test_clips_of_one_layer_sum() -> None:
    """Clips of the same layer that overlap add up too."""
    clip = _clip([0.25] * 10)
    out = mixer.mix([_layer((0, clip), (0, clip))], 100)
    np.testing.assert_allclose(out[:10], 0.5)


@pytest.mark.parametrize("gain_db", [-20.0, -6.0, 0.0, 3.5])
def test_layer_gain(gain_db: float) -> None:
    """A layer's gain in dB scales its clips by 10 ** (dB / 20), and only its own clips."""
    clip = _clip([0.1, -0.2, 0.3])
    out = mixer.mix([_layer((10, clip), gain_db=gain_db), _layer((20, clip), name="plain")], 100)
    quiet, plain = ms_to_samples(10), ms_to_samples(20)
    np.testing.assert_allclose(out[quiet:quiet + 3], clip * 10 ** (gain_db / 20), rtol=1e-6)
    np.testing.assert_allclose(out[plain:plain + 3], clip, rtol=1e-6)


def test_clip_is_cut_at_the_end() -> None:
    """A clip running past the end is cut there; one starting after the end is left out."""
    clip = np.linspace(0.1, 0.9, 500, dtype=np.float32)
    duration_ms = 1000
    start_ms = 990
    out = mixer.mix([_layer((start_ms, clip), (1500, clip))], duration_ms)
    total = ms_to_samples(duration_ms)
    at = ms_to_samples(start_ms)
    assert out.size == total
    assert total - at < clip.size
    np.testing.assert_array_equal(out[at:], clip[:total - at])


def test_clip_across_chunk_boundary_is_continuous() -> None:
    """A clip straddling the edge between two mixing chunks comes out whole."""
    clip = np.sin(np.arange(2000) / 10).astype(np.float32)
    start_ms = 9_950  # CHUNK is ten seconds: the clip crosses the first edge
    out = mixer.mix([_layer((start_ms, clip))], 12_000)
    at = ms_to_samples(start_ms)
    assert at < mixer.CHUNK < at + clip.size
    np.testing.assert_array_equal(out[at:at + clip.size], clip)


@settings(deadline=None, max_examples=60)
@given(
    placements=st.lists(
        st.tuples(st.integers(0, 3000), st.integers(1, 400), st.integers(0, 3),
                  st.sampled_from([-12.0, 0.0, 6.0])),
        max_size=12),
    duration_ms=st.integers(0, 3000),
    chunk=st.sampled_from([1, 7, 160, 1000, 4096, mixer.CHUNK]),
)
def test_chunked_mix_matches_a_plain_sum(placements: list[tuple[int, int, int, float]],
                                         duration_ms: int, chunk: int) -> None:
    """Mixed chunk by chunk, any clips equal one straightforward sum into one array."""
    rng = np.random.default_rng(len(placements) + duration_ms)
    layers = []
    total = ms_to_samples(duration_ms)
    expected = np.zeros(total, dtype=np.float64)
    for start_ms, size, _, gain_db in placements:
        audio = rng.uniform(-0.5, 0.5, size).astype(np.float32)
        layers.append(_layer((start_ms, audio), gain_db=gain_db))
        at = ms_to_samples(start_ms)
        end = min(at + size, total)
        if at < end:
            expected[at:end] += audio[:end - at] * 10 ** (gain_db / 20)
    parts = list(mixer.mix_chunks(layers, duration_ms, chunk=chunk))
    assert all(part.size <= chunk for part in parts)
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    assert out.size == total
    np.testing.assert_allclose(out, expected, atol=1e-5)


# --- render ---------------------------------------------------------------------------------

def _speech_track(levels_db: list[float]) -> tuple[Timeline, dict[str, Audio]]:
    """Levelled speech-like phrases one after another with pauses, as a planned track would."""
    clips: dict[str, Audio] = {}
    cues = []
    cursor = 500
    for index, level_db in enumerate(levels_db):
        raw = _speech_like(1.0 + 0.4 * (index % 4), seed=index, level_db=level_db)
        clip = loudness.level(raw, SAMPLE_RATE)
        text = f"phrase {index}"
        clips[text] = clip
        length = samples_to_ms(clip.size)
        cues.append(Cue(start_ms=cursor, end_ms=cursor + length, text=text, kind="technique",
                        phase="walk"))
        cursor += length + 800
    timeline = Timeline(duration_ms=cursor + 1000, walk_start_ms=0, walk_end_ms=cursor,
                        cues=tuple(cues))
    return timeline, clips


def test_render_is_at_target_loudness() -> None:
    """A rendered track measures -16 LUFS (+-0.5 LU) on an independent meter."""
    timeline, clips = _speech_track([-35.0, -12.0, -24.0, -30.0, -18.0, -8.0, -22.0, -28.0])
    out = mixer.render(timeline, clips)
    assert out.size == ms_to_samples(timeline.duration_ms)
    assert abs(_lufs(out) - loudness.TARGET_LUFS) <= 0.5


def test_render_true_peak_under_ceiling() -> None:
    """A rendered track's true peak stays at or under the track ceiling (-1.5 dBTP)."""
    timeline, clips = _speech_track([-10.0, -40.0, -6.0, -20.0, -15.0, -30.0])
    out = mixer.render(timeline, clips)
    assert loudness.true_peak_dbtp(out) <= loudness.TRACK_CEILING_DBTP


def test_a_lower_ceiling_for_aac_holds() -> None:
    """For an M4A the mix keeps more headroom (AAC overshoots): its true peak stays under the
    AAC ceiling, at the cost of no more gain than the difference of the two ceilings."""
    timeline, clips = _speech_track([-10.0, -40.0, -6.0, -20.0, -15.0, -30.0])
    usual = mixer.master(timeline, clips)
    mastered = mixer.master(timeline, clips, ceiling_dbtp=loudness.AAC_CEILING_DBTP)
    assert loudness.true_peak_dbtp(mastered.samples()) <= loudness.AAC_CEILING_DBTP
    assert loudness.true_peak_dbtp(usual.samples()) > loudness.AAC_CEILING_DBTP
    assert usual.gain_db - mastered.gain_db <= \
        loudness.TRACK_CEILING_DBTP - loudness.AAC_CEILING_DBTP + 1e-9


def test_render_puts_speech_where_the_cues_are() -> None:
    """Each cue's clip sounds from its start sample; the gaps between cues are silent."""
    timeline, clips = _speech_track([-20.0, -20.0, -20.0])
    out = mixer.render(timeline, clips)
    sounding = np.zeros(out.size, dtype=bool)
    for cue in timeline.cues:
        at = ms_to_samples(cue.start_ms)
        sounding[at:at + clips[cue.text].size] = True
        assert np.abs(out[at:at + clips[cue.text].size]).max() > 0.01
    assert not out[~sounding].any()


def test_render_reports_its_loudness() -> None:
    """master() reports the loudness it aims for, and its samples are what render returns."""
    timeline, clips = _speech_track([-14.0, -26.0, -20.0, -33.0])
    mastered = mixer.master(timeline, clips)
    assert abs(mastered.loudness_lufs - loudness.TARGET_LUFS) <= 0.5
    samples = mastered.samples()
    np.testing.assert_array_equal(samples, mixer.render(timeline, clips))
    assert abs(_lufs(samples) - mastered.loudness_lufs) <= 0.5


def test_render_with_an_extra_layer_keeps_the_ceiling() -> None:
    """With a second layer under the speech, the track still stays under the peak ceiling."""
    timeline, clips = _speech_track([-20.0, -20.0, -20.0, -20.0])
    bed = loudness.level(_speech_like(timeline.duration_ms / 1000 - 0.1, seed=99), SAMPLE_RATE)
    extra = Layer(name="music", gain_db=-12.0, placements=(Placement(start_ms=0, audio=bed),))
    out = mixer.render(timeline, clips, extra=(extra,))
    assert loudness.true_peak_dbtp(out) <= loudness.TRACK_CEILING_DBTP
    assert _lufs(out) <= loudness.TARGET_LUFS + 0.5


def test_the_peak_bound_of_layers_apart_is_the_loudest_not_the_sum() -> None:
    """Speech and chimes never sound at once (the planner keeps them apart): their bound is
    the louder of the two, so chimes do not cost the track 6 dB of loudness; layers that may
    sound together add up, and a ducked bed counts at its ducked level under them."""
    speech = Layer(name="speech", apart=True, peak_dbtp=-2.5)
    chimes = Layer(name="chimes", apart=True, peak_dbtp=-8.0)
    together = Layer(name="other", peak_dbtp=-2.5)
    bed = Layer(name="music", peak_dbtp=-10.0, duck_db=-11.0)
    assert mixer._peak_bound([speech, chimes]) == pytest.approx(-2.5)
    assert mixer._peak_bound([speech, together]) == pytest.approx(-2.5 + 20 * math.log10(2))
    expected = 20 * math.log10(10 ** (-2.5 / 20) + 10 ** (-21 / 20))
    assert mixer._peak_bound([speech, chimes, bed]) == pytest.approx(expected)
