"""Structural schemas for the Argo CD kinds gitops-gen emits, carried as data.

``gitops_gen/data/argocd/<kind>.json`` holds the ``openAPIV3Schema`` of
Application, AppProject and ApplicationSet (v1alpha1) in the CRD's own dialect,
cut down from the upstream CRDs (Argo CD v3.6.0, Apache-2.0: see the README
beside them): no descriptions, ``status`` an open object (Argo CD writes it; a
live or exported object carries it), ``operation`` added here as an open object
too (the upstream CRD declares it, so the API server accepts it), ApplicationSet
generators left open (they nest templates ten levels deep and are Argo CD's
business).  One fact the CRD does not encode is added: an
Application destination takes ``server`` or ``name``, never both
(``not: {required: [server, name]}``).

tests/validate/test_argocd_schemas.py keeps these honest against the upstream CRDs.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from gitops_gen.validate.crds import CrdRegistry, CustomKind, compile_schema, schema_from_crd, strict

FILES = ("application.json", "appproject.json", "applicationset.json")


@functools.cache
def carried_schemas() -> tuple[dict[str, Any], ...]:
    """The data files as loaded: apiVersion, kind, crd, scope, openAPIV3Schema."""
    folder = resources.files("gitops_gen") / "data" / "argocd"
    return tuple(json.loads((folder / name).read_text(encoding="utf-8")) for name in FILES)


_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
_SERVER_FIELDS = {"Application": ("operation",)}  # status is in the data; what the data has wins


def _as_crd(entry: dict[str, Any]) -> dict[str, Any]:
    group, version = entry["apiVersion"].split("/")
    schema = dict(entry["openAPIV3Schema"])
    extra = {name: _OPEN for name in _SERVER_FIELDS.get(entry["kind"], ())}
    schema["properties"] = {**extra, **schema.get("properties", {})}
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": entry["crd"]},
        "spec": {
            "group": group,
            "scope": entry["scope"],
            "names": {"kind": entry["kind"]},
            "versions": [{"name": version, "schema": {"openAPIV3Schema": schema}}],
        },
    }


@functools.cache
def registry(strict_fields: bool = True) -> CrdRegistry:
    """Compiled validators for the Argo CD kinds (unknown fields rejected unless ``strict_fields`` is off)."""
    kinds = {}
    for entry in carried_schemas():
        crd = _as_crd(entry)
        version = entry["apiVersion"].split("/")[1]
        schema = schema_from_crd(crd, version)
        validator = compile_schema(strict(schema) if strict_fields else schema)
        kinds[(entry["apiVersion"], entry["kind"])] = CustomKind(
            entry["crd"], entry["scope"] != "Cluster", validator
        )
    return CrdRegistry(kinds)
