"""Render: the typed model -> every file under rendered/ and every object each cluster should run (pure).

The pipeline is: per cluster plan, compute objects (tenant bundles, plain-manifest
add-ons, Argo CD Applications and AppProjects); lay bundles out as Kustomize
base + overlays; serialise each file deterministically with a header naming its
blueprint.  Nothing here touches the file system.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.blueprint.model import ClusterPlan, Repo
from gitops_gen.render import appsets, argocd, bundles, fleetprojects
from gitops_gen.render.bootstrap import bootstrap_files
from gitops_gen.render.common import ADDON_LABEL, CLUSTER_LABEL, RENDERED_DIR, TENANT_LABEL, file_name, header
from gitops_gen.render.hydrate import hydrated_files
from gitops_gen.render.layers import LayerFile
from gitops_gen.render.waves import Waves
from gitops_gen.yamlio.emit import dump_document

FLEET_MODE = "applicationsets"


@dataclass(frozen=True)
class RenderedFile:
    path: str  # relative to rendered/, posix
    content: bytes
    manifests: tuple[Manifest, ...]
    origin: Location | None
    env: str | None = None  # None: shared by every environment (bases, bootstrap)


@dataclass(frozen=True)
class ClusterTarget:
    env: str
    cluster: str
    server: str
    context: str
    kubernetes_version: str
    production: bool


@dataclass(frozen=True)
class Rendering:
    files: tuple[RenderedFile, ...]
    targets: tuple[ClusterTarget, ...]
    desired: Mapping[str, tuple[Manifest, ...]]
    envs: tuple[str, ...] = ()  # the environments asked for; empty means all
    charts: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # how charts were expanded (engine...)
    fleet: tuple[Manifest, ...] = ()  # applicationsets mode: the ApplicationSets and cluster Secrets written
    hand_registered: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)  # cluster -> Secret

    def owns(self, path: str) -> bool:
        """Whether a file at ``path`` (relative to rendered/) is this render's to replace or remove."""
        if not self.envs:
            return True
        parts = path.split("/")
        clusters = {t.cluster for t in self.targets}
        return any((a == "clusters" and b in clusters) or (a == "overlays" and b in self.envs)
                   for a, b in itertools.pairwise(parts))


def _serialise(layer: LayerFile, env: str | None) -> RenderedFile:
    source = layer.origin.file if layer.origin else "gitops.yaml"
    text = header(source) + dump_document(layer.data)
    return RenderedFile(layer.path, text.encode("utf-8"), layer.manifests, layer.origin, env)


def _env_of(path: str, env_of_cluster: Mapping[str, str]) -> str | None:
    parts = path.split("/")
    for a, b in itertools.pairwise(parts):
        if a == "overlays":
            return b
        if a == "clusters":
            return env_of_cluster.get(b)
    return None


def render(repo: Repo, envs: Sequence[str] = (),
           charts: Mapping[tuple[str, str], Sequence[Manifest]] | None = None) -> Rendering:
    """Render ``repo``; with ``envs`` only those environments' clusters and overlays (bases are shared).

    ``charts``: the expanded objects of each (cluster, chart add-on), added to that cluster's desired objects
    under the add-on's Application (``gitops_gen.charts`` expands them; render stays pure)."""
    unknown = [e for e in envs if e not in repo.environments]
    if unknown:
        raise InputError(f"unknown environment {unknown[0]!r} (known: {', '.join(sorted(repo.environments))})")
    plans = [p for p in repo.plans if not envs or p.env.name in envs]
    fleet_mode = repo.settings.fleet.mode == FLEET_MODE
    layers = bundles.bundle_layers(repo, repo.plans if fleet_mode else plans)  # fleet files span every env
    env_of_cluster = {p.cluster.name: p.env.name for p in repo.plans}
    layer_files: list[tuple[LayerFile, str | None]] = [(f, _env_of(f.path, env_of_cluster)) for f in layers.files]
    desired: dict[str, list[Manifest]] = {p.cluster.name: list(layers.objects.get(p.cluster.name, ()))
                                          for p in plans}
    hydrated = {plan.cluster.name: hydrated_files(plan, charts or {}) for plan in plans}
    folders = {**layers.folder, **{("addon", a, cluster): f for cluster, h in hydrated.items()
                                   for a, f in h.folders.items()}}
    for plan in plans:
        for layer in hydrated[plan.cluster.name].files:
            layer_files.append((layer, plan.env.name))
            desired[plan.cluster.name].extend(dataclasses.replace(m, path=layer.path) for m in layer.manifests)
    fleet: tuple[Manifest, ...] = ()
    hand: dict[str, Mapping[str, Any]] = {}
    generated: Callable[[str], list[Manifest]] | None = None
    if fleet_mode:
        fleet, hand, generated = _fleet(repo, folders, layer_files, desired)
    else:
        for plan in plans:
            for layer in cluster_files(repo, plan, folders):
                layer_files.append((layer, plan.env.name))
                desired[plan.cluster.name].extend(dataclasses.replace(m, path=layer.path) for m in layer.manifests)
    for plan in plans if charts else ():
        for addon in plan.addons:
            if addon.name in hydrated[plan.cluster.name].folders:
                continue
            owner = f"{plan.cluster.name}-{addon.name}"
            desired[plan.cluster.name].extend(dataclasses.replace(m, owner=owner)
                                              for m in (charts or {}).get((plan.cluster.name, addon.name), ()))
    for layer in bootstrap_files(repo):
        layer_files.append((layer, None))
        for m in layer.manifests:
            cluster = m.body["metadata"].get("labels", {}).get(CLUSTER_LABEL)
            for name in [cluster] if cluster else list(desired):  # the root project serves every cluster
                if name in desired:
                    desired[name].append(dataclasses.replace(m, path=layer.path))
    _check_unique(layer_files)
    files = tuple(sorted((_serialise(f, env) for f, env in layer_files), key=lambda f: f.path))
    targets = tuple(ClusterTarget(p.env.name, p.cluster.name, p.cluster.server, p.cluster.context,
                                  p.env.kubernetes_version, p.env.production) for p in plans)
    wanted: Mapping[str, tuple[Manifest, ...]] = (Desired(desired, generated) if generated is not None
                                                   else {c: tuple(ms) for c, ms in desired.items()})
    return Rendering(files, targets, wanted, tuple(envs), fleet=fleet,
                     hand_registered={c: m for c, m in hand.items() if c in desired})


