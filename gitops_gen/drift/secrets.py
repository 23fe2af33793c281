"""Secret values never leave the comparison: every changed field of a Secret is reported as redacted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.drift.model import REDACTED, Change


def is_secret(ref: ObjectRef) -> bool:
    return ref.kind == "Secret" and ref.group == ""


def _redact(value: Any) -> Any:
    # Only whether a field is set may show: a missing key is no secret, its value is.
    # An empty value is not set either (null = empty = absent), so it reads "(not set)" too.
    return None if value is None or value in ("", {}, []) else REDACTED


def mask(ref: ObjectRef, changes: Iterable[Change]) -> tuple[Change, ...]:
    """``changes`` safe to print: for a Secret, paths stay and values become ``<redacted>``."""
    if not is_secret(ref):
        return tuple(changes)
    return tuple(Change(c.path, _redact(c.desired), _redact(c.live)) for c in changes)
