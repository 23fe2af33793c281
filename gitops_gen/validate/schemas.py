"""Kubernetes JSON schemas, per version, from the files kubernetes-validate ships.

kubernetes-validate keeps one folder per Kubernetes minor version
(``v1.31.0-local-strict``): a ``_definitions.json`` holding every OpenAPI
definition under ``$defs`` (``additionalProperties: false`` in the strict
variant), and thin per-kind files that ``$ref`` into it.  Its own ``validate()``
maps ``apps/v1`` + ``Deployment`` to ``deployment-apps-v1.json`` by munging the
group name, then re-reads and recompiles both files on every call (~85 docs/s).

We instead index the definitions by their ``x-kubernetes-group-version-kind``
(exact: a CRD group such as ``networking.example.com`` never aliases a built-in
``networking`` kind), cut the transitive closure of ``$ref``s out of
``_definitions.json`` for each kind, and compile one jsonschema-rs validator per
(version, strict, apiVersion, kind) once.  See docs/adr/0003-json-schema-engine.md.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema_rs
import kubernetes_validate

from gitops_gen.base.jsonpath import format_path

_ROOT = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
_DEF_PREFIX = "#/$defs/"
QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity"


def _shipped_versions() -> tuple[str, ...]:
    found = {p.name[1:].rsplit(".", 1)[0].split("-")[0] for p in _ROOT.glob("v1.*.0-local-strict")}
    found = {v.rsplit(".", 1)[0] if v.count(".") == 2 else v for v in found}
    return tuple(sorted(found, key=lambda v: tuple(int(p) for p in v.split("."))))


SUPPORTED_VERSIONS: tuple[str, ...] = _shipped_versions()  # e.g. ("1.25", ..., "1.37")


class SchemaError(NamedTuple):
    """One violation: a field path (``spec.replicas``) and a short one-line message."""

    path: str
    message: str


def normalise_version(version: str) -> str:
    """``v1.31.2`` / ``1.31.2`` / ``1.31`` -> ``1.31``; raise ValueError on anything else."""
    parts = version.strip().removeprefix("v").split(".")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"{version!r} is not a Kubernetes version like 1.31")
    return f"{int(parts[0])}.{int(parts[1])}"


@functools.cache
def schema_version_for(version: str) -> str:
    """The shipped schema version to use for a target version: itself, else the nearest shipped one."""
    target = tuple(int(p) for p in normalise_version(version).split("."))
    shipped = [tuple(int(p) for p in v.split(".")) for v in SUPPORTED_VERSIONS]
    older = [v for v in shipped if v <= target]
    best = older[-1] if older else shipped[0]
    return f"{best[0]}.{best[1]}"


@functools.cache
def _definitions(version: str, strict: bool) -> dict[str, Any]:
    folder = _ROOT / f"v{version}.0-local{'-strict' if strict else ''}"
    with (folder / "_definitions.json").open(encoding="utf-8") as fh:
        defs: dict[str, Any] = json.load(fh)["$defs"]
    return defs


@functools.cache
def _gvk_index(version: str) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for name, schema in _definitions(version, True).items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            # List kinds and meta types (DeleteOptions, WatchEvent) carry many GVKs; objects carry one
            if len(schema["x-kubernetes-group-version-kind"]) == 1:
                index[(api_version, gvk["kind"])] = name
    return index


def served_kinds(version: str) -> list[tuple[str, str]]:
    """(apiVersion, kind) of every object and list kind the schemas of a shipped ``version`` define."""
    return sorted(_gvk_index(version))


OBJECT_META_DEF = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@functools.cache
def object_meta_schema(strict: bool = False) -> dict[str, Any]:
    """ObjectMeta of the newest shipped schemas, ``$ref``s inlined (no cycles), for CRD schemas.

    Non-strict by default: ``crds.strict()`` tightens it along with the rest of a CRD schema.
    """
    defs = _definitions(SUPPORTED_VERSIONS[-1], strict)

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_DEF_PREFIX):
                return inline(defs[ref[len(_DEF_PREFIX) :]])
            return {k: inline(v) for k, v in node.items() if k != "description"}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    schema: dict[str, Any] = inline(defs[OBJECT_META_DEF])
    return schema


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEF_PREFIX):
            yield ref[len(_DEF_PREFIX) :]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _closure(defs: Mapping[str, Any], root: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name not in out:
            out[name] = defs[name]
            todo.extend(_refs(defs[name]))
    return out


def kind_schema(version: str, api_version: str, kind: str, strict: bool = True) -> dict[str, Any] | None:
    """A self-contained JSON schema for one kind, or None when ``version`` has no such kind."""
    version = schema_version_for(version)
    root = _gvk_index(version).get((api_version, kind))
    if root is None:
        return None
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": _DEF_PREFIX + root,
        "$defs": _closure(_definitions(version, strict), root),
    }


@functools.cache
def _validator(version: str, api_version: str, kind: str, strict: bool) -> Any:
    schema = kind_schema(version, api_version, kind, strict)
    return None if schema is None else jsonschema_rs.Draft202012Validator(schema)


def has_schema(version: str, api_version: str, kind: str) -> bool:
    return (api_version, kind) in _gvk_index(schema_version_for(version))


def validate(body: Mapping[str, Any], version: str, strict: bool = True) -> list[SchemaError] | None:
    """Every schema violation of ``body`` (None when the kind has no built-in schema)."""
    validator = _validator(
        schema_version_for(version), str(body.get("apiVersion")), str(body.get("kind")), strict
    )
    if validator is None:
        return None
    return errors_of(validator, body)


def errors_of(validator: Any, body: Any) -> list[SchemaError]:
    if validator.is_valid(body):  # the common case: one fast pass, no error objects built
        return []
    return sorted(
        {SchemaError(format_path(e.instance_path), _short(e.message)) for e in validator.iter_errors(body)}
    )


_NOT_REQUIRED = re.compile(r'^\{"required":\[([^\]]*)\]\} is not allowed for ')


def _short(message: str, limit: int = 160) -> str:
    line = " ".join(message.split())
    exclusive = _NOT_REQUIRED.match(line)
    if exclusive:  # {"not": {"required": [a, b]}}: the fields exclude each other
        fields = exclusive.group(1).replace('"', "").split(",")
        return f"set only one of {', '.join(fields)}"
    # oneOf / anyOf failures echo the whole instance: keep the verdict, drop the dump
    if len(line) > limit:
        for marker in (
            " is not valid under any of the",
            " is valid under more than one of the",
            " is not of type ",
            " is not one of ",
        ):
            head, sep, tail = line.partition(marker)
            if sep:
                return f"{_clip(head, 60)}{sep}{_clip(tail, 60)}"
        return _clip(line, limit)
    return line


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def walk_kind(version: str, api_version: str, kind: str,
              visit: Callable[[dict[str, Any], str | None, tuple[str, ...]], bool], max_depth: int) -> None:
    """Depth-first over ``kind``'s schema down to ``max_depth`` fields, following ``$ref`` (each definition
    once per branch: JSONSchemaProps recurses).  ``visit(node, ref, path)`` sees every node at its field
    pattern (``[]`` list items, ``{}`` map values; ``ref`` the definition it points to) and returns True to
    stop below it (a definition a ``$ref`` leads to is the same field: not visited again).  The one walker
    behind quantity and enum field patterns."""
    version = schema_version_for(version)
    root = _gvk_index(version).get((api_version, kind))
    if root is None:
        return
    defs = _definitions(version, True)

    def walk(node: Any, path: tuple[str, ...], stack: tuple[str, ...], seen: bool = False) -> None:
        if not isinstance(node, dict) or len(path) > max_depth:
            return
        ref = node.get("$ref")
        name = ref[len(_DEF_PREFIX) :] if isinstance(ref, str) and ref.startswith(_DEF_PREFIX) else None
        if not seen and visit(node, name, path):
            return
        if name is not None:
            if name not in stack:
                walk(defs[name], path, (*stack, name), seen=True)  # the same field: visited already
            return
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, (*path, key), stack)
        if isinstance(node.get("items"), dict):
            walk(node["items"], (*path, "[]"), stack)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], (*path, "{}"), stack)

    walk(defs[root], (), (root,))


@functools.cache
def quantity_paths(version: str, api_version: str, kind: str) -> tuple[tuple[str, ...], ...]:
    """Field patterns holding a resource.Quantity: names, ``[]`` for list items, ``{}`` for map values."""
    found: list[tuple[str, ...]] = []

    def visit(node: dict[str, Any], ref: str | None, path: tuple[str, ...]) -> bool:
        if ref == QUANTITY_DEF:
            found.append(path)
            return True
        return False

    walk_kind(version, api_version, kind, visit, max_depth=16)
    return tuple(found)
