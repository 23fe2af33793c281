"""Rules that keep tenants fenced in: namespace guardrails, labels, least-privilege projects."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.validate.objects import (
    Violation,
    app_projects,
    applications,
    dig,
    is_kind,
    labels,
    mapping,
    sequence,
    tenant_namespaces,
)
from gitops_gen.validate.policy.context import ROLE_LABEL, TENANT_LABEL, PolicyContext
from gitops_gen.validate.projects import by_identity, has_glob, is_deny

TENANT_ROLES = frozenset({"tenant-namespaces", "tenant-app"})


def _namespaces_with(objects: Sequence[Manifest], kind: str, group: str = "") -> set[str]:
    return {m.ref.namespace for m in objects if is_kind(m, kind, group)}


def _missing(objects: Sequence[Manifest], kind: str, group: str, what: str) -> Iterator[Violation]:
    present = _namespaces_with(objects, kind, group)
    for ns in tenant_namespaces(objects):
        if ns.ref.name not in present:
            yield Violation(ns, f"tenant namespace {ns.ref.name} has no {what}")


def namespace_without_quota(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    return _missing(objects, "ResourceQuota", "", "ResourceQuota")


def namespace_without_limitrange(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    return _missing(objects, "LimitRange", "", "LimitRange")


def _is_default_deny_ingress(policy: Manifest) -> bool:
    """Selects every pod, governs Ingress (explicitly or by default) and allows nothing in."""
    spec = mapping(policy.body.get("spec"))
    selector = mapping(spec.get("podSelector"))
    if selector.get("matchLabels") or selector.get("matchExpressions"):
        return False
    types = sequence(spec.get("policyTypes")) or ("Ingress",)  # Kubernetes' default includes Ingress
    return "Ingress" in types and not sequence(spec.get("ingress"))


def namespace_without_default_deny(objects: Sequence[Manifest],
                                   context: PolicyContext) -> Iterator[Violation]:
    covered = {m.ref.namespace for m in objects
               if is_kind(m, "NetworkPolicy", "networking.k8s.io") and _is_default_deny_ingress(m)}
    for ns in tenant_namespaces(objects):
        if ns.ref.name not in covered:
            yield Violation(ns, f"tenant namespace {ns.ref.name} has no default-deny ingress NetworkPolicy "
                                "(podSelector: {}, policyTypes: [Ingress], no ingress rules)")


def namespace_missing_labels(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    for ns in tenant_namespaces(objects):
        have = labels(ns)
        missing = [key for key in context.required_namespace_labels if not have.get(key)]
        if missing:
            yield Violation(ns, f"tenant namespace {ns.ref.name} lacks required label(s) "
                                f"{', '.join(missing)}", "metadata.labels")


def _wide(pattern: Any) -> bool:
    text = str(pattern or "")
    return not is_deny(text) and has_glob(text)


def _wide_destinations(destinations: Sequence[Any]) -> list[tuple[int, str, Any]]:
    """(index, key, pattern) of each wildcard in ``destinations`` (once per list: fleet projects are shared)."""
    return [(index, key, mapping(dest)[key]) for index, dest in enumerate(destinations)
            for key in ("server", "name", "namespace") if _wide(mapping(dest).get(key))]


def tenant_project_too_wide(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    for project in app_projects(objects):
        if not labels(project).get(TENANT_LABEL):
            continue
        spec = mapping(project.body.get("spec"))
        for index, repo in enumerate(sequence(spec.get("sourceRepos"))):
            if _wide(repo):
                yield Violation(project, f"tenant AppProject allows source repositories {repo!r}; "
                                         "list the tenant's repositories", f"spec.sourceRepos[{index}]")
        for index, key, value in by_identity(sequence(spec.get("destinations")), _wide_destinations):
            yield Violation(project, f"tenant AppProject allows destination {key} {value!r}; list the tenant's "
                                     "clusters and namespaces", f"spec.destinations[{index}].{key}")
        if sequence(spec.get("clusterResourceWhitelist")):
            yield Violation(project, "tenant AppProject allows cluster-scoped resources "
                                     "(clusterResourceWhitelist must be empty)",
                            "spec.clusterResourceWhitelist")


def tenant_app_in_default_project(objects: Sequence[Manifest],
                                  context: PolicyContext) -> Iterator[Violation]:
    for app in applications(objects):
        tenant = labels(app).get(TENANT_LABEL) or labels(app).get(ROLE_LABEL) in TENANT_ROLES
        if tenant and str(dig(app.body, "spec", "project") or "default") == "default":
            yield Violation(app, "tenant Application uses the 'default' project, which allows everything",
                            "spec.project")


