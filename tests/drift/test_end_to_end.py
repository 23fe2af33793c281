"""Render the example repository, dump it as noisy live clusters, edit, and drift-check offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from drift_support import serverize

from gitops_gen.cli import run
from gitops_gen.yamlio.emit import dump_documents

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (ROOT / "gitops.yaml").exists(), reason="example repository not present")


def _desired() -> dict[str, list[dict[str, Any]]]:
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render

    rendering = render(load_repo(ROOT), ["prod"])
    return {cluster: [dict(m.body) for m in manifests] for cluster, manifests in rendering.desired.items()}


@pytest.fixture(scope="module")
def live() -> dict[str, list[dict[str, Any]]]:
    return {
        cluster: [serverize(body, i) for i, body in enumerate(bodies)]
        for cluster, bodies in _desired().items()
    }


def _write(tmp_path: Path, live: dict[str, list[dict[str, Any]]]) -> Path:
    """prod-eu1 as a ``kubectl get -o json`` List, prod-us1 as a folder of multi-document YAML."""
    dumps = tmp_path / "dumps"
    (dumps / "prod-us1").mkdir(parents=True)
    (dumps / "prod-eu1.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "List", "items": live["prod-eu1"]})
    )
    (dumps / "prod-us1" / "all.yaml").write_text(dump_documents(live["prod-us1"]))
    return dumps


def _drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = run(["drift", "--repo", str(ROOT), "--env", "prod", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_noisy_but_equal_clusters_are_in_sync(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, live: dict[str, list[dict[str, Any]]]
) -> None:
    code, out = _drift(capsys, "--live-from", str(_write(tmp_path, live)), "-o", "json")
    data = json.loads(out)
    assert [o for o in data["objects"] if o["status"] != "in_sync"] == []
    assert [c["name"] for c in data["clusters"]] == ["prod-eu1", "prod-us1"]
    assert all(a["sync"] == "Synced" for a in data["applications"])
    assert code == 0


def test_edits_deletions_leftovers_and_out_of_sync_are_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, live: dict[str, list[dict[str, Any]]]
) -> None:
    eu1 = json.loads(json.dumps(live["prod-eu1"]))

    def pick(kind: str, namespace: str, name: str) -> dict[str, Any]:
        return next(
            o
            for o in eu1
            if o["kind"] == kind
            and o["metadata"]["name"] == name
            and o["metadata"].get("namespace", "") == namespace
        )

    pick("ResourceQuota", "payments-api", "tenant-quota")["spec"]["hard"]["requests.cpu"] = "96"
    eu1.remove(pick("NetworkPolicy", "payments-api", "default-deny-ingress"))
    eu1.append(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "data": {"k": "v"},
            "metadata": {
                "name": "retired-flags",
                "namespace": "payments-api",
                "uid": "1",
                "resourceVersion": "9",
                "labels": {"app.kubernetes.io/managed-by": "gitops-gen", "gitops-gen.io/tenant": "payments"},
            },
        }
    )
    pick("Application", "argocd", "prod-eu1-payments-api")["status"]["sync"]["status"] = "OutOfSync"
    dumps = _write(tmp_path, {**live, "prod-eu1": eu1})

    code, out = _drift(capsys, "--cluster", "prod-eu1", "--live-from", str(dumps), "-o", "json")
    data = json.loads(out)
    assert code == 1
    drifted = [
        (o["status"], o["object"]["kind"], o["object"]["namespace"], o["object"]["name"], o["changes"])
        for o in data["objects"]
        if o["status"] != "in_sync"
    ]
    assert sorted(drifted) == [
        ("extra", "ConfigMap", "payments-api", "retired-flags", []),
        ("missing", "NetworkPolicy", "payments-api", "default-deny-ingress", []),
        (
            "modified",
            "ResourceQuota",
            "payments-api",
            "tenant-quota",
            [{"path": 'spec.hard["requests.cpu"]', "desired": "64", "live": "96"}],
        ),
    ]
    assert [a["name"] for a in data["applications"] if a["drift"]] == ["prod-eu1-payments-api"]

    code, out = _drift(capsys, "--cluster", "prod-eu1", "--live-from", str(dumps), "-o", "markdown")
    assert code == 1
    assert "| `prod-eu1` | " in out and '| `spec.hard["requests.cpu"]` | `"64"` | `"96"` |' in out
    assert "| `prod-eu1-payments-api` | `OutOfSync` | `Healthy` | `Succeeded` | yes |" in out


def test_unknown_cluster_and_env_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["drift", "--repo", str(ROOT), "--env", "prod", "--cluster", "nope", "--live-from", "."]) == 2
    assert "has no cluster 'nope' (clusters: prod-eu1, prod-us1)" in capsys.readouterr().err
    assert run(["drift", "--repo", str(ROOT), "--env", "qa", "--live-from", "."]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err
