"""CustomResourceDefinitions -> JSON schemas for custom resources (``--crd-dir``).

A CRD's ``openAPIV3Schema`` is OpenAPI 3.0 (draft-4 semantics plus
``nullable`` and the ``x-kubernetes-*`` extensions).  ``schema_from_crd``
turns it into a plain draft-4 JSON schema: ``nullable`` becomes a ``null``
type, int-or-string an ``anyOf``, and ``apiVersion``/``kind``/``metadata`` are
added at the root (the API server handles them implicitly).  ``strict`` then
rejects unknown fields the way ``kubectl apply --validate=strict`` does: every
object that lists ``properties`` and does not preserve unknown fields gets
``additionalProperties: false``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from gitops_gen import yamlio
from gitops_gen.errors import InputError
from gitops_gen.inputs import read_text
from gitops_gen.validate.schemas import SchemaError, errors_of

CRD_API_VERSIONS = ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1")
_SUFFIXES = (".yaml", ".yml", ".json")
_OBJECT_META = {"type": "object"}  # validated by names.check_metadata, like the API server does
_COMBINATORS = ("allOf", "anyOf", "oneOf", "not")


def crd_versions(crd: Mapping[str, Any]) -> dict[str, Mapping[str, Any] | None]:
    """version name -> openAPIV3Schema (None when the CRD gives none), for v1 and v1beta1 CRDs."""
    spec = crd.get("spec") or {}
    shared = (spec.get("validation") or {}).get("openAPIV3Schema")  # v1beta1: one schema for all
    versions = spec.get("versions") or ([{"name": spec["version"]}] if spec.get("version") else [])
    return {str(v.get("name")): (v.get("schema") or {}).get("openAPIV3Schema") or shared for v in versions}


def schema_from_crd(crd_doc: Mapping[str, Any], version: str) -> dict[str, Any]:
    """The JSON schema (draft 4) for one version of a CRD; raise KeyError when it has no such schema."""
    raw = crd_versions(crd_doc).get(version)
    if raw is None:
        raise KeyError(f"CRD {(crd_doc.get('metadata') or {}).get('name')} has no schema for {version}")
    schema: dict[str, Any] = _convert(raw)
    props = schema.setdefault("properties", {})
    props.setdefault("apiVersion", {"type": "string"})
    props.setdefault("kind", {"type": "string"})
    props["metadata"] = _OBJECT_META
    schema.setdefault("type", "object")
    return schema


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: _convert(v) for k, v in value.items()}
        elif key not in ("description", "nullable", "example", "externalDocs"):
            out[key] = _convert(value)
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props["metadata"] = _OBJECT_META
    return out


def strict(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` that rejects unknown fields wherever the schema lists the known ones."""
    out = copy.deepcopy(dict(schema))
    _tighten(out)
    return out


def _tighten(node: dict[str, Any]) -> None:
    props = node.get("properties")
    if isinstance(props, dict):
        if "additionalProperties" not in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node["additionalProperties"] = False
        for sub in props.values():
            if isinstance(sub, dict):
                _tighten(sub)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            _tighten(node[key])
    # allOf/anyOf/oneOf/not only add constraints to fields listed by the parent: tightening them
    # would reject the parent's own properties, so they are left as they are.


@dataclass(frozen=True)
class CustomKind:
    crd: str  # CRD name, e.g. clusterissuers.cert-manager.io
    namespaced: bool
    validator: Any = field(compare=False)  # None when the CRD carries no schema: anything goes


@dataclass(frozen=True)
class CrdRegistry:
    """(apiVersion, kind) -> compiled validator for every CRD given with ``--crd-dir``."""

    kinds: Mapping[tuple[str, str], CustomKind] = field(default_factory=dict)

    def has(self, api_version: str, kind: str) -> bool:
        return (api_version, kind) in self.kinds

    def validate(self, body: Mapping[str, Any]) -> list[SchemaError] | None:
        found = self.kinds.get((str(body.get("apiVersion")), str(body.get("kind"))))
        if found is None:
            return None
        if found.validator is None:  # a CRD version without a schema: the API server accepts any content
            return []
        return errors_of(found.validator, body)

    def merged(self, other: CrdRegistry) -> CrdRegistry:
        return CrdRegistry({**self.kinds, **other.kinds})


def registry_from_crds(crds: Iterable[Mapping[str, Any]], strict_fields: bool = True) -> CrdRegistry:
    kinds: dict[tuple[str, str], CustomKind] = {}
    for crd in crds:
        spec = crd.get("spec") or {}
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        for version in crd_versions(crd):
            validator = None
            if crd_versions(crd)[version] is not None:
                schema = schema_from_crd(crd, version)
                validator = jsonschema_rs.Draft4Validator(strict(schema) if strict_fields else schema)
            kinds[(f"{group}/{version}", str(kind))] = CustomKind(
                str((crd.get("metadata") or {}).get("name")), spec.get("scope") != "Cluster", validator
            )
    return CrdRegistry(kinds)


def load_crd_dirs(dirs: Iterable[Path], strict_fields: bool = True) -> CrdRegistry:
    """Every CRD in the YAML/JSON files under ``dirs`` (recursive); other documents are ignored."""
    crds: list[Mapping[str, Any]] = []
    for root in dirs:
        if not root.is_dir():
            raise InputError(f"--crd-dir {root}: not a directory")
        for path in sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES and p.is_file()):
            docs = yamlio.load_plain(read_text(path), str(path))  # located InputError if unreadable
            crds.extend(d for d in docs if is_crd(d))
    try:
        return registry_from_crds(crds, strict_fields)
    except (ValueError, TypeError, KeyError) as err:
        raise InputError(f"--crd-dir: invalid CRD schema: {err}") from None


def is_crd(doc: Any) -> bool:
    return (
        isinstance(doc, Mapping)
        and doc.get("kind") == "CustomResourceDefinition"
        and doc.get("apiVersion") in CRD_API_VERSIONS
    )
