"""JSON Schema (draft 2020-12) of every blueprint kind, generated from the specs the loader checks with.

``json_schema(kind)`` is what ``gitops-gen schema`` prints and what editors (yaml-language-server)
use to complete and check blueprints as they are typed.  It is a visitor over ``gitops_gen.blueprint.spec``:
a new field in ``blueprints.py`` appears here by itself, and a test proves that the schema and the
loader agree on every example and on every broken document the loader rejects for its shape.

Out of the schema's reach (the loader checks them with the other files in view): references
between files (stacks, tenants, tiers, ``promotesFrom``, ``dependsOn``, override targets), cycles,
names or namespaces defined twice, an override that gives an add-on a second source, and the
YAML itself (duplicate keys, aliases, nesting, encoding, one document per file).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_gen.base import naming
from gitops_gen.blueprint import v1 as bp
from gitops_gen.blueprint.spec import Bool, Date, Either, Field, Free, Int, ListOf, MapOf, Name, Obj, Spec, Str, Typed

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_KINDS: tuple[str, ...] = bp.KINDS


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def _str(spec: Str) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "number"] if spec.allow_numbers else "string"}
    choices = spec.options()
    if choices:
        out["enum"] = list(choices)
    pattern = spec.compiled()
    if pattern is not None:
        out["pattern"] = _anchored(pattern.pattern)
    if spec.max_length is not None:
        out["maxLength"] = spec.max_length
    return out


def _obj(spec: Obj) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object",
                           "properties": {key: _field(f) for key, f in spec.fields.items()},
                           "additionalProperties": False}
    required = [key for key, f in spec.fields.items() if f.required]
    if required:
        out["required"] = required
    out.update(spec.schema)
    return out


def _field(fld: Field) -> dict[str, Any]:
    out = schema_of(fld.spec)
    if fld.doc:
        shown = fld.default_text()
        out = {**out, "description": fld.doc + (f" (default: {shown})" if shown else "")}
        if fld.default is not None:
            out["default"] = fld.default
    return out


def schema_of(spec: Spec) -> dict[str, Any]:
    """The JSON Schema of one spec (without ``$schema``)."""
    if isinstance(spec, Typed):
        return {**schema_of(spec.inner), **({"pattern": _anchored(spec.schema["pattern"])}
                                            if "pattern" in spec.schema else spec.schema)}
    if isinstance(spec, Either):
        return {"anyOf": [schema_of(option) for option in spec.options]}
    if isinstance(spec, Obj):
        return _obj(spec)
    if isinstance(spec, ListOf):
        out: dict[str, Any] = {"type": "array", "items": schema_of(spec.item)}
        if spec.unique:
            out["uniqueItems"] = True
        out.update(spec.schema)
        return out
    if isinstance(spec, MapOf):
        return {"type": "object", "propertyNames": schema_of(spec.keys), "additionalProperties": schema_of(spec.value)}
    if isinstance(spec, bp.Manifest):
        return _MANIFEST
    if isinstance(spec, Free):
        return {"type": "object"}
    if isinstance(spec, Name):
        return {"type": "string", "minLength": 1, "maxLength": 63, "pattern": _anchored(naming.LABEL)}
    if isinstance(spec, Str):
        return _str(spec)
    if isinstance(spec, Bool):
        return {"type": "boolean"}
    if isinstance(spec, Int):
        return {"type": "integer", **({"minimum": spec.minimum} if spec.minimum is not None else {})}
    if isinstance(spec, Date):
        return {"type": "string", "format": "date", "pattern": _anchored(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")}
    raise TypeError(f"no JSON Schema for {type(spec).__name__}")  # a new Spec class needs a line here


_MANIFEST: dict[str, Any] = {
    "type": "object", "required": ["apiVersion", "kind", "metadata"],
    "properties": {
        "apiVersion": {"type": "string", "minLength": 1},
        "kind": {"type": "string", "pattern": _anchored(bp.KIND_NAME.pattern)},
        "metadata": {"type": "object", "required": ["name"], "properties": {"name": {
            "type": "string", "maxLength": 253, "pattern": _anchored(naming.SUBDOMAIN)}}},
    },
}


def json_schema(kind: str) -> dict[str, Any]:
    """The schema of one kind's whole document (``apiVersion``, ``kind``, ``metadata``, ``spec``).

    ``kind`` is one of ``SCHEMA_KINDS``, or ``"all"`` for one schema that accepts any of them."""
    if kind == "all":
        return {"$schema": DRAFT, "title": "gitops-gen blueprint",
                "oneOf": [_document(k) for k in SCHEMA_KINDS]}
    if kind not in SCHEMA_KINDS:
        raise KeyError(kind)
    return {"$schema": DRAFT, "title": f"gitops-gen {kind}", **_document(kind)}


def _document(kind: str) -> dict[str, Any]:
    named = kind != "Settings"
    metadata = bp.metadata_spec if named else bp.settings_metadata_spec
    properties: Mapping[str, Any] = {
        "apiVersion": {"const": bp.API_VERSION}, "kind": {"const": kind},
        "metadata": schema_of(metadata), "spec": schema_of(bp.SPEC_OF_KIND[kind])}
    return {"type": "object", "properties": dict(properties), "additionalProperties": False,
            "required": ["apiVersion", "kind", *(["metadata"] if named else []), "spec"]}
