"""Secret values never leave a comparison: one rule for every report (diff, drift) and every format.

A value is secret when it sits under ``data`` or ``stringData`` of a core ``Secret``, wherever that
Secret is: a whole object, an item of a ``kind: List``, an object inside a changed list (chart output,
a List grown by one item).  Only whether a key is set may show: a value that is absent, null or empty
reads "(not set)" (null = empty = absent, as Kubernetes treats them), any other value ``<redacted>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.jsonpath import Named, Step
from gitops_gen.base.manifest import ObjectRef

REDACTED = "<redacted>"
SECRET_FIELDS = ("data", "stringData")
_ABSENT = object()


def is_secret(ref: ObjectRef) -> bool:
    return ref.kind == "Secret" and ref.group == ""


def is_secret_body(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("kind") == "Secret" and node.get("apiVersion") == "v1"


def hidden(value: Any) -> Any:
    """A secret value as it may be shown: not set, ``<redacted>``, or a mapping's keys with values hidden."""
    if value is None or value in ("", {}, []):
        return None
    if isinstance(value, Mapping):
        return {key: hidden(item) for key, item in value.items()}
    return REDACTED


def redact(root: Any, steps: Sequence[Step], value: Any, *, secret: bool = False) -> Any:
    """``value``, found at ``steps`` below ``root``, safe to print.

    ``secret``: ``root`` is a Secret even if its body does not say so (a ref said it)."""
    node = root
    for step in steps:
        if (secret or is_secret_body(node)) and step in SECRET_FIELDS:
            return hidden(value)
        secret = False
        node = _child(node, step)
        if node is _ABSENT:
            break
    return scrub(value)


def scrub(value: Any) -> Any:
    """``value`` with the secret fields of every Secret inside it hidden (``value`` itself when none)."""
    if isinstance(value, Mapping):
        if is_secret_body(value):
            return {k: hidden(v) if k in SECRET_FIELDS else scrub(v) for k, v in value.items()}
        cleaned = {k: scrub(v) for k, v in value.items()}
        return value if all(cleaned[k] is value[k] for k in value) else cleaned
    if isinstance(value, list):
        items = [scrub(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, Named):
        if isinstance(node, list):
            return next((i for i in node if isinstance(i, Mapping) and i.get(step.field) == step.value), _ABSENT)
        return _ABSENT
    if isinstance(node, Mapping):
        return node.get(step, _ABSENT)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _ABSENT
