"""A dump made with `kubectl get ns,resourcequota,... -o yaml` holds some kinds only: the desired objects of
the kinds it never listed are unknown (with the command that adds them), not missing; a typed empty list
(`kind: NetworkPolicyList`, `items: []`) says the cluster has none, so those are missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.cli import run


@pytest.fixture(scope="module")
def new_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partial") / "repo"
    assert run(["init", str(root)]) == 0
    return root


NAMESPACE = ("- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: team-a\n"
             "    labels: {app.kubernetes.io/managed-by: gitops-gen}\n")


def drift_json(capsys: pytest.CaptureFixture[str], repo: Path, dump: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run(["drift", "--repo", str(repo), "--env", "dev", "--live-from", str(dump), "-o", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_kinds_the_dump_never_listed_are_unknown(capsys: pytest.CaptureFixture[str], new_repo: Path,
                                                   tmp_path: Path) -> None:
    dump = tmp_path / "dump.yaml"
    dump.write_text("apiVersion: v1\nkind: List\nitems:\n" + NAMESPACE)
    _, report = drift_json(capsys, new_repo, dump)
    by_kind = {(o["object"]["kind"], o["status"]) for o in report["objects"]}
    assert report["summary"]["missing"] == 0
    assert ("Application", "unknown") in by_kind and ("AppProject", "unknown") in by_kind
    quota = next(o for o in report["objects"] if o["object"]["kind"] == "ResourceQuota")
    assert "kubectl get resourcequota -A -o yaml" in quota["reason"]
    assert all(a["sync"] == "Unknown" for a in report["applications"])


def test_a_typed_empty_list_says_there_are_none(capsys: pytest.CaptureFixture[str], new_repo: Path,
                                                 tmp_path: Path) -> None:
    dump = tmp_path / "dump.yaml"
    dump.write_text("apiVersion: v1\nkind: List\nitems:\n" + NAMESPACE +
                    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems: []\n")
    code, report = drift_json(capsys, new_repo, dump)
    status = {o["object"]["kind"]: o["status"] for o in report["objects"]}
    assert status["NetworkPolicy"] == "missing" and status["LimitRange"] == "unknown"
    assert code == 1
