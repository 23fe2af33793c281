"""Cross-references between rendered objects: what Argo CD would only discover at sync time.

Rule ids GG2xx (configurable like policy rules).  Contract with the render: an Application that must
sync after others carries ``gitops-gen.io/depends-on: "a,b"`` (Application names, same cluster and
namespace) and an ``argocd.argoproj.io/sync-wave`` strictly greater than each of theirs.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.repourl import same_repo
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding
from gitops_gen.validate.objects import (
    annotations_of,
    app_projects,
    app_sources,
    applications,
    dig,
    labels,
    mapping,
    sequence,
)
from gitops_gen.validate.policy.context import CLUSTER_LABEL, DEPENDS_ON, SYNC_WAVE, PolicyContext
from gitops_gen.validate.projects import destination_permitted, source_permitted


class ReferenceRule(NamedTuple):
    id: str
    name: str
    severity: Severity
    rationale: str


E = Severity.ERROR
PROJECT_MISSING, SOURCE_DENIED, DESTINATION_DENIED = "GG201", "GG202", "GG203"
SHARED_OWNER, DUPLICATE_APP, PATH_MISSING, WAVE_ORDER = "GG204", "GG205", "GG206", "GG207"

REFERENCE_RULES: dict[str, ReferenceRule] = {
    PROJECT_MISSING: ReferenceRule(PROJECT_MISSING, "app-project-exists", E,
                                   "an Application whose project does not exist never syncs"),
    SOURCE_DENIED: ReferenceRule(SOURCE_DENIED, "app-source-permitted", E,
                                 "Argo CD refuses a source repository its project does not permit"),
    DESTINATION_DENIED: ReferenceRule(DESTINATION_DENIED, "app-destination-permitted", E,
                                      "Argo CD refuses a destination its project does not permit"),
    SHARED_OWNER: ReferenceRule(SHARED_OWNER, "single-owner", E,
                                "two Applications owning one object fight over it forever"),
    DUPLICATE_APP: ReferenceRule(DUPLICATE_APP, "app-name-unique", E,
                                 "names are unique per Argo CD namespace; one app replaces the other"),
    PATH_MISSING: ReferenceRule(PATH_MISSING, "app-path-rendered", E,
                                "an Application path missing from rendered/ fails to sync"),
    WAVE_ORDER: ReferenceRule(WAVE_ORDER, "sync-wave-order", E,
                              "sync waves must put every dependency strictly before its dependents"),
}

DEFAULT_PROJECT = "default"  # created by Argo CD itself and allowing everything when not rendered


def _finding(rule: str, m: Manifest, message: str, path: str = "") -> Finding:
    return Finding(rule, REFERENCE_RULES[rule].severity, m.ref, message, path=path, file=m.path,
                   source=m.origin)


def check(objects: Sequence[Manifest], context: PolicyContext,
          owned: Mapping[ObjectRef, Sequence[ObjectRef]] | None = None) -> list[Finding]:
    """Every reference check over one cluster's objects; ``owned`` maps an Application to what it deploys."""
    apps = _unique(applications(objects))
    findings = [*_projects(apps, objects, context), *_duplicate_names(apps, context),
                *_paths(apps, context), *_waves(apps)]
    if owned:
        findings.extend(_shared_owners(owned, objects))
    return findings


def _unique(manifests: Iterator[Manifest]) -> list[Manifest]:
    """The same object from the same file once (the engine may pass several clusters' sets)."""
    seen: dict[tuple[ObjectRef, str], Manifest] = {}
    for m in manifests:
        seen.setdefault((m.ref, m.path), m)
    return list(seen.values())


def _projects(apps: Sequence[Manifest], objects: Sequence[Manifest],
              context: PolicyContext) -> Iterator[Finding]:
    projects = {p.ref.name: p for p in app_projects(objects)
                if p.ref.namespace in ("", context.argocd_namespace)}
    for app in apps:
        name = str(dig(app.body, "spec", "project") or DEFAULT_PROJECT)
        project = projects.get(name)
        if project is None:
            if name != DEFAULT_PROJECT:
                yield _finding(PROJECT_MISSING, app, f"project {name!r} is not among the rendered "
                                                     f"AppProjects in namespace {context.argocd_namespace}",
                               "spec.project")
            continue
        spec = mapping(project.body.get("spec"))
        repos = [str(r) for r in sequence(spec.get("sourceRepos"))]
        for path, source in app_sources(app):
            repo = str(source.get("repoURL") or "")
            if not source_permitted(repos, repo):
                yield _finding(SOURCE_DENIED, app, f"project {name} does not permit source {repo}",
                               f"{path}.repoURL")
        dest = mapping(dig(app.body, "spec", "destination"))
        server, cluster, ns = (str(dest.get(k) or "") for k in ("server", "name", "namespace"))
        if not destination_permitted(sequence(spec.get("destinations")), server, cluster, ns):
            shown = f"{server or cluster} namespace {ns or '(none)'}"
            yield _finding(DESTINATION_DENIED, app, f"project {name} does not permit destination {shown}",
                           "spec.destination")


