"""Argo CD objects: root Applications, AppProjects and child Applications (pure).

Decisions (docs/adr/0002-argocd-policies.md): one Argo CD instance manages every
cluster; each cluster has a root Application over ``rendered/clusters/<cluster>``;
names are ``<cluster>-<thing>`` so they are unique in the Argo CD namespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.blueprint.model import (
    Addon,
    Cluster,
    ClusterPlan,
    Environment,
    Repo,
    Settings,
    SyncPolicy,
    Tenant,
    TenantApp,
)
from gitops_gen.render.common import (
    ARGOCD_API,
    CLUSTER_LABEL,
    DEPENDS_ON_ANNOTATION,
    ENV_LABEL,
    PROD_PRUNE_ANNOTATION,
    RENDERED_DIR,
    ROLE_LABEL,
    SYNC_WAVE,
    TENANT_LABEL,
    labels,
    substitute,
)

RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
PROJECT_WAVE = -10  # projects must exist before the Applications that name them
# Guardrails the platform owns inside tenant namespaces: a tenant's Argo CD project may not touch them.
GUARDRAIL_KINDS = (("", "ResourceQuota"), ("", "LimitRange"), ("networking.k8s.io", "NetworkPolicy"))
# Argo CD removed its built-in Application health check in 1.8; without this Lua, sync waves between
# child Applications do not wait for each other and `dependsOn` ordering would be decorative.
APPLICATION_HEALTH_LUA = """hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
"""


@dataclass(frozen=True)
class ProjectNames:
    """The AppProjects a cluster's Applications name: ``tenant_pattern`` holds ``{tenant}``."""

    platform: str
    tenant_pattern: str

    def tenant(self, name: str) -> str:
        return self.tenant_pattern.replace("{tenant}", name)


def _metadata(name: str, settings: Settings, env: Environment, cluster: Cluster, role: str, wave: int,
              extra_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "namespace": settings.argocd_namespace,
            "labels": labels(**{CLUSTER_LABEL: cluster.name, ENV_LABEL: env.name, ROLE_LABEL: role},
                             **(extra_labels or {})),
            "annotations": {SYNC_WAVE: str(wave)}}


