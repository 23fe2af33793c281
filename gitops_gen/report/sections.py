"""The sections read from one render: inventory, access and capacity (pure).

Inventory comes from the resolved plans (what each cluster runs, switched on or off); access and
capacity from the rendered objects themselves (RoleBindings, AppProjects, Namespaces and
ResourceQuotas), so the report says exactly what ``rendered/`` grants and reserves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.base.quantity import format_quantity, parse_quantity
from gitops_gen.blueprint.model import Repo
from gitops_gen.render.common import TENANT_LABEL, TIER_ANNOTATION
from gitops_gen.report.model import COST_CENTRE_LABEL, Capacity, Deployed, Grant, Quota
from gitops_gen.validate.policy.promotion import upstream_revisions

RBAC = "rbac.authorization.k8s.io"
ARGOCD = "argoproj.io"
RESOURCES = ("requests.cpu", "limits.cpu", "requests.memory", "limits.memory", "requests.storage", "pods")
BINARY = frozenset({"requests.memory", "limits.memory", "requests.storage"})


def inventory(repo: Repo, envs: Sequence[str] = ()) -> tuple[Deployed, ...]:
    """Every add-on of each cluster's stacks: its version there, whether it is on, and promotion skew."""
    upstream = {e.name: upstream_revisions(repo.plans, e.promotes_from) for e in repo.environments.values()
                if e.promotes_from}
    out = []
    for plan in repo.plans:
        if envs and plan.env.name not in envs:
            continue
        running = {a.name: a for a in plan.addons}
        for name in sorted(plan.wave_graph):
            addon = running.get(name)
            kind = addon.kind if addon else ""
            version = (addon.chart.version if addon and addon.chart else
                       addon.source.target_revision if addon and addon.source else "")
            # as the promotion rule judges it: an add-on the upstream runs, at a version it runs nowhere
            ups = upstream.get(plan.env.name, frozenset())
            skew = bool(version) and any(a == name for a, _ in ups) and (name, version) not in ups
            out.append(Deployed(name, plan.cluster.name, plan.env.name, kind, version, addon is not None, skew))
    return tuple(out)


def _meta(m: Manifest) -> Mapping[str, Any]:
    return m.body.get("metadata") or {}


def access(desired: Mapping[str, Sequence[Manifest]]) -> tuple[Grant, ...]:
    """Who may do what where: group subjects of RoleBindings, and the groups of AppProject roles over
    the project's destination namespaces."""
    out: set[Grant] = set()
    for cluster, objects in desired.items():
        for m in objects:
            where = f"{m.ref.kind}/{m.ref.namespace + '/' if m.ref.namespace else ''}{m.ref.name}"
            if (m.ref.group, m.ref.kind) == (RBAC, "RoleBinding"):
                role = str((m.body.get("roleRef") or {}).get("name", ""))
                for subject in m.body.get("subjects") or ():
                    if subject.get("kind") == "Group":
                        out.add(Grant(str(subject.get("name")), role, "RoleBinding", cluster, m.ref.namespace, where))
            elif (m.ref.group, m.ref.kind) == (ARGOCD, "AppProject"):
                spec = m.body.get("spec") or {}
                project = (_meta(m).get("labels") or {}).get(TENANT_LABEL) or m.ref.name  # the same on each cluster
                namespaces = sorted({str(d.get("namespace", "")) for d in spec.get("destinations") or ()})
                for role in spec.get("roles") or ():
                    for group in role.get("groups") or ():
                        for ns in namespaces:
                            out.add(Grant(str(group), f"argocd project {project}: {role.get('name')}", "AppProject",
                                          cluster, ns, where))
    return tuple(sorted(out, key=lambda g: (g.group, g.role, g.cluster, g.namespace, g.via)))


def _sum(quotas: Iterable[Quota]) -> dict[str, str]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for q in quotas:
        for resource in RESOURCES:
            value = parse_quantity(q.hard.get(resource))
            if value is not None:
                totals[resource] += value
    return {r: format_quantity(totals[r], r in BINARY) for r in RESOURCES if r in totals}


def capacity(desired: Mapping[str, Sequence[Manifest]]) -> Capacity:
    """Quota sums per cluster and per tier, tenants per cost centre, tenant namespaces missing the label."""
    quotas: list[Quota] = []
    centres: dict[str, set[str]] = defaultdict(set)
    unlabelled: list[tuple[str, str]] = []
    for cluster, objects in sorted(desired.items()):
        for m in objects:
            labels = _meta(m).get("labels") or {}
            tenant = str(labels.get(TENANT_LABEL, ""))
            if m.ref.kind == "ResourceQuota" and m.ref.group == "":
                tier = str((_meta(m).get("annotations") or {}).get(TIER_ANNOTATION, ""))
                hard = {str(k): str(v) for k, v in ((m.body.get("spec") or {}).get("hard") or {}).items()}
                quotas.append(Quota(cluster, m.ref.namespace, tenant, tier, hard))
            elif m.ref.kind == "Namespace" and m.ref.group == "" and tenant:
                centre = labels.get(COST_CENTRE_LABEL)
                centres[str(centre or "")].add(tenant)
                if not centre:
                    unlabelled.append((cluster, m.ref.name))
    clusters = sorted({q.cluster for q in quotas})
    tiers = sorted({q.tier for q in quotas})
    per_tier = {t: {"namespaces": str(sum(1 for q in quotas if q.tier == t)), **_sum(q for q in quotas if q.tier == t)}
                for t in tiers}
    return Capacity(tuple(quotas), {c: _sum(q for q in quotas if q.cluster == c) for c in clusters}, per_tier,
                    {c: tuple(sorted(ts)) for c, ts in sorted(centres.items())}, tuple(sorted(set(unlabelled))))
