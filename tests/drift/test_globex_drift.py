"""Drift you can act on, on a realistic repository not written for gitops-gen's own tests (globex).

The corpus is rendered in a temp dir; live dumps are made from its render plus what a real cluster adds
(server metadata, status, defaults, objects that are not ours) and planted drift.  Every drifted object
must name its Application, its blueprint source and a next step fitting its case; ``--only-drifted``
lists nothing in sync; a second run with ``--baseline`` marks old drift known, new drift new and fixed
drift resolved; one dump holding the three production clusters is read per cluster.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from drift_support import serverize

from gitops_gen.cli import run
from gitops_gen.yamlio.emit import dump_document
from tests.conftest import PROJECT

CORPUS = PROJECT / "tests" / "corpus" / "globex"
CLUSTERS = ("prod-use1", "prod-euw1", "prod-apse1")
OWNED = {"app.kubernetes.io/managed-by": "gitops-gen"}
DAY1, DAY2 = 1_796_000_000, 1_796_086_400
TENANT_APP = "prod-use1-storefront-namespaces"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("globex-drift") / "repo"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("rendered", ".gitops-gen"))
    assert run(["render", "--repo", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def live(repo: Path) -> dict[str, list[dict[str, Any]]]:
    """Each production cluster as its API server returns it: in sync, noisy, with objects not ours."""
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render

    rendering = render(load_repo(repo), ["production"])
    out: dict[str, list[dict[str, Any]]] = {}
    for cluster in CLUSTERS:
        objects = [serverize(dict(m.body), i) for i, m in enumerate(rendering.desired[cluster])]
        namespaces = sorted({o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"})
        for ns in [*namespaces, "kube-system"]:
            objects.append({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "kube-root-ca.crt", "namespace": ns}, "data": {"ca.crt": "x"}})
            objects.append({"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": "default", "namespace": ns}})
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": "y"}, "metadata": {
            "name": "made-by-a-controller", "namespace": namespaces[0], "labels": dict(OWNED),
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "u",
                                 "controller": True}]}})
        out[cluster] = objects
    return out


def find(objects: list[dict[str, Any]], kind: str, namespace: str, name: str) -> dict[str, Any]:
    return next(o for o in objects
                if (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) == (kind, namespace, name))


def leftover(name: str, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"},
            "metadata": {"name": name, "namespace": "storefront-web", "labels": dict(OWNED), **meta}}


def write(path: Path, clusters: dict[str, list[dict[str, Any]]]) -> Path:
    """One file for every cluster, each part marked the way a shell loop over contexts would mark it."""
    path.write_text("".join(f"--- # cluster: {c}\n" + dump_document({"apiVersion": "v1", "kind": "List", "items": objs})
                            for c, objs in clusters.items()))
    return path


def drift(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = run(["drift", "--repo", str(repo), "--env", "production", *args, "-o", "json"])
    out, err = capsys.readouterr()
    assert err == "", err
    return code, json.loads(out)


def drifted(data: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    def name(o: dict[str, Any]) -> str:
        return f"{o['object']['kind']} {o['object']['namespace']}/{o['object']['name']}"
    return {(o["cluster"], o["status"], name(o)): o for o in data["objects"] if o["status"] != "in_sync"}


def test_acting_on_drift_in_a_realistic_fleet(
    capsys: pytest.CaptureFixture[str], repo: Path, live: dict[str, list[dict[str, Any]]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clusters = copy.deepcopy(live)
    use1 = clusters["prod-use1"]
    find(use1, "ResourceQuota", "storefront-web", "tenant-quota")["spec"]["hard"]["requests.cpu"] = "999"
    extra_peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "debug-tools"}}}
    policy_live = find(use1, "NetworkPolicy", "storefront-api", "allow-from-namespaces")
    policy_live["spec"]["ingress"][0]["from"].append(extra_peer)
    use1.remove(find(use1, "LimitRange", "storefront-jobs", "tenant-limits"))
    use1.append(leftover("retired-flags", annotations={
        "argocd.argoproj.io/tracking-id": f"{TENANT_APP}:/ConfigMap:storefront-web/retired-flags"}))
    use1.append(leftover("hand-made-flags"))
    dump = write(tmp_path / "production.yaml", clusters)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(DAY1))
    code, data = drift(capsys, repo, "--live-from", str(dump))
    assert code == 1
    assert [(c["name"], c["error"]) for c in data["clusters"]] == [(c, "") for c in CLUSTERS]
    found = drifted(data)
    assert set(found) == {
        ("prod-use1", "modified", "ResourceQuota storefront-web/tenant-quota"),
        ("prod-use1", "modified", "NetworkPolicy storefront-api/allow-from-namespaces"),
        ("prod-use1", "missing", "LimitRange storefront-jobs/tenant-limits"),
        ("prod-use1", "extra", "ConfigMap storefront-web/retired-flags"),
        ("prod-use1", "extra", "ConfigMap storefront-web/hand-made-flags"),
    }
    for item in found.values():
        assert item["hint"] and item["first_seen"] == "2026-11-30T00:53:20Z"
        if item["object"]["name"] == "hand-made-flags":  # owned by no Application: no blueprint either
            assert (item["application"], item["source"]) == ("", "")
            continue
        assert item["application"], item
        assert item["source"].split(":")[0] in {"blueprints/tenants/storefront.yaml", "environments/production.yaml"}
    quota = found["prod-use1", "modified", "ResourceQuota storefront-web/tenant-quota"]
    assert quota["application"] == TENANT_APP
    assert quota["source"].startswith("environments/production.yaml:")  # the tier override that sets it
    assert quota["hint"] == (f"sync Application {TENANT_APP} (production: automated sync is off by design): "
                             f"`argocd app sync {TENANT_APP} --resource :ResourceQuota:storefront-web/tenant-quota`")
    policy = found["prod-use1", "modified", "NetworkPolicy storefront-api/allow-from-namespaces"]
    assert policy["hint"].startswith("the live object has values Git never set (spec.ingress[0].from): if they "
                                     "should stay, adopt them into the blueprint (blueprints/tenants/storefront.yaml:")
    missing = found["prod-use1", "missing", "LimitRange storefront-jobs/tenant-limits"]
    assert missing["hint"].startswith(f"sync Application {TENANT_APP} to create it")
    pruned = found["prod-use1", "extra", "ConfigMap storefront-web/retired-flags"]
    assert pruned["application"] == TENANT_APP
    assert pruned["hint"] == (f"Application {TENANT_APP} no longer renders it; prune is off in production by "
                              f"design: review it, then `argocd app sync {TENANT_APP} --prune --resource "
                              ":ConfigMap:storefront-web/retired-flags`.")
    orphan = found["prod-use1", "extra", "ConfigMap storefront-web/hand-made-flags"]
    assert orphan["application"] == ""
    assert "`kubectl --context prod-use1 delete configmap hand-made-flags -n storefront-web --dry-run=server`" \
        in orphan["hint"]
    day1 = tmp_path / "day1.json"
    day1.write_text(json.dumps(data))

    # --only-drifted: nothing in sync is listed (it is still counted).
    _, only = drift(capsys, repo, "--live-from", str(dump), "--only-drifted")
    assert {o["status"] for o in only["objects"]} == {"modified", "missing", "extra"}
    assert only["summary"]["in_sync"] == data["summary"]["in_sync"] > 100
    assert all(a["drift"] or a["reason"] for a in only["applications"])

    # Day 2: the quota is fixed, someone deletes the leftover by hand, a new edit appears in prod-apse1.
    find(use1, "ResourceQuota", "storefront-web", "tenant-quota")["spec"]["hard"]["requests.cpu"] = \
        find(live["prod-use1"], "ResourceQuota", "storefront-web", "tenant-quota")["spec"]["hard"]["requests.cpu"]
    use1.remove(find(use1, "ConfigMap", "storefront-web", "hand-made-flags"))
    apse1 = clusters["prod-apse1"]
    find(apse1, "ResourceQuota", "storefront-api", "tenant-quota")["spec"]["hard"]["pods"] = "1"
    write(dump, clusters)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(DAY2))
    code, data = drift(capsys, repo, "--live-from", str(dump), "--baseline", str(day1))
    assert code == 1
    marks = {k: (o["baseline"], o["first_seen"]) for k, o in drifted(data).items()}
    day1_seen, day2_seen = ("known", "2026-11-30T00:53:20Z"), ("new", "2026-12-01T00:53:20Z")
    assert marks == {
        ("prod-use1", "modified", "NetworkPolicy storefront-api/allow-from-namespaces"): day1_seen,
        ("prod-use1", "missing", "LimitRange storefront-jobs/tenant-limits"): day1_seen,
        ("prod-use1", "extra", "ConfigMap storefront-web/retired-flags"): day1_seen,
        ("prod-apse1", "modified", "ResourceQuota storefront-api/tenant-quota"): day2_seen,
    }
    assert sorted((r["cluster"], r["was"], r["object"]["name"]) for r in data["resolved"]) == [
        ("prod-use1", "extra", "hand-made-flags"), ("prod-use1", "modified", "tenant-quota")]
    code = run(["drift", "--repo", str(repo), "--env", "production", "--live-from", str(dump),
                "--baseline", str(day1), "-o", "markdown"])
    out = capsys.readouterr().out
    assert out.index("### New since `2026-11-30T00:53:20Z` (1)") < out.index("| Cluster | In sync")
    row = ("| `prod-apse1` | modified | `ResourceQuota` `storefront-api/tenant-quota` "
           "| `prod-apse1-storefront-namespaces` |")
    assert row in out
