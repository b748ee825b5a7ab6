"""The client bundle: a page, a private podcast feed and the tracks, in one folder."""

from walkcoach.share.bundle import (
    TOKENS,
    ShareResult,
    build_share,
    bundle_folder,
    bundle_owner,
    bundle_slug,
    check_base_url,
    tokens_path,
)

__all__ = ["TOKENS", "ShareResult", "build_share", "bundle_folder", "bundle_owner", "bundle_slug",
           "check_base_url", "tokens_path"]
