"""`diff` on the realistic repository (tests/realistic.py), one planted change per test, checked as a reviewer
reads the result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from tests.diff.conftest import commit_all, edit, git
from tests.realistic import build


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build(tmp_path_factory.mktemp("realistic") / "repo")
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    commit_all(repo, "the platform")
    return root


@pytest.fixture
def realistic(committed: Path) -> Any:
    """The committed repository; every edit a test makes is undone after it."""
    repo = git.Repo(committed)
    yield committed
    repo.git.checkout("--", ".")
    repo.git.clean("-fdq")


def review(capsys: pytest.CaptureFixture[str], root: Path, output: str = "json") -> Any:
    assert run(["render", "--repo", str(root)]) == 0
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", "main", "-o", output]) == 0
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
