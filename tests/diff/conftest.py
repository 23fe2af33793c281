"""A second, independent repository (tests/corpus/globex) in a real git repository, ready for a pull request."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitops_gen.cli import run
from tests.conftest import PROJECT, require_tool

git = pytest.importorskip("git", reason="gitpython is not installed")
GLOBEX = PROJECT / "tests" / "corpus" / "globex"


def commit_all(repo: git.Repo, message: str) -> str:
    repo.git.add(A=True)
    return str(repo.index.commit(message).hexsha)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def pull_request_clone(upstream: git.Repo, where: Path, branch: str = "pr") -> git.Repo:
    """What CI checks out: a clone of ``upstream`` by another author, on a new branch for the pull request."""
    clone = git.Repo.clone_from(upstream.working_dir, where)
    with clone.config_writer() as config:
        config.set_value("user", "name", "Developer")
        config.set_value("user", "email", "dev@example.com")
    clone.git.checkout("-b", branch)
    return clone


def new_repo(root: Path, source: Path = GLOBEX) -> git.Repo:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    shutil.copytree(source, root)
    assert run(["render", "--repo", str(root)]) == 0
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    commit_all(repo, "globex fleet")
    return repo


@pytest.fixture
def globex(tmp_path: Path) -> git.Repo:
    """globex committed on main, checked out on a new branch ``pr``."""
    repo = new_repo(tmp_path / "globex")
    repo.git.checkout("-b", "pr")
    return repo
