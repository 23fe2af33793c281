"""The typed blueprint model: what the loader produces and the render consumes.

Every entity keeps the ``Location`` it was declared at, so findings made on
rendered output can point back to the blueprint line.  Free-form parts (Helm
values, plain manifests, the raw ``policy``/``drift`` sections) stay plain data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_gen.errors import Location


@dataclass(frozen=True)
class Tier:
    name: str
    cpu: str
    memory: str
    pods: int
    storage: str | None = None


@dataclass(frozen=True)
class ContainerLimits:
    """LimitRange defaults applied to containers that set no resources of their own."""

    default_request_cpu: str = "100m"
    default_request_memory: str = "128Mi"
    default_cpu: str = "500m"
    default_memory: str = "512Mi"


@dataclass(frozen=True)
class Settings:
    repo_url: str
    target_revision: str
    argocd_namespace: str
    tiers: Mapping[str, Tier]
    limits: ContainerLimits
    argocd_server: str = "https://kubernetes.default.svc"  # where the root apps live (the Argo CD cluster)
    policy: Mapping[str, Any] = field(default_factory=dict)
    drift: Mapping[str, Any] = field(default_factory=dict)
    crd_dirs: tuple[str, ...] = ()  # CustomResourceDefinitions for `validate` (relative to the repo root)
    argocd_context: str | None = None  # kubeconfig context of the Argo CD cluster, for `drift`
    origin: Location = Location("gitops.yaml")


@dataclass(frozen=True)
class Chart:
    repo_url: str
    name: str
    version: str


@dataclass(frozen=True)
class GitSource:
    repo_url: str
    path: str
    target_revision: str


@dataclass(frozen=True)
class Addon:
    """One add-on after overrides: exactly one of chart / source / manifests is set."""

    name: str
    stack: str
    namespace: str
    chart: Chart | None = None
    source: GitSource | None = None
    manifests: tuple[Mapping[str, Any], ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    server_side_apply: bool = False
    ignore_differences: tuple[Mapping[str, Any], ...] = ()
    origin: Location = Location("")
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # for overrides

    @property
    def kind(self) -> str:
        return "chart" if self.chart else "source" if self.source else "manifests"


@dataclass(frozen=True)
class AddonStack:
    name: str
    addons: tuple[Addon, ...]
    origin: Location


@dataclass(frozen=True)
class TenantApp:
    name: str
    namespace: str
    source: GitSource
    depends_on: tuple[str, ...] = ()
    ignore_differences: tuple[Mapping[str, Any], ...] = ()
    origin: Location = Location("")


@dataclass(frozen=True)
class Network:
    allow_from_namespaces: tuple[str, ...] = ()
    allow_same_namespace: bool = True


@dataclass(frozen=True)
class Tenant:
    name: str
    owners: tuple[str, ...]
    viewers: tuple[str, ...]
    tier: str
    namespaces: tuple[str, ...]
    labels: Mapping[str, str]
    network: Network
    source_repos: tuple[str, ...]
    apps: tuple[TenantApp, ...]
    origin: Location
    ignore_differences: tuple[Mapping[str, Any], ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # for overrides


@dataclass(frozen=True)
class SyncPolicy:
    automated: bool
    prune: bool
    self_heal: bool
    prune_explicit: bool = False  # the blueprint said `prune:` itself (policy wants that in production)


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    context: str
    overrides: Mapping[str, Any]
    origin: Location


@dataclass(frozen=True)
class Environment:
    name: str
    kubernetes_version: str
    clusters: tuple[Cluster, ...]
    addon_stacks: tuple[str, ...]
    tenants: tuple[str, ...]
    sync_policy: SyncPolicy
    overrides: Mapping[str, Any]
    production: bool
    origin: Location
    promotes_from: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)  # for error locations


@dataclass(frozen=True)
class ClusterPlan:
    """Everything one cluster runs, with environment and cluster overrides applied."""

    env: Environment
    cluster: Cluster
    addons: tuple[Addon, ...]
    tenants: tuple[Tenant, ...]


@dataclass(frozen=True)
class Repo:
    root: Path
    settings: Settings
    stacks: Mapping[str, AddonStack]
    tenants: Mapping[str, Tenant]
    environments: Mapping[str, Environment]
    plans: tuple[ClusterPlan, ...] = ()
