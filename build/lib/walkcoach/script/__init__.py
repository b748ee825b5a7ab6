"""Script: a planned session as a file a coach edits, and the track made from it.

Takes in a built session (or a script file a coach changed); gives out the script as YAML
(``walkcoach script -o``), the session read back from it with each line's place checked, and
single-line edits (change, delete, add) made safely for the studio.
"""
