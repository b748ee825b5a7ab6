"""Voices: engines behind one small interface, a phrase cache, and the speaker that uses them.

Takes in the lines of a planned session and a voice choice; gives out each phrase's samples
(and so its spoken length, for the planner), made once and kept in the phrase cache.
"""

from walkcoach.voice.base import Engine, VoiceInfo
from walkcoach.voice.cache import PhraseCache
from walkcoach.voice.select import VoiceChoice, list_voices, neural_available, resolve_voice
from walkcoach.voice.speaker import Speaker

__all__ = ["Engine", "PhraseCache", "Speaker", "VoiceChoice", "VoiceInfo",
           "list_voices", "neural_available", "resolve_voice"]
