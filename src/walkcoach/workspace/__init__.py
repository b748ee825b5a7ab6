"""The coach's workspace, and what the studio's forms ask of the library: the studio is one
face of the library and keeps none of its logic (walkcoach.studio).

Takes in a folder and what a form sent; gives out the coach's files saved and read back by
the same loaders as the command line, tracks and bundles made in the workspace's folders,
and each problem tied to the field it is about.
"""

from walkcoach.workspace import checkins, making, shares, titles, trash
from walkcoach.workspace.covers import COVER_TYPES, save_cover
from walkcoach.workspace.edits import (
    CLIENT_FIELDS,
    MAX_UPLOAD,
    client_choices,
    client_form,
    save_client,
    save_music,
)
from walkcoach.workspace.folders import (
    KINDS,
    NAME,
    OUTPUTS,
    StaleFile,
    Workspace,
    check_name,
    default_root,
    file_version,
)
from walkcoach.workspace.forms import (
    TRACK_FIELDS,
    VOICES,
    FormError,
    TrackRequest,
    check_voice,
    exercise_choices,
    exercise_ref,
    recovery_choices,
    track_request,
)
from walkcoach.workspace.lines import edit as edit_script
from walkcoach.workspace.lines import problems as script_problems
from walkcoach.workspace.lines import refusal_field
from walkcoach.workspace.sources import EDITABLE, copy_exercise, copy_program, save_source

__all__ = ["CLIENT_FIELDS", "COVER_TYPES", "EDITABLE", "KINDS", "MAX_UPLOAD", "NAME", "OUTPUTS",
           "TRACK_FIELDS", "VOICES", "FormError", "StaleFile", "TrackRequest", "Workspace",
           "check_name", "check_voice", "checkins", "client_choices", "client_form",
           "copy_exercise", "copy_program", "default_root",
           "edit_script", "exercise_choices", "exercise_ref", "file_version", "making",
           "recovery_choices", "refusal_field", "save_client", "save_cover", "save_music",
           "save_source", "script_problems", "shares", "titles", "track_request", "trash"]
