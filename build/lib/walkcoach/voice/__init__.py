"""Voices: engines behind one small interface, a phrase cache, and the speaker that uses them."""

from walkcoach.voice.base import Engine, VoiceInfo
from walkcoach.voice.cache import PhraseCache
from walkcoach.voice.select import VoiceChoice, list_voices, neural_available, resolve_voice
from walkcoach.voice.speaker import Speaker

__all__ = ["Engine", "PhraseCache", "Speaker", "VoiceChoice", "VoiceInfo",
           "list_voices", "neural_available", "resolve_voice"]
