"""Which Argo CD Application owns an object, and how that Application syncs (pure).

A desired object belongs to the Application whose source folder under ``rendered/`` holds the file it
was rendered to (a tenant's bundle, an add-on's manifests, a cluster's app-of-apps folder, the
bootstrap).  A live-only object (an extra) is attributed by what Argo CD wrote on it (the
``argocd.argoproj.io/tracking-id`` annotation, else the ``app.kubernetes.io/instance`` label), else by
gitops-gen's own labels (the tenant or add-on it was rendered for, the cluster of an Argo CD object).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.render.owners import deployed_by, is_application, rendered_paths, unit_of

TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id"
INSTANCE_LABEL = "app.kubernetes.io/instance"
_ROLE, _CLUSTER = "gitops-gen.io/role", "gitops-gen.io/cluster"
_UNIT_LABELS = {"tenant-namespaces": "gitops-gen.io/tenant", "addon": "gitops-gen.io/addon"}


@dataclass(frozen=True)
class Owner:
    """An Application as Git renders it: name, sync policy, and the blueprint it came from."""

    name: str
    automated: bool = False
    prune: bool = False
    self_heal: bool = False
    rendered: bool = True  # False: named by the live object only, Git no longer renders it
    source: str = ""  # blueprint file:line of the Application


def owner_from(app: Manifest) -> Owner:
    policy = (app.body.get("spec") or {}).get("syncPolicy") or {}
    automated = policy.get("automated")
    if not isinstance(automated, Mapping) or automated.get("enabled", True) is False:
        return Owner(app.ref.name, source=str(app.origin or ""))
    return Owner(app.ref.name, True, bool(automated.get("prune")), bool(automated.get("selfHeal")),
                 source=str(app.origin or ""))


class Owners:
    """Owner lookups for one cluster's desired objects."""

    def __init__(self, desired: Iterable[Manifest]) -> None:
        self.apps: dict[str, Owner] = {}
        self.by_unit: dict[str, Owner] = {}
        self.by_label: dict[tuple[str, str], Owner] = {}
        self.roots: dict[str, Owner] = {}  # cluster -> its root Application
        self.bootstrap: Owner | None = None
        for app in (m for m in desired if is_application(m.ref)):
            owner = self.apps[app.ref.name] = owner_from(app)
            for path in rendered_paths(app.body, None):
                self.by_unit[unit_of(path)] = owner
            labels = (app.body.get("metadata") or {}).get("labels") or {}
            role = labels.get(_ROLE)
            if role in _UNIT_LABELS and labels.get(_UNIT_LABELS[role]):
                self.by_label[(_UNIT_LABELS[role], str(labels[_UNIT_LABELS[role]]))] = owner
            elif role == "root" and labels.get(_CLUSTER):
                self.roots[str(labels[_CLUSTER])] = owner
            elif role == "bootstrap":
                self.bootstrap = owner

    def of_desired(self, manifest: Manifest, live: Mapping[str, Any] | None = None) -> Owner | None:
        """The Application that renders ``manifest`` (by its file under rendered/, or the chart add-on's
        Application for a chart's object), else what ``live`` says."""
        found = deployed_by(manifest, self.by_unit, self.apps)
        if found is not None:
            return found
        return self.of_live(live) if live is not None else self._by_labels(manifest.body)

    def of_live(self, body: Mapping[str, Any]) -> Owner | None:
        """The Application a live object belongs to: Argo CD's tracking first, then our labels."""
        meta = body.get("metadata") or {}
        tracking = str((meta.get("annotations") or {}).get(TRACKING_ANNOTATION) or "")
        if ":" in tracking:
            name = tracking.split(":", 1)[0].rpartition("_")[2]  # "<namespace>_<app>" in apps-in-any-namespace
            return self.apps.get(name) or Owner(name, rendered=False)
        instance = str((meta.get("labels") or {}).get(INSTANCE_LABEL) or "")
        if instance in self.apps:  # Helm charts set this label to their release name: only trust ours
            return self.apps[instance]
        return self._by_labels(body)

    def _by_labels(self, body: Mapping[str, Any]) -> Owner | None:
        labels = (body.get("metadata") or {}).get("labels") or {}
        for key in _UNIT_LABELS.values():
            if labels.get(key) and (owner := self.by_label.get((key, str(labels[key])))) is not None:
                return owner
        role, cluster = labels.get(_ROLE), labels.get(_CLUSTER)
        if role == "root":
            return self.bootstrap
        if cluster and role:  # an Argo CD object of one cluster's app-of-apps
            return self.roots.get(str(cluster))
        return None
