"""``walkcoach init KIND NAME``: a commented starting file that validates and builds as it is.

The file's first line points editors that use yaml-language-server (VS Code's YAML
extension, and others) at the kind's installed schema, as a file URI: they then complete
keys and check values while the coach types.
"""

from __future__ import annotations

import os
from pathlib import Path

from walkcoach.authoring.explain import did_you_mean
from walkcoach.authoring.schemas import schema_path
from walkcoach.encode.export import write_text
from walkcoach.errors import InputError, excerpt
from walkcoach.names import slug

__all__ = ["INIT_KINDS", "init_file", "name_problem", "starting_text"]

INIT_KINDS = ("exercise", "program", "client")
"""The kinds of file ``init`` writes."""
TEMPLATES_DIR = Path(__file__).parent / "templates"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a new file (NAME.yaml), or None.

    The rule of walkcoach.names.slug: letters, digits and single hyphens, at most 48
    characters, not a name Windows keeps for a device; capitals are kept (``Maria``).
    """
    if name and not name.startswith("-") and slug(name, fallback="") == name.lower():
        return None  # (a leading hyphen would be read as an option on the command line)
    base = name.removesuffix(".yaml").removesuffix(".yml")
    # A device's name (CON) is made a word of its own ("my-con"), as a client's is.
    better = slug(base, fallback="") and slug(base, fallback="my")
    hint = f", such as {better}" if better else ""
    return (f"{excerpt(name)} cannot be a file name: use letters, digits and single hyphens, "
            f"at most 48 characters{hint}")


def starting_text(kind: str, name: str, *, file: str | None = None) -> str:
    """The commented starting file of ``kind`` for ``name`` (``file``: how it is named in
    its comments; NAME.yaml unless given)."""
    if kind not in INIT_KINDS:
        close = did_you_mean(kind, INIT_KINDS)
        hint = f"did you mean '{close}'? " if close else ""
        raise InputError(f"init cannot write a {excerpt(kind)} file ({hint}choose from "
                         f"{', '.join(INIT_KINDS)})")
    problem = name_problem(name)
    if problem:
        raise InputError(problem)
    words = name.replace("-", " ")
    title = " ".join(word[:1].upper() + word[1:] for word in words.split()) if \
        kind == "client" else words[:1].upper() + words[1:]
    line = f"# yaml-language-server: $schema={schema_path(kind).resolve().as_uri()}"
    text = (TEMPLATES_DIR / f"{kind}.yaml").read_text(encoding="utf-8")
    for token, value in (("{{schema_line}}", line), ("{{name}}", name), ("{{title}}", title),
                         ("{{file}}", file or f"{name}.yaml")):
        text = text.replace(token, value)
    return text


def init_file(kind: str, name: str, output: Path | str | None = None) -> Path:
    """Write the starting file of ``kind`` for ``name``: NAME.yaml in the current folder, or
    ``output`` (a file, or a folder to put NAME.yaml in; text ending in "/" is a folder). Never
    overwrites anything.

    An exercise's name is its file's name, so its file must be NAME.yaml wherever it goes.
    Raises InputError for an unknown kind, a name that is no safe file name, an output that
    exists, or a folder that does not.
    """
    text = starting_text(kind, name)  # the kind and the name are checked first
    folder_meant = isinstance(output, str) and output.endswith(("/", os.sep))
    output = Path(output) if output is not None else None
    out = output if output is not None else Path(f"{name}.yaml")
    if output is not None and (output.is_dir() or folder_meant):
        if not output.is_dir():
            raise InputError(f"{output}: no such folder to write {name}.yaml in")
        out = output / f"{name}.yaml"
    if kind == "exercise" and out.stem != name:
        raise InputError(f"{out}: an exercise's file is named after it: write it to "
                         f"{name}.yaml (in any folder)")
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"{out}: the file must end in .yaml (or name a folder that exists)")
    if os.path.lexists(out):
        raise InputError(f"{out} already exists: init never overwrites a file (choose "
                         "another name, or -o another file)")
    folder = out.parent
    if not folder.is_dir():
        raise InputError(f"{out}: no folder {folder} to write it in")
    shown = str(out) if str(out).isprintable() else None  # a comment holds one line
    write_text(out, text if output is None else starting_text(kind, name, file=shown))
    return out
