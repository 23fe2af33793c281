"""What Argo CD would apply, per cluster, at two revisions: the Applications and the objects they own (pure).

Each side is the render of one revision (effective objects: Kustomize overlays
and patches already resolved).  An object belongs to the Application whose
path into ``rendered/`` holds it (``validate.repo.ownership``); Applications are
reported as applications, the AppProjects their root deploys as its objects,
and objects no Application deploys (the bootstrap) under ``bootstrap``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.diff.fields import field_changes, leaves
from gitops_gen.diff.model import BOOTSTRAP, AppChange, ClusterChange, FieldChange, ObjectChange, Status
from gitops_gen.manifest import Manifest, ObjectRef
from gitops_gen.render import ClusterTarget, Rendering
from gitops_gen.validate.repo import ownership

APPLICATION = ("argoproj.io", "Application")
Objects = Mapping[ObjectRef, Mapping[str, Any]]


@dataclass(frozen=True)
class Side:
    """One revision's render and the repository URL its Applications use for rendered/."""

    rendering: Rendering
    repo_url: str


@dataclass(frozen=True)
class ClusterPair:
    """One cluster at both revisions: what risks are judged on."""

    name: str
    environment: str
    production: bool
    base: Objects
    head: Objects
    owner: Mapping[ObjectRef, str]  # object -> name of the Application that deploys it (either side)


def is_application(ref: ObjectRef) -> bool:
    return (ref.group, ref.kind) == APPLICATION


def _objects(side: Side, cluster: str) -> dict[ObjectRef, Manifest]:
    return {m.ref: m for m in side.rendering.desired.get(cluster, ())}


def _owners(objects: Sequence[Manifest], repo_url: str) -> dict[ObjectRef, str]:
    out: dict[ObjectRef, str] = {}
    for app, refs in ownership(objects, repo_url).items():
        for ref in refs:
            if not is_application(ref):
                out.setdefault(ref, app.name)
    return out


def _target(base: Side, head: Side, cluster: str) -> ClusterTarget:
    for side in (head, base):
        for target in side.rendering.targets:
            if target.cluster == cluster:
                return target
    raise KeyError(cluster)


def pairs(base: Side, head: Side, only: Sequence[str] = ()) -> Iterator[ClusterPair]:
    """Every cluster whose objects differ between the two sides (``only``: these clusters)."""
    names = {t.cluster for t in base.rendering.targets} | {t.cluster for t in head.rendering.targets}
    for name in sorted(names):
        if only and name not in only:
            continue
        old, new = _objects(base, name), _objects(head, name)
        if old.keys() == new.keys() and all(old[r].body == new[r].body for r in old):
            continue
        owner = _owners(list(old.values()), base.repo_url)
        for ref, app in _owners(list(new.values()), head.repo_url).items():
            owner.setdefault(ref, app)
        target = _target(base, head, name)
        yield ClusterPair(name, target.env, target.production, {r: m.body for r, m in old.items()},
                          {r: m.body for r, m in new.items()}, owner)


def _status(base: Any, head: Any) -> Status:
    return Status.ADDED if base is None else Status.REMOVED if head is None else Status.MODIFIED


def _app_fields(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> tuple[FieldChange, ...]:
    """A modified Application: its changed fields; an added or removed one: its spec, field by field."""
    if base is not None and head is not None:
        return field_changes(base, head)
    whole = base if base is not None else head
    assert whole is not None
    return tuple(FieldChange(path, None if base is None else value, value if base is None else None)
                 for path, value in leaves(whole.get("spec"), "spec"))


def compare_cluster(pair: ClusterPair) -> ClusterChange:
    objects: dict[str, list[ObjectChange]] = {}
    for ref in sorted(set(pair.base) | set(pair.head), key=lambda r: (r.kind, r.namespace, r.name, r.api_version)):
        if is_application(ref):
            continue
        old, new = pair.base.get(ref), pair.head.get(ref)
        if old == new:
            continue
        changes = field_changes(old, new, ref) if old is not None and new is not None else ()
        objects.setdefault(pair.owner.get(ref, BOOTSTRAP), []).append(ObjectChange(_status(old, new), ref, changes))
    apps: list[AppChange] = []
    names = {r.name: r for r in (*pair.base, *pair.head) if is_application(r)}
    for name in sorted(set(names) | set(objects)):
        if name not in names:  # the bootstrap, listed last
            continue
        ref = names[name]
        old, new = pair.base.get(ref), pair.head.get(ref)
        fields = () if old == new else _app_fields(old, new)
        owned = tuple(objects.get(name, ()))
        if fields or owned or old is None or new is None:
            apps.append(AppChange(name, _status(old, new), fields, owned))
    for name in sorted(set(objects) - set(names)):
        apps.append(AppChange(name, Status.MODIFIED, (), tuple(objects[name])))
    return ClusterChange(pair.name, pair.environment, pair.production, tuple(apps))
