"""walkcoach: turn exercise instructions into spoken coaching audio tracks."""

__version__ = "0.1.0"
