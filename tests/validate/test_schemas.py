"""Kubernetes schemas from kubernetes-validate: exact kind lookup, all errors, strict variants, speed."""

from __future__ import annotations

import kubernetes_validate
import pytest

from gitops_gen.base import kubeversions
from gitops_gen.validate import schemas

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}


def test_supported_versions_are_the_shipped_ones_and_agree_with_the_loader() -> None:
    assert schemas.SUPPORTED_VERSIONS[0] == "1.25"
    assert schemas.SUPPORTED_VERSIONS == kubeversions.SUPPORTED_VERSIONS
    assert schemas.SUPPORTED_VERSIONS[-1] == kubernetes_validate.utils.major_minor(
        kubernetes_validate.utils.latest_version()
    )


@pytest.mark.parametrize(("raw", "expected"), [("1.31", "1.31"), ("v1.31.2", "1.31"), ("1.31.0", "1.31")])
def test_versions_are_normalised(raw: str, expected: str) -> None:
    assert schemas.normalise_version(raw) == expected


def test_a_valid_object_has_no_errors_in_every_version() -> None:
    for version in schemas.SUPPORTED_VERSIONS:
        assert schemas.validate(DEPLOYMENT, version) == []


def test_all_errors_with_field_paths() -> None:
    bad = {
        **DEPLOYMENT,
        "metadata": {"name": "web", "bogus": 1},
        "spec": {**DEPLOYMENT["spec"], "replicas": "3", "selector": None},
    }
    errors = schemas.validate(bad, "1.31")
    assert errors == [
        schemas.SchemaError("metadata", "Additional properties are not allowed ('bogus' was unexpected)"),
        schemas.SchemaError("spec.replicas", '"3" is not of types "null", "integer"'),
    ]


def test_strict_is_optional() -> None:
    extra = {**DEPLOYMENT, "spec": {**DEPLOYMENT["spec"], "unknown": True}}
    assert schemas.validate(extra, "1.31", strict=True)
    assert schemas.validate(extra, "1.31", strict=False) == []


def test_kinds_are_found_by_group_version_kind_not_by_file_name() -> None:
    # kubernetes-validate's file-name munging maps networking.example.com/v1 Ingress to the built-in schema
    assert schemas.validate({"apiVersion": "networking.example.com/v1", "kind": "Ingress"}, "1.31") is None
    assert schemas.has_schema("1.31", "networking.k8s.io/v1", "Ingress")
    assert not schemas.has_schema("1.31", "extensions/v1beta1", "Ingress")


def test_quantity_paths_cover_resources_quota_and_limitrange() -> None:
    assert ("spec", "hard", "{}") in schemas.quantity_paths("1.31", "v1", "ResourceQuota")
    assert ("spec", "limits", "[]", "max", "{}") in schemas.quantity_paths("1.31", "v1", "LimitRange")
    assert (
        "spec",
        "template",
        "spec",
        "containers",
        "[]",
        "resources",
        "limits",
        "{}",
    ) in schemas.quantity_paths("1.31", "apps/v1", "Deployment")


def test_messages_are_one_short_line() -> None:
    bad = {
        **DEPLOYMENT,
        "spec": {
            **DEPLOYMENT["spec"],
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "x",
                            "resources": {"limits": {"cpu": {"nested": ["x" * 300]}}},
                        }
                    ]
                }
            },
        },
    }
    for error in schemas.validate(bad, "1.31") or []:
        assert "\n" not in error.message and len(error.message) <= 160


def test_validators_are_compiled_once() -> None:
    """Speed itself is a figure in `make bench` (validate: gitops-gen engine, docs/s), never a wall-clock test."""
    schemas.validate(DEPLOYMENT, "1.30")
    compiled = schemas._validator.cache_info().currsize
    for _ in range(200):
        schemas.validate(DEPLOYMENT, "1.30")
    assert schemas._validator.cache_info().currsize == compiled
