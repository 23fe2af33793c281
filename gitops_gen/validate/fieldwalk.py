"""One walk over a document for every field check of its kind (quantities, enums).

The checks are keyed by field patterns (``spec``, ``template``, ``[]`` any list
item, ``{}`` any map value).  Walking each pattern from the root repeats the
shared prefixes (a Deployment's sixteen enum fields all sit under
``spec.template.spec``); a trie of the patterns, built once per kind, visits
each node of the document at most once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple


class Node(NamedTuple):
    children: dict[str, Node]
    checks: tuple[Any, ...]  # what to check at this field (the caller's payloads)


def build(patterns: Iterable[tuple[Sequence[str], Any]]) -> Node:
    root: dict[Any, Any] = {}
    for pattern, payload in patterns:
        node = root
        for part in pattern:
            node = node.setdefault(part, {})
        node.setdefault(_CHECKS, []).append(payload)
    return _freeze(root)


_CHECKS = object()  # the key holding a field's checks while the trie is built (never a field name)


def _freeze(node: dict[Any, Any]) -> Node:
    return Node({k: _freeze(v) for k, v in node.items() if k is not _CHECKS}, tuple(node.get(_CHECKS, ())))


def walk(value: Any, node: Node, path: str = "") -> Iterator[tuple[str, Any, tuple[Any, ...]]]:
    """(field path, value, checks) for every field of ``value`` the trie has checks for."""
    if node.checks:
        yield path, value, node.checks
    if isinstance(value, dict):  # JSON data: plain dicts and lists
        for key, child in node.children.items():
            if key == "{}":
                for k, v in value.items():
                    yield from walk(v, child, f"{path}.{k}" if path else str(k))
            elif key in value:
                yield from walk(value[key], child, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        items = node.children.get("[]")
        if items is not None:
            for index, item in enumerate(value):
                yield from walk(item, items, f"{path}[{index}]")


def at(node: Any, pattern: Sequence[str], path: str) -> Iterator[tuple[str, Any]]:
    """(field path, value) of every value at ``pattern`` (``[]`` any list item, ``{}`` any map value)."""
    if not pattern:
        yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "[]":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from at(item, rest, f"{path}[{index}]")
    elif isinstance(node, dict):  # JSON data: a plain dict check is 3x an ABC check
        keys = list(node) if head == "{}" else [head] if head in node else []
        for key in keys:
            yield from at(node[key], rest, f"{path}.{key}" if path else str(key))
