"""The client bundle: a page, a private podcast feed and the tracks, in one folder.

Takes in a program and a client; gives out the folder a coach publishes or sends: the
week's tracks (built by walkcoach.build), a page to play them on, a podcast feed, a printed
handout with QR codes, and a zip of it all.
"""

from walkcoach.share.bundle import (
    PRIVATE,
    TOKENS,
    ShareResult,
    build_share,
    bundle_folder,
    bundle_owner,
    bundle_slug,
    check_base_url,
    check_start,
    parse_start,
    tokens_path,
)

__all__ = ["PRIVATE", "TOKENS", "ShareResult", "build_share", "bundle_folder", "bundle_owner",
           "bundle_slug", "check_base_url", "check_start", "parse_start", "tokens_path"]
