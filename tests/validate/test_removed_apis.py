"""Removed and deprecated APIs: an error naming the replacement once removed, a warning while deprecated."""

from __future__ import annotations

import pytest

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate import removed_apis, schemas


@pytest.mark.parametrize(
    ("api_version", "kind", "removed"),
    [
        ("extensions/v1beta1", "Ingress", "1.22"),
        ("extensions/v1beta1", "Deployment", "1.16"),
        ("apps/v1beta2", "StatefulSet", "1.16"),
        ("networking.k8s.io/v1beta1", "Ingress", "1.22"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22"),
        ("rbac.authorization.k8s.io/v1beta1", "RoleBinding", "1.22"),
        ("policy/v1beta1", "PodSecurityPolicy", "1.25"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25"),
        ("batch/v1beta1", "CronJob", "1.25"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26"),
        ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.29"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32"),
    ],
)
def test_removed_at_its_version_not_before(api_version: str, kind: str, removed: str) -> None:
    ref = ObjectRef(api_version, kind, "", "x")
    major, minor = removed.split(".")
    before = f"{major}.{int(minor) - 1}"
    found = removed_apis.check(ref, removed)
    assert found is not None and found.severity is Severity.ERROR and found.rule == "removed-api"
    assert f"removed in Kubernetes {removed}; use " in found.message
    earlier = removed_apis.check(ref, before)
    assert earlier is None or earlier.severity is Severity.WARNING


def test_no_removed_api_has_a_schema_in_a_version_that_no_longer_serves_it() -> None:
    for (api_version, kind), api in removed_apis.APIS.items():
        for version in schemas.SUPPORTED_VERSIONS:
            if api.removed and removed_apis.is_removed(api_version, kind, version):
                assert not schemas.has_schema(version, api_version, kind), (api_version, kind, version)


def test_deprecated_apis_still_served_have_schemas() -> None:
    assert schemas.has_schema("1.31", "flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema")
    found = removed_apis.check(
        ObjectRef("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "", "x"), "1.31"
    )
    assert found is not None and found.severity is Severity.WARNING


def test_current_apis_are_not_reported() -> None:
    assert removed_apis.check(ObjectRef("apps/v1", "Deployment", "", "x"), "1.31") is None
