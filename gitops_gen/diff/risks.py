"""Risks of a change: small pure rules with stable ids, judged per cluster on both revisions' objects.

A rule gets a ``ClusterPair`` (both sides' objects, who owns what, whether the
environment is production) and the ``ClusterChange`` computed from it, and
yields ``Risk`` values.  Ids are never reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.diff import immutable
from gitops_gen.diff.clusters import ClusterPair
from gitops_gen.diff.model import ClusterChange, Risk
from gitops_gen.render.owners import is_application

FINALIZER = "resources-finalizer.argocd.argoproj.io"
# Deleting these loses data or other teams' objects: a namespace takes everything in it, a claim its
# volume (with the usual Delete reclaim policy), a CRD every custom resource of its kind.
DATA_KINDS = {("", "Namespace"), ("", "PersistentVolumeClaim"), ("", "PersistentVolume"),
              ("apiextensions.k8s.io", "CustomResourceDefinition")}
_SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    check: Callable[[ClusterPair, ClusterChange], Iterator[Risk]]
    rationale: str


def _risk(rule: str, pair: ClusterPair, app: str, ref: ObjectRef | None, message: str,
          severity: Severity | None = None) -> Risk:
    return Risk(rule, severity or RULES[rule].severity, pair.name, app, ref, message)


def _removed(pair: ClusterPair) -> list[ObjectRef]:
    return sorted(r for r in pair.changed if r not in pair.head and not is_application(r))


def _prunes(pair: ClusterPair, app: str) -> bool:
    """Whether the Application ``app`` prunes: deletes what Git no longer has (unknown owner: assume it does)."""
    for objects in (pair.head, pair.base):
        for ref, body in objects.items():
            if is_application(ref) and ref.name == app:
                return bool((_automated(body) or {}).get("prune"))
    return True


def production_data_deletion(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    if not pair.production:
        return
    for ref in _removed(pair):
        if (ref.group, ref.kind) in DATA_KINDS:
            owner = pair.owner.get(ref, "")
            if _prunes(pair, owner):
                message = (f"deletes {ref.kind} {ref.name} in production environment {pair.environment}"
                           + (": everything in it goes too" if ref.kind == "Namespace" else ""))
            else:
                message = (f"removes {ref.kind} {ref.name} from Git in production environment {pair.environment}; "
                           f"prune is off, so it stays until pruned by hand (then everything in it goes too)"
                           if ref.kind == "Namespace" else
                           f"removes {ref.kind} {ref.name} from Git in production environment {pair.environment}; "
                           "prune is off, so it stays until pruned by hand")
            yield _risk("GD101", pair, owner, ref, message)


def namespace_recreated(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    """A namespace renamed (a tenant's namespace list edited): the same Application deletes one Namespace and
    creates another.  Argo CD cannot move anything across: the old one goes with all it holds, in every
    environment (production adds GD101 on top)."""
    namespaces = [r for r in sorted(pair.changed) if (r.group, r.kind) == ("", "Namespace")]
    added = {pair.owner.get(r, ""): r for r in namespaces if r not in pair.base}
    for ref in namespaces:
        owner = pair.owner.get(ref, "")
        new = added.get(owner) if ref not in pair.head else None
        if new is None:
            continue
        if _prunes(pair, owner):
            yield _risk("GD109", pair, owner, ref,
                        f"Namespace {ref.name} is replaced by {new.name}: Argo CD deletes {ref.name} with everything "
                        f"in it and creates an empty {new.name} (move workloads and data first)")
        else:
            yield _risk("GD109", pair, owner, ref,
                        f"Namespace {ref.name} is replaced by {new.name}: Argo CD creates an empty {new.name}; "
                        f"prune is off, so {ref.name} and everything in it stays until pruned by hand (move "
                        "workloads and data first)")


def production_deletion(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    if not pair.production:
        return
    gone = {r.name for r in _removed(pair) if r.kind == "Namespace" and r.group == ""}
    for ref in _removed(pair):
        if (ref.group, ref.kind) not in DATA_KINDS and ref.namespace not in gone:
            yield _risk("GD102", pair, pair.owner.get(ref, ""), ref,
                        f"deletes {ref.kind} {ref.namespace + '/' if ref.namespace else ''}{ref.name} "
                        f"in production environment {pair.environment}")


def _app_refs(pair: ClusterPair, objects: Mapping[ObjectRef, Any]) -> dict[str, ObjectRef]:
    """The changed Applications present in ``objects``, by name."""
    return {r.name: r for r in pair.changed_apps() if r in objects}


def _source_key(body: Mapping[str, Any]) -> tuple[str, ...]:
    spec = body.get("spec") or {}
    source = spec.get("source") or {}
    return (str(source.get("repoURL", "")), str(source.get("path") or source.get("chart") or ""))


def _role(body: Mapping[str, Any]) -> str:
    return str(((body.get("metadata") or {}).get("labels") or {}).get("gitops-gen.io/role", ""))


def _namespace(body: Mapping[str, Any]) -> str:
    return str(((body.get("spec") or {}).get("destination") or {}).get("namespace", ""))


def renames(pair: ClusterPair) -> dict[str, str]:
    """Removed Application -> added one that takes its place: same role, and same source or namespace."""
    old, new = _app_refs(pair, pair.base), _app_refs(pair, pair.head)
    removed = [n for n in sorted(old) if n not in new]
    added = [n for n in sorted(new) if n not in old]
    out: dict[str, str] = {}
    for same in (_source_key, _namespace):
        for name in removed:
            if name in out:
                continue
            body = pair.base[old[name]]
            match = next((a for a in added if a not in out.values() and _role(pair.head[new[a]]) == _role(body)
                          and same(pair.head[new[a]]) == same(body)), None)
            if match is not None:
                out[name] = match
    return out


def _cascades(body: Mapping[str, Any]) -> bool:
    return FINALIZER in ((body.get("metadata") or {}).get("finalizers") or ())


def _deletion_note(body: Mapping[str, Any]) -> str:
    return ("its resources finalizer makes Argo CD delete everything it deployed" if _cascades(body)
            else "no resources finalizer: what it deployed stays in the cluster, unmanaged")


def application_removed(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    old, new = _app_refs(pair, pair.base), _app_refs(pair, pair.head)
    renamed = renames(pair)
    for name in sorted(set(old) - set(new)):
        body = pair.base[old[name]]
        severe = Severity.ERROR if pair.production and _cascades(body) else None
        if name in renamed:
            yield _risk("GD104", pair, name, old[name],
                        f"renamed to {renamed[name]}: Argo CD deletes {name} and creates {renamed[name]}; "
                        + _deletion_note(body), severe)
        else:
            yield _risk("GD103", pair, name, old[name], f"Application {name} is removed; " + _deletion_note(body),
                        severe)


def _entries(spec: Mapping[str, Any], key: str) -> set[str]:
    items = spec.get(key) or ()
    return {",".join(f"{k}={v}" for k, v in sorted(i.items())) if isinstance(i, Mapping) else str(i) for i in items}


def project_grants_more(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    for ref in sorted(r for r in pair.changed if r.kind == "AppProject" and r.group == "argoproj.io"):
        if ref not in pair.base or ref not in pair.head:
            continue
        old, new = pair.base[ref].get("spec") or {}, pair.head[ref].get("spec") or {}
        more = [f"{key} + {', '.join(sorted(_entries(new, key) - _entries(old, key)))}"
                for key in ("sourceRepos", "destinations", "clusterResourceWhitelist", "namespaceResourceWhitelist")
                if _entries(new, key) - _entries(old, key) and (key != "namespaceResourceWhitelist"
                                                                or "namespaceResourceWhitelist" in old)
                and not (key == "destinations" and _renamed_only(old, new))]
        lifted = _entries(old, "namespaceResourceBlacklist") - _entries(new, "namespaceResourceBlacklist")
        if lifted:
            more.append(f"namespaceResourceBlacklist - {', '.join(sorted(lifted))}")
        if "namespaceResourceWhitelist" in old and "namespaceResourceWhitelist" not in new:
            more.append("namespaceResourceWhitelist removed (every namespaced kind allowed)")
        if more:
            yield _risk("GD105", pair, pair.owner.get(ref, ""), ref,
                        f"AppProject {ref.name} grants more: " + "; ".join(more))


def _renamed_only(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Destinations whose namespaces were renamed one for one (same clusters, as many as before): the project
    reaches other namespaces, not more of them -- a tenant renaming a namespace is not a wider grant."""
    def clusters(spec: Mapping[str, Any], entries: set[str]) -> list[str]:
        found = [d for d in spec.get("destinations") or () if isinstance(d, Mapping)]
        by_entry = {_entries({"d": [d]}, "d").pop(): d for d in found}
        return sorted(f"{d.get('server', '')}|{d.get('name', '')}" for e in entries if (d := by_entry.get(e)))
    added = _entries(new, "destinations") - _entries(old, "destinations")
    removed = _entries(old, "destinations") - _entries(new, "destinations")
    wild = any("*" in str(d.get("namespace", "")) for d in new.get("destinations") or () if isinstance(d, Mapping))
    return bool(added) and not wild and clusters(new, added) == clusters(old, removed)


def _automated(body: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    policy = ((body or {}).get("spec") or {}).get("syncPolicy") or {}
    automated = policy.get("automated")
    return automated if isinstance(automated, Mapping) else ({} if automated else None)


def production_sync_policy(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    if not pair.production:
        return
    for name, ref in sorted(_app_refs(pair, pair.head).items()):
        if ref not in pair.base:  # a new Application follows its environment's policy: nothing was turned
            continue
        old, new = _automated(pair.base[ref]), _automated(pair.head[ref])
        if new is None:
            continue
        if old is None:
            yield _risk("GD106", pair, name, ref, f"Application {name} now syncs automatically in production")
        if new.get("prune") and not (old or {}).get("prune"):
            yield _risk("GD107", pair, name, ref,
                        f"Application {name} now prunes in production: a line deleted from Git deletes the object")


def _major(version: Any) -> int | None:
    match = _SEMVER.match(str(version or ""))
    return int(match.group(1)) if match else None


def _charts(body: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    spec = body.get("spec") or {}
    sources = [spec["source"]] if isinstance(spec.get("source"), Mapping) else list(spec.get("sources") or ())
    return {(str(s.get("repoURL", "")), str(s["chart"])): str(s.get("targetRevision", ""))
            for s in sources if isinstance(s, Mapping) and s.get("chart")}


def chart_major_bump(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    for name, ref in sorted(_app_refs(pair, pair.head).items()):
        if ref not in pair.base:
            continue
        old, new = _charts(pair.base[ref]), _charts(pair.head[ref])
        for key in sorted(set(old) & set(new)):
            before, after = _major(old[key]), _major(new[key])
            if before is not None and after is not None and before != after:
                word = "bump" if after > before else "downgrade"
                yield _risk("GD108", pair, name, ref,
                            f"chart {key[1]} major version {word}: {old[key]} -> {new[key]} (read its upgrade notes)")


def _kept(pair: ClusterPair) -> Iterator[tuple[ObjectRef, Mapping[str, Any], Mapping[str, Any]]]:
    for ref in sorted(pair.changed):
        old, new = pair.base.get(ref), pair.head.get(ref)
        if old is not None and new is not None and not is_application(ref):
            yield ref, old, new


def immutable_field_changed(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    for ref, old, new in _kept(pair):
        for path in immutable.changed(ref.group, ref.kind, old, new):
            yield _risk("GD110", pair, pair.owner.get(ref, ""), ref,
                        f"changes {path} of {ref.kind} {ref.namespace + '/' if ref.namespace else ''}{ref.name}, "
                        "which the API server never updates: the sync fails until the object is deleted and "
                        "recreated (or synced with Replace=true)")


def crd_version_removed(pair: ClusterPair, change: ClusterChange) -> Iterator[Risk]:
    for ref, old, new in _kept(pair):
        if (ref.group, ref.kind) != ("apiextensions.k8s.io", "CustomResourceDefinition"):
            continue
        gone = sorted(immutable.served_versions(old) - immutable.served_versions(new))
        if gone:
            yield _risk("GD111", pair, pair.owner.get(ref, ""), ref,
                        f"CRD {ref.name} stops serving {', '.join(gone)}: objects and clients still using it break "
                        "(migrate them first)")


RULES: dict[str, Rule] = {
    "GD101": Rule("production-data-deletion", Severity.ERROR, production_data_deletion,
                  "a Namespace, PersistentVolume(Claim) or CRD deleted in production takes data with it"),
    "GD102": Rule("production-deletion", Severity.WARNING, production_deletion,
                  "any other object deleted in production (outside a namespace deleted with it)"),
    "GD103": Rule("application-removed", Severity.WARNING, application_removed,
                  "an Application removed; with the resources finalizer its objects are deleted too"),
    "GD104": Rule("application-renamed", Severity.WARNING, application_removed,
                  "a rename is a delete and a create: the old Application's objects may be deleted first"),
    "GD105": Rule("project-grants-more", Severity.WARNING, project_grants_more,
                  "an AppProject allows more repositories, destinations or kinds than before"),
    "GD106": Rule("production-automated-sync", Severity.WARNING, production_sync_policy,
                  "production Applications turned to automated sync: merges deploy without a human"),
    "GD107": Rule("production-prune", Severity.ERROR, production_sync_policy,
                  "production Applications turned to prune: removing a line from Git deletes objects"),
    "GD108": Rule("chart-major-version", Severity.WARNING, chart_major_bump,
                  "a Helm chart's major version changed (semver: breaking changes expected)"),
    "GD109": Rule("namespace-recreated", Severity.WARNING, namespace_recreated,
                  "a namespace renamed is one deleted with everything in it and an empty one created"),
    "GD110": Rule("immutable-field-changed", Severity.ERROR, immutable_field_changed,
                  "a field the API server never updates changed (a Deployment's selector): the sync will fail"),
    "GD111": Rule("crd-version-removed", Severity.WARNING, crd_version_removed,
                  "a CustomResourceDefinition stops serving a version its objects may still use"),
}


def assess(pair: ClusterPair, change: ClusterChange) -> list[Risk]:
    """Every risk of one cluster's change (a check serving several ids runs once)."""
    checks = list(dict.fromkeys(rule.check for rule in RULES.values()))
    return [risk for check in checks for risk in check(pair, change)]

