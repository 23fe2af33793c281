"""Field paths, Secret redaction and each risk rule, on small hand-made objects (pure, fast)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_gen.base.manifest import ObjectRef, ref_of
from gitops_gen.base.redact import REDACTED
from gitops_gen.diff.clusters import ClusterPair, compare_cluster
from gitops_gen.diff.fields import field_changes
from gitops_gen.diff.model import FieldChange
from gitops_gen.diff.risks import RULES, assess, renames


def test_paths_name_keys_lists_by_name_and_odd_keys() -> None:
    base = {"spec": {"hard": {"limits.cpu": "8", "pods": 10},
                     "containers": [{"name": "app", "image": "a:1"}, {"name": "side", "image": "s:1"}],
                     "args": ["a", "b"], "ports": [1, 2]}}
    head = {"spec": {"hard": {"limits.cpu": "16", "pods": 10},
                     "containers": [{"name": "side", "image": "s:1"}, {"name": "app", "image": "a:2"}],
                     "args": ["a", "c"], "ports": [1, 2, 3], "new": {"x": 1}}}
    assert field_changes(base, head) == (
        FieldChange("spec.args[1]", "b", "c"),
        FieldChange("spec.containers[name=app].image", "a:1", "a:2"),
        FieldChange('spec.hard["limits.cpu"]', "8", "16"),
        FieldChange("spec.new", None, {"x": 1}),
        FieldChange("spec.ports", [1, 2], [1, 2, 3]),
    )


secret_values = st.dictionaries(st.text("abcxyz", min_size=1, max_size=4), st.text(min_size=1, max_size=8),
                                max_size=4)


@given(secret_values, secret_values, secret_values, secret_values)
def test_a_secret_shows_which_keys_changed_never_a_value(a: dict[str, str], b: dict[str, str],
                                                         c: dict[str, str], d: dict[str, str]) -> None:
    ref = ObjectRef("v1", "Secret", "ns", "s")
    base = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "ns"}, "data": a,
            "stringData": b}
    head = {**base, "data": c, "stringData": d or None}
    for change in field_changes(base, head, ref):
        assert change.base in (None, REDACTED) and change.head in (None, REDACTED)
        field, _, key = change.path.partition(".")
        assert field in ("data", "stringData") and key


def app(name: str, *, chart: str = "", version: str = "", automated: dict[str, Any] | None = None,
        finalizer: bool = False, role: str = "addon", namespace: str = "ns") -> dict[str, Any]:
    source = {"repoURL": "https://charts.example", "chart": chart, "targetRevision": version} if chart else {
        "repoURL": "https://git.example/x.git", "path": f"deploy/{namespace}", "targetRevision": "main"}
    meta: dict[str, Any] = {"name": name, "namespace": "argocd", "labels": {"gitops-gen.io/role": role}}
    if finalizer:
        meta["finalizers"] = ["resources-finalizer.argocd.argoproj.io"]
    spec: dict[str, Any] = {"project": "p", "source": source, "destination": {"server": "s", "namespace": namespace}}
    if automated is not None:
        spec["syncPolicy"] = {"automated": automated}
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta, "spec": spec}


def project(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": {"name": "team", "namespace": "argocd"}, "spec": spec}


def ns(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def cm(name: str, namespace: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace}}


def deploy(selector: dict[str, str], replicas: int = 1) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": selector}}}


def crd(*versions: str) -> dict[str, Any]:
    return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "versions": [{"name": v, "served": True} for v in versions]}}


def pair(base: list[dict[str, Any]], head: list[dict[str, Any]], production: bool = True) -> ClusterPair:
    old, new = {ref_of(b): b for b in base}, {ref_of(b): b for b in head}
    changed = frozenset(r for r in old.keys() | new.keys() if old.get(r) != new.get(r))
    return ClusterPair("c1", "prod" if production else "dev", production, old, new,
                       {r: "c1-team" for r in changed if r.kind != "Application"}, changed)


def rules(p: ClusterPair) -> list[tuple[str, str]]:
    return sorted((r.rule, r.severity.value) for r in assess(p, compare_cluster(p)))


CASES = {
    "GD101 namespace deleted in production": (
        [ns("team"), cm("x", "team")], [], True, [("GD101", "error")]),
    "GD101 not outside production": ([ns("team")], [], False, []),
    "GD102 other object deleted in production": ([ns("team"), cm("x", "team")], [ns("team")], True,
                                                 [("GD102", "warning")]),
    "GD103 removed, finalizer, production": ([app("a", finalizer=True)], [], True, [("GD103", "error")]),
    "GD103 removed without finalizer": ([app("a")], [], True, [("GD103", "warning")]),
    "GD104 renamed": ([app("old-name")], [app("new-name")], False, [("GD104", "warning")]),
    "GD105 project grants a repo": (
        [project(sourceRepos=["a"], destinations=[])], [project(sourceRepos=["a", "b"], destinations=[])], False,
        [("GD105", "warning")]),
    "GD105 project lifts a blacklist": (
        [project(namespaceResourceBlacklist=[{"group": "", "kind": "ResourceQuota"}])], [project()], False,
        [("GD105", "warning")]),
    "GD105 project grants less": ([project(sourceRepos=["a", "b"])], [project(sourceRepos=["a"])], False, []),
    "GD106 automated in production": ([app("a")], [app("a", automated={"prune": False})], True,
                                      [("GD106", "warning")]),
    "GD106/GD107 automated with prune": ([app("a")], [app("a", automated={"prune": True})], True,
                                         [("GD106", "warning"), ("GD107", "error")]),
    "GD107 prune turned on": ([app("a", automated={"prune": False})], [app("a", automated={"prune": True})], True,
                              [("GD107", "error")]),
    "GD107 not outside production": ([app("a")], [app("a", automated={"prune": True})], False, []),
    "GD108 chart major bump": ([app("a", chart="c", version="v1.16.2")], [app("a", chart="c", version="v2.0.0")],
                               False, [("GD108", "warning")]),
    "GD108 minor bump is fine": ([app("a", chart="c", version="4.11.3")], [app("a", chart="c", version="4.12.0")],
                                 False, []),
    "GD109 namespace renamed, any environment": ([ns("team"), cm("x", "team")], [ns("team-v2"), cm("x", "team-v2")],
                                                 False, [("GD109", "warning")]),
    "GD109 and GD101 in production": ([ns("team")], [ns("team-v2")], True, [("GD101", "error"), ("GD109", "warning")]),
    "GD109 not for a namespace only added": ([ns("team")], [ns("team"), ns("extra")], False, []),
    "GD110 a Deployment's selector changed": ([deploy({"app": "web"})], [deploy({"app": "web", "v": "2"})], False,
                                              [("GD110", "error")]),
    "GD110 not for a mutable field": ([deploy({"app": "web"})], [deploy({"app": "web"}, replicas=3)], False, []),
    "GD111 a CRD stops serving a version": ([crd("v1alpha1", "v1")], [crd("v1")], False, [("GD111", "warning")]),
    "GD111 not for a version added": ([crd("v1")], [crd("v1", "v2")], False, []),
    "GD108 non-semver ignored": ([app("a", chart="c", version="latest")], [app("a", chart="c", version="2.0")],
                                 False, []),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_risk_rules(case: str) -> None:
    base, head, production, expected = CASES[case]
    assert rules(pair(base, head, production)) == expected


def test_every_rule_has_a_case_and_ids_are_stable() -> None:
    covered = {rule for *_, expected in CASES.values() for rule, _ in expected}
    assert covered == set(RULES)
    assert all(rule.startswith("GD") and len(rule) == 5 for rule in RULES)


def test_a_rename_pairs_by_role_and_source_or_namespace() -> None:
    p = pair([app("c1-pay-api", role="tenant-app", namespace="pay"), app("c1-other", role="addon", namespace="o")],
             [app("c1-billing-api", role="tenant-app", namespace="pay"), app("c1-new", role="addon", namespace="n")],
             False)
    assert renames(p) == {"c1-pay-api": "c1-billing-api"}


def test_a_new_application_in_an_automated_production_is_no_policy_change() -> None:
    assert rules(pair([], [app("a", automated={"prune": True})], True)) == []
