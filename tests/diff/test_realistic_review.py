"""`diff` on the realistic repository (tests/realistic.py), one planted change per test, checked as a reviewer
reads the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from tests.diff.conftest import committed_repo, edit, git
from tests.realistic import build


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build(tmp_path_factory.mktemp("realistic") / "repo")
    committed_repo(root, "the platform")
    return root


@pytest.fixture
def realistic(committed: Path) -> Any:
    """The committed repository; every edit a test makes is undone after it."""
    repo = git.Repo(committed)
    yield committed
    repo.git.reset("-q", "--hard")
    repo.git.clean("-fdq")


def review(capsys: pytest.CaptureFixture[str], root: Path, output: str = "json", base: str = "HEAD") -> Any:
    assert run(["render", "--repo", str(root)]) == 0
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", base, "-o", output]) == 0
    out = capsys.readouterr().out
    return json.loads(out) if output == "json" else out


def bump_in_dev(root: Path) -> None:
    edit(root / "environments" / "dev.yaml", "ingress-nginx: {values:",
         "ingress-nginx: {chart: {version: 4.12.0}, values:")


def test_findings_introduced_in_the_next_environment_count(capsys: pytest.CaptureFixture[str],
                                                           realistic: Path) -> None:
    bump_in_dev(realistic)
    report = review(capsys, realistic)
    assert [c["name"] for c in report["clusters"]] == ["dev-eu1"]
    introduced = report["findings"]["introduced"]
    assert {(f["rule"], f["file"].split("/")[2]) for f in introduced} == {("GG112", "qa-eu1"), ("GG112", "qa-us1")}
    assert report["summary"]["findings"]["introduced"] == 2


def test_an_error_elsewhere_is_not_a_clean_comment(capsys: pytest.CaptureFixture[str], realistic: Path) -> None:
    edit(realistic / "gitops.yaml", "    requiredNamespaceLabels: [cost-center]\n",
         "    requiredNamespaceLabels: [cost-center]\n    rules:\n      GG112: {severity: error}\n")
    assert run(["render", "--repo", str(realistic)]) == 0
    git.Repo(realistic).git.commit("-qam", "GG112 is an error")
    try:
        bump_in_dev(realistic)
        text = review(capsys, realistic, "markdown")
        assert "validation findings introduced: 2" in text
        assert "| error | `GG112` | `Application argocd/qa-eu1-ingress-nginx`" in text
        capsys.readouterr()
        assert run(["validate", "--repo", str(realistic)]) == 1  # what CI says: the comment agrees
    finally:
        git.Repo(realistic).git.reset("-q", "--hard", "HEAD~1")


def test_many_identical_risks_are_one_line(capsys: pytest.CaptureFixture[str], realistic: Path) -> None:
    edit(realistic / "environments" / "prod.yaml", "syncPolicy: {automated: false}", "syncPolicy: {automated: true}")
    report = review(capsys, realistic)
    gd106 = [r for r in report["risks"] if r["rule"] == "GD106"]
    assert len(gd106) > 20  # every production Application
    text = review(capsys, realistic, "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| warning | `GD106` |")]
    assert len(rows) == 1 and f"**{len(gd106)} alike**" in rows[0] and "`prod`: 3 clusters" in rows[0]
    assert all(r["application"] in rows[0] for r in gd106)  # the affected apps, collapsed in the row


def test_a_deletion_where_prune_is_off_stays_until_pruned_by_hand(capsys: pytest.CaptureFixture[str],
                                                                 realistic: Path) -> None:
    edit(realistic / "environments" / "prod.yaml", "tenants: [checkout, ledger,", "tenants: [ledger,")
    report = review(capsys, realistic)
    gd101 = [r for r in report["risks"] if r["rule"] == "GD101" and r["object"]["name"] == "checkout"]
    assert gd101 and all("stays until pruned by hand" in r["message"] for r in gd101)
    assert not any("deletes Namespace checkout" in r["message"] for r in gd101)


def test_a_namespace_rename_is_not_a_wider_project(capsys: pytest.CaptureFixture[str], realistic: Path) -> None:
    tenant = realistic / "blueprints" / "tenants" / "payments" / "checkout.yaml"
    tenant.write_text(tenant.read_text().replace("namespaces: [checkout]", "namespaces: [checkout-v2]")
                      .replace("      namespace: checkout\n", "      namespace: checkout-v2\n"))
    report = review(capsys, realistic)
    rules = {r["rule"] for r in report["risks"]}
    assert "GD109" in rules and "GD105" not in rules
    by_env = {r["cluster"].split("-")[0]: r["message"] for r in report["risks"] if r["rule"] == "GD109"}
    assert "Argo CD deletes checkout" in by_env["dev"]  # dev prunes
    assert "stays until pruned by hand" in by_env["prod"]  # prod does not


def test_render_names_the_files_git_does_not_track_yet(capsys: pytest.CaptureFixture[str], realistic: Path) -> None:
    team = realistic / "blueprints" / "tenants" / "search"
    (team / "suggest.yaml").write_text((team / "query.yaml").read_text().replace("query", "suggest")
                                       .replace("cc-0005", "cc-0099"))
    capsys.readouterr()
    assert run(["render", "--repo", str(realistic)]) == 0
    out = capsys.readouterr().out
    assert "new, not yet in Git (27): rendered/clusters/dev-eu1/application_dev-eu1-suggest-app.yaml" in out
    assert "and 17 more; `git add rendered/`" in out
    git.Repo(realistic).git.add(A=True)
    assert run(["render", "--repo", str(realistic), "--no-cache"]) == 0
    assert "not yet in Git" not in capsys.readouterr().out


FLOW_SCHEMA = """\
        - apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
          kind: FlowSchema
          metadata: {name: tenant-batch}
          spec:
            priorityLevelConfiguration: {name: workload-low}
            matchingPrecedence: 5000
            rules:
              - subjects: [{kind: Group, group: {name: "system:authenticated"}}]
                resourceRules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"]}]
"""


def test_a_removed_api_in_a_shared_base_names_the_environments_hit(capsys: pytest.CaptureFixture[str],
                                                                  realistic: Path) -> None:
    git.Repo(realistic).git.checkout("-q", "-b", "newer-prod")
    try:
        edit(realistic / "environments" / "prod.yaml", 'kubernetesVersion: "1.31"', 'kubernetesVersion: "1.33"')
        assert run(["render", "--repo", str(realistic)]) == 0
        git.Repo(realistic).git.commit("-qam", "prod on 1.33")
        stack = realistic / "blueprints" / "addons" / "platform.yaml"
        stack.write_text(stack.read_text() + FLOW_SCHEMA)
        report = review(capsys, realistic)
        removed = [f for f in report["findings"]["introduced"] if f["rule"] == "removed-api"]
        assert removed and all(f["message"].endswith("(environments hit: prod)") for f in removed)
    finally:
        repo = git.Repo(realistic)
        repo.git.reset("-q", "--hard")
        repo.git.checkout("-q", "main")
