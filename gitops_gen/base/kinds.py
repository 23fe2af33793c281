"""Which kinds are cluster-scoped (they never get a namespace).

Built-in kinds are facts of the Kubernetes API; custom kinds listed here are the
common cluster-scoped ones of well-known add-ons.  For any other custom kind the
CRD decides: the CRDs in ``crdDirs`` and those an add-on deploys give each kind's
scope; a custom kind no CRD describes is treated as namespaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLUSTER_SCOPED_KINDS: frozenset[str] = frozenset({
    # built-in
    "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "ComponentStatus",
    "CSIDriver", "CSINode", "CustomResourceDefinition", "FlowSchema", "IngressClass", "MutatingWebhookConfiguration",
    "Namespace", "Node", "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration",
    "RuntimeClass", "StorageClass", "TokenReview", "SelfSubjectAccessReview", "SubjectAccessReview",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration",
    "VolumeAttachment", "IPAddress", "ServiceCIDR", "DeviceClass", "ResourceSlice",
    # well-known add-ons
    "ClusterIssuer", "ClusterSecretStore", "ClusterExternalSecret", "ClusterPolicy", "ClusterPolicyReport",
    "GatewayClass", "ClusterTriggerBinding", "ClusterInterceptor", "ConstraintTemplate", "ClusterServiceVersion",
    "IPAddressPool", "ClusterRoleTemplate", "GlobalNetworkPolicy", "StorageVersionMigration",
})


Scopes = Mapping[tuple[str, str], bool]  # (API group, kind) -> cluster-scoped, as the CRDs in play say


def is_cluster_scoped(kind: str, group: str = "", scopes: Scopes | None = None) -> bool:
    """A CRD's ``spec.scope`` (from crdDirs or an add-on that deploys it) wins over the list above."""
    if scopes and (group, kind) in scopes:
        return scopes[group, kind]
    return kind in CLUSTER_SCOPED_KINDS


def crd_scope(body: Any) -> tuple[tuple[str, str], bool] | None:
    """((group, kind), cluster-scoped) of a CustomResourceDefinition document; None for anything else."""
    if not isinstance(body, Mapping) or body.get("kind") != "CustomResourceDefinition":
        return None
    if not str(body.get("apiVersion") or "").startswith("apiextensions.k8s.io/"):
        return None
    spec = body.get("spec")
    names = spec.get("names") if isinstance(spec, Mapping) else None
    group, kind = (spec or {}).get("group"), names.get("kind") if isinstance(names, Mapping) else None
    if not isinstance(group, str) or not isinstance(kind, str) or not group or not kind:
        return None
    return (group, kind), spec.get("scope") == "Cluster"  # type: ignore[union-attr]


# kind -> where its pod spec is; the API server validates the containers of each the same way
POD_SPECS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
