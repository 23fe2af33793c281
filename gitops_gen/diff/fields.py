"""Field-level differences between two versions of one object (pure), Secret values redacted.

Paths read like the drift report's: ``spec.source.targetRevision``,
``spec.hard["limits.cpu"]``, ``spec.template.spec.containers[name=app].image``.
Lists whose items are mappings with distinct ``name`` keys are matched by name;
other lists of equal length item by item; otherwise the list is one change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitops_gen.base.jsonpath import Named, Step, format_path, leaf_steps
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.redact import SECRET_FIELDS, is_secret, redact
from gitops_gen.diff.model import FieldChange

Steps = tuple[Step, ...]


def _by_name(items: list[Any]) -> dict[str, Any] | None:
    if not items or not all(isinstance(i, Mapping) and isinstance(i.get("name"), str) for i in items):
        return None
    named = {i["name"]: i for i in items}
    return named if len(named) == len(items) else None


def _walk(base: Any, head: Any, steps: Steps) -> Iterator[tuple[Steps, Any, Any]]:
    if base is head or base == head:
        return
    if isinstance(base, Mapping) and isinstance(head, Mapping):
        for key in sorted(set(base) | set(head), key=str):
            yield from _walk(base.get(key), head.get(key), (*steps, key))
        return
    if isinstance(base, list) and isinstance(head, list):
        old, new = _by_name(base), _by_name(head)
        if old is not None and new is not None:
            for name in sorted(set(old) | set(new)):
                yield from _walk(old.get(name), new.get(name), (*steps, Named("name", name)))
            return
        if len(base) == len(head):
            for index, (a, b) in enumerate(zip(base, head, strict=True)):
                yield from _walk(a, b, (*steps, index))
            return
    yield steps, base, head


def _secret_view(body: Mapping[str, Any] | None) -> dict[str, Any]:
    """A Secret with ``data``/``stringData`` always maps, so a change names the key, not the whole map."""
    out = dict(body or {})
    for name in SECRET_FIELDS:
        if not isinstance(out.get(name), Mapping):
            out[name] = {} if out.get(name) is None else out[name]
    return out


def field_changes(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None,
                  ref: ObjectRef | None = None) -> tuple[FieldChange, ...]:
    """Every field that differs between ``base`` and ``head`` (either may be None: not there), every
    Secret value in them (a Secret's own, or one inside a List) redacted (``base.redact``)."""
    secret = ref is not None and is_secret(ref)
    old, new = (_secret_view(base), _secret_view(head)) if secret else (base or {}, head or {})
    return tuple(FieldChange(format_path(steps), redact(old, steps, a, secret=secret),
                             redact(new, steps, b, secret=secret))
                 for steps, a, b in _walk(old, new, ()))


def leaves(value: Any, steps: Steps = ()) -> Iterator[tuple[str, Any]]:
    """(path, value) of every scalar (and empty collection) below ``value``, Secret values redacted."""
    for where, leaf in leaf_steps(value, steps):
        yield format_path(where), redact(value, where[len(steps):], leaf)
