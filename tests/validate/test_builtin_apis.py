"""Removed APIs derived from the bundled schema data: every built-in removal, never a custom resource."""

from __future__ import annotations

import pytest

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate import builtin_apis, removed_apis, schemas
from gitops_gen.validate.engine import Document, Options, validate_document
from gitops_gen.validate.findings import REMOVED_API


def test_the_package_data_is_current_with_the_installed_schemas() -> None:
    # stale after a kubernetes-validate upgrade: run python -m gitops_gen.validate.builtin_apis
    expected = builtin_apis.render(builtin_apis.generate())
    assert builtin_apis.DATA_FILE
    from importlib import resources

    actual = (resources.files("gitops_gen") / "data" / builtin_apis.DATA_FILE).read_text(encoding="utf-8")
    assert actual == expected


def _removals() -> list[tuple[str, str, str]]:
    """(apiVersion, kind, first release not serving it) for every removal inside the bundled releases."""
    out = []
    for (api_version, kind), life in builtin_apis.lifetimes().items():
        after = builtin_apis.release_after(life.last)
        if after is not None:
            out.append((api_version, kind, after))
    return sorted(out)


def test_the_data_holds_the_removals_the_issue_names() -> None:
    removals = {(a, k): r for a, k, r in _removals()}
    assert removals[("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding")] == "1.32"
    assert removals[("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchemaList")] == "1.32"
    assert removals[("autoscaling/v2beta2", "HorizontalPodAutoscaler")] == "1.26"
    assert len(removals) > 80


@pytest.mark.parametrize(("api_version", "kind", "removed"), _removals())
def test_every_bundled_removal_is_an_error_from_its_release_on(api_version: str, kind: str, removed: str) -> None:
    ref = ObjectRef(api_version, kind, "", "x")
    first = builtin_apis.lifetimes()[(api_version, kind)].first
    for version in schemas.SUPPORTED_VERSIONS:
        if builtin_apis._key(version) < builtin_apis._key(first):
            continue  # not yet served: another test
        found = removed_apis.check(ref, version)
        if builtin_apis._key(version) >= builtin_apis._key(removed):
            assert found is not None and found.rule == REMOVED_API and found.severity is Severity.ERROR, version
            assert f"removed in Kubernetes {removed}" in found.message
        else:
            assert found is None or found.severity is Severity.WARNING, (version, found)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("scheduling.k8s.io/v1alpha1", "PriorityClass"),
        ("batch/v2alpha1", "CronJob"),
        ("extensions/v1beta1", "DeploymentList"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBindingList"),
        ("policy/v1beta1", "PodDisruptionBudgetList"),
        ("settings.k8s.io/v1alpha1", "PodPreset"),
        ("node.k8s.io/v1alpha1", "RuntimeClass"),  # in no table: known from its built-in group
        ("storage.k8s.io/v1alpha1", "CSIStorageCapacity"),
        ("apps/v1", "Deploymnt"),
    ],
)
def test_removed_built_in_apis_never_pass_as_custom_resources(api_version: str, kind: str) -> None:
    body = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    for version in ("1.25", "1.37"):
        options = Options(version, missing_schema=None)  # --ignore-missing-schemas
        found = validate_document(Document(body, "f.yaml", 1), options)
        assert [(f.rule, f.severity) for f in found] == [(REMOVED_API, Severity.ERROR)], found


def test_custom_resources_and_current_apis_are_not_removed() -> None:
    for api_version, kind in [("example.com/v1", "Widget"), ("apps/v1", "Deployment"), ("v1", "ConfigMapList"),
                              ("monitoring.coreos.com/v1", "PrometheusRule")]:
        assert removed_apis.check(ObjectRef(api_version, kind, "", "x"), "1.37") is None


def test_an_api_newer_than_the_target_is_not_served() -> None:
    found = removed_apis.check(ObjectRef("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy", "", "x"), "1.30")
    assert found is not None and found.rule == REMOVED_API
    assert "served from Kubernetes 1.36" in found.message


def test_replacements_are_derived_when_the_table_has_none() -> None:
    found = removed_apis.check(ObjectRef("networking.k8s.io/v1beta1", "ServiceCIDR", "", "x"), "1.37")
    assert found is not None and found.message.endswith("; use networking.k8s.io/v1")