def _duplicate_names(apps: Sequence[Manifest], context: PolicyContext) -> Iterator[Finding]:
    by_key: dict[tuple[str, str], list[Manifest]] = defaultdict(list)
    for app in apps:
        by_key[(app.ref.namespace or context.argocd_namespace, app.ref.name)].append(app)
    for (ns, name), same in by_key.items():
        for app in same[1:]:
            others = ", ".join(sorted({o.path or "?" for o in same if o is not app}))
            yield _finding(DUPLICATE_APP, app, f"Application {name} is defined more than once in "
                                               f"namespace {ns} (also in {others})", "metadata.name")


@functools.lru_cache(maxsize=4)  # the same file set serves every cluster of a run
def _rendered_dirs(files: frozenset[str]) -> frozenset[str]:
    dirs = {""}
    for f in files:
        parts = f.strip("/").split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(dirs)


def _paths(apps: Sequence[Manifest], context: PolicyContext) -> Iterator[Finding]:
    if context.rendered_files is None or not context.repo_url:
        return
    dirs = _rendered_dirs(context.rendered_files)
    root = context.rendered_root.strip("/")
    for app in apps:
        for path, source in app_sources(app):
            if source.get("chart") or not same_repo(str(source.get("repoURL") or ""), context.repo_url):
                continue
            wanted = str(source.get("path") or "").strip().removeprefix("./").strip("/")
            rel = wanted.removeprefix(root).lstrip("/") if wanted == root or wanted.startswith(root + "/") \
                else None
            if rel is None or rel not in dirs:
                yield _finding(PATH_MISSING, app, f"path {wanted or '(repository root)'} does not exist in "
                                                  f"{root}/", f"{path}.path")


def _wave(app: Manifest) -> int | None:
    try:
        return int(str(annotations_of(app).get(SYNC_WAVE, "0")).strip())
    except ValueError:
        return None


def _waves(apps: Sequence[Manifest]) -> Iterator[Finding]:
    groups: dict[tuple[str, str], dict[str, Manifest]] = defaultdict(dict)
    for app in apps:
        groups[(app.ref.namespace, str(labels(app).get(CLUSTER_LABEL) or ""))][app.ref.name] = app
    wave_path = f"metadata.annotations.{SYNC_WAVE}"
    for group in groups.values():
        for app in group.values():
            wave = _wave(app)
            if wave is None:
                shown = annotations_of(app)[SYNC_WAVE]
                yield _finding(WAVE_ORDER, app, f"sync-wave {shown!r} is not an integer", wave_path)
                continue
            deps = [d.strip() for d in str(annotations_of(app).get(DEPENDS_ON) or "").split(",") if d.strip()]
            for dep in deps:
                target = group.get(dep)
                if target is None:
                    yield _finding(WAVE_ORDER, app, f"depends on Application {dep}, which is not rendered "
                                                    "next to it", f"metadata.annotations.{DEPENDS_ON}")
                    continue
                dep_wave = _wave(target)
                if dep_wave is not None and dep_wave >= wave:
                    yield _finding(WAVE_ORDER, app, f"sync-wave {wave} is not after its dependency {dep} "
                                                    f"(wave {dep_wave})", wave_path)


def _identity(ref: ObjectRef) -> tuple[str, str, str, str]:
    return (ref.group, ref.kind, ref.namespace, ref.name)  # apps/v1 and apps/v1beta1 are one object


def _shared_owners(owned: Mapping[ObjectRef, Sequence[ObjectRef]],
                   objects: Sequence[Manifest]) -> Iterator[Finding]:
    owners: dict[tuple[str, str, str, str], list[ObjectRef]] = defaultdict(list)
    first: dict[tuple[str, str, str, str], ObjectRef] = {}
    for app, refs in owned.items():
        for ref in dict.fromkeys(refs):
            key = _identity(ref)
            first.setdefault(key, ref)
            if app not in owners[key]:
                owners[key].append(app)
    by_identity = {_identity(m.ref): m for m in objects}
    for key, apps in owners.items():
        if len(apps) < 2:
            continue
        names = ", ".join(sorted(a.name for a in apps))
        m = by_identity.get(key)
        yield Finding(SHARED_OWNER, REFERENCE_RULES[SHARED_OWNER].severity, first[key],
                      f"owned by {len(apps)} Applications: {names}",
                      file=m.path if m else "", source=m.origin if m else None)
