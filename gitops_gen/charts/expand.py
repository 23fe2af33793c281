"""Expansion: every chart add-on of every cluster rendered as Argo CD renders it, identical renders once.

Per cluster: the Application's release name (the add-on's name) and destination namespace, the values
the resolved plan holds for that cluster (stack -> environment -> cluster, merged once by ``resolve``),
``crds/`` included, ``--kube-version`` from the environment and ``--api-versions`` = the built-in APIs of
that version plus every CRD the cluster gets (``crdDirs``, plain-manifest add-ons, and the CRDs the
cluster's charts deploy: a first pass finds those, a second renders with them).  A render is keyed by
(chart digest, values, namespace, release, capabilities): the same chart on fifty clusters of one
version renders once; ``renders`` and ``hits`` count it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.kinds import is_cluster_scoped
from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import Addon, ClusterPlan
from gitops_gen.charts import cache, capabilities, hooks, semver
from gitops_gen.charts.archive import ChartInfo, read_info
from gitops_gen.charts.engine import Engine, RenderError, Request
from gitops_gen.charts.lock import ChartKey, Lock
from gitops_gen.yamlio import reader

PULL_HINT = "run `gitops-gen charts pull` (and commit charts.lock)"


@dataclass(frozen=True)
class Missing:
    key: ChartKey
    where: Location
    clusters: tuple[str, ...]

    def message(self) -> str:
        return f"chart {self.key} is not in the chart cache: {PULL_HINT}; not expanded on {', '.join(self.clusters)}"


@dataclass(frozen=True)
class Expansion:
    objects: Mapping[tuple[str, str], tuple[Manifest, ...]] = field(default_factory=dict)  # (cluster, add-on)
    missing: tuple[Missing, ...] = ()
    engine: str = ""
    renders: int = 0
    hits: int = 0

    def as_json(self) -> dict[str, object]:
        return {"engine": self.engine, "expanded": len(self.objects), "renders": self.renders,
                "cache_hits": self.hits, "missing": [str(m.key) for m in self.missing]}

    def summary(self) -> str:
        charts = len(self.objects)
        return (f"charts: {charts} chart add-on expansion(s) with {self.engine}: {self.renders} render(s), "
                f"{self.hits} cache hit(s)")


@dataclass
class _Run:
    engine: Engine
    memo: dict[str, tuple[Mapping[str, str], InputError | None]] = field(default_factory=dict)
    renders: int = 0
    hits: int = 0

    def render(self, request: Request, digest: str) -> Mapping[str, str]:
        key = hashlib.sha256(json.dumps([digest, request.values, request.namespace, request.release,
                                         request.kube_version, sorted(request.api_versions)],
                                        sort_keys=True, default=str).encode()).hexdigest()
        if key in self.memo:
            self.hits += 1
            out, err = self.memo[key]
        else:
            self.renders += 1
            try:
                out, err = self.engine.render(request).templates, None
            except RenderError as error:
                out, err = {}, InputError(error.message)
            self.memo[key] = (out, err)
        if err is not None:
            raise err
        return out


def _crd_bodies(paths: Iterable[Path], root: Path | None) -> list[Mapping[str, Any]]:
    """The CRDs of gitops.yaml's ``crdDirs``, read as ``validate`` reads them (guarded, inside the repository)."""
    from gitops_gen.base.inputs import read_text

    out: list[Mapping[str, Any]] = []
    for folder in paths:
        files = sorted(folder.rglob("*")) if folder.is_dir() else []
        for path in (p for p in files if p.suffix in {".yaml", ".yml", ".json"} and p.is_file()):
            name = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
            for doc in reader.load_plain(read_text(path, name, root=root), name):
                if isinstance(doc, dict) and capabilities.is_crd(doc):
                    out.append(doc)
    return out


def _objects(templates: Mapping[str, str], info: ChartInfo, addon: Addon, cluster_scoped: frozenset[str],
             where: Location) -> list[Manifest]:
    out: list[Manifest] = []
    archive_name = f"{info.name}-{info.version}.tgz"
    for path in sorted(templates):
        if not path.endswith((".yaml", ".yml", ".json")):
            continue  # NOTES.txt and friends
        try:
            docs = reader.load_plain(templates[path], f"{archive_name}/{path}")
        except InputError as err:
            raise InputError(f"chart {info.name} {info.version} renders invalid YAML in {path}: {err.message}",
                             where) from None
        for body in docs:
            if body is None:
                continue
            if not isinstance(body, dict) or not body.get("kind") or not body.get("apiVersion"):
                raise InputError(f"chart {info.name} {info.version}: {path} renders a document without kind and "
                                 "apiVersion", where)
            if hooks.phase(body) == hooks.NEVER:
                continue  # a Helm test or rollback hook: Argo CD never applies it
            kind = str(body["kind"])
            meta = dict(body.get("metadata") or {})
            if not meta.get("namespace") and not is_cluster_scoped(kind) and kind not in cluster_scoped:
                meta["namespace"] = addon.namespace  # Argo CD applies it in the destination namespace
                body = {**body, "metadata": meta}
            out.append(Manifest(body, addon.origin, template=f"{archive_name}/{path}"))
    return out


