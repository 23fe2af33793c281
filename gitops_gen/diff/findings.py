"""Validation findings a change introduces and resolves: the existing validation, run on both renders.

Only what can differ is validated: the per-document checks (schemas, names,
removed APIs) on objects that changed -- or on every object of a cluster whose
Kubernetes version or CRDs changed -- and the cluster-wide checks (policy,
references) on changed clusters, over the objects a changed one can affect
(``scope``): the objects in a namespace where something changed, cluster-scoped
objects, and the Argo CD objects related to a change (the rules relate objects
through their namespace, or through Applications, their projects and
dependencies).  A finding is the same on both sides
when its rule, severity, object, field path and message are (file and line may
move).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.redact import is_secret
from gitops_gen.blueprint.model import Repo
from gitops_gen.diff.clusters import ClusterPair, Side
from gitops_gen.render.common import DEPENDS_ON_ANNOTATION, RENDERED_DIR, ROLE_LABEL
from gitops_gen.render.owners import is_application
from gitops_gen.validate.crds import CrdRegistry
from gitops_gen.validate.findings import REMOVED_API, Finding
from gitops_gen.validate.removed_apis import is_removed
from gitops_gen.validate.repo import Scope, check_rendering

Key = tuple[str, str, ObjectRef | None, str, str]


@dataclass(frozen=True)
class Validated:
    """One side, ready to validate: its loaded repository and CRDs (None: nothing at that revision)."""

    side: Side
    repo: Repo | None
    crds: CrdRegistry
    crd_digest: str


def _key(finding: Finding) -> Key:
    return (finding.rule, finding.severity.value, finding.ref, finding.path, finding.message)


def _depends_on(body: Mapping[str, Any]) -> list[str]:
    value = ((body.get("metadata") or {}).get("annotations") or {}).get(DEPENDS_ON_ANNOTATION, "")
    return [name for name in str(value).split(",") if name]


def scope(pair: ClusterPair) -> tuple[set[ObjectRef], set[str]]:
    """The Argo CD objects a change can affect the checks of, and the namespaces where something changed.

    Applications: the changed ones, those deploying a changed object, those naming a changed project and
    those depending on (or depended on by) one of these; their AppProjects; the root Applications."""
    sides = (pair.base, pair.head)
    argo = {r: body for objects in sides for r, body in objects.items() if r.group == "argoproj.io"}
    apps = {r for r in argo if is_application(r) and (r in pair.changed or r.name in pair.owner.values())}
    changed_projects = {r.name for r in pair.changed if r.kind == "AppProject" and r.group == "argoproj.io"}
    by_name = {r.name: r for r in argo if is_application(r)}
    dependents: dict[str, set[str]] = {}
    for objects in sides:
        for ref, body in objects.items():
            if not is_application(ref):
                continue
            spec = body.get("spec") or {}
            if spec.get("project") in changed_projects or _role(body) == "root":
                apps.add(ref)
            for dep in _depends_on(body):
                dependents.setdefault(dep, set()).add(ref.name)
    for ref in list(apps):
        apps.update(by_name[n] for n in dependents.get(ref.name, ()) if n in by_name)
        for objects in sides:
            if ref in objects:
                apps.update(by_name[n] for n in _depends_on(objects[ref]) if n in by_name)
    out = set(apps) | {r for r in pair.changed if r.group == "argoproj.io"}
    for ref in apps:
        for objects in sides:
            project = ((objects.get(ref) or {}).get("spec") or {}).get("project")
            if project:
                out.add(ObjectRef(ref.api_version, "AppProject", ref.namespace, str(project)))
    touched = {r.name if r.kind == "Namespace" and not r.group else r.namespace
               for r in pair.changed if r.group != "argoproj.io"} - {""}
    return out, touched


def _role(body: Mapping[str, Any]) -> str:
    return str(((body.get("metadata") or {}).get("labels") or {}).get(ROLE_LABEL, ""))


def downstream(one: Validated, pairs: Sequence[ClusterPair]) -> set[str]:
    """Clusters no object of which changed, whose environment promotes from one that did: the promotion
    rule (GG112) judges them against what their promotesFrom runs, so a bump in dev can warn in qa."""
    if one.repo is None:
        return set()
    changed_envs = {p.environment for p in pairs}
    envs = {name for name, env in one.repo.environments.items() if env.promotes_from in changed_envs}
    names = {p.name for p in pairs}
    return {t.cluster for t in one.side.rendering.targets if t.env in envs and t.cluster not in names}


def _findings(one: Validated, pairs: Sequence[ClusterPair], whole: set[str], below: set[str]) -> dict[Key, Finding]:
    if one.repo is None:
        return {}
    changed = {p.name: p.changed for p in pairs}
    scopes = {p.name: scope(p) for p in pairs}

    def document(cluster: str, m: Manifest) -> bool:
        return cluster in whole or m.ref in changed.get(cluster, ())

    def related(cluster: str, m: Manifest) -> bool:
        ref = m.ref
        if cluster in whole:
            return True
        if cluster not in scopes:  # downstream: its Argo CD objects, which the promotion rule reads
            return ref.group == "argoproj.io"
        argo, touched = scopes[cluster]
        if ref.group == "argoproj.io":
            return ref in argo
        if ref.kind == "Namespace" and not ref.group:
            return ref.name in touched
        return not ref.namespace or ref.namespace in touched

    found, _ = check_rendering(one.repo, one.side.rendering, one.crds,
                               scope=Scope(clusters=set(changed) | below, document=document, related=related))
    hit = _environments_hit(one)
    out: dict[Key, Finding] = {}
    for finding in sorted(found, key=Finding.sort_key):
        out.setdefault(_key(finding), _safe(hit(finding)))
    return out


def _environments_hit(one: Validated) -> Callable[[Finding], Finding]:
    """A removed API in a file several environments use (a shared base) is reported once: say which
    environments it breaks, those whose Kubernetes version no longer serves it."""
    users: dict[tuple[str, ObjectRef], set[tuple[str, str]]] = {}
    for target in one.side.rendering.targets:
        for m in one.side.rendering.desired.get(target.cluster, ()):
            users.setdefault((f"{RENDERED_DIR}/{m.path}", m.ref), set()).add((target.env, target.kubernetes_version))

    def hit(finding: Finding) -> Finding:
        if finding.rule != REMOVED_API or finding.ref is None:
            return finding
        envs = sorted({env for env, version in users.get((finding.file, finding.ref), ())
                       if is_removed(finding.ref.api_version, finding.ref.kind, version)})
        if len({env for env, _ in users.get((finding.file, finding.ref), ())}) < 2 or not envs:
            return finding
        return dataclasses.replace(finding, message=f"{finding.message} (environments hit: {', '.join(envs)})")
    return hit


def _safe(finding: Finding) -> Finding:
    """A schema message may quote the offending value: for a Secret, keep only where it is."""
    if finding.ref is None or not is_secret(finding.ref):
        return finding
    return Finding(finding.rule, finding.severity, finding.ref, f"{finding.path or 'object'}: invalid (value redacted)",
                   finding.path, finding.file, finding.line, finding.source)


def _versions(one: Validated) -> Mapping[str, str]:
    return {t.cluster: t.kubernetes_version for t in one.side.rendering.targets}


def compare_findings(base: Validated, head: Validated,
                     pairs: Sequence[ClusterPair]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(introduced, resolved) by the change, on the changed clusters and those promoting from them."""
    old_versions, new_versions = _versions(base), _versions(head)
    whole = {p.name for p in pairs if base.crd_digest != head.crd_digest
             or old_versions.get(p.name) != new_versions.get(p.name)}
    below = downstream(base, pairs) | downstream(head, pairs)
    old, new = _findings(base, pairs, whole, below), _findings(head, pairs, whole, below)
    introduced = tuple(new[k] for k in new if k not in old)
    resolved = tuple(old[k] for k in old if k not in new)
    return introduced, resolved
