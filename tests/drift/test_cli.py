"""``gitops-gen drift`` offline (--desired + --live-from): exit codes and exact output lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from drift_support import FIXTURES, write_dump

from gitops_gen.cli import run

DESIRED = str(FIXTURES / "desired.yaml")
LIVE = str(FIXTURES / "live.yaml")


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(["drift", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _items(dump: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["kind"], i["metadata"]["name"]): i for i in dump["items"]}


@pytest.fixture()
def drifted(tmp_path: Path, live_list: dict[str, Any]) -> Path:
    """The live dump after a hand edit, a deletion, a leftover, a secret change and an OutOfSync app."""
    items = _items(live_list)
    app = next(
        c for c in items["Deployment", "web"]["spec"]["template"]["spec"]["containers"] if c["name"] == "app"
    )
    app["image"] = "ghcr.io/acme/web:1.4.3-hotfix"
    items["ResourceQuota", "tenant-quota"]["spec"]["hard"]["requests.cpu"] = "20"
    items["Secret", "web-credentials"]["data"]["password"] = "aHVudGVyMw=="  # hunter3
    items["Application", "shop-web"]["status"]["sync"]["status"] = "OutOfSync"
    live_list["items"].remove(items["Service", "web"])
    live_list["items"].remove(items["Endpoints", "web"])
    # The dump still lists Services (`kubectl get services -o yaml` of a namespace with none): web is missing.
    live_list["items"].append({"apiVersion": "v1", "kind": "ServiceList", "items": []})
    live_list["items"].append(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": "old-flags",
                "namespace": "shop",
                "uid": "9",
                "labels": {"app.kubernetes.io/managed-by": "gitops-gen"},
            },
            "data": {"a": "b"},
        }
    )
    return write_dump(tmp_path / "live.yaml", live_list)


def test_in_sync_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = drift(capsys, "--desired", DESIRED, "--live-from", LIVE)
    assert code == 0
    assert out.splitlines() == ["no drift: 1 cluster(s), 7 object(s) in sync, 1 application(s) synced and healthy"]


def test_drift_exit_1_with_exact_lines(capsys: pytest.CaptureFixture[str], drifted: Path) -> None:
    code, out, _ = drift(capsys, "--desired", DESIRED, "--live-from", str(drifted))
    assert code == 1
    assert out.splitlines() == [
        f"cluster live (dump {drifted})",
        "  modified (3)",
        f"    Deployment shop/web (apps/v1)  app shop-web  from {DESIRED}:2",  # where its content starts
        '      spec.template.spec.containers[name=app].image: desired "ghcr.io/acme/web:1.4.2", '
        'live "ghcr.io/acme/web:1.4.3-hotfix"',
        "      next: sync Application shop-web: `argocd app sync shop-web --resource apps:Deployment:shop/web`",
        f"    ResourceQuota shop/tenant-quota (v1)  from {DESIRED}:54",
        '      spec.hard["requests.cpu"]: desired "16", live "20"',
        f"      next: no Application syncs this object: `kubectl apply -f {DESIRED}`",
        f"    Secret shop/web-credentials (v1)  from {DESIRED}:67",
        '      data.password: desired "<redacted>", live "<redacted>"',
        f"      next: no Application syncs this object: `kubectl apply -f {DESIRED}`",
        "  missing (1)",
        f"    Service shop/web (v1)  from {DESIRED}:42",
        f"      next: not deployed and no Application syncs it: `kubectl apply -f {DESIRED}`",
        "  extra (1)",
        "    ConfigMap shop/old-flags (v1)",
        "      next: no Application owns it: check that nothing uses it, then "
        "`kubectl delete configmap old-flags -n shop --dry-run=server` and, if that shows only this object, "
        "run it without --dry-run.",
        "  applications (1 of 1 need attention)",
        "    shop-web: OutOfSync, Healthy, last operation Succeeded  DRIFT",
        "  3 in sync, 3 modified, 1 missing, 1 extra, 0 unknown",
        "summary: 3 in sync, 3 modified, 1 missing, 1 extra, 0 unknown; "
        "1 of 1 application(s) drifted: drift found",
    ]


def test_json_shape(capsys: pytest.CaptureFixture[str], drifted: Path) -> None:
    code, out, _ = drift(capsys, "--desired", DESIRED, "--live-from", str(drifted), "-o", "json")
    data = json.loads(out)
    assert code == 1
    assert list(data) == ["version", "generated_at", "baseline", "summary", "clusters", "objects", "applications",
                          "resolved"]
    assert data["version"] == 1
    assert data["summary"] == {
        "in_sync": 3,
        "modified": 3,
        "missing": 1,
        "extra": 1,
        "unknown": 0,
        "applications_drifted": 1,
        "drift": True,
        "new": None,
        "resolved": None,
    }
    quota = next(o for o in data["objects"] if o["object"]["kind"] == "ResourceQuota")
    assert quota["status"] == "modified"
    assert quota["object"] == {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "namespace": "shop",
        "name": "tenant-quota",
    }
    assert quota["changes"] == [{"path": 'spec.hard["requests.cpu"]', "desired": "16", "live": "20"}]
    assert data["applications"] == [
        {
            "cluster": "live",
            "name": "shop-web",
            "namespace": "argocd",
            "sync": "OutOfSync",
            "health": "Healthy",
            "operation": "Succeeded",
            "drift": True,
            "reason": "",
        }
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit"])
def test_secret_values_never_appear(capsys: pytest.CaptureFixture[str], drifted: Path, fmt: str) -> None:
    code, out, err = drift(capsys, "--desired", DESIRED, "--live-from", str(drifted), "-o", fmt)
    assert code == 1
    assert "<redacted>" in out or "&lt;redacted&gt;" in out
    for value in ("s3cr3t-hunter2", "czNjcjN0LWh1bnRlcjI=", "aHVudGVyMw==", "hunter3", "d2Vi"):
        assert value not in out + err


def test_markdown_summary_table(capsys: pytest.CaptureFixture[str], drifted: Path) -> None:
    _, out, _ = drift(capsys, "--desired", DESIRED, "--live-from", str(drifted), "-o", "markdown")
    lines = out.splitlines()
    assert lines[0] == "## gitops-gen drift: drift found"
    assert "| `live` | 3 | 3 | 1 | 1 | 0 | 1 |" in lines
    assert '| `spec.hard["requests.cpu"]` | `"16"` | `"20"` |' in lines
    assert "| `shop-web` | `OutOfSync` | `Healthy` | `Succeeded` | yes |" in lines


def test_junit_one_case_per_object(capsys: pytest.CaptureFixture[str], drifted: Path) -> None:
    import xml.etree.ElementTree as ET

    _, out, _ = drift(capsys, "--desired", DESIRED, "--live-from", str(drifted), "-o", "junit")
    root = ET.fromstring(out)
    assert root.get("tests") == "9" and root.get("failures") == "6"
    failures = {
        f"{c.get('classname')} {c.get('name')}": failure.get("type")
        for c in root.iter("testcase")
        if (failure := c.find("failure")) is not None
    }
    assert failures == {
        "live.Deployment shop/web": "modified",
        "live.Service shop/web": "missing",
        "live.ResourceQuota shop/tenant-quota": "modified",
        "live.Secret shop/web-credentials": "modified",
        "live.ConfigMap shop/old-flags": "extra",
        "live.Application-status shop-web": "application",
    }


def test_reports_written_by_suffix(capsys: pytest.CaptureFixture[str], drifted: Path, tmp_path: Path) -> None:
    code, _, _ = drift(
        capsys,
        "--desired",
        DESIRED,
        "--live-from",
        str(drifted),
        "--report",
        str(tmp_path / "drift.json"),
        "--report",
        str(tmp_path / "drift.md"),
    )
    assert code == 1
    assert json.loads((tmp_path / "drift.json").read_text())["summary"]["missing"] == 1
    assert (tmp_path / "drift.md").read_text().startswith("## gitops-gen drift: drift found")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --env E (the render) or --desired PATH (any manifests)"),
        (
            ["--desired", DESIRED, "--env", "prod"],
            "give either --env E (the render) or --desired PATH (any manifests)",
        ),
        (["--desired", DESIRED, "--cluster", "a"], "--cluster needs --env"),
        (
            ["--desired", DESIRED, "--context", "a", "--live-from", LIVE],
            "--context reads a cluster and --live-from reads a dump: give one of them",
        ),
        (
            ["--desired", "/nonexistent/x.yaml", "--live-from", LIVE],
            "no such file or folder: /nonexistent/x.yaml",
        ),
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = drift(capsys, *args)
    assert code == 2
    assert out == ""
    assert err == f"gitops-gen: {message}\n"


def test_bad_dump_names_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: ConfigMap\nmetadata: {name: b}\n"
    )
    code, _, err = drift(capsys, "--desired", DESIRED, "--live-from", str(bad))
    assert code == 2
    assert err == f"{bad}:5: object without apiVersion\n"


def test_unreachable_cluster_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: dead\n"
        "clusters: [{name: dead, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "contexts: [{name: dead, context: {cluster: dead, user: u}}]\nusers: [{name: u, user: {token: t}}]\n"
    )
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    monkeypatch.setattr("gitops_gen.drift.run.RETRIES", 0)
    code, _, err = drift(capsys, "--desired", DESIRED, "--context", "dead", "--timeout", "0.5")
    assert code == 3
    assert len(err.splitlines()) == 1
    assert err.startswith("gitops-gen: cluster dead (context dead) unreadable: ")


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-1", "0"])
def test_a_timeout_that_is_no_duration_is_a_usage_error(capsys: pytest.CaptureFixture[str], value: str) -> None:
    assert run(["drift", "--desired", "x.yaml", "--timeout", value]) == 2
    assert "--timeout" in capsys.readouterr().err
