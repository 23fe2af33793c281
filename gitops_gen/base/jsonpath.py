"""Paths into JSON-like objects: JSON pointers and the small jq subset Argo CD's ignoreDifferences uses
(parsed), and field paths as every report spells them (formatted).

A path is a tuple of steps: a key (``str``), an index (``int``), ``EVERY`` (jq's ``[]``: every item
of a list, every value of a mapping) or a ``Named`` item of a keyed list.  The blueprint layer checks the
syntax when gitops.yaml loads; drift follows the same parsed steps.

Reports write ``spec.source.targetRevision``, ``spec.hard["limits.cpu"]``,
``spec.template.spec.containers[name=app].image``, ``items[0].data``: a key that is a plain identifier
joins with a dot; any other key is a JSON string in brackets, so a key holding dots, brackets or quotes
reads back unambiguously.  One home for diff, drift and validate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple

EVERY = object()  # the jq ``[]`` step: every item of a list (or every value of a mapping)
Step = str | int | object
_JQ_STEP = re.compile(
    r'\.([A-Za-z_][A-Za-z0-9_-]*)|\.?\["((?:[^"\\]|\\.)*)"\]|\.?\[(\d*)\]|\.?"((?:[^"\\]|\\.)*)"'
)
# The same subset as one pattern, for editors (JSON Schema); ``parse_jq`` decides.
_JQ_SCHEMA_STEP = r'(\.[A-Za-z_][A-Za-z0-9_-]*|\.?\["([^"\\]|\\.)*"\]|\.?\[[0-9]*\]|\.?"([^"\\]|\\.)*")\??'
JQ_PATH = rf"\s*({_JQ_SCHEMA_STEP})+\s*"
SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class PathSyntaxError(ValueError):
    pass


def parse_pointer(pointer: str) -> tuple[Step, ...]:
    if not pointer.startswith("/"):
        raise PathSyntaxError(f"JSON pointer {pointer!r} must start with '/'")
    steps: list[Step] = []
    for raw in pointer[1:].split("/"):
        text = raw.replace("~1", "/").replace("~0", "~")
        steps.append(int(text) if text.isdigit() else text)
    return tuple(steps)


def parse_jq(expression: str) -> tuple[Step, ...]:
    text = expression.strip().replace("[]?", "[]").replace("?", "")
    steps: list[Step] = []
    pos = 0
    while pos < len(text):
        match = _JQ_STEP.match(text, pos)
        if not match:
            raise PathSyntaxError(
                f'unsupported jq path {expression!r}: only .field, ["key"], [N] and [] steps'
            )
        field, quoted, index, dotted_quote = match.groups()
        if field is not None:
            steps.append(field)
        elif quoted is not None or dotted_quote is not None:
            steps.append((quoted if quoted is not None else dotted_quote).replace('\\"', '"'))
        else:
            steps.append(int(index) if index else EVERY)
        pos = match.end()
    if not steps:
        raise PathSyntaxError(f"empty jq path {expression!r}")
    return tuple(steps)


class Named(NamedTuple):
    """A step into a list by a key field of its items (``[name=app]``), not by position; ``field`` ""
    when ``value`` already says it (drift's merge keys, ``containerPort=80,protocol=TCP``)."""

    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}" if self.field else self.value


def key_step(path: str, key: object) -> str:
    """``path`` followed by the mapping key ``key``."""
    text = str(key)
    if SIMPLE_KEY.match(text):
        return f"{path}.{text}" if path else text
    return f"{path}[{json.dumps(text, ensure_ascii=False)}]"


def item_step(path: str, index: object) -> str:
    """``path`` followed by a list item: its position, or ``key=value`` for a keyed list."""
    return f"{path}[{index}]"


def format_path(steps: Iterable[Step]) -> str:
    out = ""
    for step in steps:
        out = key_step(out, step) if isinstance(step, str) else item_step(out, step)
    return out


_PATH_STEP = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[([A-Za-z_][A-Za-z0-9_.-]*)=([^\]]*)\]'
                        r'|\[("(?:[^"\\]|\\.)*")\]')


def parse_path(path: str) -> tuple[Step, ...] | None:
    """The steps of a field path as ``format_path`` writes it (``explain``'s FIELD), or None when it is not one.

    Keys are ``str``, list positions ``int``, keyed items ``Named``."""
    steps: list[Step] = []
    at = 0
    while at < len(path):
        found = _PATH_STEP.match(path, at)
        if found is None or (found.group(1) and at and not path.startswith(".", at)):
            return None
        key, index, field, value, quoted = found.groups()
        steps.append(key if key else int(index) if index else Named(field, value) if field else json.loads(quoted))
        at = found.end()
    return tuple(steps)


def leaf_steps(value: object, steps: tuple[Step, ...] = ()) -> Iterator[tuple[tuple[Step, ...], object]]:
    """(steps, value) of every scalar (and empty collection) below ``value``, keys in sorted order."""
    if isinstance(value, Mapping) and value:
        for key in sorted(value, key=str):
            yield from leaf_steps(value[key], (*steps, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaf_steps(item, (*steps, index))
    else:
        yield steps, value
