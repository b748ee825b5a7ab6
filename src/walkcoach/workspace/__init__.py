"""The coach's workspace, and what the studio's forms ask of the library: the studio is one
face of the library and keeps none of its logic (walkcoach.studio)."""

from walkcoach.workspace.covers import COVER_TYPES, save_cover
from walkcoach.workspace.edits import (
    CLIENT_FIELDS,
    MAX_UPLOAD,
    client_form,
    edit_script,
    save_client,
    save_music,
    script_problems,
)
from walkcoach.workspace.folders import KINDS, NAME, OUTPUTS, Workspace, check_name, default_root
from walkcoach.workspace.forms import (
    TRACK_FIELDS,
    VOICES,
    FormError,
    TrackRequest,
    exercise_choices,
    exercise_ref,
    track_request,
)
from walkcoach.workspace.sources import EDITABLE, copy_exercise, save_source

__all__ = ["CLIENT_FIELDS", "COVER_TYPES", "EDITABLE", "KINDS", "MAX_UPLOAD", "NAME", "OUTPUTS",
           "TRACK_FIELDS", "VOICES", "FormError", "TrackRequest", "Workspace", "check_name",
           "client_form", "copy_exercise", "default_root", "edit_script", "exercise_choices",
           "exercise_ref", "save_client", "save_cover", "save_music", "save_source",
           "script_problems", "track_request"]
