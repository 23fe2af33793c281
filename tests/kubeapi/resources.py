"""The kinds the stand-in serves, as a real API server's discovery documents describe them."""

from __future__ import annotations

from typing import Any, NamedTuple

READ_VERBS = ["get", "list", "watch"]
ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


class Resource(NamedTuple):
    api_version: str  # "v1" or "group/version"
    kind: str
    plural: str
    namespaced: bool
    builtin: bool = True  # built-in lists omit kind/apiVersion on items; CRD (unstructured) lists keep them

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]

    def discovery(self) -> dict[str, Any]:
        return {"name": self.plural, "singularName": self.kind.lower(), "namespaced": self.namespaced,
                "kind": self.kind, "verbs": ALL_VERBS, "storageVersionHash": "x" * 11}


def _r(api_version: str, kind: str, plural: str, namespaced: bool = True, builtin: bool = True) -> Resource:
    return Resource(api_version, kind, plural, namespaced, builtin)


DEFAULT_RESOURCES: tuple[Resource, ...] = (
    _r("v1", "Namespace", "namespaces", namespaced=False),
    _r("v1", "ConfigMap", "configmaps"),
    _r("v1", "Secret", "secrets"),
    _r("v1", "Service", "services"),
    _r("v1", "ServiceAccount", "serviceaccounts"),
    _r("v1", "ResourceQuota", "resourcequotas"),
    _r("v1", "LimitRange", "limitranges"),
    _r("v1", "Pod", "pods"),
    _r("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    _r("v1", "Endpoints", "endpoints"),
    _r("apps/v1", "Deployment", "deployments"),
    _r("apps/v1", "StatefulSet", "statefulsets"),
    _r("apps/v1", "DaemonSet", "daemonsets"),
    _r("batch/v1", "Job", "jobs"),
    _r("batch/v1", "CronJob", "cronjobs"),
    _r("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    _r("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"),
    _r("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"),
    _r("networking.k8s.io/v1", "Ingress", "ingresses"),
    _r("rbac.authorization.k8s.io/v1", "Role", "roles"),
    _r("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"),
    _r("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", namespaced=False),
    _r("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", namespaced=False),
    _r("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
       "validatingwebhookconfigurations", namespaced=False),
    _r("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
       "mutatingwebhookconfigurations", namespaced=False),
    _r("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced=False),
    _r("argoproj.io/v1alpha1", "Application", "applications", builtin=False),
    _r("argoproj.io/v1alpha1", "AppProject", "appprojects", builtin=False),
    _r("argoproj.io/v1alpha1", "ApplicationSet", "applicationsets", builtin=False),
)

# Subresources appear in real discovery documents next to their parents; a client must skip them.
SUBRESOURCES = {"deployments": ("status", "scale"), "statefulsets": ("status", "scale"),
                "pods": ("status", "log", "exec"), "namespaces": ("status", "finalize"),
                "applications": ("status",)}
