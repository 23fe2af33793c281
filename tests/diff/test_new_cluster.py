"""A new cluster in `diff`: its root Application and its own Applications are added; the shared bootstrap
(gitops-gen-bootstrap, its AppProject, gitops-gen-root, argocd-cm), which already runs in Argo CD for every
cluster, is not listed as added under it, and the counts say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.cli import run
from tests.diff.conftest import committed_repo, edit, git

SHARED = {("Application", "gitops-gen-bootstrap"), ("AppProject", "gitops-gen-bootstrap"),
          ("AppProject", "gitops-gen-root"), ("ConfigMap", "argocd-cm")}


@pytest.fixture
def scaffolded(tmp_path: Path) -> git.Repo:
    root = tmp_path / "repo"
    assert run(["init", str(root)]) == 0
    return committed_repo(root, "init")


def diff_json(capsys: pytest.CaptureFixture[str], root: Path) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", "main", "-o", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_a_new_cluster_does_not_add_the_shared_bootstrap(capsys: pytest.CaptureFixture[str],
                                                         scaffolded: git.Repo) -> None:
    root = Path(scaffolded.working_dir)
    edit(root / "environments" / "prod.yaml", "    - {name: prod-1, server: https://prod-1.k8s.example.internal}\n",
         "    - {name: prod-1, server: https://prod-1.k8s.example.internal}\n"
         "    - {name: prod-2, server: https://prod-2.k8s.example.internal}\n")
    assert run(["render", "--repo", str(root)]) == 0
    report = diff_json(capsys, root)
    (cluster,) = report["clusters"]
    assert cluster["name"] == "prod-2"
    apps = {a["name"]: a for a in cluster["applications"]}
    listed = {(o["object"]["kind"], o["object"]["name"]) for a in apps.values() for o in a["objects"]}
    listed |= {("Application", name) for name in apps}
    assert not listed & SHARED
    assert "root-prod-2" in apps and all(a["status"] == "added" for a in apps.values())
    assert report["summary"]["applications"]["added"] == len(apps) == 7  # prod-2's own 6 and its root
