"""Field-level differences between two versions of one object (pure), Secret values redacted.

Paths read like the drift report's: ``spec.source.targetRevision``,
``spec.hard["limits.cpu"]``, ``spec.template.spec.containers[name=app].image``.
Lists whose items are mappings with distinct ``name`` keys are matched by name;
other lists of equal length item by item; otherwise the list is one change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitops_gen.base.fieldpath import key_step
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.diff.model import REDACTED, FieldChange

SECRET_FIELDS = ("data", "stringData")


def is_secret(ref: ObjectRef) -> bool:
    return ref.kind == "Secret" and ref.group == ""


def _by_name(items: list[Any]) -> dict[str, Any] | None:
    if not items or not all(isinstance(i, Mapping) and isinstance(i.get("name"), str) for i in items):
        return None
    named = {i["name"]: i for i in items}
    return named if len(named) == len(items) else None


def _walk(base: Any, head: Any, path: str) -> Iterator[FieldChange]:
    if base is head or base == head:
        return
    if isinstance(base, Mapping) and isinstance(head, Mapping):
        for key in sorted(set(base) | set(head), key=str):
            yield from _walk(base.get(key), head.get(key), key_step(path, key))
        return
    if isinstance(base, list) and isinstance(head, list):
        old, new = _by_name(base), _by_name(head)
        if old is not None and new is not None:
            for name in sorted(set(old) | set(new)):
                yield from _walk(old.get(name), new.get(name), f"{path}[name={name}]")
            return
        if len(base) == len(head):
            for index, (a, b) in enumerate(zip(base, head, strict=True)):
                yield from _walk(a, b, f"{path}[{index}]")
            return
    yield FieldChange(path, base, head)


def _redact(value: Any) -> Any:
    # Whether a key is set may show; its value never does.
    return None if value is None else REDACTED


def _secret_view(body: Mapping[str, Any] | None) -> dict[str, Any]:
    """A Secret with ``data``/``stringData`` always maps, so a change names the key, not the whole map."""
    out = dict(body or {})
    for name in SECRET_FIELDS:
        if not isinstance(out.get(name), Mapping):
            out[name] = {} if out.get(name) is None else out[name]
    return out


def field_changes(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None,
                  ref: ObjectRef | None = None) -> tuple[FieldChange, ...]:
    """Every field that differs between ``base`` and ``head`` (either may be None: not there)."""
    if ref is not None and is_secret(ref):
        found = _walk(_secret_view(base), _secret_view(head), "")
        return tuple(FieldChange(c.path, _redact(c.base), _redact(c.head))
                     if c.path.split(".")[0].split("[")[0] in SECRET_FIELDS else c for c in found)
    return tuple(_walk(base or {}, head or {}, ""))

