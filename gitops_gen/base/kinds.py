"""Which kinds are cluster-scoped (they never get a namespace).

Built-in kinds are facts of the Kubernetes API; custom kinds listed here are the
common cluster-scoped ones of well-known add-ons.  A custom kind not listed is
treated as namespaced; give it an explicit namespace-less manifest and list it
in ``gitops.yaml`` if that is wrong.
"""

from __future__ import annotations

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


def is_cluster_scoped(kind: str) -> bool:
    return kind in CLUSTER_SCOPED_KINDS


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
