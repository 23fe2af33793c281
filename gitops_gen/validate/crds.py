"""CustomResourceDefinitions -> JSON schemas for custom resources (``--crd-dir``).

A CRD's ``openAPIV3Schema`` is OpenAPI 3.0 (draft-4 semantics plus
``nullable`` and the ``x-kubernetes-*`` extensions).  ``schema_from_crd``
turns it into a plain draft-4 JSON schema: ``nullable`` becomes a ``null``
type, int-or-string an ``anyOf``, ``pattern`` the Go-regexp keyword of
``gopattern`` (RE2, as the API server evaluates it), and ``apiVersion``/
``kind``/``metadata`` are added at the root (the API server handles them
implicitly).  ``strict`` then rejects unknown fields the way
``kubectl apply --validate=strict`` does: every object that lists
``properties`` and does not preserve unknown fields gets
``additionalProperties: false``.

Both CRD API versions are read: ``apiextensions.k8s.io/v1`` (a schema per
version) and ``v1beta1`` (``spec.validation.openAPIV3Schema`` shared by all
versions, or per version, and the single ``spec.version``).  A CRD that cannot
be turned into a validator is a finding about that CRD, never the end of the
run; a pattern Go could not compile either is skipped with a warning naming it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from gitops_gen.base.severity import Severity
from gitops_gen.validate import gopattern
from gitops_gen.validate.findings import CRD, Finding
from gitops_gen.validate.schemas import SchemaError, errors_of, object_meta_schema

CRD_API_VERSIONS = ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1")
_DROPPED = ("description", "nullable", "example", "externalDocs")


def crd_versions(crd: Mapping[str, Any]) -> dict[str, Mapping[str, Any] | None]:
    """version name -> openAPIV3Schema (None when the CRD gives none), for v1 and v1beta1 CRDs."""
    spec = _mapping(crd.get("spec"))
    shared = _mapping(spec.get("validation")).get("openAPIV3Schema")  # v1beta1: one schema for all
    versions = spec.get("versions") or ([{"name": spec["version"]}] if spec.get("version") else [])
    out: dict[str, Mapping[str, Any] | None] = {}
    for entry in versions if isinstance(versions, list) else ():
        entry = _mapping(entry)
        schema = _mapping(entry.get("schema")).get("openAPIV3Schema") or shared
        out[str(entry.get("name"))] = schema if isinstance(schema, Mapping) else None
    return out


def schema_from_crd(
    crd_doc: Mapping[str, Any], version: str, skipped: list[tuple[str, str, str]] | None = None
) -> dict[str, Any]:
    """The JSON schema (draft 4) for one version of a CRD; raise KeyError when it has no such schema.

    Patterns Go could not compile are left out; each is appended to ``skipped`` as
    (field path, pattern, reason).
    """
    raw = crd_versions(crd_doc).get(version)
    if raw is None:
        raise KeyError(f"CRD {_mapping(crd_doc.get('metadata')).get('name')} has no schema for {version}")
    schema: dict[str, Any] = _convert(raw, "", [] if skipped is None else skipped)
    props = schema.setdefault("properties", {})
    props.setdefault("apiVersion", {"type": "string"})
    props.setdefault("kind", {"type": "string"})
    props["metadata"] = object_meta_schema()  # the API server checks a custom resource's metadata as ObjectMeta
    schema.setdefault("type", "object")
    return schema


def _convert(node: Any, at: str, skipped: list[tuple[str, str, str]]) -> Any:
    if isinstance(node, list):
        return [_convert(item, at, skipped) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions") and isinstance(value, Mapping):
            out[key] = {k: _convert(v, f"{at}.{k}" if at else str(k), skipped) for k, v in value.items()}
        elif key == "items":
            out[key] = _convert(value, f"{at}[]", skipped)
        elif key == "additionalProperties":
            out[key] = _convert(value, f"{at}.*" if at else "*", skipped)
        elif key == "pattern":
            try:
                gopattern.compile_pattern(value)
                out[gopattern.KEYWORD] = value
            except ValueError as err:
                skipped.append((at or ".", str(value), str(err)))
        elif key not in _DROPPED:
            out[key] = _convert(value, at, skipped)
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props["metadata"] = object_meta_schema()
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


def compile_schema(schema: Mapping[str, Any]) -> Any:
    """A draft-4 validator that evaluates the Go patterns; raise ValueError on an invalid schema."""
    keywords: dict[str, Any] = dict(gopattern.KEYWORDS)
    return jsonschema_rs.Draft4Validator(dict(schema), keywords=keywords)


@dataclass(frozen=True)
class CustomKind:
    crd: str  # CRD name, e.g. clusterissuers.cert-manager.io
    namespaced: bool
    validator: Any = field(compare=False)  # None when the CRD carries no schema: anything goes


@dataclass(frozen=True)
class CrdRegistry:
    """(apiVersion, kind) -> compiled validator for every CRD given with ``--crd-dir``.

    ``findings`` are about the CRD files themselves (unreadable, invalid schema, skipped pattern).
    """

    kinds: Mapping[tuple[str, str], CustomKind] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

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
        return CrdRegistry({**self.kinds, **other.kinds}, self.findings + other.findings)


@dataclass(frozen=True)
class CrdSource:
    """A CRD document and where it was read (``file``, 1-based ``line``; empty/0 when built in)."""

    body: Mapping[str, Any]
    file: str = ""
    line: int = 0


def registry_from_crds(crds: Iterable[CrdSource | Mapping[str, Any]], strict_fields: bool = True) -> CrdRegistry:
    kinds: dict[tuple[str, str], CustomKind] = {}
    findings: list[Finding] = []
    for item in crds:
        source = item if isinstance(item, CrdSource) else CrdSource(item)
        crd = source.body
        name = str(_mapping(crd.get("metadata")).get("name") or "(unnamed)")

        def found(message: str, severity: Severity = Severity.ERROR, src: CrdSource = source) -> None:
            findings.append(Finding(CRD, severity, None, message, file=src.file, line=src.line))

        spec = _mapping(crd.get("spec"))
        group, kind = spec.get("group"), _mapping(spec.get("names")).get("kind")
        if not isinstance(group, str) or not group or not isinstance(kind, str) or not kind:
            found(f"CRD {name}: spec.group and spec.names.kind are required; CRD not loaded")
            continue
        versions = crd_versions(crd)
        if not versions:
            found(f"CRD {name}: no versions; CRD not loaded")
        for version, raw in versions.items():
            validator = None
            if raw is not None:
                skipped: list[tuple[str, str, str]] = []
                try:
                    schema = schema_from_crd(crd, version, skipped)
                    validator = compile_schema(strict(schema) if strict_fields else schema)
                except (ValueError, TypeError, KeyError, AttributeError) as err:
                    reason = _clip(str(err).strip().split("\n")[0])
                    found(f"CRD {name} {version}: invalid openAPIV3Schema, {kind} not validated: {reason}")
                for at, pattern, reason in skipped:
                    found(
                        f"CRD {name} {version}: pattern {pattern!r} of {at} is not a Go regular expression "
                        f"({reason}); not checked",
                        Severity.WARNING,
                    )
            kinds[(f"{group}/{version}", kind)] = CustomKind(name, spec.get("scope") != "Cluster", validator)
    return CrdRegistry(kinds, tuple(findings))


def is_crd(doc: Any) -> bool:
    return (
        isinstance(doc, Mapping)
        and doc.get("kind") == "CustomResourceDefinition"
        and doc.get("apiVersion") in CRD_API_VERSIONS
    )


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