def _fleet(repo: Repo, folders: Mapping[tuple[str, str, str], str], layer_files: list[tuple[LayerFile, str | None]],
           desired: dict[str, list[Manifest]]) -> tuple[tuple[Manifest, ...], dict[str, Mapping[str, Any]],
                                                        Callable[[str], list[Manifest]]]:
    """applicationsets mode: the fleet files; each cluster's projects (in ``desired``) and, as a function,
    the Applications Argo CD generates for it (expanded when asked: a fleet holds hundreds of thousands)."""

    def symbolic_of(plan: ClusterPlan) -> list[Manifest]:
        sym, sym_folders = appsets.symbolic(plan, folders)
        return argocd_objects(repo, sym, sym_folders, fleetprojects.PROJECTS, check=False)

    def concrete_of(plan: ClusterPlan) -> list[Manifest]:
        return argocd_objects(repo, plan, folders, fleetprojects.PROJECTS)

    def path_of(m: Manifest) -> str:
        return f"{appsets.APPSETS_DIR}/{file_name(m.ref, namespaced=False)}"

    fl = appsets.layout(repo, repo.plans, folders, symbolic_of, concrete_of, path_of)
    env_of = {p.cluster.name: p.env.name for p in repo.plans}
    written: list[Manifest] = []
    for m in fl.appsets:
        layer_files.append((LayerFile(m.path, m.body, (m,), m.origin), None))
        written.append(m)
    project_paths = {m.ref: f"{appsets.PROJECTS_DIR}/{file_name(m.ref, namespaced=False)}" for m in fl.projects}
    for m in fl.projects:
        layer_files.append((LayerFile(project_paths[m.ref], m.body, (m,), m.origin), None))
    for m in fl.secrets:
        cluster = m.body["stringData"]["name"]
        path = f"{appsets.SECRETS_DIR}/{cluster}/{file_name(m.ref, namespaced=False)}"
        layer_files.append((LayerFile(path, m.body, (m,), m.origin), env_of[cluster]))
        written.append(dataclasses.replace(m, path=path))
    placed = {id(m): dataclasses.replace(m, path=project_paths[m.ref]) for m in fl.projects}  # shared by clusters
    for cluster in desired:
        desired[cluster].extend(placed[id(m)] for m in fl.cluster_projects.get(cluster, ()))
    declared = {p.cluster.name for p in repo.plans if p.cluster.auth is not None}
    hand: dict[str, Mapping[str, Any]] = {c: s for c, s in fl.expected_secrets.items() if c not in declared}
    return tuple(written), hand, fl.applications


class Desired(Mapping[str, tuple[Manifest, ...]]):
    """Each cluster's objects; in applicationsets mode its generated Applications are expanded on first
    use (``render`` writes files and never asks; ``validate``, ``diff`` and ``drift`` do, cluster by cluster)."""

    def __init__(self, base: Mapping[str, list[Manifest]], generated: Callable[[str], list[Manifest]] | None) -> None:
        self._base = base
        self._generated = generated
        self._done: dict[str, tuple[Manifest, ...]] = {}

    def __getitem__(self, cluster: str) -> tuple[Manifest, ...]:
        if cluster not in self._done:
            extra = self._generated(cluster) if self._generated is not None else []
            self._done[cluster] = (*self._base[cluster], *extra)
        return self._done[cluster]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


