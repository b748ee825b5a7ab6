"""The studio: walkcoach on web pages served on the coach's own computer (``walkcoach serve``).

Takes in what a coach types and clicks; gives out pages and files. Every route parses the
request, makes one call into :mod:`walkcoach.workspace` or the stages below it, and renders
the answer: no logic of walkcoach's own lives here. ``base`` holds what every route shares,
``pages`` and ``tracks`` the routes, ``app`` puts them together, ``serve`` runs it.
"""

DEFAULT_PORT = 8765
"""The port ``walkcoach serve`` listens on unless told (``--port``)."""
