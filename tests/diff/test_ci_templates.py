"""The pull-request CI templates, run as CI runs them: their commands in order, on a real git repository,
posting to a stand-in of the GitHub / GitLab comment API (one comment, updated by the next push)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gitops_gen.cli import run
from gitops_gen.yamlio.reader import load_plain
from tests.conftest import PROJECT
from tests.diff.conftest import LocalBuild, commit_all, edit, git, local_build, new_repo, pull_request_clone

pytestmark = [pytest.mark.tools, pytest.mark.slow]
__all__ = ["local_build"]  # a fixture
CI = PROJECT / "docs" / "ci"


MARKER = "<!-- gitops-gen diff -->"
# Who the CI token writes as (GitHub's GITHUB_TOKEN: github-actions[bot]; GitLab: the project token's bot user).
BOT = {"user": {"login": "github-actions[bot]", "type": "Bot"}, "author": {"id": 77, "username": "project_42_bot"}}
HUMAN = {"user": {"login": "alice", "type": "User"}, "author": {"id": 5, "username": "alice"}}
SOMEONE = {"user": {"login": "mallory", "type": "User"}, "author": {"id": 6, "username": "mallory"}}


def earlier_comments() -> dict[int, dict[str, Any]]:
    """130 review comments by people; one of them (3) starts with the marker but is not the workflow's."""
    comments = {n: {"id": n, "body": f"an earlier review comment {n}", **HUMAN} for n in range(1, 131)}
    comments[3] = {"id": 3, "body": f"{MARKER}\nnot a diff: someone else's comment", **SOMEONE}
    return comments


class CommentApi(BaseHTTPRequestHandler):
    """Just enough of GitHub's issue comments and GitLab's merge-request notes: list, create, update, and
    GitLab's current user; every comment carries its author as both APIs name it."""

    comments: ClassVar[dict[int, dict[str, Any]]] = {}
    calls: ClassVar[list[str]] = []

    def _reply(self, status: int, data: Any) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> dict[str, Any]:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))  # type: ignore[no-any-return]

    def _authorised(self) -> bool:
        ok = self.headers.get("Authorization") == "Bearer t0ken" or self.headers.get("PRIVATE-TOKEN") == "t0ken"
        if not ok:
            self._reply(401, {"message": "Bad credentials"})
        return ok

    def do_GET(self) -> None:
        self.calls.append(f"GET {self.path}")
        if self.path.split("?")[0] == "/user" and self._authorised():
            self._reply(200, BOT["author"])
        elif self._authorised():
            page = int(re.search(r"[?&]page=(\d+)", self.path).group(1))  # type: ignore[union-attr]
            items = [c for _, c in sorted(self.comments.items())]
            self._reply(200, items[(page - 1) * 100: page * 100])

    def do_POST(self) -> None:
        self.calls.append(f"POST {self.path}")
        if self._authorised():
            new_id = max(self.comments, default=0) + 1
            self.comments[new_id] = {"id": new_id, "body": self._body()["body"], **BOT}
            self._reply(201, self.comments[new_id])

    def _update(self) -> None:
        self.calls.append(f"{self.command} {self.path}")
        if self._authorised():
            number = int(self.path.rsplit("/", 1)[1])
            assert self.comments[number]["user"] == BOT["user"], "a template edited someone else's comment"
            self.comments[number]["body"] = self._body()["body"]
            self._reply(200, self.comments[number])

    do_PATCH = do_PUT = _update

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    CommentApi.comments = earlier_comments()
    CommentApi.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), CommentApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def workspace(tmp_path: Path) -> git.Repo:
    """What CI checks out: a clone of the platform repository, the pull request's branch on top."""
    upstream = new_repo(tmp_path / "upstream")
    clone = pull_request_clone(upstream, tmp_path / "workspace")
    root = Path(clone.working_dir)
    edit(root / "environments" / "staging.yaml", "  overrides:\n    addons:\n      kyverno",
         "  overrides:\n    tenants:\n      ledger: {tier: m}\n    addons:\n      kyverno")
    assert run(["render", "--repo", str(root)]) == 0
    commit_all(clone, "ledger grows on staging")
    return clone


def push_again(clone: git.Repo) -> None:
    root = Path(clone.working_dir)
    edit(root / "environments" / "qa.yaml", "tenants: [storefront, ledger, identity]",
         "tenants: [storefront, identity]")
    assert run(["render", "--repo", str(root)]) == 0
    commit_all(clone, "ledger leaves qa")


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=600)


