"""Field paths as every report spells them: ``spec.source.targetRevision``, ``spec.hard["limits.cpu"]``,
``spec.template.spec.containers[name=app].image``, ``items[0].data``.

A key that is a plain identifier joins with a dot; any other key is a JSON string in brackets, so a key
holding dots, brackets or quotes reads back unambiguously.  One home for diff, drift and validate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NamedTuple

SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Named(NamedTuple):
    """A step into a list by a key field of its items (``[name=app]``), not by position; ``field`` ""
    when ``value`` already says it (drift's merge keys, ``containerPort=80,protocol=TCP``)."""

    field: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}={self.value}" if self.field else self.value


Step = str | int | Named


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
