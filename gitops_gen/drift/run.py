"""Where desired and live state come from, per cluster: the render or files; the API or a dump.

The only part of drift that touches the outside world.  The cluster is reached
through ``gitops_gen.kube`` (the one module importing the kubernetes client);
an unreadable cluster becomes a ``ClusterReport`` with ``error`` (exit 3)
while the other clusters of the environment are still reported.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_gen.base import clock
from gitops_gen.base.errors import ExternalError, InputError
from gitops_gen.base.manifest import Manifest
from gitops_gen.base.ownership import CLUSTER_LABEL, OWNER_SELECTOR
from gitops_gen.drift import sources
from gitops_gen.drift.baseline import apply as apply_baseline
from gitops_gen.drift.baseline import load as load_baseline
from gitops_gen.drift.cluster import LiveSnapshot, diff_cluster
from gitops_gen.drift.config import DriftConfig, compile_drift
from gitops_gen.drift.live_dump import kind_of, load_objects
from gitops_gen.drift.model import ClusterReport, DriftReport

WORKERS = 8
RETRIES = 3


@dataclass(frozen=True)
class Target:
    cluster: str
    context: str | None  # None: the kubeconfig's current context
    desired: tuple[Manifest, ...]
    argocd_context: str | None = None  # where the Argo CD objects live; None: ``context``
    argocd_selector: str = OWNER_SELECTOR  # narrows Argo CD leftovers to this cluster's own
    production: bool = False  # shapes the hints: production syncs by hand and prunes only by choice


def is_control_plane(m: Manifest) -> bool:
    """Argo CD's own objects (Applications, AppProjects, argocd-cm) live where Argo CD runs."""
    labels = (m.body.get("metadata") or {}).get("labels") or {}
    return m.ref.group == "argoproj.io" or labels.get("app.kubernetes.io/part-of") == "argocd"


def from_repo(repo_dir: Path | None, env: str, cluster: str | None,
              require_charts: bool = False) -> tuple[list[Target], DriftConfig]:
    """The environment's clusters (or the one named) with what the render produces for each (charts expanded;
    their hooks are not part of the synced state)."""
    from gitops_gen.blueprint.load import find_repo_root, load_repo
    from gitops_gen.charts.build import render_repo
    from gitops_gen.charts.hooks import phase

    repo = load_repo(repo_dir if repo_dir is not None else find_repo_root(Path.cwd()))
    config = compile_drift(repo.settings.drift)
    rendering = render_repo(repo, [env], require_charts)
    clusters = [t for t in rendering.targets if t.env == env]
    if not clusters:
        known = sorted({t.env for t in rendering.targets})
        raise InputError(f"unknown environment {env!r} (known: {', '.join(known) or 'none'})")
    if cluster is not None:
        chosen = [t for t in clusters if t.cluster == cluster]
        if not chosen:
            names = ", ".join(t.cluster for t in clusters)
            raise InputError(f"environment {env!r} has no cluster {cluster!r} (clusters: {names})")
        clusters = chosen
    targets = [
        Target(t.cluster, t.context or t.cluster,
               tuple(m for m in rendering.desired.get(t.cluster, ()) if not (m.template and phase(m.body))),
               repo.settings.argocd_context, f"{OWNER_SELECTOR},{CLUSTER_LABEL}={t.cluster}", t.production)
        for t in clusters
    ]
    return targets, config


def from_path(path: Path, context: str | None, repo_dir: Path | None) -> tuple[list[Target], DriftConfig]:
    """Arbitrary manifests as the desired state of one cluster (``--desired``)."""
    config = DriftConfig()
    if repo_dir is not None:
        from gitops_gen.blueprint.load import load_repo

        config = compile_drift(load_repo(repo_dir).settings.drift)
    desired = load_objects(path)
    return [Target(context or "live", context, desired)], config


def check_in_cluster(targets: Sequence[Target], offline: bool) -> None:
    """In a pod without kubeconfig every target would read the same (this) cluster: allow only one."""
    from gitops_gen import kube

    if not offline and len(targets) > 1 and kube.in_cluster_only():
        names = ", ".join(t.cluster for t in targets)
        raise InputError(f"running in a pod without a kubeconfig, only this cluster can be read: "
                         f"choose one of {names} with --cluster")


