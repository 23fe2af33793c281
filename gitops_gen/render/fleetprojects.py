"""applicationsets mode: one AppProject for the platform and one per tenant, over all their clusters (pure)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import ClusterPlan, Repo, Tenant
from gitops_gen.render import argocd

PLATFORM_PROJECT = "gitops-gen-platform"
PROJECTS = argocd.ProjectNames(PLATFORM_PROJECT, "tenant-{tenant}")


def fleet_projects(repo: Repo, plans: Sequence[ClusterPlan]) -> tuple[list[Manifest], dict[str, list[Manifest]]]:
    """One platform AppProject over every cluster and one AppProject per tenant over its clusters."""
    s = repo.settings
    repos: set[str] = set()
    for plan in plans:
        repos |= argocd.platform_repos(repo, plan)
    platform_dest = sorted(({"server": p.cluster.server, "namespace": "*"} for p in plans),
                           key=lambda d: d["server"])
    platform = argocd.fleet_project(PLATFORM_PROJECT, s, "Platform add-ons and tenant namespaces on every cluster",
                                    sorted(repos), _unique(platform_dest), [{"group": "*", "kind": "*"}])
    projects = [Manifest(platform, s.origin)]
    per_cluster: dict[str, list[Manifest]] = {p.cluster.name: [projects[0]] for p in plans}
    by_tenant: dict[str, list[tuple[ClusterPlan, Tenant]]] = defaultdict(list)
    for plan in plans:
        for tenant in plan.tenants:
            by_tenant[tenant.name].append((plan, tenant))
    for name in sorted(by_tenant):
        bodies = []
        seen: list[tuple[Tenant, dict[str, Any]]] = []  # clusters alike share one computation
        for plan, tenant in by_tenant[name]:
            one = next((b for t, b in seen if t == tenant), None)
            if one is None:
                one = argocd.tenant_project(PROJECTS.tenant(name), tenant, s, plan.env, plan.cluster)
                seen.append((tenant, one))
            bodies.append((plan, tenant, one))
        _, tenant, first = bodies[0]
        destinations = _unique(sorted(({"server": p.cluster.server, "namespace": ns} for p, t, _ in bodies
                                       for ns in t.namespaces), key=lambda d: (d["server"], d["namespace"])))
        source_repos = sorted({r for _, b in seen for r in b["spec"]["sourceRepos"]})
        body = argocd.fleet_tenant_project(first, name, len(bodies), destinations, source_repos)
        if any(b["spec"].get("roles") != first["spec"].get("roles") for _, _, b in bodies[1:]):
            body["spec"]["roles"] = split_roles(PROJECTS.tenant(name), [(p, t, b) for p, t, b in bodies])
        m = Manifest(body, tenant.origin)
        projects.append(m)
        for plan, _, _ in bodies:
            per_cluster[plan.cluster.name].append(m)
    return projects, per_cluster


def split_roles(project: str, bodies: Sequence[tuple[ClusterPlan, Any, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Roles that differ between a tenant's clusters (owners per environment): one role per group of
    clusters alike, each granted on exactly the Applications of its clusters (never a wider glob)."""
    groups: dict[str, list[tuple[ClusterPlan, Any]]] = {}
    for plan, tenant, body in bodies:
        groups.setdefault(json.dumps(body["spec"].get("roles") or [], sort_keys=True), []).append((plan, tenant))
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for key, members in groups.items():
        envs = {p.env.name for p, _ in members}
        label = envs.pop() if len(envs) == 1 else members[0][0].cluster.name
        if label in used:
            label = members[0][0].cluster.name
        used.add(label)
        apps = sorted(f"{p.cluster.name}-{a.name}" for p, t in members for a in t.apps)
        for role in json.loads(key):
            name = f"{role['name']}-{label}"
            actions = [line.split(",")[3].strip() for line in role["policies"]]
            policies = [f"p, proj:{project}:{name}, applications, {action}, {project}/{app}, allow"
                        for action in actions for app in apps]
            out.append({**role, "name": name, "description": f"{role['description']} ({label})",
                        "policies": policies})
    return out


def _unique(items: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out
