"""Removed and deprecated Kubernetes APIs, per target version.

The table is data: (apiVersion, kind) -> when it was deprecated, when it stops
being served, and what to use instead (from the Kubernetes deprecated API
migration guide).  A removed API is reported as removed, naming the
replacement, before any schema lookup would call it "unknown".
"""

from __future__ import annotations

from typing import NamedTuple

from gitops_gen.errors import Location
from gitops_gen.manifest import ObjectRef
from gitops_gen.validate.findings import DEPRECATED_API, REMOVED_API, Finding, error, warning


class Api(NamedTuple):
    deprecated: str  # first version that deprecates it
    removed: str | None  # first version that no longer serves it (None: still served)
    replacement: str  # apiVersion (and kind when it changes) to migrate to


def _same(
    api_version: str, kinds: str, deprecated: str, removed: str | None, replacement: str
) -> dict[tuple[str, str], Api]:
    return {(api_version, kind): Api(deprecated, removed, replacement) for kind in kinds.split()}


_FLOWCONTROL = "FlowSchema PriorityLevelConfiguration"
_AUTHZ = "SubjectAccessReview LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview"

APIS: dict[tuple[str, str], Api] = {
    # 1.16
    **_same("extensions/v1beta1", "Deployment DaemonSet ReplicaSet", "1.8", "1.16", "apps/v1"),
    **_same("extensions/v1beta1", "NetworkPolicy", "1.9", "1.16", "networking.k8s.io/v1"),
    **_same("extensions/v1beta1", "PodSecurityPolicy", "1.10", "1.16", "policy/v1beta1"),
    **_same("apps/v1beta1", "Deployment StatefulSet ReplicaSet ControllerRevision", "1.9", "1.16", "apps/v1"),
    **_same(
        "apps/v1beta2",
        "Deployment StatefulSet DaemonSet ReplicaSet ControllerRevision",
        "1.9",
        "1.16",
        "apps/v1",
    ),
    # 1.22
    **_same("extensions/v1beta1", "Ingress", "1.14", "1.22", "networking.k8s.io/v1"),
    **_same("networking.k8s.io/v1beta1", "Ingress IngressClass", "1.19", "1.22", "networking.k8s.io/v1"),
    **_same(
        "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.16", "1.22", "apiextensions.k8s.io/v1"
    ),
    **_same(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration ValidatingWebhookConfiguration",
        "1.16",
        "1.22",
        "admissionregistration.k8s.io/v1",
    ),
    **_same("apiregistration.k8s.io/v1beta1", "APIService", "1.19", "1.22", "apiregistration.k8s.io/v1"),
    **_same("authentication.k8s.io/v1beta1", "TokenReview", "1.19", "1.22", "authentication.k8s.io/v1"),
    **_same("authorization.k8s.io/v1beta1", _AUTHZ, "1.19", "1.22", "authorization.k8s.io/v1"),
    **_same(
        "certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.19", "1.22", "certificates.k8s.io/v1"
    ),
    **_same("coordination.k8s.io/v1beta1", "Lease", "1.19", "1.22", "coordination.k8s.io/v1"),
    **_same(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole ClusterRoleBinding Role RoleBinding",
        "1.17",
        "1.22",
        "rbac.authorization.k8s.io/v1",
    ),
    **_same(
        "rbac.authorization.k8s.io/v1alpha1",
        "ClusterRole ClusterRoleBinding Role RoleBinding",
        "1.17",
        "1.22",
        "rbac.authorization.k8s.io/v1",
    ),
    **_same("scheduling.k8s.io/v1beta1", "PriorityClass", "1.14", "1.22", "scheduling.k8s.io/v1"),
    **_same(
        "storage.k8s.io/v1beta1",
        "CSIDriver CSINode StorageClass VolumeAttachment",
        "1.19",
        "1.22",
        "storage.k8s.io/v1",
    ),
    # 1.25
    **_same("batch/v1beta1", "CronJob", "1.21", "1.25", "batch/v1"),
    **_same("discovery.k8s.io/v1beta1", "EndpointSlice", "1.21", "1.25", "discovery.k8s.io/v1"),
    **_same("events.k8s.io/v1beta1", "Event", "1.19", "1.25", "events.k8s.io/v1"),
    **_same("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "1.25", "autoscaling/v2"),
    **_same("policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25", "policy/v1"),
    **_same(
        "policy/v1beta1",
        "PodSecurityPolicy",
        "1.21",
        "1.25",
        "Pod Security Admission (namespace labels pod-security.kubernetes.io/*)",
    ),
    **_same("node.k8s.io/v1beta1", "RuntimeClass", "1.20", "1.25", "node.k8s.io/v1"),
    # 1.26
    **_same("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "1.26", "autoscaling/v2"),
    **_same(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        _FLOWCONTROL,
        "1.23",
        "1.26",
        "flowcontrol.apiserver.k8s.io/v1beta3 (v1 from 1.29)",
    ),
    # 1.27
    **_same("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.24", "1.27", "storage.k8s.io/v1"),
    # 1.29
    **_same(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        _FLOWCONTROL,
        "1.26",
        "1.29",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    # 1.32
    **_same(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        _FLOWCONTROL,
        "1.29",
        "1.32",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    # deprecated, still served
    **_same("v1", "ComponentStatus", "1.19", None, "a health check of the control plane components"),
    **_same("v1", "Endpoints", "1.33", None, "discovery.k8s.io/v1 EndpointSlice"),
}


def _v(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def check(
    ref: ObjectRef, version: str, file: str = "", line: int = 0, source: Location | None = None
) -> Finding | None:
    """A removed-api error or deprecated-api warning for ``ref`` at target ``version``, else None."""
    api = APIS.get((ref.api_version, ref.kind))
    if api is None or _v(version) < _v(api.deprecated):
        return None
    gvk = f"{ref.api_version} {ref.kind}"
    if api.removed is not None and _v(version) >= _v(api.removed):
        return error(
            REMOVED_API,
            ref,
            f"{gvk} was removed in Kubernetes {api.removed}; use {api.replacement}",
            file=file,
            line=line,
            source=source,
        )
    until = f", removed in {api.removed}" if api.removed else ""
    return warning(
        DEPRECATED_API,
        ref,
        f"{gvk} is deprecated since Kubernetes {api.deprecated}{until}; migrate to {api.replacement}",
        file=file,
        line=line,
        source=source,
    )


def is_removed(api_version: str, kind: str, version: str) -> bool:
    api = APIS.get((api_version, kind))
    return api is not None and api.removed is not None and _v(version) >= _v(api.removed)
