"""The everyday workflow in a real git repository: render leaves git clean, a change shows up as a small diff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitops_gen.cli import run
from tests.conftest import require_tool

git = pytest.importorskip("git", reason="gitpython is not installed")


@pytest.fixture
def git_repo(example_repo: Path) -> git.Repo:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    repo = git.Repo.init(example_repo)
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    repo.git.add(A=True)
    repo.index.commit("platform repository")
    return repo


def changed(repo: git.Repo) -> list[str]:
    return sorted(line[3:] for line in repo.git.status("--porcelain", "--untracked-files=all").splitlines())


@pytest.mark.tools
def test_render_of_a_fresh_clone_leaves_git_clean(git_repo: git.Repo, tmp_path: Path) -> None:
    clone = git.Repo.clone_from(git_repo.working_dir, tmp_path / "clone")
    assert run(["render", "--repo", clone.working_dir]) == 0
    assert changed(clone) == []  # the local cache in .gitops-gen/ ignores itself
    assert run(["render", "--repo", clone.working_dir, "--check"]) == 0


@pytest.mark.tools
def test_a_blueprint_change_is_a_small_reviewable_diff(git_repo: git.Repo) -> None:
    root = Path(git_repo.working_dir)
    prod = root / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("replicaCount: 3", "replicaCount: 4"))
    assert run(["render", "--repo", str(root)]) == 0
    assert changed(git_repo) == [
        "environments/prod.yaml",
        "rendered/clusters/prod-eu1/application_prod-eu1-ingress-nginx.yaml",
    ]
    diff = git_repo.git.diff("rendered/")
    assert "-          replicaCount: 3\n+          replicaCount: 4" in diff


@pytest.mark.tools
def test_removing_a_tenant_deletes_exactly_its_files(git_repo: git.Repo) -> None:
    root = Path(git_repo.working_dir)
    for env in (root / "environments").glob("*.yaml"):
        env.write_text(env.read_text().replace("tenants: [payments, search, checkout]", "tenants: [payments, search]"))
    (root / "blueprints" / "tenants" / "checkout.yaml").unlink()
    assert run(["render", "--repo", str(root)]) == 0
    deleted = [line[3:] for line in git_repo.git.status("--porcelain").splitlines() if line.startswith(" D")]
    assert all("checkout" in path for path in deleted)
    assert any(path.startswith("rendered/tenants/checkout/") for path in deleted)
    assert sum(path.startswith("rendered/clusters/") for path in deleted) == 5 * 3  # project, bundle, app
