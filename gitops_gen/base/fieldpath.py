"""Field paths inside an object, written one way everywhere: ``spec.source.targetRevision``,
``spec.hard["limits.cpu"]``, ``spec.containers[0].image``, ``spec.containers[name=app].image``.

``key_step`` and ``leaves`` write them (diff, explain, report); ``parse`` reads one back into its
steps (a key is a ``str``, a list index an ``int``, a list item matched by name a ``NameStep``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_STEP = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[name=([^\]]*)\]|\[("(?:[^"\\]|\\.)*")\]')


class NameStep(NamedTuple):
    """``[name=x]``: the list item whose ``name`` is x."""

    name: str


Step = str | int | NameStep


def key_step(path: str, key: Any) -> str:
    text = str(key)
    if _SIMPLE_KEY.match(text):
        return f"{path}.{text}" if path else text
    return f"{path}[{json.dumps(text)}]"


def format_path(steps: tuple[Step, ...] | list[Step]) -> str:
    path = ""
    for step in steps:
        if isinstance(step, NameStep):
            path += f"[name={step.name}]"
        elif isinstance(step, int):
            path += f"[{step}]"
        else:
            path = key_step(path, step)
    return path


def parse(path: str) -> tuple[Step, ...] | None:
    """The steps of ``path`` (as ``key_step`` writes it), or None when it is not such a path."""
    steps: list[Step] = []
    at = 0
    while at < len(path):
        found = _STEP.match(path, at)
        if found is None or (found.group(1) and at and not path.startswith(".", at)):
            return None
        key, index, name, quoted = found.groups()
        steps.append(key if key else int(index) if index else NameStep(name) if name is not None
                     else json.loads(quoted))
        at = found.end()
    return tuple(steps)


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) of every scalar (and empty collection) below ``value``."""
    if isinstance(value, Mapping) and value:
        for key in sorted(value, key=str):
            yield from leaves(value[key], key_step(path, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value
