"""Plan: what a session is and when each line is said, before any sound exists.

Takes in a :class:`~walkcoach.plan.model.SessionSpec` (the exercise, its parts, level,
setting, minutes, sounds asked for) and the spoken length of each phrase; gives out a
:class:`~walkcoach.plan.timeline.Timeline`: every cue, chime and part at its millisecond.
Pure: no files, no audio, no engines. The model's dataclasses live here for every stage.
"""
