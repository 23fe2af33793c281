"""The CI templates `init` writes, run as CI runs them on a new repository: their commands in order, on a
real git repository, posting to a stand-in of the GitHub / GitLab comment API (one comment, updated by the
next push). The stand-in and the step runner are the diff templates' own (tests/diff/test_ci_templates.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_gen.cli import run
from gitops_gen.yamlio.reader import load_plain
from tests.diff.conftest import commit_all, edit, git, pull_request_clone
from tests.diff.test_ci_templates import CommentApi, api, base_env, expand, shell
from tests.validate.conftest import run_cli

pytestmark = [pytest.mark.tools, pytest.mark.slow]
__all__ = ["api"]  # the comment API stand-in, a fixture
MARKER = "<!-- gitops-gen diff -->"


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


def run_github(root: Path, tmp_path: Path, api_url: str) -> list[str]:
    workflow = load_plain((root / ".github" / "workflows" / "gitops-gen.yml").read_text())[0]
    known = {"github.base_ref": "main", "secrets.GITHUB_TOKEN": "t0ken", "github.event.pull_request.number": "7"}
    env = base_env(tmp_path, {"GITHUB_API_URL": api_url, "GITHUB_REPOSITORY": "example-org/platform-gitops",
                              "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    ran = []
    for step in workflow["jobs"]["check"]["steps"]:
        if "uses" in step or step.get("id") == "install":  # actions and the network install: what the runner does
            continue
        step_env = {**env, **{k: expand(str(v), known) for k, v in (step.get("env") or {}).items()}}
        done = shell(step["run"], root, step_env)
        assert done.returncode == 0, f"step {step['name']!r} failed: {done.stdout}{done.stderr}"
        ran.append(step["name"])
    return ran


def test_the_github_workflow_of_a_new_repository(tmp_path: Path, api: str) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    assert run_github(root, tmp_path, api) == ["render is current", "validate", "diff", "comment"]
    mine = [c for c in CommentApi.comments.values() if c["body"].startswith(MARKER)]
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text()
    assert "prod-1" in mine[0]["body"] and "dev-1" not in mine[0]["body"]
    (root / "diff.md").unlink()
    push_again(clone)
    run_github(root, tmp_path, api)
    mine = [c for c in CommentApi.comments.values() if c["body"].startswith(MARKER)]
    assert len(mine) == 1 and "dev-1" in mine[0]["body"]  # updated in place, not a second comment
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /repos/example-org/platform-gitops/issues/7/comments",
        "PATCH /repos/example-org/platform-gitops/issues/comments/131"]


def test_the_gitlab_pipeline_of_a_new_repository(tmp_path: Path, api: str) -> None:
    clone = workspace(tmp_path)
    root = Path(clone.working_dir)
    pipeline = load_plain((root / ".gitlab-ci.yml").read_text())[0]

    def run_jobs() -> None:
        base = clone.merge_base("HEAD", "origin/main")[0].hexsha
        env = base_env(tmp_path, {"CI_API_V4_URL": api, "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
                                  "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "GITOPS_GEN_NOTE_TOKEN": "t0ken",
                                  "CI_PIPELINE_SOURCE": "merge_request_event"})
        for name in ("gitops-gen:check", "gitops-gen:diff"):
            job = pipeline[name]
            template = pipeline[job["extends"]]
            assert template["before_script"][0].startswith("pip install")  # the network install: the runner's
            job_env = {**env, **{k: str(v) for k, v in template["variables"].items()}}
            for line in job["script"]:
                done = shell(line, root, job_env)
                assert done.returncode == 0, f"{name}: {line!r} failed: {done.stdout}{done.stderr}"

    run_jobs()
    assert "<testsuite" in (root / "validate.xml").read_text()
    push_again(clone)
    run_jobs()
    mine = [c for c in CommentApi.comments.values() if c["body"].startswith(MARKER)]
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text() and "dev-1" in mine[0]["body"]
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /projects/42/merge_requests/7/notes", "PUT /projects/42/merge_requests/7/notes/131"]
    assert pipeline["gitops-gen:drift"]["script"] == ['gitops-gen drift --env "$DRIFT_ENV" -o markdown > drift.md']
