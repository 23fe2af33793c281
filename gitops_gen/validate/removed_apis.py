"""Removed and deprecated Kubernetes APIs, per target version.

Two sources.  The bundled schema data (``builtin_apis``): a built-in
group/version/kind served by an earlier bundled release and not by the target
is removed; one of a built-in group (``apps``, ``networking.k8s.io``, the core
group ...) that the target does not serve is no custom resource either, so it
is an error whatever ``--ignore-missing-schemas`` says.  And the table below,
from the Kubernetes deprecated API migration guide: removals older than the
oldest bundled release, deprecation versions and the replacement to name.
``*List`` kinds follow their kind.  A removed API is reported as removed,
naming the replacement, before any schema lookup would call it "unknown".
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate import builtin_apis
from gitops_gen.validate.findings import DEPRECATED_API, REMOVED_API, Finding


class Api(NamedTuple):
    deprecated: str  # first version that deprecates it
    removed: str | None  # first version that no longer serves it (None: still served)
    replacement: str  # apiVersion (and kind when it changes) to migrate to


def _same(
    api_version: str, kinds: str, deprecated: str, removed: str | None, replacement: str
) -> dict[tuple[str, str], Api]:
    """Entries for each kind and its ``*List`` kind (review kinds have no list)."""
    out = {}
    for kind in kinds.split():
        out[(api_version, kind)] = Api(deprecated, removed, replacement)
        if not kind.endswith("Review") and kind != "ComponentStatus":
            out[(api_version, f"{kind}List")] = Api(deprecated, removed, replacement)
    return out


_FLOWCONTROL = "FlowSchema PriorityLevelConfiguration"
_AUTHZ = "SubjectAccessReview LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview"

APIS: dict[tuple[str, str], Api] = {
    # 1.16 and 1.17
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
    **_same("scheduling.k8s.io/v1alpha1", "PriorityClass", "1.14", "1.17", "scheduling.k8s.io/v1"),
    # 1.20, 1.21: alpha APIs dropped without a deprecation period
    **_same("settings.k8s.io/v1alpha1", "PodPreset", "1.20", "1.20", "a mutating admission webhook"),
    **_same("batch/v2alpha1", "CronJob", "1.21", "1.21", "batch/v1"),
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
    verdict = _verdict(ref.api_version, ref.kind, version)
    if verdict is None:
        return None
    severity, rule, message = verdict
    return Finding(rule, severity, ref, message, file=file, line=line, source=source)


@functools.cache
def _verdict(api_version: str, kind: str, version: str) -> tuple[Severity, str, str] | None:
    ref = ObjectRef(api_version, kind, "", "")
    gvk = f"{api_version} {kind}"
    api = APIS.get((api_version, kind))
    if api is not None and api.removed is not None and _v(version) >= _v(api.removed):
        return Severity.ERROR, REMOVED_API, f"{gvk} was removed in Kubernetes {api.removed}; use {api.replacement}"
    unserved = _unserved(ref, version)
    if unserved is not None:
        return Severity.ERROR, REMOVED_API, unserved
    if api is None or _v(version) < _v(api.deprecated):
        return None
    until = f", removed in {api.removed}" if api.removed else ""
    message = f"{gvk} is deprecated since Kubernetes {api.deprecated}{until}; migrate to {api.replacement}"
    return Severity.WARNING, DEPRECATED_API, message


def _unserved(ref: ObjectRef, version: str) -> str | None:
    """Why the bundled schema data says the target does not serve this built-in API, else None."""
    bundled = builtin_apis.bundled_versions()
    if _v(version) < _v(bundled[0]) or ref.kind == "List":
        return None  # older than the data: only the table knows; a List is a client-side wrapper
    group = builtin_apis.group_of(ref.api_version)
    if group not in builtin_apis.builtin_groups():
        return None  # a custom resource: its CRD decides
    target = min(version, bundled[-1], key=_v)
    gvk = f"{ref.api_version} {ref.kind}"
    life = builtin_apis.lifetimes().get((ref.api_version, ref.kind))
    if life is None:
        name = f"group {group}" if group else "core group"
        why = f"{gvk} is not a Kubernetes {version} API (a built-in {name}, no such version or kind)"
        return why + _use(ref, target)
    if _v(target) > _v(life.last):
        removed = builtin_apis.release_after(life.last)
        return f"{gvk} was removed in Kubernetes {removed}{_use(ref, target)}"
    if _v(target) < _v(life.first):
        return f"{gvk} is served from Kubernetes {life.first}, not by {version}{_use(ref, target)}"
    return None


def _use(ref: ObjectRef, version: str) -> str:
    api = APIS.get((ref.api_version, ref.kind))
    if api is not None:
        return f"; use {api.replacement}"
    served = builtin_apis.served_at(ref.kind, version, builtin_apis.group_of(ref.api_version))
    served = served or builtin_apis.served_at(ref.kind, version)
    return f"; use {served[0]}" if served else ""


def is_removed(api_version: str, kind: str, version: str) -> bool:
    """Whether ``version`` no longer serves (or never served) this built-in API."""
    found = check(ObjectRef(api_version, kind, "", ""), version)
    return found is not None and found.rule == REMOVED_API
