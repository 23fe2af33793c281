"""Checks the API server makes that the OpenAPI schemas do not: enum values and required images.

**Enums.**  The bundled schemas carry no ``enum`` keyword, but the field
descriptions list the values the API server's validation accepts: "Possible
enum values:" bullet lists (newer OpenAPI output) or a sentence ("One of
Always, Never, IfNotPresent.", "Must be UDP, TCP, or SCTP.", "Valid options
are ExternalName, ClusterIP, NodePort, and LoadBalancer.", "can be one of the
following values: * Exact: ... * Prefix: ...").  ``enum_values`` reads only
those shapes, and only a complete list of two or more plain identifiers; a
list with anything else in it ("*", "empty string", "a valid IP") yields no
enum, so that a field is never narrowed further than the API server narrows
it.  An empty string passes (the API server defaults it).

**Images.**  ``image`` is optional in the schema "to allow higher level config
management to default or override container images in workload controllers",
but the API server's container validation requires it for every container and
init container of a Pod and of the pod template of every workload.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.kinds import POD_SPECS
from gitops_gen.validate import schemas, serverenums
from gitops_gen.validate.fieldwalk import at
from gitops_gen.validate.schemas import SchemaError

_ITEM = r"""(?:"[A-Za-z][A-Za-z0-9]*"|'[A-Za-z][A-Za-z0-9]*'|`[A-Za-z][A-Za-z0-9]*`|[A-Z][A-Za-z0-9]*)"""
_SEP = r"(?:,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)"
_INTRO = (
    r"(?:\b[Oo]ne of|\bSupports|\b[Mm]ust be one of|\bMust be|\bmust be|\bValid options are|\bValid values are"
    r"|\bAllowed values are|\bPossible values are|\bSupported values are|\bValue must be one of)"
)
_INLINE = re.compile(rf"{_INTRO}\s*:?\s+({_ITEM}(?:{_SEP}{_ITEM})+)(?=\.(?:\s|$)|;|\s*$)")
_BULLETS_INTRO = re.compile(
    r"(?:can be one of the following values|Possible values are|Valid values are|Valid options are"
    r"|Supported values are)\s*:"
)
_BULLET = re.compile(r"""(?:^|\s)[-*]\s+["'`]?([A-Za-z][A-Za-z0-9]*)["'`]?(?:\s*\(default\))?(?::|\s+means\b|\s+-\s)""")
_POSSIBLE = re.compile(r"Possible enum values:((?:\s*- `\"[^\"`]*\"`[^\n]*)+)")
_POSSIBLE_ITEM = re.compile(r'- `"([^"`]*)"`')


def enum_values(description: str) -> tuple[str, ...] | None:
    """The closed list of values a field description gives, or None when it gives none."""
    possible = _POSSIBLE.search(description)
    if possible:
        return tuple(_POSSIBLE_ITEM.findall(possible.group(1)))
    inline = _INLINE.search(description)
    if inline:
        items = re.findall(r"[A-Za-z][A-Za-z0-9]*", re.sub(rf"{_SEP}", " ", f" {inline.group(1)} "))
        return tuple(dict.fromkeys(i for i in items if i not in ("or", "and")))
    intro = _BULLETS_INTRO.search(description)
    if intro:
        values = tuple(dict.fromkeys(_BULLET.findall(description[intro.end() :])))
        return values if len(values) >= 2 else None
    return None


def _is_text(node: Mapping[str, Any]) -> bool:
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return "string" in kinds and "format" not in node  # format: byte holds data, not a name


@functools.cache
def enum_paths(version: str, api_version: str, kind: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """(field pattern, allowed values) of every enum field of a kind; ``[]`` list items, ``{}`` map values."""
    found: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    def visit(node: dict[str, Any], ref: str | None, path: tuple[str, ...]) -> bool:
        if path and path[-1] not in ("[]", "{}") and "$ref" not in node:  # a field of its own, not a reference
            values = enum_values(str(node.get("description", "")))
            target = node.get("items") if "array" in str(node.get("type")) else node
            if values and isinstance(target, dict) and _is_text(target):
                found.append(((*path, *(("[]",) if target is not node else ())), values))
                return True
        return path[:1] == ("status",)  # the server writes status: nothing to check there

    schemas.walk_kind(version, api_version, kind, visit, max_depth=25)
    known = {pattern for pattern, _ in found}
    return tuple(found) + tuple(entry for entry in server_enums(api_version, kind) if entry[0] not in known)


def server_enums(api_version: str, kind: str) -> serverenums.Entries:
    """The enums of ``serverenums`` for a kind: its own fields, and the pod spec's under its pod template."""
    group = api_version.rpartition("/")[0]
    pod = POD_SPECS.get(kind) if group in _WORKLOAD_GROUPS else None
    under_pod = tuple(((*pod, *pattern), values) for pattern, values in serverenums.POD) if pod else ()
    return serverenums.BY_KIND.get((group, kind), ()) + under_pod


def not_allowed(value: str, allowed: Sequence[str]) -> str:
    choices = ", ".join(f'"{v}"' for v in allowed)
    return f'"{value}" is not one of {choices}'




_WORKLOAD_GROUPS = ("", "apps", "batch")
_IMAGE_REQUIRED = "image is required: the API server rejects a container without one"


def check_images(body: Mapping[str, Any]) -> list[SchemaError]:
    """Every container and init container of the object's pod spec has a non-empty ``image``."""
    where = POD_SPECS.get(str(body.get("kind")))
    if where is None or str(body.get("apiVersion")).rpartition("/")[0] not in _WORKLOAD_GROUPS:
        return []  # a custom resource that happens to be called Job or Pod
    out: list[SchemaError] = []
    for field in ("containers", "initContainers"):
        for path, container in at(body, (*where, field, "[]"), ""):
            if isinstance(container, Mapping) and not container.get("image"):
                out.append(SchemaError(f"{path}.image", _IMAGE_REQUIRED))
    return out