def sync_policy(policy: SyncPolicy, production: bool, options: Sequence[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The Application syncPolicy, and annotations recording an explicit production prune opt-in."""
    out: dict[str, Any] = {}
    annotations: dict[str, str] = {}
    if policy.automated:
        out["automated"] = {"prune": policy.prune, "selfHeal": policy.self_heal}
        if production and policy.prune and policy.prune_explicit:
            annotations[PROD_PRUNE_ANNOTATION] = "true"
    if options:
        out["syncOptions"] = sorted(options)
    return out, annotations


def application(name: str, *, settings: Settings, env: Environment, cluster: Cluster, role: str, wave: int,
                project: str, source: Mapping[str, Any], namespace: str, options: Sequence[str] = (),
                ignore_differences: Sequence[Mapping[str, Any]] = (), depends_on: Sequence[str] = (),
                finalizer: bool = False, server: str | None = None,
                extra_labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    meta = _metadata(name, settings, env, cluster, role, wave, extra_labels)
    opts = list(options)
    if ignore_differences:
        opts.append("RespectIgnoreDifferences=true")  # otherwise ignoreDifferences only hides the diff in the UI
    policy, annotations = sync_policy(env.sync_policy, env.production, opts)
    meta["annotations"].update(annotations)
    if depends_on:
        meta["annotations"][DEPENDS_ON_ANNOTATION] = ",".join(sorted(depends_on))
    if finalizer:
        meta["finalizers"] = [RESOURCES_FINALIZER]
    spec: dict[str, Any] = {"project": project, "source": dict(source),
                            "destination": {"server": server or cluster.server, "namespace": namespace}}
    if policy:
        spec["syncPolicy"] = policy
    if ignore_differences:
        spec["ignoreDifferences"] = [dict(d) for d in ignore_differences]
    return {"apiVersion": ARGOCD_API, "kind": "Application", "metadata": meta, "spec": spec}


def git_path_source(settings: Settings, path: str) -> dict[str, Any]:
    return {"repoURL": settings.repo_url, "targetRevision": settings.target_revision, "path": path}


def chart_repo_url(repo_url: str) -> str:
    """A chart repository as an Application's Helm source names it: Argo CD reads a repoURL without a scheme
    as an OCI registry (``helm pull oci://<repoURL>/<chart>``) and one with ``oci://`` as an https repository,
    so an ``oci://`` blueprint URL loses its prefix here (``charts pull`` keeps the blueprint's form)."""
    return repo_url.removeprefix("oci://").rstrip("/") if repo_url.startswith("oci://") else repo_url


def addon_source(addon: Addon, settings: Settings, env: str, cluster: str, rendered_path: str | None) -> dict[str, Any]:
    if addon.chart and rendered_path is None:
        source: dict[str, Any] = {"repoURL": chart_repo_url(addon.chart.repo_url), "chart": addon.chart.name,
                                  "targetRevision": addon.chart.version, "helm": {"releaseName": addon.name}}
        if addon.values:
            source["helm"]["valuesObject"] = addon.values
        return source
    if addon.source:
        return {"repoURL": addon.source.repo_url, "targetRevision": addon.source.target_revision,
                "path": substitute(addon.source.path, env, cluster)}
    if rendered_path is None:  # manifests add-ons always have a rendered layer: a bug, not bad input
        raise ValueError(f"add-on {addon.name}: plain manifests without a rendered layer")
    return git_path_source(settings, f"{RENDERED_DIR}/{rendered_path}")


def app_source(app: TenantApp, env: str, cluster: str) -> dict[str, Any]:
    return {"repoURL": app.source.repo_url, "targetRevision": app.source.target_revision,
            "path": substitute(app.source.path, env, cluster)}


def project(name: str, *, settings: Settings, env: Environment, cluster: Cluster, description: str,
            source_repos: Sequence[str], destinations: Sequence[Mapping[str, str]],
            cluster_resources: Sequence[Mapping[str, str]], namespace_blacklist: Sequence[Mapping[str, str]] = (),
            namespace_whitelist: Sequence[Mapping[str, str]] | None = None,
            roles: Sequence[Mapping[str, Any]] = (), tenant: str | None = None) -> dict[str, Any]:
    extra = {TENANT_LABEL: tenant} if tenant else None
    meta = _metadata(name, settings, env, cluster, "project", PROJECT_WAVE, extra)
    spec: dict[str, Any] = {"description": description, "sourceRepos": sorted(set(source_repos)),
                            "destinations": list(destinations),
                            "clusterResourceWhitelist": list(cluster_resources)}
    if namespace_blacklist:
        spec["namespaceResourceBlacklist"] = list(namespace_blacklist)
    if namespace_whitelist is not None:
        spec["namespaceResourceWhitelist"] = list(namespace_whitelist)
    if roles:
        spec["roles"] = list(roles)
    return {"apiVersion": ARGOCD_API, "kind": "AppProject", "metadata": meta, "spec": spec}


def tenant_project(name: str, tenant: Tenant, settings: Settings, env: Environment, cluster: Cluster) -> dict[str, Any]:
    """Least privilege: the tenant's repos, its namespaces on this cluster, no cluster-scoped kinds."""
    repos = tenant.source_repos or tuple(app.source.repo_url for app in tenant.apps)
    roles = []
    for role, groups, actions in (("owners", tenant.owners, ("get", "sync", "action/*", "override")),
                                  ("viewers", tenant.viewers, ("get",))):
        if groups:
            roles.append({"name": role, "description": f"{tenant.name} {role}", "groups": list(groups),
                          "policies": [f"p, proj:{name}:{role}, applications, {a}, {name}/*, allow"
                                       for a in actions]})
    return project(name, settings=settings, env=env, cluster=cluster, tenant=tenant.name,
                   description=f"Tenant {tenant.name} on {cluster.name}: its repositories and namespaces only",
                   source_repos=repos,
                   destinations=[{"server": cluster.server, "namespace": ns} for ns in tenant.namespaces],
                   cluster_resources=[],
                   namespace_blacklist=[{"group": g, "kind": k} for g, k in GUARDRAIL_KINDS], roles=roles)


def platform_repos(repo: Repo, plan: ClusterPlan) -> set[str]:
    """The repositories a cluster's platform project must allow: this one and every add-on's."""
    return {repo.settings.repo_url} | {chart_repo_url(a.chart.repo_url) for a in plan.addons if a.chart} | {
        a.source.repo_url for a in plan.addons if a.source}


def fleet_project(name: str, settings: Settings, description: str, source_repos: Sequence[str],
                  destinations: Sequence[Mapping[str, str]],
                  cluster_resources: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """An AppProject over many clusters (fleet mode): no cluster or environment label."""
    return {"apiVersion": ARGOCD_API, "kind": "AppProject",
            "metadata": {"name": name, "namespace": settings.argocd_namespace,
                         "labels": labels(**{ROLE_LABEL: "project"}), "annotations": {SYNC_WAVE: str(PROJECT_WAVE)}},
            "spec": {"description": description, "sourceRepos": sorted(set(source_repos)),
                     "destinations": list(destinations), "clusterResourceWhitelist": list(cluster_resources)}}


def fleet_tenant_project(one: Mapping[str, Any], tenant: str, clusters: int,
                         destinations: Sequence[Mapping[str, str]], source_repos: Sequence[str]) -> dict[str, Any]:
    """A tenant's AppProject of one cluster (``one``) widened to all its clusters' destinations."""
    meta = one["metadata"]
    own = {k: v for k, v in meta["labels"].items() if k not in (CLUSTER_LABEL, ENV_LABEL)}
    spec = {**one["spec"], "destinations": list(destinations), "sourceRepos": list(source_repos),
            "description": f"Tenant {tenant} on its {clusters} cluster(s): its repositories and namespaces only"}
    return {**one, "metadata": {**meta, "labels": own}, "spec": spec}


def health_config(settings: Settings) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "argocd-cm", "namespace": settings.argocd_namespace,
                         "labels": labels(**{"app.kubernetes.io/name": "argocd-cm",
                                             "app.kubernetes.io/part-of": "argocd"})},
            "data": {"resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA}}
