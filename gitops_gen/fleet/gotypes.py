"""Argo CD's Go types, as far as an expanded Application goes through them (pure).

- ``go_json``: a JSON field (valuesObject, a list element) after a round trip through Go's ``any``:
  integers become float64 (exact up to 2**53).
- ``strategic_merge``: Kubernetes' strategic merge patch on the parts of an Application gitops-gen
  patches: maps merge, a null deletes, lists replace except ``metadata.finalizers`` (merged).
- ``go_form``: an Application as Argo CD stores it: empty optional fields are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON_FIELDS = (("spec", "source", "helm", "valuesObject"),)  # RawExtension fields of the Application
RAW = set(JSON_FIELDS)
_FLOAT_EXACT = 2**53


class PatchError(ValueError):
    """A strategic merge patch directive gitops-gen does not write."""


def go_json(value: Any) -> Any:
    """A JSON value after a round trip through Go's ``any``: integers become float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        as_float = float(value)
        return int(as_float) if abs(value) < _FLOAT_EXACT or as_float == value else as_float
    if isinstance(value, Mapping):
        return {k: go_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [go_json(v) for v in value]
    return value


def strategic_merge(original: Any, patch: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """Kubernetes' strategic merge patch for the parts of an Application gitops-gen patches."""
    out = dict(original) if isinstance(original, Mapping) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            raise PatchError(f"templatePatch directive {'.'.join((*path, key))} is not covered")
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and (*path, key) not in RAW:
            out[key] = strategic_merge(out[key], value, (*path, key))
        elif (*path, key) == ("metadata", "finalizers") and isinstance(out.get(key), list):
            out[key] = [*out[key], *(f for f in value if f not in out[key])]
        else:
            out[key] = _without_nulls(value)
    return out




def _without_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


_MAPS = {("metadata", "labels"), ("metadata", "annotations")}


def go_form(app: Mapping[str, Any]) -> dict[str, Any]:
    """An Application as Argo CD's Go types store it: optional fields that are empty are left out
    (``prune: false``, ``""``, empty lists, empty labels); structs (``automated: {}``) and JSON
    fields (valuesObject) stay as they are."""
    return _go(app, ())  # type: ignore[no-any-return]


def _go(value: Any, path: tuple[str, ...]) -> Any:
    if path in RAW:
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            sub = (*path, key)
            item = _go(item, sub)
            if item is None or item is False or item == "" or (item == 0 and not isinstance(item, float)) \
                    or (isinstance(item, list) and not item) or (sub in _MAPS and not item):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_go(v, path) for v in value]
    return value


