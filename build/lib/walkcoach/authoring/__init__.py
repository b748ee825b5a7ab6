"""Tools for authors: JSON Schemas of the content files, ``validate`` and ``init``.

Takes in files a coach writes (or a kind and a name); gives out their problems, every one at
once, their schemas, and commented starting files.

* :func:`schema_text` is a kind's JSON Schema (``walkcoach schema KIND``);
* :func:`validate_files` checks files without making audio, every problem at once
  (``walkcoach validate FILE...``);
* :func:`init_file` writes a commented starting file (``walkcoach init KIND NAME``).
"""

from __future__ import annotations

from walkcoach.authoring.explain import Problem
from walkcoach.authoring.init import INIT_KINDS, init_file
from walkcoach.authoring.schemas import KINDS, schema, schema_path, schema_text
from walkcoach.authoring.validate import Report, detect_kind, validate_file, validate_files

__all__ = ["INIT_KINDS", "KINDS", "Problem", "Report", "detect_kind", "init_file", "schema",
           "schema_path", "schema_text", "validate_file", "validate_files"]
