"""Audio: samples only here. Mixing, loudness, resampling, chimes, clicks and the music bed.

Takes in a planned :class:`~walkcoach.plan.timeline.Timeline` and the phrases' samples (and
a decoded music file); gives out one buffer of samples at -16 LUFS with its peak bounded,
ready for an encoder. Runs no program and reads no file.
"""
