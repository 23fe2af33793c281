"""The shape of every API reply checked before it is used: a server (or a proxy before it) that answers
with the wrong shape makes that cluster unreadable (exit 3) with a one-line reason, never a traceback,
and the other clusters are still reported.

Only what the reader uses is checked, and only as far as it uses it: discovery's version and group
lists, a group's resources, a list page's ``items`` and ``metadata.continue``, and the identity of each
item (``metadata`` a mapping; ``name``, ``namespace``, ``kind``, ``apiVersion`` strings; ``labels`` a
mapping of strings).  ``status`` and ``spec`` are read defensively where they are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_gen.base.errors import ExternalError


class MalformedReply(ExternalError):
    """A reply that is JSON but not the shape the Kubernetes API gives."""


def _bad(path: str, what: str) -> MalformedReply:
    return MalformedReply(f"a reply to GET {path} is malformed ({what}): the API server (or a proxy before "
                          "it) is misbehaving")


def _mapping(body: Any, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise _bad(path, f"{what} is {_kind(body)}, not an object")
    return body


def _list(value: Any, path: str, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(path, f"{what} is {_kind(value)}, not a list")
    return value


def _text(value: Any, path: str, what: str) -> str:
    if not isinstance(value, str):
        raise _bad(path, f"{what} is {_kind(value)}, not a string")
    return value


def core_versions(body: Any, path: str) -> list[str]:
    """``/api``: the core versions (``["v1"]``)."""
    versions = _list(_mapping(body, path, "the reply").get("versions"), path, "versions")
    return [_text(v, path, "a version") for v in versions]


def group_versions(body: Any, path: str) -> list[str]:
    """``/apis``: every ``group/version`` the server serves."""
    out: list[str] = []
    for group in _list(_mapping(body, path, "the reply").get("groups"), path, "groups"):
        group = _mapping(group, path, "a group")
        versions = group.get("versions")
        if not isinstance(versions, list) or not versions:
            raise _bad(path, f"group {str(group.get('name'))[:60]!r} has no versions")
        for version in versions:
            out.append(_text(_mapping(version, path, "a group version").get("groupVersion"), path, "groupVersion"))
    return out


def resources(body: Any, path: str) -> list[tuple[str, str, bool]]:
    """A group version's resources as (kind, plural, namespaced), subresources (``pods/log``) left out."""
    out: list[tuple[str, str, bool]] = []
    for item in _list(_mapping(body, path, "the reply").get("resources"), path, "resources"):
        item = _mapping(item, path, "a resource")
        name, kind = _text(item.get("name"), path, "a resource name"), _text(item.get("kind"), path, "a kind")
        if "/" not in name:
            out.append((kind, name, item.get("namespaced") is True))
    return out


def page(body: Any, path: str) -> tuple[str, str, list[Mapping[str, Any]], str]:
    """A LIST reply: (kind, apiVersion, items, continue token), every item's identity checked."""
    body = _mapping(body, path, "the reply")
    meta = body.get("metadata")
    meta = _mapping(meta, path, "metadata") if meta is not None else {}
    token = meta.get("continue") or ""
    kind, api_version = body.get("kind") or "", body.get("apiVersion") or ""
    items = [_item(i, path) for i in _list(body.get("items"), path, "items")]
    return (_text(kind, path, "kind"), _text(api_version, path, "apiVersion"), items,
            _text(token, path, "metadata.continue"))


def _item(raw: Any, path: str) -> Mapping[str, Any]:
    item = _mapping(raw, path, "an item")
    for key in ("kind", "apiVersion"):
        if key in item:
            _text(item[key], path, f"an item's {key}")
    meta = _mapping(item.get("metadata") or {}, path, "an item's metadata")
    for key in ("name", "namespace"):
        if meta.get(key) is not None:
            _text(meta[key], path, f"an item's metadata.{key}")
    for key in ("labels", "annotations"):
        if meta.get(key) is not None:
            for value in _mapping(meta[key], path, f"an item's metadata.{key}").values():
                _text(value, path, f"a value of an item's metadata.{key}")
    for key in ("finalizers", "ownerReferences"):
        _list(meta.get(key), path, f"an item's metadata.{key}")
    for key in ("spec", "status"):
        if item.get(key) is not None:
            _mapping(item[key], path, f"an item's {key}")
    return item


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)
