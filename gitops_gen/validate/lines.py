"""The line of the field a finding is about, from the document's text and the finding's field path.

Validation runs on plain data (fast); only a document with findings is parsed
again with positions (``reader.load_positioned``), and each field path
(``spec.template.spec.containers[0].image``, ``metadata.labels.app.kubernetes.io/name``)
is walked down the positioned tree: at a mapping the longest key that starts
the rest of the path wins (keys may hold dots), at a list the ``[n]`` index.
A field that is missing (a required one) points at the deepest part that exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.yamlio import reader

_INDEX = re.compile(r"\[(\d+)\]")


def field_lines(text: str, first_line: int, within: tuple[str | int, ...], paths: Iterable[str]) -> dict[str, int]:
    """field path -> 1-based line in the file, for a document whose ``text`` starts at ``first_line``.

    ``within``: where the object sits inside the parsed document (a ``kind: List`` item: ("items", 3)).
    Paths that cannot be placed are left out.
    """
    try:
        docs = [d for d in reader.load_positioned(text, "") if d is not None]
    except (InputError, RecursionError):
        return {}
    if len(docs) != 1:
        return {}
    root, line = docs[0], 0
    for part in within:
        root, line = _child(root, part, line)
        if root is None:
            return {}
    out: dict[str, int] = {}
    for path in paths:
        found = _line_of(root, path)
        if found:
            out[path] = found + first_line - 1
    return out


def _child(node: Any, part: str | int, line: int) -> tuple[Any, int]:
    if isinstance(part, int) and isinstance(node, reader.LocList) and part < len(node):
        return node[part], node.item_loc(part).line
    if isinstance(part, str) and isinstance(node, reader.LocDict) and part in node:
        return node[part], node.key_loc(part).line
    return None, line


def _line_of(node: Any, path: str) -> int:
    line = node.loc.line if isinstance(node, (reader.LocDict, reader.LocList)) else 0
    rest = path
    while rest:
        index = _INDEX.match(rest)
        if index is not None:
            if not isinstance(node, reader.LocList) or int(index.group(1)) >= len(node):
                return line
            number = int(index.group(1))
            node, line = node[number], node.item_loc(number).line
            rest = rest[index.end() :].removeprefix(".")
            continue
        if not isinstance(node, reader.LocDict):
            return line
        key = max((k for k in node if rest == k or rest.startswith((f"{k}.", f"{k}["))), key=len, default=None)
        if key is None:
            return line
        node, line = node[key], node.key_loc(key).line
        rest = rest[len(key) :].removeprefix(".")
    return line