def expand(plans: Sequence[ClusterPlan], lock: Lock, engine: Engine | None, crd_dirs: Sequence[Path] = (),
           require: bool = False, root: Path | None = None) -> Expansion:
    """Every chart add-on of ``plans`` expanded; InputErrors for charts that fail (and missing ones if
    ``require``)."""
    static_crds = _crd_bodies(crd_dirs, root)
    missing: dict[ChartKey, Missing] = {}
    archives: dict[ChartKey, tuple[Path, str, ChartInfo]] = {}
    errors: list[InputError] = []
    for plan in plans:
        for addon in plan.addons:
            if addon.chart is None:
                continue
            key = ChartKey(addon.chart.repo_url, addon.chart.name, addon.chart.version)
            if key in archives or key in missing:
                if key in missing:
                    m = missing[key]
                    missing[key] = Missing(m.key, m.where, (*m.clusters, plan.cluster.name))
                continue
            path = cache.archive(key, lock)
            if path is None:
                missing[key] = Missing(key, addon.loc("chart"), (plan.cluster.name,))
                continue
            archives[key] = (path, lock.digests[key], read_info(path.read_bytes(), addon.loc("chart")))
    if require and missing:
        raise InputErrors([InputError(m.message().replace("not expanded", "required (--require-charts) "
                                                                          "and missing"), m.where)
                           for m in missing.values()])
    if not archives or engine is None:
        return Expansion({}, tuple(missing.values()), "none")
    run = _Run(engine)
    objects: dict[tuple[str, str], tuple[Manifest, ...]] = {}
    for plan in plans:
        own_crds = [*static_crds, *(m for a in plan.addons for m in a.manifests if capabilities.is_crd(m))]
        base = capabilities.builtin(plan.env.kubernetes_version) | capabilities.of_crds(own_crds)
        first = _cluster(plan, archives, base, frozenset(), run, errors)
        crds = [m.body for ms in first.values() for m in ms if capabilities.is_crd(m.body)]
        full = base | capabilities.of_crds(crds)
        scoped = frozenset(str((c.get("spec") or {}).get("names", {}).get("kind")) for c in [*own_crds, *crds]
                           if (c.get("spec") or {}).get("scope") == "Cluster")
        final = first if full == base and not scoped else _cluster(plan, archives, full, scoped, run, [])
        objects.update({(plan.cluster.name, name): tuple(ms) for name, ms in final.items()})
    if errors:
        raise InputErrors(_unique(errors))
    return Expansion(objects, tuple(missing.values()), _describe(engine), run.renders, run.hits)


def _describe(engine: Engine) -> str:
    return f"{engine.name} (Helm {engine.version})"


def _unique(errors: list[InputError]) -> list[InputError]:
    seen: dict[tuple[str, Location | None], InputError] = {}
    for e in errors:
        seen.setdefault((e.message, e.location), e)
    return list(seen.values())


def _cluster(plan: ClusterPlan, archives: Mapping[ChartKey, tuple[Path, str, ChartInfo]], api: frozenset[str],
             scoped: frozenset[str], run: _Run, errors: list[InputError]) -> dict[str, list[Manifest]]:
    out: dict[str, list[Manifest]] = {}
    version = capabilities.kube_version(plan.env.kubernetes_version)
    for addon in plan.addons:
        if addon.chart is None:
            continue
        key = ChartKey(addon.chart.repo_url, addon.chart.name, addon.chart.version)
        if key not in archives:
            continue
        path, digest, info = archives[key]
        where = addon.loc("chart")
        try:
            if info.kube_version and not semver.satisfies(version, info.kube_version):
                raise InputError(f"chart {info.name} {info.version} requires kubeVersion: {info.kube_version}, "
                                 f"which is incompatible with Kubernetes {version} (environment {plan.env.name}'s "
                                 "kubernetesVersion)", where)
            templates = run.render(Request(path, addon.name, addon.namespace, addon.values, version,
                                           tuple(sorted(api))), digest)
            out[addon.name] = _objects(templates, info, addon, scoped, where)
        except semver.ConstraintError as err:
            errors.append(InputError(f"chart {info.name} {info.version}: kubeVersion: {err}", where))
        except InputError as err:
            if err.location is None:
                at = addon.loc("values") if "values" in err.message else where
                err = InputError(f"chart {info.name} {info.version} on {plan.cluster.name}: Helm says: "
                                 f"{_one_line(err.message)}", at)
            errors.append(err)
    return out


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())
