"""What Argo CD would apply, per cluster, at two revisions: the Applications and the objects they own (pure).

Each side is the render of one revision (effective objects: Kustomize overlays
and patches already resolved).  An object belongs to the Application whose
path into ``rendered/`` holds it (``render.owners``, only for the objects that changed); Applications are
reported as applications, the AppProjects their root deploys as its objects,
and objects no Application deploys (the bootstrap) under ``bootstrap``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.status import ChangeStatus
from gitops_gen.diff.fields import field_changes, leaves
from gitops_gen.diff.model import BOOTSTRAP, AppChange, ClusterChange, FieldChange, ObjectChange
from gitops_gen.fleet.gotypes import go_form
from gitops_gen.render import ClusterTarget, Rendering, owners
from gitops_gen.render.bootstrap import BOOTSTRAP_DIR
from gitops_gen.render.owners import is_application

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
    owner: Mapping[ObjectRef, str]  # changed object -> name of the Application deploying it (head, else base)
    changed: frozenset[ObjectRef] = frozenset()  # added, removed or modified

    def changed_apps(self) -> list[ObjectRef]:
        return sorted(r for r in self.changed if is_application(r))


def _objects(side: Side, cluster: str) -> dict[ObjectRef, Manifest]:
    return {m.ref: m for m in side.rendering.desired.get(cluster, ())}


def _target(base: Side, head: Side, cluster: str) -> ClusterTarget:
    for side in (head, base):
        for target in side.rendering.targets:
            if target.cluster == cluster:
                return target
    raise KeyError(cluster)


def _shared(side: Side) -> dict[ObjectRef, Manifest]:
    """The objects of the shared bootstrap (one Argo CD for every cluster) that a side renders anywhere."""
    out: dict[ObjectRef, Manifest] = {}
    for objects in side.rendering.desired.values():
        for m in objects:
            if m.path.startswith(f"{BOOTSTRAP_DIR}/"):
                out.setdefault(m.ref, m)
    return out


def _with_shared(objects: dict[ObjectRef, Manifest], other: Mapping[ObjectRef, Manifest],
                 shared: Mapping[ObjectRef, Manifest]) -> dict[ObjectRef, Manifest]:
    """``objects`` of one cluster, completed with the shared bootstrap objects the other side gives this cluster:
    a new cluster gets the bootstrap that already runs, it does not add it (nor does a removed one remove it)."""
    missing = {ref: shared[ref] for ref, m in other.items()
               if ref not in objects and ref in shared and m.path.startswith(f"{BOOTSTRAP_DIR}/")}
    return {**objects, **missing} if missing else objects


def pairs(base: Side, head: Side, only: Sequence[str] = ()) -> Iterator[ClusterPair]:
    """Every cluster whose objects differ between the two sides (``only``: these clusters)."""
    names = {t.cluster for t in base.rendering.targets} | {t.cluster for t in head.rendering.targets}
    same: dict[tuple[int, int], bool] = {}  # clusters share body objects (a render computes a bundle once)
    shared_base, shared_head = _shared(base), _shared(head)
    for name in sorted(names):
        if only and name not in only:
            continue
        old, new = _objects(base, name), _objects(head, name)
        old, new = _with_shared(old, new, shared_base), _with_shared(new, old, shared_head)
        changed = [r for r in new if r not in old]
        for ref, m in old.items():
            twin = new.get(ref)
            if twin is None:
                changed.append(ref)
                continue
            key = (id(m.body), id(twin.body))
            equal = same.get(key)
            if equal is None:
                equal = same[key] = m.body == twin.body or (
                    is_application(ref) and go_form(m.body) == go_form(twin.body))
            if not equal:
                changed.append(ref)
        if not changed:
            continue
        owner: dict[ObjectRef, str] = {}
        for objects, side in ((new, head), (old, base)):
            by_unit = {unit: app.ref.name for unit, app in owners.units(objects.values(), side.repo_url).items()}
            by_name = {r.name: r.name for r in objects if is_application(r)}
            for ref in changed:
                if ref not in objects or is_application(ref):
                    continue
                if (app := owners.deployed_by(objects[ref], by_unit, by_name)) is not None:
                    owner.setdefault(ref, app)
        target = _target(base, head, name)
        yield ClusterPair(name, target.env, target.production, _stored(old, changed), _stored(new, changed), owner,
                          frozenset(changed))


def _stored(objects: Mapping[ObjectRef, Manifest], changed: Sequence[ObjectRef]) -> dict[ObjectRef, Any]:
    """Bodies to compare, changed Applications as Argo CD stores them (``prune: false`` and an absent prune
    are one Application: its Go types leave empty fields out, whichever mode rendered it)."""
    out = {r: m.body for r, m in objects.items()}
    for ref in changed:
        if is_application(ref) and ref in out:
            out[ref] = go_form(out[ref])
    return out


def _status(base: Any, head: Any) -> ChangeStatus:
    return ChangeStatus.ADDED if base is None else ChangeStatus.REMOVED if head is None else ChangeStatus.MODIFIED


def _app_fields(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None) -> tuple[FieldChange, ...]:
    """A modified Application: its changed fields; an added or removed one: its spec, field by field."""
    if base is not None and head is not None:
        return field_changes(base, head)
    whole = base if base is not None else head
    if whole is None:
        return ()
    return tuple(FieldChange(path, None if base is None else value, value if base is None else None)
                 for path, value in leaves(whole.get("spec"), ("spec",)))


def _owning(pair: ClusterPair) -> list[ObjectRef]:
    """The Applications deploying a changed object (at either revision)."""
    names = set(pair.owner.values())
    return [r for objects in (pair.head, pair.base) for r in objects if r.name in names and is_application(r)]


def compare_cluster(pair: ClusterPair) -> ClusterChange:
    objects: dict[str, list[ObjectChange]] = {}
    for ref in sorted(pair.changed, key=lambda r: (r.kind, r.namespace, r.name, r.api_version)):
        if is_application(ref):
            continue
        old, new = pair.base.get(ref), pair.head.get(ref)
        changes = field_changes(old, new, ref) if old is not None and new is not None else ()
        objects.setdefault(pair.owner.get(ref, BOOTSTRAP), []).append(ObjectChange(_status(old, new), ref, changes))
    apps: list[AppChange] = []
    names = {r.name: r for r in (*pair.changed, *_owning(pair)) if is_application(r)}
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
        apps.append(AppChange(name, ChangeStatus.MODIFIED, (), tuple(objects[name])))
    return ClusterChange(pair.name, pair.environment, pair.production, tuple(apps))
