"""Process: how this run uses the machine, for every stage: its cores and its signals.

Takes in nothing but the operating system; gives out how many cores a stage may use, and
Ctrl-C / SIGTERM as exceptions that let cleanups run whole.
"""
