"""The change report: immutable values, from a changed field up to the whole review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.base.status import ChangeStatus
from gitops_gen.validate.findings import Finding

JSON_VERSION = 1
WORKTREE = "worktree"
BOOTSTRAP = "bootstrap"  # objects no Application owns: applied once by hand (rendered/bootstrap)






@dataclass(frozen=True)
class FieldChange:
    """One field: its dotted path, its value at base and head (None: not set), and the blueprint line
    behind it (the layer that won at head, or at base for a field the change removes; "": none)."""

    path: str
    base: Any
    head: Any
    source: str = ""


@dataclass(frozen=True)
class ObjectChange:
    status: ChangeStatus
    ref: ObjectRef
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class AppChange:
    """An Argo CD Application (or the bootstrap objects) that changed, itself or in what it deploys."""

    name: str
    status: ChangeStatus
    changes: tuple[FieldChange, ...] = ()
    objects: tuple[ObjectChange, ...] = ()


@dataclass(frozen=True)
class ClusterChange:
    name: str
    environment: str
    production: bool
    applications: tuple[AppChange, ...]


@dataclass(frozen=True)
class Risk:
    rule: str
    severity: Severity
    cluster: str
    application: str
    ref: ObjectRef | None
    message: str


@dataclass(frozen=True)
class ChangeReport:
    base: str  # a commit sha
    head: str  # a commit sha or "worktree"
    clusters: tuple[ClusterChange, ...]
    risks: tuple[Risk, ...] = ()
    introduced: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.clusters)

    def count(self, what: str) -> dict[str, int]:
        """Added / removed / modified "applications" or "objects" over every cluster."""
        out = {s.value: 0 for s in ChangeStatus}
        for cluster in self.clusters:
            for app in cluster.applications:
                if what == "applications":
                    if app.name != BOOTSTRAP:
                        out[app.status.value] += 1
                else:
                    for obj in app.objects:
                        out[obj.status.value] += 1
        return out
