"""Schema errors said as a coach reads them: the line, the key path, what is wrong, and what
is expected, with "did you mean" for a misspelt key or value.

jsonschema finds every structural problem of a file at once (``iter_errors``); each error
knows the JSON path of the value it is about, and the :class:`~walkcoach.authoring.tree.Tree`
knows the line of every path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from walkcoach.authoring.schemas import SPOKEN
from walkcoach.authoring.tree import JsonPath, Tree
from walkcoach.content.loader import key_path, kind
from walkcoach.errors import excerpt, one_line
from walkcoach.text import speakable

__all__ = ["Problem", "did_you_mean", "schema_problems"]


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One problem of a file: ``file:line: key.path: what is wrong (what is expected)``."""

    path: Path
    line: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return one_line(f"{where}: {self.key}: {self.message}" if self.key
                        else f"{where}: {self.message}")


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was most likely meant to be, if one is close enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


_FORMATS = FormatChecker(formats=())
_FORMATS.checks(SPOKEN)(lambda value: not isinstance(value, str) or speakable(value) is None)
_WORDS = {"string": "text", "number": "a number", "integer": "a whole number",
          "boolean": "true or false", "array": "a list", "object": "a mapping"}


def schema_problems(tree: Tree, schema: dict[str, Any]) -> list[Problem]:
    """Every problem the schema finds in the file, each at its line, in file order."""
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    found: dict[tuple[int | None, str | None, str], Problem] = {}
    for error in validator.iter_errors(tree.data):
        for problem in _explain(error, tree, schema):
            found.setdefault((problem.line, problem.key, problem.message), problem)
    return sorted(found.values(), key=lambda p: (p.line or 0, p.key or ""))


def _explain(error: ValidationError, tree: Tree, root: dict[str, Any]) -> Iterator[Problem]:
    path: JsonPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    value: Any = error.instance
    rule: Any = error.validator_value

    def at(where: JsonPath, message: str, line: int | None = None) -> Problem:
        return Problem(path=tree.path, line=line or tree.line(where),
                       key=key_path(list(where)), message=message)

    expected = f" ({schema['description']})" if schema.get("description") else ""
    check = error.validator
    if "propertyNames" in error.absolute_schema_path and isinstance(value, str):
        path = (*path, value)  # a name that is wrong itself: at its own line
    if check == "additionalProperties" and isinstance(value, dict):
        allowed = list(schema.get("properties", {}))
        for extra in (key for key in value if key not in allowed):
            close = did_you_mean(str(extra), allowed)
            hint = f"did you mean '{close}'?" if close else f"expected one of: {', '.join(allowed)}"
            yield at((*path, extra), f"unknown key ({hint})")
    elif check == "required" and isinstance(value, dict):
        for key in (key for key in rule if key not in value):
            yield _missing(tree, root, schema, path, key)
    elif check == "anyOf" and error.context and all(
            sub.validator == "required" for sub in error.context):
        keys = [key for sub in error.context for key in cast(list[str], sub.validator_value)
                if key not in value]
        yield at(path, f"missing required key: {' or '.join(keys)}{expected}",
                 line=tree.start(path))
    elif check == "type":
        wanted = rule if isinstance(rule, list) else [rule]
        yield at(path, f"must be {_types(wanted)}, not {kind(value)}{expected}")
    elif check == "enum":
        choices = [str(choice) for choice in rule]
        close = did_you_mean(str(value), choices) if isinstance(value, str) else None
        hint = f" (did you mean '{close}'?)" if close else ""
        yield at(path, f"must be one of {', '.join(choices)}, not {_shown(value)}{hint}")
    elif check in ("minimum", "maximum"):
        low, high = schema.get("minimum"), schema.get("maximum")
        yield at(path, f"must be between {_number(low)} and {_number(high)}, not "
                       f"{_shown(value)}{expected}")
    elif check == "pattern":
        if rule == r"\S":
            yield at(path, "must not be empty")
        else:
            yield at(path, f"cannot read {_shown(value)}{expected}")
    elif check == "format":
        yield at(path, f"cannot be spoken: {speakable(str(value))}")
    elif check == "minItems":
        yield at(path, "must not be an empty list" if rule == 1 else
                 f"needs at least {rule} items{expected}")
    elif check == "maxItems":
        yield at(path, f"has {len(value)} items; at most {rule}{expected}")
    elif check == "minProperties":
        yield at(path, f"needs at least one entry{expected}")
    elif check == "maxProperties":
        yield at(path, f"has {len(value)} entries; at most {rule}{expected}")
    elif check == "maxLength":
        yield at(path, f"is longer than {rule} characters{expected}")
    elif check is None and "dependentSchemas" in error.absolute_schema_path:
        # A key another key excludes (a false schema): jsonschema names neither the key nor
        # its path, so both are found from the rule and the mapping.
        steps = list(error.absolute_schema_path)
        at_rule = steps.index("dependentSchemas") + 2
        rule = _follow(root, steps[:at_rule])
        why = f" ({rule['description']})" if rule.get("description") else ""
        parent = tree.get(path)
        for key, allowed in rule.get("properties", {}).items():
            if allowed is False and isinstance(parent, dict) and key in parent:
                yield at((*path, key), f"cannot go with '{steps[at_rule - 1]}'{why}")
    else:
        yield at(path, error.message)


def _missing(tree: Tree, root: dict[str, Any], schema: dict[str, Any], path: JsonPath,
             key: str) -> Problem:
    """A required key that is not there, or is there with no value."""
    here = (*path, key)
    wanted = _resolve(root, schema.get("properties", {}).get(key, {}))
    expected = f" ({wanted['description']})" if wanted.get("description") else ""
    if here in tree.empty:
        return Problem(path=tree.path, line=tree.line(here), key=key_path(list(here)),
                       message=f"needs a value (it is empty){expected}")
    return Problem(path=tree.path, line=tree.start(path), key=key_path(list(here)),
                   message=f"missing required key{expected}")


def _resolve(root: dict[str, Any], schema: Any) -> dict[str, Any]:
    """``schema`` itself, or what its local ``$ref`` points to."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        schema = _follow(root, schema["$ref"].removeprefix("#/").split("/"))
    return schema if isinstance(schema, dict) else {}


def _follow(root: dict[str, Any], steps: Sequence[Any]) -> dict[str, Any]:
    """The part of ``root`` at schema path ``steps`` (a ``$ref`` on the way is followed)."""
    here: Any = root
    for step in steps:
        if isinstance(here, dict) and step not in here:
            here = _resolve(root, here)  # jsonschema's paths go through a $ref unnamed
        here = here.get(step) if isinstance(here, dict) else (
            here[step] if isinstance(here, list) and isinstance(step, int)
            and 0 <= step < len(here) else None)
    return here if isinstance(here, dict) else {}


def _types(names: Sequence[str]) -> str:
    if set(names) >= {"string", "number"}:
        rest = [name for name in names if name not in ("string", "number")]
        return " or ".join(["text", *(_WORDS.get(name, name) for name in rest)])
    return " or ".join(_WORDS.get(name, name) for name in names)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        text = str(value)
        return text if len(text) <= 20 else text[:17] + "..."
    return excerpt(str(value)) if isinstance(value, str) else kind(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.3g}"
    return str(int(value)) if isinstance(value, (int, float)) else "?"