def _check_unique(layer_files: list[tuple[LayerFile, str | None]]) -> None:
    """Two blueprints must never render the same file or the same Argo CD object name."""
    errors: list[InputError] = []
    seen: dict[str, LayerFile] = {}
    for layer, _ in layer_files:
        if layer.path in seen and seen[layer.path].data != layer.data:
            first = seen[layer.path].origin
            errors.append(InputError(f"renders {RENDERED_DIR}/{layer.path}, which {first} renders too", layer.origin))
        seen.setdefault(layer.path, layer)
    if errors:
        raise InputErrors(errors)


def cluster_files(repo: Repo, plan: ClusterPlan, folders: Mapping[tuple[str, str, str], str]) -> list[LayerFile]:
    """The app-of-apps folder of one cluster: its AppProjects and Applications, one file each."""
    objects = argocd_objects(repo, plan, folders)
    folder = f"clusters/{plan.cluster.name}"
    return [LayerFile(f"{folder}/{file_name(m.ref, namespaced=False)}", m.body, (m,), m.origin) for m in objects]


def argocd_objects(repo: Repo, plan: ClusterPlan, folders: Mapping[tuple[str, str, str], str],
                   projects: argocd.ProjectNames | None = None, check: bool = True) -> list[Manifest]:
    """A cluster's Applications, and its AppProjects unless ``projects`` names fleet-wide ones instead."""
    s, env, cluster = repo.settings, plan.env, plan.cluster
    waves = Waves.of(plan)
    common: dict[str, Any] = {"settings": s, "env": env, "cluster": cluster}
    names = projects or argocd.ProjectNames(f"{cluster.name}-platform", f"{cluster.name}-{{tenant}}")
    platform = names.platform
    out: list[Manifest] = []
    if projects is None:
        out.append(Manifest(argocd.project(
            platform, **common, description=f"Platform add-ons and tenant namespaces on {cluster.name}",
            source_repos=sorted(argocd.platform_repos(repo, plan)),
            destinations=[{"server": cluster.server, "namespace": "*"}],
            cluster_resources=[{"group": "*", "kind": "*"}]), env.origin))
    for addon in plan.addons:
        folder = folders.get(("addon", addon.name, cluster.name))
        out.append(Manifest(argocd.application(
            f"{cluster.name}-{addon.name}", **common, role="addon", wave=waves.addon(addon.name), project=platform,
            source=argocd.addon_source(addon, s, env.name, cluster.name, folder), namespace=addon.namespace,
            options=["CreateNamespace=true", *(["ServerSideApply=true"] if addon.server_side_apply else [])],
            ignore_differences=addon.ignore_differences,
            depends_on=[f"{cluster.name}-{d}" for d in addon.depends_on],
            extra_labels={ADDON_LABEL: addon.name}), addon.origin))
    for tenant in plan.tenants:
        project_name = names.tenant(tenant.name)
        if projects is None:
            out.append(Manifest(argocd.tenant_project(project_name, tenant, s, env, cluster), tenant.origin))
        out.append(Manifest(argocd.application(
            f"{cluster.name}-{tenant.name}-namespaces", **common, role="tenant-namespaces",
            wave=waves.tenant_bundle, project=platform, namespace=tenant.namespaces[0],
            source=argocd.git_path_source(s, f"{RENDERED_DIR}/{folders['tenant', tenant.name, cluster.name]}"),
            ignore_differences=tenant.ignore_differences,
            extra_labels={TENANT_LABEL: tenant.name}), tenant.origin))
        for app in tenant.apps:
            deps = [f"{cluster.name}-{tenant.name}-namespaces", *(f"{cluster.name}-{d}" for d in app.depends_on)]
            out.append(Manifest(argocd.application(
                f"{cluster.name}-{app.name}", **common, role="tenant-app", wave=waves.app(tenant.name, app.name),
                project=project_name, source=argocd.app_source(app, env.name, cluster.name),
                namespace=app.namespace, ignore_differences=app.ignore_differences, depends_on=deps,
                finalizer=True, extra_labels={TENANT_LABEL: tenant.name}), app.origin))
    reader = folders.get(("platform", "drift-reader", cluster.name))
    if reader:
        out.append(Manifest(argocd.application(
            f"{cluster.name}-gitops-gen-reader", **common, role="addon", wave=0, project=platform,
            source=argocd.git_path_source(s, f"{RENDERED_DIR}/{reader}"), namespace=bundles.READER_NAMESPACE,
            options=["CreateNamespace=true"]), s.origin))
    if check:
        _check_names(out)
    return out


def _check_names(objects: list[Manifest]) -> None:
    seen: dict[ObjectRef, Manifest] = {}
    errors = []
    for m in objects:
        if m.ref in seen:
            errors.append(InputError(f"{m.ref.kind} name {m.ref.name!r} is also rendered from {seen[m.ref].origin};"
                                     " rename one of them", m.origin))
        seen.setdefault(m.ref, m)
    if errors:
        raise InputErrors(errors)
