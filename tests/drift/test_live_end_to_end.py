"""End to end against live clusters: render the example repo, seed API stand-ins, run ``gitops-gen drift``.

Each cluster of ``prod`` gets its own stand-in (a real HTTP server) and a kubeconfig context named after
it; the command reads them through the real ``kubernetes`` client.  The live objects look like a real API
server's answer: server metadata, status, defaults, respelled quantities, reordered keys, Argo CD and
kubectl annotations, plus unowned objects that a real cluster always has.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from drift_support import serverize

from gitops_gen.base.manifest import ref_of
from gitops_gen.cli import run
from gitops_gen.drift import run as drift_run
from tests.conftest import copy_example
from tests.kubeapi import DEFAULT_RESOURCES, KubeApiServer, Resource

CLUSTERS = ("prod-eu1", "prod-us1")
OWNED = {"app.kubernetes.io/managed-by": "gitops-gen"}
# Served by the stand-ins next to the built-in kinds: the example repo renders a ClusterIssuer.
CLUSTER_ISSUER = Resource("cert-manager.io/v1", "ClusterIssuer", "clusterissuers", namespaced=False, builtin=False)


class Stand(NamedTuple):
    servers: dict[str, KubeApiServer]  # cluster name -> its stand-in
    kubeconfig: Path
    desired: dict[str, list[dict[str, Any]]]  # cluster name -> rendered objects (plain bodies)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One private copy of the example repository for the module: drift only reads it."""
    return copy_example(tmp_path_factory.mktemp("live") / "repo")


@pytest.fixture(scope="module")
def rendered(repo: Path) -> dict[str, list[dict[str, Any]]]:
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render

    rendering = render(load_repo(repo), ["prod"])
    return {c: [copy.deepcopy(dict(m.body)) for m in ms] for c, ms in rendering.desired.items()}


