"""Sync waves from ``dependsOn``: dependencies sync first (pure).

Order inside a cluster's app-of-apps: AppProjects (-10), add-ons by dependency
depth (0, 1, ...), tenant namespace bundles once the platform is up, then
tenant apps by their own dependency depth.  Cycles were rejected by the loader.
Depths come from the plan's ``wave_graph``, every add-on of the environment's stacks whether
switched on or off on this cluster: switching one add-on off moves no other Application.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gitops_gen.blueprint.model import ClusterPlan


def depths(graph: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Longest dependency chain below each node (0 for no dependencies)."""
    memo: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in memo:
            memo[node] = 1 + max((depth(d) for d in graph.get(node, ()) if d in graph), default=-1)
        return memo[node]

    for node in graph:
        depth(node)
    return memo


@dataclass(frozen=True)
class Waves:
    addons: Mapping[str, int]
    apps: Mapping[tuple[str, str], int]
    tenant_bundle: int

    @classmethod
    def of(cls, plan: ClusterPlan) -> Waves:
        addon_depths = depths(plan.wave_graph or {a.name: a.depends_on for a in plan.addons})
        bundle = max(addon_depths.values(), default=-1) + 1
        apps: dict[tuple[str, str], int] = {}
        for tenant in plan.tenants:
            for name, depth in depths({a.name: a.depends_on for a in tenant.apps}).items():
                apps[tenant.name, name] = bundle + 1 + depth
        return cls(addon_depths, apps, bundle)

    def addon(self, name: str) -> int:
        return self.addons[name]

    def app(self, tenant: str, name: str) -> int:
        return self.apps[tenant, name]
