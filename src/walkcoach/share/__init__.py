"""The client bundle: a page, a private podcast feed and the tracks, in one folder.

Takes in a program and a client; gives out the folder a coach publishes or sends: the
week's tracks (built by walkcoach.build), a page to play them on (and to log sessions on,
offline too), a podcast feed, a calendar of the sessions, a printed handout with QR codes,
and a zip of it all; and back from the client, check-in codes imported and their progress
(walkcoach.share.loop), which release the weeks a program holds back.
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