@pytest.fixture
def stand(
    tmp_path: Path, repo: Path, rendered: dict[str, list[dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Stand]:
    """One seeded, in-sync stand-in per prod cluster and KUBECONFIG naming one context per cluster."""
    servers = {c: KubeApiServer(resources=(*DEFAULT_RESOURCES, CLUSTER_ISSUER)) for c in CLUSTERS}
    for cluster, server in servers.items():
        server.add(*live_cluster(rendered[cluster]))
        server.start()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", {c: s.url for c, s in servers.items()})
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.chdir(repo)
    try:
        yield Stand(servers, kubeconfig, rendered)
    finally:
        for server in servers.values():
            server.stop()


# -- live objects as a real API server (and Argo CD) answers ---------------------------------------


def live_cluster(desired: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every desired object made noisy but equal, plus what any cluster holds that is not ours."""
    objects = [noisier(serverize(body, i)) for i, body in enumerate(desired)]
    namespaces = sorted({o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"})
    for ns in [*namespaces, "argocd", "kube-system"]:
        # The API server and controllers create these in every namespace; they carry no ownership label.
        objects.append(
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": ns},
                "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\n..."},
            }
        )
        objects.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}})
    # Made by a controller from one of our objects: inherits the label, is not a leftover.
    objects.append(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": "generated-by-controller",
                "namespace": namespaces[0],
                "labels": dict(OWNED),
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "ReplicaSet",
                        "name": "web-7d9f",
                        "uid": "u-1",
                        "controller": True,
                    }
                ],
            },
            "data": {"x": "y"},
        }
    )
    return objects


def noisier(live: dict[str, Any]) -> dict[str, Any]:
    """What ``serverize`` leaves out: more defaults, key order as the server writes it, controller data."""
    kind, meta = live["kind"], live["metadata"]
    meta["annotations"]["argocd.argoproj.io/tracking-id"] = (
        f"{meta.get('namespace', 'cluster')}:{live['apiVersion'].split('/')[0]}/{kind}:"
        f"{meta.get('namespace', '')}/{meta['name']}"
    )
    meta["labels"] = dict(reversed(list((meta.get("labels") or {}).items())))
    if kind == "RoleBinding" or kind == "ClusterRoleBinding":
        # Keys come back in the server's order, not the manifest's.
        role_ref = live.pop("roleRef")
        live["subjects"] = [dict(reversed(list(s.items()))) for s in live.pop("subjects")]
        live["roleRef"] = dict(reversed(list(role_ref.items())))
    elif kind == "NetworkPolicy":
        spec = live["spec"]
        for rule in spec.get("ingress") or ():
            for peer in rule.get("from") or ():
                for selector in peer.values():
                    selector.setdefault("matchLabels", {})
        live["spec"] = dict(reversed(list(spec.items())))
    elif kind == "LimitRange":
        for limit in live["spec"]["limits"]:
            limit.setdefault("max", {})  # empty equals absent
    elif kind == "ConfigMap" and meta["name"] == "argocd-cm":
        live["data"] = {"admin.enabled": "false", "url": "https://argocd.acme.internal", **live["data"]}
    elif kind == "ServiceAccount":
        live["secrets"] = [{"name": f"{meta['name']}-token-x7k2p"}]  # pre-1.24 clusters add one
    elif kind == "Application":
        live["status"].update(
            summary={"images": []},
            resources=[{"kind": "Namespace", "name": "x", "status": "Synced"}],
            history=[{"id": 3, "revision": "8d2f0c1", "deployedAt": "2024-11-02T08:15:20Z"}],
        )
        live["operation"] = None
    elif kind == "AppProject":
        live["status"] = {}
    return live


def write_kubeconfig(path: Path, urls: Mapping[str, str]) -> Path:
    """One cluster, user-less token and context per name."""
    lines = ["apiVersion: v1", "kind: Config", f"current-context: {next(iter(urls))}", "clusters:"]
    for name, url in urls.items():
        lines += [f"- name: {name}", "  cluster:", f"    server: {url}"]
    lines += ["users:", "- name: drift-reader", "  user:", "    token: stand-in-token", "contexts:"]
    for name in urls:
        lines += [f"- name: {name}", "  context:", f"    cluster: {name}", "    user: drift-reader"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def drift(capsys: pytest.CaptureFixture[str], *args: str, output: str = "json") -> tuple[int, str, str]:
    code = run(["drift", "--repo", ".", "--env", "prod", "--timeout", "2", *args, "-o", output])  # a hang fails fast
    out, err = capsys.readouterr()
    return code, out, err


def drifted(data: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            o["cluster"],
            o["status"],
            o["object"]["kind"],
            o["object"]["namespace"],
            o["object"]["name"],
            json.dumps(o["changes"]),
            o["reason"],
        )
        for o in data["objects"]
        if o["status"] != "in_sync"
    )


def find(server: KubeApiServer, kind: str, namespace: str, name: str) -> dict[str, Any]:
    return next(
        o
        for o in server.objects()
        if (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]) == (kind, namespace, name)
    )


# -- the tests ---------------------------------------------------------------------------------------


def test_noisy_but_equal_clusters_are_in_sync(stand: Stand, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = drift(capsys)
    data = json.loads(out)
    assert (code, err) == (0, "")
    total = sum(len(v) for v in stand.desired.values())
    assert data["summary"] == {
        "in_sync": total,
        "modified": 0,
        "missing": 0,
        "extra": 0,
        "unknown": 0,
        "applications_drifted": 0,
        "drift": False,
        "new": None,
        "resolved": None,
    }
    assert [(c["name"], c["context"], c["error"]) for c in data["clusters"]] == [
        ("prod-eu1", "prod-eu1", ""),
        ("prod-us1", "prod-us1", ""),
    ]
    apps = [(a["sync"], a["health"], a["operation"], a["drift"]) for a in data["applications"]]
    assert len(apps) == 36 and set(apps) == {("Synced", "Healthy", "Succeeded", False)}


def test_edits_deletions_leftovers_and_out_of_sync_are_exactly_reported(
    stand: Stand, capsys: pytest.CaptureFixture[str]
) -> None:
    eu1 = stand.servers["prod-eu1"]
    quota = find(eu1, "ResourceQuota", "payments-api", "tenant-quota")
    quota["spec"]["hard"]["requests.cpu"] = "96"
    app = find(eu1, "Application", "argocd", "prod-eu1-payments-api")
    app["status"]["sync"]["status"] = "OutOfSync"
    leftover = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "data": {"k": "v"},
        "metadata": {
            "name": "retired-flags",
            "namespace": "payments-api",
            "labels": {**OWNED, "gitops-gen.io/tenant": "payments"},
        },
    }
    eu1.add(quota, app, leftover)
    eu1.remove("networking.k8s.io/v1", "NetworkPolicy", "payments-worker", "default-deny-ingress")

    code, out, err = drift(capsys)
    data = json.loads(out)
    assert (code, err) == (1, "")
    changes = [{"path": 'spec.hard["requests.cpu"]', "desired": "64", "live": "96"}]
    assert drifted(data) == [
        ("prod-eu1", "extra", "ConfigMap", "payments-api", "retired-flags", "[]", ""),
        ("prod-eu1", "missing", "NetworkPolicy", "payments-worker", "default-deny-ingress", "[]", ""),
        ("prod-eu1", "modified", "ResourceQuota", "payments-api", "tenant-quota", json.dumps(changes), ""),
    ]
    assert [(a["cluster"], a["name"], a["sync"], a["health"]) for a in data["applications"] if a["drift"]] == [
        ("prod-eu1", "prod-eu1-payments-api", "OutOfSync", "Healthy")
    ]
    assert [c["summary"]["in_sync"] for c in data["clusters"]] == [61, 63]
    assert data["summary"]["drift"] is True

    code, out, err = drift(capsys, output="markdown")
    assert (code, err) == (1, "")
    assert "| `prod-eu1` | 61 | 1 | 1 | 1 | 0 | 1 |" in out
    assert "| `prod-us1` | 63 | 0 | 0 | 0 | 0 | 0 |" in out
    assert '| `spec.hard["requests.cpu"]` | `"64"` | `"96"` |' in out
    assert ("**`NetworkPolicy` `payments-worker/default-deny-ingress`** (`networking.k8s.io/v1`), "
            "Application `prod-eu1-payments-namespaces`, from `blueprints/tenants/payments.yaml:11:5`") in out
    assert "**`ConfigMap` `payments-api/retired-flags`** (`v1`)" in out
    assert "| `prod-eu1-payments-api` | `OutOfSync` | `Healthy` | `Succeeded` | yes |" in out
    assert out.count("| yes |") == 1


def test_a_kind_the_reader_may_not_list_is_unknown_and_the_rest_compared(
    stand: Stand, capsys: pytest.CaptureFixture[str]
) -> None:
    eu1 = stand.servers["prod-eu1"]
    eu1.fault("/api/v1/*limitranges", 403)  # cluster-wide and per namespace
    quota = find(eu1, "ResourceQuota", "search", "tenant-quota")
    quota["spec"]["hard"]["pods"] = "1000"
    eu1.add(quota)

    code, out, err = drift(capsys, "--cluster", "prod-eu1")
    data = json.loads(out)
    assert code == 1  # the quota edit is drift; unknown objects alone would not be
    assert "Traceback" not in err and "unreadable" not in err  # the cluster was read
    changes = json.dumps([{"path": "spec.hard.pods", "desired": "40", "live": "1000"}])
    assert drifted(data) == [
        ("prod-eu1", "modified", "ResourceQuota", "search", "tenant-quota", changes, ""),
        *[
            (
                "prod-eu1",
                "unknown",
                "LimitRange",
                ns,
                "tenant-limits",
                "[]",
                f"forbidden: cannot list limitranges in {ns}",
            )
            for ns in ("checkout", "payments-api", "payments-worker", "search")
        ],
    ]
    assert data["summary"]["in_sync"] == 63 - 5

    eu1.add(find(stand.servers["prod-us1"], "ResourceQuota", "search", "tenant-quota"))  # undo the edit
    code, out, _ = drift(capsys, "--cluster", "prod-eu1", output="markdown")
    assert code == 0  # unknown is not drift
    assert "| `prod-eu1` | 59 | 0 | 0 | 0 | 4 | 0 |" in out
    assert "| `LimitRange` | `search/tenant-limits` | `v1` | `forbidden: cannot list limitranges in search` |" in out


def test_applications_the_reader_may_not_list_are_unknown_not_drift(
    stand: Stand, capsys: pytest.CaptureFixture[str]
) -> None:
    stand.servers["prod-us1"].fault("/apis/argoproj.io/v1alpha1/*applications", 403)
    code, out, err = drift(capsys, "--cluster", "prod-us1")
    data = json.loads(out)
    assert code == 0
    # leftovers of a kind the reader may not list cluster-wide cannot be found: say so, do not stay silent
    assert err == ("gitops-gen: warning: cluster prod-us1: extra objects not checked: forbidden: "
                   "cannot list applications.argoproj.io at cluster scope\n")
    assert data["clusters"][0]["warnings"] == [err.split(": ", 3)[3].strip()]
    unknown = {(o["object"]["kind"], o["reason"]) for o in data["objects"] if o["status"] == "unknown"}
    assert unknown == {("Application", "forbidden: cannot list applications.argoproj.io in argocd")}
    assert data["summary"]["unknown"] == 18 and data["summary"]["in_sync"] == 63 - 18
    assert {(a["sync"], a["health"], a["drift"], a["reason"]) for a in data["applications"]} == {
        ("Unknown", "Unknown", False, "forbidden: cannot list applications.argoproj.io in argocd")
    }


def test_an_unreachable_cluster_is_exit_3_with_a_one_line_reason(
    stand: Stand, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drift_run, "RETRIES", 1)
    closed = free_port()
    write_kubeconfig(
        stand.kubeconfig, {"prod-eu1": f"http://127.0.0.1:{closed}", "prod-us1": stand.servers["prod-us1"].url}
    )

    code, out, err = drift(capsys)
    assert code == 3
    assert err == (
        f"gitops-gen: cluster prod-eu1 (context prod-eu1) unreadable: cannot read the Kubernetes "
        f"API at http://127.0.0.1:{closed} (context prod-eu1): connection refused "
        f"(after 2 attempts)\n"
    )
    data = json.loads(out)  # the reachable cluster is still reported
    assert [(c["name"], bool(c["error"])) for c in data["clusters"]] == [("prod-eu1", True), ("prod-us1", False)]
    assert data["summary"]["in_sync"] == 63 and drifted(data) == []

    code, out, err = drift(capsys, "--cluster", "prod-eu1", output="markdown")
    assert code == 3 and len(err.splitlines()) == 1 and "Traceback" not in out + err
    assert "| `prod-eu1` (unreadable) |" in out


def test_the_reader_only_lists_never_writes_nor_gets_one_object_at_a_time(
    stand: Stand, capsys: pytest.CaptureFixture[str]
) -> None:
    eu1 = stand.servers["prod-eu1"]
    eu1.remove("networking.k8s.io/v1", "NetworkPolicy", "payments-worker", "default-deny-ingress")
    assert drift(capsys, "--cluster", "prod-eu1")[0] == 1

    kinds = {(o["apiVersion"], o["kind"]) for o in stand.desired["prod-eu1"]}
    group_versions = {av for av, _ in kinds}
    assert eu1.writes() == [] and stand.servers["prod-us1"].requests == []
    requests = eu1.requests
    discovery = [r for r in requests if r.path in ("/api", "/apis") or (r.path.count("/") <= 3 and not r.query)]
    lists = [r for r in requests if r not in discovery]
    assert len(discovery) == 2 + len(group_versions)
    # One LIST per kind with the ownership selector (Argo CD kinds: only this cluster's), plus narrow LISTs
    # for what that did not find: the deleted NetworkPolicy, and the bootstrap's objects all clusters share
    # (its Application by name; its two projects, the only AppProjects in argocd, in one LIST).
    owned = "app.kubernetes.io/managed-by=gitops-gen"
    selectors = sorted(r.query.get("labelSelector", "") for r in lists)
    assert selectors.count(owned) + selectors.count(f"{owned},gitops-gen.io/cluster=prod-eu1") == len(kinds)
    assert selectors.count(f"{owned},gitops-gen.io/cluster=prod-eu1") == 2  # Applications, AppProjects
    assert sorted((r.path, r.query.get("fieldSelector")) for r in lists if "labelSelector" not in r.query) == [
        ("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications", "metadata.name=gitops-gen-bootstrap"),
        ("/apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects", None),
        ("/apis/networking.k8s.io/v1/namespaces/payments-worker/networkpolicies", "metadata.name=default-deny-ingress"),
    ]
    assert len(requests) < len(stand.desired["prod-eu1"]) / 2
    for r in lists:  # a list path ends with the plural: never a GET of one named object
        plural = r.path.rsplit("/", 1)[1]
        assert plural in {res.plural for res in (*DEFAULT_RESOURCES, CLUSTER_ISSUER)}, r.path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_seeded_objects_really_are_noisy(stand: Stand) -> None:
    """Guard against a seeding that would make the in-sync test trivially true."""
    live = {ref_of(o): o for o in stand.servers["prod-eu1"].objects()}
    quota = next(o for r, o in live.items() if r.kind == "ResourceQuota" and r.namespace == "payments-api")
    assert quota["spec"]["hard"]["requests.cpu"] == "64000m" and "used" in quota["status"]
    assert list(quota["spec"]["hard"])[-1] == "requests.cpu"  # reordered
    ns = next(o for r, o in live.items() if r.kind == "Namespace")
    assert ns["spec"] == {"finalizers": ["kubernetes"]} and ns["metadata"]["managedFields"]
    binding = next(o for r, o in live.items() if r.kind == "RoleBinding")
    assert list(binding)[-2:] == ["subjects", "roleRef"]
    assert sum(1 for r in live if r.kind == "ConfigMap") > 2 + 4


def test_a_kind_the_cluster_does_not_serve_is_unknown(stand: Stand, capsys: pytest.CaptureFixture[str]) -> None:
    stand.servers["prod-eu1"].unserve("cert-manager.io/v1")  # cert-manager not installed
    code, out, err = drift(capsys, "--cluster", "prod-eu1")
    assert (code, err) == (0, "")
    assert drifted(json.loads(out)) == [
        (
            "prod-eu1",
            "unknown",
            "ClusterIssuer",
            "",
            "letsencrypt",
            "[]",
            "not served by the cluster (cert-manager.io/v1/ClusterIssuer)",
        )
    ]


def test_a_transient_server_error_is_retried(stand: Stand, capsys: pytest.CaptureFixture[str]) -> None:
    eu1 = stand.servers["prod-eu1"]
    eu1.fault("/apis/rbac.authorization.k8s.io/v1/rolebindings", 503, times=1)
    code, out, err = drift(capsys, "--cluster", "prod-eu1")
    assert (code, err, drifted(json.loads(out))) == (0, "", [])
    assert eu1.count("/apis/rbac.authorization.k8s.io/v1/rolebindings") == 2


def test_a_central_argocd_is_read_through_its_own_context(
    stand: Stand, capsys: pytest.CaptureFixture[str]
) -> None:
    """One Argo CD (here: on prod-us1) holds every cluster's Applications: read them there, and only
    this cluster's count as leftovers."""
    eu1, hub = stand.servers["prod-eu1"], stand.servers["prod-us1"]
    control = [o for o in live_cluster(stand.desired["prod-eu1"])
               if o["apiVersion"].startswith("argoproj.io/") or o["metadata"]["name"] == "argocd-cm"]
    for obj in control:
        meta = obj["metadata"]
        eu1.remove(obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"])
    hub.add(*control)

    code, out, _ = drift(capsys, "--cluster", "prod-eu1")
    missing = {o["object"]["kind"] for o in json.loads(out)["objects"] if o["status"] == "missing"}
    assert code == 1 and missing == {"Application", "AppProject", "ConfigMap"}

    code, out, err = drift(capsys, "--cluster", "prod-eu1", "--argocd-context", "prod-us1")
    data = json.loads(out)
    assert (code, err) == (0, ""), drifted(data)
    assert data["summary"]["extra"] == 0  # prod-us1's own Applications are not prod-eu1's leftovers
    assert all(a["sync"] == "Synced" for a in data["applications"])
