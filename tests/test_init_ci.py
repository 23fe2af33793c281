"""The CI templates `init` writes, run as CI runs them on a new repository: their steps in order — the
install step too, with the install requirement pointed at a wheel built from this checkout — on a real git
repository, posting to a stand-in of the GitHub / GitLab comment API (one comment, the workflow's own,
updated by the next push; someone else's comment with the same marker is left alone).  The stand-in and the
step runners are the diff templates' own (tests/diff/test_ci_templates.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from gitops_gen.yamlio.reader import load_plain
from tests.diff.conftest import LocalBuild, commit_all, edit, git, local_build, pull_request_clone
from tests.diff.test_ci_templates import (
    INSTALL,
    MARKER,
    CommentApi,
    api,
    base_env,
    github_steps,
    gitlab_jobs,
    ours,
)
from tests.validate.conftest import run_cli

pytestmark = [pytest.mark.tools, pytest.mark.slow]
__all__ = ["api", "local_build"]  # fixtures


def workspace(tmp_path: Path) -> git.Repo:
    """A repository made by `init`, committed on main, cloned, with a pull request's change on top."""
    upstream_dir = tmp_path / "upstream"
    assert run_cli("init", str(upstream_dir)).code == 0
    upstream = git.Repo.init(upstream_dir, initial_branch="main")
    with upstream.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    commit_all(upstream, "gitops-gen init")
    clone = pull_request_clone(upstream, tmp_path / "workspace")
    root = Path(clone.working_dir)
    edit(root / "environments" / "prod.yaml", "team-a: {tier: medium}", "team-a: {tier: large}")
    assert run(["render", "--repo", str(root)]) == 0
    commit_all(clone, "team-a grows in prod")
    return clone


def push_again(clone: git.Repo) -> None:
    root = Path(clone.working_dir)
    edit(root / "environments" / "dev.yaml", "replicaCount: 1}}}", "replicaCount: 2}}}")
    assert run(["render", "--repo", str(root)]) == 0
    commit_all(clone, "dev runs two ingress replicas")


def github_env(root: Path, tmp_path: Path, api_url: str, build: LocalBuild) -> tuple[dict[str, str], dict[str, str]]:
    known = {"github.base_ref": "main", "secrets.GITHUB_TOKEN": "t0ken", "github.event.pull_request.number": "7",
             "vars.GITOPS_GEN_INSTALL": str(build.wheel), "steps.install.outcome": "success"}
    env = base_env(tmp_path, {"GITHUB_API_URL": api_url, "GITHUB_REPOSITORY": "example-org/platform-gitops",
                              "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}, build.bin)
    return env, known


def run_github(root: Path, tmp_path: Path, api_url: str, build: LocalBuild) -> list[str]:
    workflow = load_plain((root / ".github" / "workflows" / "gitops-gen.yml").read_text())[0]
    env, known = github_env(root, tmp_path, api_url, build)
    return github_steps(workflow, "check", root, env, known)


def test_the_github_workflow_of_a_new_repository(tmp_path: Path, api: str, local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    assert run_github(root, tmp_path, api, local_build) == ["install", "render is current", "validate", "diff",
                                                            "comment"]
    which = subprocess.run(["bash", "-c", "command -v gitops-gen"], env=base_env(tmp_path, {}, local_build.bin),
                           capture_output=True, text=True, check=True).stdout.strip()
    assert which == str(local_build.bin / "gitops-gen")  # the wheel's, not the test's own
    mine = ours()
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text()
    assert "prod-1" in mine[0]["body"] and "dev-1" not in mine[0]["body"]
    (root / "diff.md").unlink()
    push_again(clone)
    run_github(root, tmp_path, api, local_build)
    mine = ours()
    assert len(mine) == 1 and "dev-1" in mine[0]["body"]  # updated in place, not a second comment
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /repos/example-org/platform-gitops/issues/7/comments",
        "PATCH /repos/example-org/platform-gitops/issues/comments/131"]


def test_the_github_comment_step_on_an_empty_diff(tmp_path: Path, api: str, local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    workflow = load_plain((root / ".github" / "workflows" / "gitops-gen.yml").read_text())[0]
    (root / "diff.md").write_text("")  # what a failing diff step leaves
    env, known = github_env(root, tmp_path, api, local_build)
    only_comment = {**workflow, "jobs": {"check": {"steps": [s for s in workflow["jobs"]["check"]["steps"]
                                                             if s.get("name") == "comment"]}}}
    assert github_steps(only_comment, "check", root, env, known) == ["comment"]
    assert not [c for c in CommentApi.calls if not c.startswith("GET")]


def gitlab(root: Path, tmp_path: Path, api_url: str, build: LocalBuild, **extra: str) -> tuple[Any, dict[str, str]]:
    pipeline = load_plain((root / ".gitlab-ci.yml").read_text())[0]
    clone = git.Repo(root)
    base = clone.merge_base("HEAD", "origin/main")[0].hexsha
    env = base_env(tmp_path, {"CI_API_V4_URL": api_url, "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
                              "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_PIPELINE_SOURCE": "merge_request_event",
                              "GITOPS_GEN_INSTALL": str(build.wheel), **extra}, build.bin)
    return pipeline, env


def test_the_gitlab_pipeline_of_a_new_repository(tmp_path: Path, api: str, local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    pipeline, env = gitlab(root, tmp_path, api, local_build, GITOPS_GEN_NOTE_TOKEN="t0ken")
    assert pipeline[".gitops-gen"]["before_script"] == [INSTALL]

    def run_jobs() -> None:
        for name, done in gitlab_jobs(pipeline, ("gitops-gen:check", "gitops-gen:diff"), root, env).items():
            assert done.returncode == 0, f"{name} failed: {done.stdout}{done.stderr}"

    run_jobs()
    assert "<testsuite" in (root / "validate.xml").read_text()
    push_again(clone)
    run_jobs()
    mine = ours()
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text() and "dev-1" in mine[0]["body"]
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /projects/42/merge_requests/7/notes", "PUT /projects/42/merge_requests/7/notes/131"]
    assert pipeline["gitops-gen:drift"]["script"] == ['gitops-gen drift --env "$DRIFT_ENV" -o markdown > drift.md']


def test_gitlab_without_a_note_token_and_with_a_stale_render(tmp_path: Path, api: str,
                                                             local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    pipeline, env = gitlab(root, tmp_path, api, local_build)  # no GITOPS_GEN_NOTE_TOKEN yet
    done = gitlab_jobs(pipeline, ("gitops-gen:diff",), root, env)["gitops-gen:diff"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GITOPS_GEN_NOTE_TOKEN is not set: no merge-request note" in done.stdout
    assert (root / "diff.md").read_text().startswith(MARKER) and not CommentApi.calls
    edit(root / "environments" / "dev.yaml", "replicaCount: 1}}}", "replicaCount: 2}}}")  # not rendered
    done = gitlab_jobs(pipeline, ("gitops-gen:check",), root, env)["gitops-gen:check"]
    assert done.returncode == 1  # the job fails on the stale render...
    assert "<testsuite" in (root / "validate.xml").read_text()  # ...and validate still reached the report
