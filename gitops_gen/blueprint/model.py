"""The typed blueprint model: what the loader produces and the render consumes.

Every entity keeps the ``Location`` it was declared at (and ``locs``, where each of
its fields was written), so findings made on rendered output can point back to the
blueprint line.  Free-form parts (Helm values, plain manifests) stay plain data; no
entity holds the YAML it was read from: ``resolve`` is the last step that sees it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import Location

Locs = Mapping[str, Location]  # field name -> where its value was written
Key = tuple[Any, ...]  # a path inside a document: keys (str) and list indexes (int)


@dataclass(frozen=True)
class Written:
    """One blueprint document's spec as plain data, and where each of its nodes (keys' values, list items)
    was written: positions survive resolve without any YAML node surviving with them."""

    value: Mapping[str, Any]
    positions: Mapping[Key, Location]
    origin: Location

    def at(self, key: Key) -> Location:
        return self.positions.get(key, self.origin)


@dataclass(frozen=True)
class Sources:
    """Every blueprint as written, by kind and name (settings: gitops.yaml)."""

    settings: Written | None
    stacks: Mapping[str, Written]
    tenants: Mapping[str, Written]
    environments: Mapping[str, Written]


@dataclass(frozen=True)
class Tier:
    name: str
    cpu: str
    memory: str
    pods: int
    storage: str | None = None
    origin: Location = field(default=Location("gitops.yaml"), compare=False, repr=False)
    locs: Locs = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ContainerLimits:
    """LimitRange defaults applied to containers that set no resources of their own."""

    default_request_cpu: str
    default_request_memory: str
    default_cpu: str
    default_memory: str


@dataclass(frozen=True)
class Section:
    """A feature section of gitops.yaml as plain data, and where each item of its lists was written."""

    data: Mapping[str, Any]
    item_locs: Mapping[str, tuple[Location, ...]] = field(default_factory=dict, compare=False, repr=False)
    origin: Location = field(default=Location("gitops.yaml"), compare=False, repr=False)


@dataclass(frozen=True)
class Fleet:
    """``fleet`` in gitops.yaml: how clusters get their Applications (docs/fleet.md)."""

    mode: str = "applications"  # applications: one file per cluster x Application; applicationsets: Argo CD fans out
    progressive_sync: bool = False  # RollingSync steps in tenant ApplicationSets (disables their auto-sync)


@dataclass(frozen=True)
class Settings:
    repo_url: str
    target_revision: str
    argocd_namespace: str
    tiers: Mapping[str, Tier]
    limits: ContainerLimits
    argocd_server: str  # where the root apps live (the Argo CD cluster)
    # gitops.yaml's feature sections, checked with their defaults filled in (``blueprint.sections``);
    # validate and drift compile them into their own configuration.
    policy: Section
    drift: Section
    crd_dirs: tuple[str, ...] = ()  # CustomResourceDefinitions for `validate` (relative to the repo root)
    argocd_context: str | None = None  # kubeconfig context of the Argo CD cluster, for `drift`
    charts_required: bool = False  # `charts: {required: true}`: a chart missing from the cache is an error
    fleet: Fleet = Fleet()
    origin: Location = Location("gitops.yaml")
    locs: Locs = field(default_factory=dict, compare=False, repr=False)
    written: Written | None = field(default=None, compare=False, repr=False)


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
    hydrate: bool = False  # a chart add-on's expanded output is written under rendered/ (rendered manifests)
    ignore_differences: tuple[Mapping[str, Any], ...] = ()
    origin: Location = Location("")
    enabled: bool = True  # `enabled: false` in the stack: off unless an environment or cluster switches it on
    manifest_origins: tuple[Location, ...] = field(default=(), compare=False, repr=False)
    locs: Locs = field(default_factory=dict, compare=False, repr=False)

    def loc(self, key: str) -> Location:
        return self.locs.get(key, self.origin)

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
    locs: Locs = field(default_factory=dict, compare=False, repr=False)  # "dependsOn[i]" -> where the item is


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
    selector_labels: Mapping[str, str] = field(default_factory=dict)  # metadata.labels: what environments select
    namespace_origins: tuple[Location, ...] = field(default=(), compare=False, repr=False)
    locs: Locs = field(default_factory=dict, compare=False, repr=False)

    def loc(self, key: str) -> Location:
        return self.locs.get(key, self.origin)


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
    origin: Location
    labels: Mapping[str, str] = field(default_factory=dict)  # fleet inventory labels (region...): cluster Secret
    auth: Mapping[str, Any] | None = None  # credential-free auth block; None: the cluster is registered by hand
    shard: int | None = None  # Argo CD application-controller shard



@dataclass(frozen=True)
class TenantSelector:
    """``tenants: ["*"]`` (every tenant) or ``tenants: {matchLabels: ..., matchExpressions: ...}``."""

    every: bool = False
    match_labels: Mapping[str, str] = field(default_factory=dict)
    match_expressions: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (key, operator, values)

    def selects(self, labels: Mapping[str, str]) -> bool:
        if self.every:
            return True
        if any(labels.get(k) != v for k, v in self.match_labels.items()):
            return False
        for key, operator, values in self.match_expressions:
            present = key in labels
            if (operator == "In" and labels.get(key) not in values) or \
                    (operator == "NotIn" and present and labels[key] in values) or \
                    (operator == "Exists" and not present) or (operator == "DoesNotExist" and present):
                return False
        return True


@dataclass(frozen=True)
class Environment:
    name: str
    kubernetes_version: str
    clusters: tuple[Cluster, ...]
    addon_stacks: tuple[str, ...]
    tenants: tuple[str, ...]  # the tenants it runs: as listed, or every one its selector selects (sorted)
    sync_policy: SyncPolicy
    production: bool
    origin: Location
    promotes_from: str | None = None
    tenant_selector: TenantSelector | None = None  # None: the tenants were listed by name


@dataclass(frozen=True)
class ClusterPlan:
    """Everything one cluster runs, with environment and cluster overrides applied.

    ``env_addons`` / ``env_tenants`` hold the same add-ons and tenants with only the environment's
    overrides (what the environment's Kustomize overlay renders).  ``wave_graph`` is the dependency
    graph of every add-on of the environment's stacks, switched on or off here, so that switching
    one off moves no other add-on to another sync wave."""

    env: Environment
    cluster: Cluster
    addons: tuple[Addon, ...]
    tenants: tuple[Tenant, ...]
    env_addons: Mapping[str, Addon] = field(default_factory=dict)
    env_tenants: Mapping[str, Tenant] = field(default_factory=dict)
    wave_graph: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Repo:
    root: Path
    settings: Settings
    stacks: Mapping[str, AddonStack]
    tenants: Mapping[str, Tenant]
    environments: Mapping[str, Environment]
    plans: tuple[ClusterPlan, ...] = ()
    warnings: tuple[LoadWarning, ...] = ()
    # (API group, kind) -> cluster-scoped, from the CRDs in crdDirs (render also reads the add-ons' own CRDs)
    crd_scopes: Mapping[tuple[str, str], bool] = field(default_factory=dict)
    # Every blueprint as written, each node's position kept: what ``provenance`` reads to say which layer
    # set each value (the typed entities above keep only where the winning value was written).
    sources: Sources | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class LoadWarning:
    """Something worth a look that does not stop the run (a blueprint no environment uses)."""

    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"
