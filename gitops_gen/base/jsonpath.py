"""Paths into JSON-like objects: JSON pointers and the small jq subset Argo CD's ignoreDifferences uses.

A path is a tuple of steps: a key (``str``), an index (``int``) or ``EVERY`` (jq's ``[]``: every item
of a list, every value of a mapping).  The blueprint layer checks the syntax when gitops.yaml loads;
drift follows the same parsed steps.
"""

from __future__ import annotations

import re

EVERY = object()  # the jq ``[]`` step: every item of a list (or every value of a mapping)
Step = str | int | object
_JQ_STEP = re.compile(
    r'\.([A-Za-z_][A-Za-z0-9_-]*)|\.?\["((?:[^"\\]|\\.)*)"\]|\.?\[(\d*)\]|\.?"((?:[^"\\]|\\.)*)"'
)
# The same subset as one pattern, for editors (JSON Schema); ``parse_jq`` decides.
_JQ_SCHEMA_STEP = r'(\.[A-Za-z_][A-Za-z0-9_-]*|\.?\["([^"\\]|\\.)*"\]|\.?\[[0-9]*\]|\.?"([^"\\]|\\.)*")\??'
JQ_PATH = rf"\s*({_JQ_SCHEMA_STEP})+\s*"


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
