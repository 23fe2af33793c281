"""The bootstrap (pure): what an installation applies once, and what then keeps it current by itself.

``rendered/bootstrap/`` holds the app-of-apps roots (one Application per cluster), their project, the
Application health check in ``argocd-cm``, and ``gitops-gen-bootstrap``: the one Application of this
Argo CD instance over ``rendered/bootstrap`` itself, in its own project.  After ``kubectl apply -k
rendered/bootstrap`` once, Argo CD syncs every change to the bootstrap: a cluster added gets its root,
a changed root or project is updated, hand edits are reverted (selfHeal).  It does not prune on its own
(production prunes only by explicit choice): a removed cluster's root stays until someone prunes it, and
``gitops-gen drift`` reports it with that command.  Objects whose loss would break Argo CD are never
pruned or deleted by it: ``argocd-cm`` (shared with Argo CD's own installation) and the bootstrap
Application itself.
"""

from __future__ import annotations

from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import Repo, Settings
from gitops_gen.render import argocd
from gitops_gen.render.common import ARGOCD_API, RENDERED_DIR, ROLE_LABEL, SYNC_WAVE, file_name, labels
from gitops_gen.render.layers import LayerFile

BOOTSTRAP_DIR = "bootstrap"
BOOTSTRAP_APP = "gitops-gen-bootstrap"
ROOT_PROJECT = "gitops-gen-root"
BOOTSTRAP_PROJECT = "gitops-gen-bootstrap"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
KEEP = "Prune=false,Delete=false"  # Argo CD never removes it, not even when the bootstrap goes away
PROJECT_WAVE = "-10"  # projects before the Applications that name them


def _project(s: Settings, name: str, description: str, kinds: list[tuple[str, str]]) -> dict[str, Any]:
    return {"apiVersion": ARGOCD_API, "kind": "AppProject",
            "metadata": {"name": name, "namespace": s.argocd_namespace,
                         "labels": labels(**{ROLE_LABEL: "project"}), "annotations": {SYNC_WAVE: PROJECT_WAVE}},
            "spec": {"description": description, "sourceRepos": [s.repo_url],
                     "destinations": [{"server": s.argocd_server, "namespace": s.argocd_namespace}],
                     "clusterResourceWhitelist": [],
                     "namespaceResourceWhitelist": [{"group": g, "kind": k} for g, k in kinds]}}


def _bootstrap_app(s: Settings) -> dict[str, Any]:
    return {"apiVersion": ARGOCD_API, "kind": "Application",
            "metadata": {"name": BOOTSTRAP_APP, "namespace": s.argocd_namespace,
                         "labels": labels(**{ROLE_LABEL: "bootstrap"}),
                         # Its own manifest is in the folder it syncs: never let a sync prune it.
                         "annotations": {SYNC_OPTIONS: "Prune=false"}},
            "spec": {"project": BOOTSTRAP_PROJECT,
                     "source": argocd.git_path_source(s, f"{RENDERED_DIR}/{BOOTSTRAP_DIR}"),
                     "destination": {"server": s.argocd_server, "namespace": s.argocd_namespace},
                     # No automated prune: production prunes only by explicit choice (GG109), and a removed
                     # cluster's root left behind is reported by `drift` with the command that prunes it.
                     "syncPolicy": {"automated": {"prune": False, "selfHeal": True}}}}


FLEET_ROOT = "root-fleet"
FLEET_DIR = "fleet"
FLEET_KINDS = [("argoproj.io", "ApplicationSet"), ("", "Secret")]


def _fleet_root(s: Settings) -> dict[str, Any]:
    """applicationsets mode: one root over rendered/fleet instead of one per cluster."""
    source = {**argocd.git_path_source(s, f"{RENDERED_DIR}/{FLEET_DIR}"), "directory": {"recurse": True}}
    return {"apiVersion": ARGOCD_API, "kind": "Application",
            "metadata": {"name": FLEET_ROOT, "namespace": s.argocd_namespace,
                         "labels": labels(**{ROLE_LABEL: "root"}), "annotations": {SYNC_WAVE: "0"}},
            "spec": {"project": ROOT_PROJECT, "source": source,
                     "destination": {"server": s.argocd_server, "namespace": s.argocd_namespace},
                     "syncPolicy": {"automated": {"prune": False, "selfHeal": True}}}}


def bootstrap_files(repo: Repo) -> list[LayerFile]:
    """The bootstrap folder: roots, their project, the health check, and the Application over it all."""
    s = repo.settings
    argo_kinds = [("argoproj.io", "Application"), ("argoproj.io", "AppProject")]
    root_project = _project(s, ROOT_PROJECT, "App-of-apps roots: only Argo CD objects, only from this repository",
                            argo_kinds)
    bootstrap_project = _project(s, BOOTSTRAP_PROJECT, "The bootstrap: the roots, their project and argocd-cm, "
                                 "only from this repository", [*argo_kinds, ("", "ConfigMap")])
    health = argocd.health_config(s)
    health["metadata"]["annotations"] = {SYNC_OPTIONS: KEEP}  # argocd-cm is also Argo CD's own settings
    objects = [Manifest(root_project, s.origin), Manifest(bootstrap_project, s.origin), Manifest(health, s.origin),
               Manifest(_bootstrap_app(s), s.origin)]
    if s.fleet.mode == "applicationsets":
        objects[0] = Manifest(_project(s, ROOT_PROJECT, "The fleet root: ApplicationSets, their projects and cluster "
                                       "Secrets, only from this repository", [*argo_kinds, *FLEET_KINDS]), s.origin)
        objects.append(Manifest(_fleet_root(s), s.origin))
    for plan in repo.plans if s.fleet.mode != "applicationsets" else ():
        app = argocd.application(
            f"root-{plan.cluster.name}", settings=s, env=plan.env, cluster=plan.cluster, role="root", wave=0,
            project=ROOT_PROJECT, source=argocd.git_path_source(s, f"{RENDERED_DIR}/clusters/{plan.cluster.name}"),
            namespace=s.argocd_namespace, server=s.argocd_server)
        objects.append(Manifest(app, plan.cluster.origin))
    files = [LayerFile(f"{BOOTSTRAP_DIR}/{file_name(m.ref, namespaced=False)}", m.body, (m,), m.origin)
             for m in objects]
    kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                     "resources": sorted(f.path.rsplit("/", 1)[1] for f in files)}
    return [LayerFile(f"{BOOTSTRAP_DIR}/kustomization.yaml", kustomization, (), s.origin), *files]
