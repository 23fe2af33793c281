"""The Argo CD schemas the project carries stay honest against the upstream CRDs in ../shared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from gitops_gen.validate import argocd_schemas
from gitops_gen.validate.crds import crd_versions, schema_from_crd, strict
from gitops_gen.yamlio import reader
from tests.conftest import ARGOCD_CRDS, require_shared

UPSTREAM = {
    "Application": "application-crd.yaml",
    "AppProject": "appproject-crd.yaml",
    "ApplicationSet": "applicationset-crd.yaml",
}


@pytest.fixture(scope="module")
def upstream() -> dict[str, dict[str, Any]]:
    require_shared(f"upstream Argo CD CRDs not found in {ARGOCD_CRDS}")
    return {
        kind: reader.load_plain((ARGOCD_CRDS / name).read_text(encoding="utf-8"))[0]
        for kind, name in UPSTREAM.items()
    }


def _paths(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (property path, node) of an OpenAPI schema: ``.name``, ``[]`` items, ``{}`` map values."""
    yield path, node
    for name, sub in (node.get("properties") or {}).items():
        yield from _paths(sub, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        yield from _paths(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from _paths(node["additionalProperties"], f"{path}{{}}")


def _shape(node: Any) -> tuple[Any, ...]:
    return (
        node.get("type"),
        bool(node.get("x-kubernetes-int-or-string")),
        bool(node.get("x-kubernetes-preserve-unknown-fields")),
    )


@pytest.mark.parametrize("entry", argocd_schemas.carried_schemas(), ids=lambda e: e["kind"])
def test_every_field_we_carry_exists_upstream_with_the_same_type(upstream, entry: dict[str, Any]) -> None:
    theirs = dict(_paths(crd_versions(upstream[entry["kind"]])[entry["apiVersion"].split("/")[1]]))
    ours = dict(_paths(entry["openAPIV3Schema"]))
    missing = [p for p in ours if p not in theirs]
    assert missing == []
    # generators are deliberately left open in ours (preserve-unknown-fields)
    differ = [
        p
        for p in ours
        if _shape(ours[p]) != _shape(theirs[p])
        and not p.endswith(".generators[]")
        and p != ".spec.generators"
    ]
    assert differ == []
    assert (
        len(ours) > 0.9 * len([p for p in theirs if not p.startswith((".status", ".operation"))])
        or entry["kind"] == "ApplicationSet"
    )


def test_required_fields_match_upstream(upstream) -> None:
    for entry in argocd_schemas.carried_schemas():
        theirs = dict(_paths(crd_versions(upstream[entry["kind"]])["v1alpha1"]))
        for path, node in _paths(entry["openAPIV3Schema"]):
            assert sorted(node.get("required", [])) == sorted(theirs[path].get("required", [])), path


APP = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {"name": "a", "namespace": "argocd", "labels": {"x": "y"}, "finalizers": ["f"]},
    "spec": {
        "project": "p",
        "destination": {"server": "https://k", "namespace": "n"},
        "source": {
            "repoURL": "https://g",
            "path": "rendered/x",
            "targetRevision": "main",
            "directory": {"recurse": True},
        },
        "syncPolicy": {
            "automated": {"prune": True},
            "syncOptions": ["CreateNamespace=true"],
            "retry": {"limit": 3, "backoff": {"duration": "5s"}},
        },
    },
}


def test_ours_and_upstream_agree_on_objects(upstream) -> None:
    theirs = jsonschema_rs.Draft4Validator(strict(schema_from_crd(upstream["Application"], "v1alpha1")))
    ours = argocd_schemas.registry()
    assert theirs.is_valid(APP) and ours.validate(APP) == []
    unknown = {**APP, "spec": {**APP["spec"], "sourcee": {}}}
    assert not theirs.is_valid(unknown) and ours.validate(unknown)
    both = {**APP, "spec": {**APP["spec"], "destination": {"server": "https://k", "name": "k"}}}
    assert theirs.is_valid(both)  # upstream does not encode it; Argo CD rejects it at sync time
    assert [e.message for e in ours.validate(both) or []] == ["set only one of server, name"]


def test_status_and_operation_are_accepted_as_the_api_server_does() -> None:

    app = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "a", "namespace": "argocd"},
        "spec": {
            "project": "default",
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "x"},
            "source": {"repoURL": "https://x", "path": "p", "targetRevision": "HEAD"},
        },
        "status": {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}},
        "operation": {"sync": {"revision": "HEAD"}},
    }
    assert argocd_schemas.registry(True).validate(app) == []
    assert [e.path for e in argocd_schemas.registry(True).validate({**app, "statuss": {}}) or ()] == [""]
