"""``python -m walkcoach``."""

from walkcoach.cli import main

main()
