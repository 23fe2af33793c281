"""Every policy rule against its own PASSED / FAILED fixtures (checkov style).

Convention: a FAILED fixture reports exactly the objects whose name starts with ``bad-``; a PASSED
fixture reports nothing.  Fixtures run with a production context (env ``prod``).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from gitops_gen.base.manifest import Manifest
from gitops_gen.base.severity import Severity
from gitops_gen.validate.policy import RULES, PolicyContext, run_rules
from gitops_gen.yamlio.reader import load_plain

FIXTURES = Path(__file__).parent / "fixtures"
CONTEXT = PolicyContext(env="prod", production=True, kubernetes_version="1.31", cluster="prod-eu1",
                        argocd_namespace="argocd", repo_url="https://github.com/acme/platform-gitops.git",
                        today=datetime.date(2026, 1, 15), promotes_from="stage",
                        upstream_revisions=frozenset({("cert-manager", "v1.16.2"), ("cert-manager", "v1.17.1"),
                                                      ("podinfo-dashboards", "v1.2.0"), ("cluster-issuers", "main")}))


def load(name: str) -> list[Manifest]:
    text = (FIXTURES / name).read_text()
    return [Manifest(doc, path=name) for doc in load_plain(text) if doc]


def test_every_rule_has_both_fixtures_and_every_fixture_a_rule() -> None:
    names = {p.name for p in FIXTURES.glob("GG*.yaml")}
    expected = {f"{rule}-{verdict}.yaml" for rule in RULES for verdict in ("PASSED", "FAILED")}
    assert names == expected


def test_registry_is_consistent() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.rationale and "\n" not in rule.rationale
        assert isinstance(rule.severity, Severity)
    assert len({r.name for r in RULES.values()}) == len(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_passed_fixture_reports_nothing(rule_id: str) -> None:
    violations = list(RULES[rule_id].check(load(f"{rule_id}-PASSED.yaml"), CONTEXT))
    assert violations == []


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_failed_fixture_reports_exactly_the_bad_objects(rule_id: str) -> None:
    objects = load(f"{rule_id}-FAILED.yaml")
    violations = list(RULES[rule_id].check(objects, CONTEXT))
    bad = {m.ref.name for m in objects if m.ref.name.startswith("bad-")}
    assert bad, "a FAILED fixture needs bad-* objects"
    assert {v.obj.ref.name for v in violations} == bad
    assert all(v.message for v in violations)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_run_rules_reports_the_rule_with_id_severity_and_file(rule_id: str) -> None:
    findings = [f for f in run_rules(load(f"{rule_id}-FAILED.yaml"), CONTEXT) if f.rule == rule_id]
    assert findings
    assert {f.severity for f in findings} == {RULES[rule_id].severity}
    assert {f.file for f in findings} == {f"{rule_id}-FAILED.yaml"}


def test_field_paths_point_at_the_offending_field() -> None:
    findings = run_rules(load("GG105-FAILED.yaml"), CONTEXT)
    paths = {(f.ref.name if f.ref else "", f.path) for f in findings if f.rule == "GG105"}
    assert ("bad-untagged-init", "spec.jobTemplate.spec.template.spec.initContainers[0].image") in paths
    assert ("bad-latest", "spec.template.spec.containers[0].image") in paths
    assert ("bad-pod", "spec.containers[0].image") in paths


def test_production_only_rules_are_quiet_outside_production() -> None:
    dev = PolicyContext(env="dev", production=False)
    for rule_id in ("GG106", "GG109"):
        assert list(RULES[rule_id].check(load(f"{rule_id}-FAILED.yaml"), dev)) == []


def test_sources_in_the_gitops_repo_may_track_its_branch() -> None:
    objects = load("GG106-PASSED.yaml")
    other_repo = PolicyContext(env="prod", production=True, repo_url="https://github.com/acme/other.git")
    reported = {v.obj.ref.name for v in RULES["GG106"].check(objects, other_repo)}
    assert reported == {"dashboards"}


@pytest.mark.parametrize(("image", "pinned"), [
    ("nginx", False), ("nginx:latest", False), ("registry:5000/nginx", False),
    ("registry:5000/nginx:1.27", True), ("nginx@sha256:" + "a" * 64, True), ("nginx:1.27.0", True),
    ("nginx:", False), ("", False),
])
def test_image_pinning(image: str, pinned: bool) -> None:
    from gitops_gen.validate.policy.images import unpinned_image

    assert (unpinned_image(image) is None) is pinned