def base_env(tmp_path: Path, extra: dict[str, str], bin_dir: Path | None = None) -> dict[str, str]:
    """The runner's environment: ``bin_dir`` (the fresh virtualenv the install step installs into) first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "GIT_", "VIRTUAL_ENV"))}
    first = bin_dir or Path(sys.executable).parent
    env["PATH"] = f"{first}{os.pathsep}{env.get('PATH', '')}"
    return {**env, **extra}


INSTALL = 'python -m pip install "$GITOPS_GEN_INSTALL"'


def github_steps(workflow: dict[str, Any], job: str, root: Path, env: dict[str, str], known: dict[str, str],
                 skip: tuple[str, ...] = ()) -> list[str]:
    """Run a workflow job's `run` steps in order as the runner does (actions are the runner's own); a step
    that fails fails the test unless its name is in ``skip``.  Returns the names of the steps run."""
    env = {**env, **{k: expand(str(v), known) for k, v in (workflow.get("env") or {}).items()}}
    ran = []
    for step in workflow["jobs"][job]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", step["uses"]), f"{step['uses']}: pin actions by commit"
            if step["uses"].startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False
            continue
        step_env = {**env, **{k: expand(str(v), known) for k, v in (step.get("env") or {}).items()}}
        done = shell(step["run"], root, step_env)
        assert done.returncode == 0 or step["name"] in skip, f"step {step['name']!r} failed: {done.stdout}{done.stderr}"
        ran.append(step["name"])
    return ran


def expand(value: str, known: dict[str, str]) -> str:
    """``${{ expr }}`` as the runner evaluates it, for the expressions the templates use (``a || 'default'``)."""
    def one(match: re.Match[str]) -> str:
        for alternative in (a.strip() for a in match.group(1).split("||")):
            if alternative.startswith("'") and alternative.endswith("'"):
                return alternative[1:-1]
            assert alternative in known, f"the test does not know the expression {match.group(0)}"
            if known[alternative]:
                return known[alternative]
        return ""
    return re.sub(r"\$\{\{\s*(.+?)\s*\}\}", one, value)


def run_github(clone: git.Repo, tmp_path: Path, api: str, build: LocalBuild) -> list[str]:
    workflow = load_plain((CI / "github-pull-request.yml").read_text())[0]
    known = {"github.base_ref": "main", "secrets.GITHUB_TOKEN": "t0ken", "github.event.pull_request.number": "7",
             "vars.GITOPS_GEN_INSTALL": str(build.wheel)}
    env = base_env(tmp_path, {"GITHUB_API_URL": api, "GITHUB_REPOSITORY": "globex/fleet-gitops",
                              "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
                              "GITHUB_PATH": str(tmp_path / "path"), "GITHUB_OUTPUT": str(tmp_path / "output")},
                   build.bin)
    return github_steps(workflow, "check", Path(clone.working_dir), env, known)


def ours() -> list[dict[str, Any]]:
    """The workflow's comments; someone else's marker comment (3) must be as it was."""
    assert CommentApi.comments[3] == earlier_comments()[3]
    return [c for c in CommentApi.comments.values() if c["body"].startswith(MARKER) and c["user"] == BOT["user"]]


def test_github_pull_request_workflow(tmp_path: Path, api: str, local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    assert run_github(clone, tmp_path, api, local_build) == ["install", "render is current", "validate", "diff",
                                                             "comment"]
    root = Path(clone.working_dir)
    mine = ours()
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text()
    assert "staging-use1" in mine[0]["body"] and "qa-use1" not in mine[0]["body"]
    assert (tmp_path / "summary.md").read_text() == (root / "diff.md").read_text()
    assert json.loads((root / "diff.json").read_text())["version"] == 1 and (root / "diff.html").is_file()
    for name in ("diff.md", "diff.html", "diff.json"):
        (root / name).unlink()
    push_again(clone)
    run_github(clone, tmp_path, api, local_build)
    mine = ours()
    assert len(mine) == 1 and "qa-use1" in mine[0]["body"]  # updated in place, not a second comment
    assert len(CommentApi.comments) == 131
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /repos/globex/fleet-gitops/issues/7/comments", "PATCH /repos/globex/fleet-gitops/issues/comments/131"]


def gitlab_jobs(pipeline: dict[str, Any], names: tuple[str, ...], root: Path,
                env: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run jobs as the runner does: the template's variables (CI/CD variables in ``env`` win), before_script and
    script in one shell, stopping at the first failing line."""
    codes = {}
    for name in names:
        job = pipeline[name]
        template = pipeline[job["extends"]]
        variables = {k: str(v) for k, v in {**template.get("variables", {}), **job.get("variables", {})}.items()}
        job_env = {**variables, **env}
        script = "\n".join([*template["before_script"], *job["script"]])
        codes[name] = shell(script, root, job_env)
    return codes


def run_gitlab(clone: git.Repo, tmp_path: Path, api: str, build: LocalBuild) -> list[str]:
    pipeline = load_plain((CI / "gitlab-merge-request.yml").read_text())[0]
    base = clone.merge_base("HEAD", "origin/main")[0].hexsha
    env = base_env(tmp_path, {"CI_API_V4_URL": api, "CI_PROJECT_ID": "42", "CI_MERGE_REQUEST_IID": "7",
                              "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "GITOPS_GEN_NOTE_TOKEN": "t0ken",
                              "CI_PIPELINE_SOURCE": "merge_request_event", "GITOPS_GEN_INSTALL": str(build.wheel)},
                   build.bin)
    assert pipeline[".gitops-gen"]["before_script"] == [INSTALL]
    codes = gitlab_jobs(pipeline, ("gitops-gen:check", "gitops-gen:diff"), Path(clone.working_dir), env)
    for name, done in codes.items():
        assert done.returncode == 0, f"{name} failed: {done.stdout}{done.stderr}"
    return ["gitops-gen:check", "gitops-gen:diff"]


def test_gitlab_merge_request_pipeline(tmp_path: Path, api: str, local_build: LocalBuild) -> None:
    clone = workspace(tmp_path)
    assert run_gitlab(clone, tmp_path, api, local_build) == ["gitops-gen:check", "gitops-gen:diff"]
    root = Path(clone.working_dir)
    assert "<testsuite" in (root / "validate.xml").read_text()
    push_again(clone)
    run_gitlab(clone, tmp_path, api, local_build)
    mine = ours()
    assert len(mine) == 1 and mine[0]["body"] == (root / "diff.md").read_text() and "qa-use1" in mine[0]["body"]
    assert [c.split("?")[0] for c in CommentApi.calls if not c.startswith("GET")] == [
        "POST /projects/42/merge_requests/7/notes", "PUT /projects/42/merge_requests/7/notes/131"]