def offline(source: sources.Source, parsed: sources.Parsed, target: Target | None = None) -> LiveSnapshot:
    """A cluster's dump.  A desired object of a kind the dump holds no list of is unknown, not missing:
    `kubectl get ns,resourcequota -o yaml` says nothing about the Applications it did not ask for."""
    objects, listed = sources.load(source, parsed)
    unknown: dict[Any, str] = {}
    # A dump of nothing but empty `List`s names no kind at all: that is how an empty cluster is written.
    for m in target.desired if target is not None and listed else ():
        if kind_of(m.body) not in listed:
            unknown[m.ref] = _unlisted(m, target)
    return LiveSnapshot(tuple(m.body for m in objects), unknown)


def _unlisted(m: Manifest, target: Target | None) -> str:
    group, kind = kind_of(m.body)
    resource = f"{kind.lower()}.{group}" if group else kind.lower()
    where = ""
    if target is not None and is_control_plane(m) and target.argocd_context not in (None, target.context):
        where = f" (from context {target.argocd_context}, where Argo CD runs)"
    return f"the dump holds no list of {kind}: add `kubectl get {resource} -A -o yaml`{where} to it (docs/drift.md)"


def online(target: Target, timeout: float) -> LiveSnapshot:
    from gitops_gen import kube  # the one module importing the kubernetes client

    # The rendered Applications are among the wanted objects, so their live status comes with them:
    # no second round of requests, and a kind we may not list shows as unknown rather than missing.
    # They are read where Argo CD runs, and only this cluster's count as leftovers there: a central
    # Argo CD holds every cluster's Applications.
    narrow = {"argoproj.io": target.argocd_selector}
    if target.argocd_context in (None, target.context):
        reads = [(target.context, [m.ref for m in target.desired])]
    else:
        reads = [(target.context, [m.ref for m in target.desired if not is_control_plane(m)]),
                 (target.argocd_context, [m.ref for m in target.desired if is_control_plane(m)])]
    end = time.monotonic() + timeout  # one deadline for the cluster, however many API servers it takes
    states = []
    for context, wanted in reads:
        if wanted:
            left = end - time.monotonic()
            if left <= 0:
                raise ExternalError(f"no time left within the {timeout:g}s deadline to read context {context}")
            states.append(kube.read_live(context, wanted, OWNER_SELECTOR, timeout=left, workers=WORKERS,
                                         retries=RETRIES, group_selectors=narrow))
    return LiveSnapshot(tuple(o for s in states for o in s.objects.values()),
                        {ref: why for s in states for ref, why in s.unknown.items()},
                        warnings=tuple(w for s in states for w in s.warnings))


def run(
    targets: Sequence[Target],
    config: DriftConfig,
    live_from: Path | Sequence[str] | None,
    options: dict[str, Any] | None = None,
    *,
    baseline: Path | None = None,
    only_drifted: bool = False,
    timeout: float | None = None,
    now: Callable[[], datetime.datetime] = clock.now,
) -> DriftReport:
    previous = load_baseline(baseline) if baseline is not None else None  # a bad one fails before slow reads
    values = [str(live_from)] if isinstance(live_from, Path) else list(live_from or ())
    dumps = sources.plan(values, [t.cluster for t in targets]) if values else {}
    check_in_cluster(targets, bool(values))
    parsed: sources.Parsed = {}  # a file holding several clusters is parsed once for all of them
    reports = []
    for target in targets:
        shown = target.context or "current-context"
        dump = dumps.get(target.cluster)
        try:
            live = offline(dump, parsed, target) if dump is not None else online(
                target, timeout or config.timeout_seconds)
        except ExternalError as err:
            reports.append(ClusterReport(target.cluster, shown, error=err.message.splitlines()[0]))
            continue
        reports.append(diff_cluster(target.cluster, shown, target.desired, live, config, str(dump or ""),
                                    production=target.production, kube_context=target.context))
    stamp = now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = DriftReport(tuple(reports), options or {}, generated_at=stamp, only_drifted=only_drifted)
    return apply_baseline(report, previous)
