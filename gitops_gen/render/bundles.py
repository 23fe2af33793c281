"""Kustomize bundles: tenant namespaces, plain-manifest add-ons and the drift reader (pure).

Each bundle is computed three times -- from the blueprint alone (base), with the
environment's overrides (overlays/<env>) and with the cluster's too, all three as
resolved in the plan -- and ``layers.layered`` turns the differences into overlays.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.base.kinds import Scopes, crd_scope, is_cluster_scoped
from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import Addon, ClusterPlan, Repo, Tenant
from gitops_gen.render.common import ADDON_LABEL, labels, with_labels
from gitops_gen.render.layers import LayerFile, layered
from gitops_gen.render.tenants import tenant_objects
from gitops_gen.yamlio.reader import to_json

READER_NAMESPACE = "gitops-gen"
READER_NAME = "gitops-gen-drift-reader"
# Read-only everywhere except Secrets: core resources are listed one by one because RBAC cannot
# say "all but secrets"; other API groups are granted whole.
READER_CORE_RESOURCES = ("configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes",
                         "persistentvolumeclaims", "persistentvolumes", "pods", "replicationcontrollers",
                         "resourcequotas", "serviceaccounts", "services")
READER_GROUPS = ("admissionregistration.k8s.io", "apiextensions.k8s.io", "apps", "autoscaling", "batch",
                 "discovery.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
                 "scheduling.k8s.io", "storage.k8s.io")


_Indexed = tuple[ClusterPlan, dict[str, Tenant], dict[tuple[str, str], Addon]]  # a plan, its tenants and add-ons by key


@dataclass
class BundleLayers:
    files: list[LayerFile] = field(default_factory=list)
    folder: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (kind, name, cluster) -> layer
    objects: dict[str, list[Manifest]] = field(default_factory=dict)  # cluster -> bundle objects


def custom_scopes(repo: Repo) -> dict[tuple[str, str], bool]:
    """(group, kind) -> cluster-scoped for every custom kind: the CRDs in crdDirs, then those add-ons deploy."""
    out = dict(repo.crd_scopes)
    for stack in repo.stacks.values():
        for addon in stack.addons:
            for body in addon.manifests:
                found = crd_scope(body)
                if found is not None:
                    out[found[0]] = found[1]
    return out


def addon_objects(addon: Addon, scopes: Scopes | None = None) -> list[Manifest]:
    """A plain-manifest add-on's objects: our labels added, the add-on namespace filled in where it belongs
    (never on a cluster-scoped kind: built in, or so declared by its CRD)."""
    out = []
    origins = addon.manifest_origins
    for index, body in enumerate(addon.manifests):
        obj: dict[str, Any] = with_labels(body, labels(**{ADDON_LABEL: addon.name}))
        group = str(obj.get("apiVersion") or "").rpartition("/")[0]
        if not is_cluster_scoped(obj["kind"], group, scopes) and not obj["metadata"].get("namespace"):
            obj["metadata"] = {**obj["metadata"], "namespace": addon.namespace}
        out.append(Manifest(obj, origins[index] if index < len(origins) else addon.origin))
    return out


def _freeze(objects: Sequence[Manifest]) -> list[Manifest]:
    return [dataclasses.replace(m, body=to_json(m.body)) for m in objects]


def _tenant_key(tenant: Tenant) -> tuple[Any, ...]:
    """Everything ``tenant_objects`` reads: clusters without overrides share one computation."""
    return (tenant.name, tenant.tier, tuple(sorted(tenant.labels.items())), tenant.owners, tenant.viewers,
            tenant.namespaces, tenant.network, tenant.origin)


def _tenant_layers(repo: Repo, tenant: Tenant, plans: Sequence[_Indexed], out: BundleLayers) -> None:
    memo: dict[tuple[Any, ...], list[Manifest]] = {}

    def objects(t: Tenant) -> list[Manifest]:
        key = _tenant_key(t)
        if key not in memo:
            memo[key] = tenant_objects(t, repo.settings)
        return memo[key]

    base = objects(tenant)
    envs: dict[str, list[Manifest]] = {}
    clusters: dict[tuple[str, str], list[Manifest]] = {}
    for plan, tenants, _ in plans:
        cluster_tenant = tenants.get(tenant.name)
        if cluster_tenant is None:
            continue
        if plan.env.name not in envs:
            envs[plan.env.name] = objects(plan.env_tenants[tenant.name])
        clusters[plan.env.name, plan.cluster.name] = objects(cluster_tenant)
    _add(out, "tenant", tenant.name, f"tenants/{tenant.name}", base, envs, clusters, tenant.origin)


def _addon_layers(addon: Addon, plans: Sequence[_Indexed], out: BundleLayers, scopes: Scopes) -> None:
    base = _freeze(addon_objects(addon, scopes))
    envs: dict[str, list[Manifest]] = {}
    clusters: dict[tuple[str, str], list[Manifest]] = {}
    for plan, _, addons in plans:
        cluster_addon = addons.get((addon.stack, addon.name))
        if cluster_addon is None or cluster_addon.kind != "manifests":
            continue
        if plan.env.name not in envs:
            envs[plan.env.name] = _freeze(addon_objects(plan.env_addons[addon.name], scopes))
        clusters[plan.env.name, plan.cluster.name] = _freeze(addon_objects(cluster_addon, scopes))
    _add(out, "addon", addon.name, f"addons/{addon.stack}/{addon.name}", base, envs, clusters, addon.origin)


def _add(out: BundleLayers, kind: str, name: str, folder: str, base: list[Manifest],
         envs: dict[str, list[Manifest]], clusters: dict[tuple[str, str], list[Manifest]], origin: Any) -> None:
    if not clusters:
        return
    layers = layered(folder, base, envs, clusters, origin)
    out.files.extend(layers.files)
    for (_, cluster), path in layers.folder.items():
        out.folder[kind, name, cluster] = path
    for (_, cluster), objects in layers.objects.items():
        out.objects.setdefault(cluster, []).extend(objects)


def reader_objects(groups: Sequence[str]) -> list[dict[str, Any]]:
    meta = {"labels": labels()}
    rules = [{"apiGroups": [""], "resources": list(READER_CORE_RESOURCES), "verbs": ["get", "list", "watch"]},
             {"apiGroups": sorted(set(READER_GROUPS) | set(groups)), "resources": ["*"],
              "verbs": ["get", "list", "watch"]}]
    return [
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": READER_NAME, "namespace": READER_NAMESPACE, **meta}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
         "metadata": {"name": READER_NAME, **meta}, "rules": rules},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
         "metadata": {"name": READER_NAME, **meta},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": READER_NAME},
         "subjects": [{"kind": "ServiceAccount", "name": READER_NAME, "namespace": READER_NAMESPACE}]},
    ]


def bundle_layers(repo: Repo, plans: Sequence[ClusterPlan]) -> BundleLayers:
    out = BundleLayers()
    indexed = [(p, {t.name: t for t in p.tenants}, {(a.stack, a.name): a for a in p.addons}) for p in plans]
    for tenant in repo.tenants.values():
        _tenant_layers(repo, tenant, indexed, out)
    manifest_addons = {(a.stack, a.name) for p in plans for a in p.addons if a.kind == "manifests"}
    scopes = custom_scopes(repo)
    for stack in repo.stacks.values():
        for addon in stack.addons:
            if (addon.stack, addon.name) in manifest_addons:
                _addon_layers(addon, indexed, out, scopes)
    # From every cluster's plan, not only the rendered subset: the reader's base is shared by all of them.
    groups = sorted({str(body.get("apiVersion", "")).rpartition("/")[0] for plan in repo.plans
                     for addon in plan.addons for body in addon.manifests} - {""} | {"argoproj.io"})
    reader = [Manifest(body, repo.settings.origin) for body in reader_objects(groups)]
    envs = {p.env.name: reader for p in plans}
    clusters = {(p.env.name, p.cluster.name): reader for p in plans}
    _add(out, "platform", "drift-reader", "platform/drift-reader", reader, envs, clusters, repo.settings.origin)
    return out
