"""Build: a whole track, or many, end to end from content to files on disk.

Takes in what a coach asked for (an exercise, a client, minutes or parts, a program file);
gives out finished tracks: a session planned, spoken (voice), mixed (audio) and written
(encode), checked against what is already in the output folder, many tracks in worker
processes, a program's weeks with their manifest so an unchanged week is not built again.
"""
