"""A second, independent repository (tests/corpus/globex) in a real git repository, ready for a pull request."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
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


def committed_repo(root: Path, message: str) -> git.Repo:
    """``root`` as a Git repository on ``main``, everything in it committed by the platform's bot."""
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    commit_all(repo, message)
    return repo


def new_repo(root: Path, source: Path = GLOBEX) -> git.Repo:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    shutil.copytree(source, root)
    assert run(["render", "--repo", str(root)]) == 0
    return committed_repo(root, "globex fleet")


@pytest.fixture
def globex(tmp_path: Path) -> git.Repo:
    """globex committed on main, checked out on a new branch ``pr``."""
    repo = new_repo(tmp_path / "globex")
    repo.git.checkout("-b", "pr")
    return repo


@dataclass(frozen=True)
class LocalBuild:
    """gitops-gen as a user's CI gets it: a wheel built from this checkout, and a fresh virtualenv whose `pip`
    installs it (the dependencies come from the test's own environment, so nothing else is downloaded)."""

    wheel: Path
    bin: Path


@pytest.fixture(scope="session")
def local_build(tmp_path_factory: pytest.TempPathFactory) -> LocalBuild:
    where = tmp_path_factory.mktemp("local-build")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(where / "dist"),
                            str(PROJECT)], capture_output=True, text=True, check=False, timeout=600)
    wheels = sorted((where / "dist").glob("gitops_gen-*.whl"))
    require_tool(built.returncode == 0 and bool(wheels), f"cannot build the wheel: {built.stderr[-500:]}")
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    deps = where / "deps"
    deps.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(("gitops_gen", "__editable__", "_gitops_gen")):
            (deps / entry.name).symlink_to(entry)
    (next(venv.glob("lib/python*/site-packages")) / "test-dependencies.pth").write_text(f"{deps}\n")
    return LocalBuild(wheels[0], venv / "bin")
