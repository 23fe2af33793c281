"""A tenant's namespace bundle: secure-by-default objects for each of its namespaces (pure)."""

from __future__ import annotations

from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import Settings, Tenant
from gitops_gen.render.common import TENANT_LABEL, TIER_ANNOTATION, labels

RBAC_GROUP = "rbac.authorization.k8s.io"
# Pod Security Admission: block known privilege escalations, warn on anything short of "restricted".
POD_SECURITY = {"pod-security.kubernetes.io/enforce": "baseline",
                "pod-security.kubernetes.io/warn": "restricted",
                "pod-security.kubernetes.io/audit": "restricted"}


def _meta(name: str, namespace: str, tenant: Tenant) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": labels(**{TENANT_LABEL: tenant.name})}


def _quota(tenant: Tenant, settings: Settings, ns: str) -> dict[str, Any]:
    tier = settings.tiers[tenant.tier]
    hard: dict[str, Any] = {"requests.cpu": tier.cpu, "requests.memory": tier.memory,
                            "limits.cpu": tier.cpu, "limits.memory": tier.memory, "pods": str(tier.pods)}
    if tier.storage:
        hard["requests.storage"] = tier.storage
    meta = _meta("tenant-quota", ns, tenant)
    meta["annotations"] = {TIER_ANNOTATION: tier.name}
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta, "spec": {"hard": hard}}


def _limits(tenant: Tenant, settings: Settings, ns: str) -> dict[str, Any]:
    lim = settings.limits
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": _meta("tenant-limits", ns, tenant),
            "spec": {"limits": [{"type": "Container",
                                 "default": {"cpu": lim.default_cpu, "memory": lim.default_memory},
                                 "defaultRequest": {"cpu": lim.default_request_cpu,
                                                    "memory": lim.default_request_memory}}]}}


def _policy(name: str, ns: str, tenant: Tenant, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": _meta(name, ns, tenant),
            "spec": spec}


def _network(tenant: Tenant, ns: str) -> list[dict[str, Any]]:
    objs = [_policy("default-deny-ingress", ns, tenant, {"podSelector": {}, "policyTypes": ["Ingress"]})]
    if tenant.network.allow_same_namespace:
        objs.append(_policy("allow-same-namespace", ns, tenant, {
            "podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]}))
    if tenant.network.allow_from_namespaces:
        peers = [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": other}}}
                 for other in tenant.network.allow_from_namespaces]
        objs.append(_policy("allow-from-namespaces", ns, tenant, {
            "podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": peers}]}))
    return objs


def _binding(name: str, role: str, groups: tuple[str, ...], ns: str, tenant: Tenant) -> dict[str, Any]:
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "RoleBinding", "metadata": _meta(name, ns, tenant),
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
            "subjects": [{"apiGroup": RBAC_GROUP, "kind": "Group", "name": g} for g in groups]}


def tenant_objects(tenant: Tenant, settings: Settings) -> list[Manifest]:
    """Every object of the tenant's namespace bundle, each pointing at the blueprint line it comes from."""
    out: list[Manifest] = []
    for ns in tenant.namespaces:
        ns_labels = {**POD_SECURITY, **labels(**{TENANT_LABEL: tenant.name}), **tenant.labels}
        out.append(Manifest({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": ns_labels}},
                            tenant.loc("namespaces"), field_origins={"metadata.labels": tenant.loc("labels")}))
        out.append(Manifest(_quota(tenant, settings, ns), tenant.loc("tier")))
        out.append(Manifest(_limits(tenant, settings, ns), tenant.origin))
        out.extend(Manifest(obj, tenant.loc("network")) for obj in _network(tenant, ns))
        if tenant.owners:
            out.append(Manifest(_binding("tenant-owners", "admin", tenant.owners, ns, tenant), tenant.loc("owners")))
        if tenant.viewers:
            out.append(Manifest(_binding("tenant-viewers", "view", tenant.viewers, ns, tenant),
                                tenant.loc("viewers")))
    return out
