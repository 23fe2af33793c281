"""API servers that misbehave: each ends in exit 3 with one line naming the cluster, within the deadline.

Real local TCP servers (``tests.kubeapi.misbehaving``): one drips a byte a second, one streams an
endless body, one accepts and never answers.  The deadline is short (2 s); the tests assert exit codes
and messages, never timings (``make bench`` has those).  When one cluster misbehaves the others are still
read and reported.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from drift_support import FIXTURES

from gitops_gen.cli import run
from tests.kubeapi import KubeApiServer, load_objects
from tests.kubeapi.misbehaving import MisbehavingServer

DESIRED = str(FIXTURES / "desired.yaml")


@pytest.fixture(autouse=True)
def _no_pod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)


@pytest.mark.parametrize(("mode", "why"), [
    ("drip", "no complete answer within the 2s deadline from the Kubernetes API at {url} (context bad) "
     "(set drift.timeoutSeconds or --timeout)"),
    ("silent", "no complete answer within the 2s deadline from the Kubernetes API at {url} (context bad) "
     "(set drift.timeoutSeconds or --timeout)"),
    ("endless", "a reply to GET /api is larger than 1 MiB: the API server (or a proxy before it) is misbehaving"),
])
def test_misbehaving_server_is_exit_3_naming_the_cluster(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, why: str
) -> None:
    monkeypatch.setattr("gitops_gen.kube.client.MAX_RESPONSE_BYTES", 1 << 20)
    with MisbehavingServer(mode) as server:
        monkeypatch.setenv("KUBECONFIG", str(server.write_kubeconfig(tmp_path / "kubeconfig", ["bad"])))
        code = run(["drift", "--desired", DESIRED, "--context", "bad", "--timeout", "2"])
        url = server.url
    out, err = capsys.readouterr()
    assert code == 3
    assert err == f"gitops-gen: cluster bad (context bad) unreadable: {why.format(url=url)}\n"
    assert "cluster bad (context bad)\n  error: " in out


def test_deadline_from_gitops_yaml(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "gitops.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: Settings\nspec:\n  repoURL: https://github.com/acme/x.git\n"
        "  targetRevision: main\n  tiers: {small: {cpu: '1', memory: 1Gi, pods: 10}}\n"
        "  drift:\n    timeoutSeconds: 1\n")
    with MisbehavingServer("silent") as server:
        monkeypatch.setenv("KUBECONFIG", str(server.write_kubeconfig(tmp_path / "kubeconfig", ["bad"])))
        code = run(["drift", "--repo", str(tmp_path), "--desired", DESIRED, "--context", "bad"])
    _, err = capsys.readouterr()
    assert code == 3
    assert "no complete answer within the 1s deadline" in err


def test_the_other_clusters_are_still_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two contexts: one misbehaves, the other is a working stand-in; both appear, exit 3."""
    from gitops_gen.commands import drift as command
    from gitops_gen.drift import run as drift_run

    good_objects = [o for o in load_objects() if o["kind"] == "Namespace"]
    with MisbehavingServer("drip") as bad, KubeApiServer(good_objects) as good:
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: good\nclusters:\n"
            f"- {{name: good, cluster: {{server: '{good.url}'}}}}\n- {{name: bad, cluster: {{server: '{bad.url}'}}}}\n"
            "users: [{name: u, user: {token: stand-in-token}}]\n"
            "contexts:\n- {name: good, context: {cluster: good, user: u}}\n"
            "- {name: bad, context: {cluster: bad, user: u}}\n")
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        desired = tuple(drift_run.load_objects(Path(DESIRED)))
        targets = [drift_run.Target("bad", "bad", desired), drift_run.Target("good", "good", desired)]
        report = drift_run.run(targets, drift_run.DriftConfig(), None, timeout=2.0)
    assert int(report.exit_code) == 3
    bad_report, good_report = report.clusters
    assert bad_report.error.startswith("no complete answer within the 2s deadline")
    assert not good_report.error and good_report.summary["missing"] > 0  # read and compared
    data = json.loads(command.FORMATS["json"](report))
    assert [c["name"] for c in data["clusters"]] == ["bad", "good"]


def test_third_party_warnings_are_report_lines_not_raw_warnings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kubeconfig with insecure-skip-tls-verify against a real TLS server: urllib3 warns on every request;
    the user sees one formatted line per cluster instead."""
    import shutil
    import ssl
    import subprocess

    from tests.conftest import require_tool

    require_tool(shutil.which("openssl") is not None, "openssl not on PATH (makes the test's TLS certificate)")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=x",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    desired = [o for o in load_objects() if o["kind"] == "Namespace"][:1]
    server = KubeApiServer(desired)
    server._http.socket = context.wrap_socket(server._http.socket, server_side=True)
    with server:
        url = server.url.replace("http://", "https://")
        (tmp_path / "kubeconfig").write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: tls\n"
            f"clusters: [{{name: tls, cluster: {{server: '{url}', insecure-skip-tls-verify: true}}}}]\n"
            "users: [{name: u, user: {token: stand-in-token}}]\n"
            "contexts: [{name: tls, context: {cluster: tls, user: u}}]\n")
        (tmp_path / "desired.json").write_text(json.dumps(desired))
        monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kubeconfig"))
        code = run(["drift", "--desired", str(tmp_path / "desired.json"), "--context", "tls"])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert err == ("gitops-gen: warning: cluster tls: the API server's TLS certificate is not verified "
                   "(insecure-skip-tls-verify in the kubeconfig): anyone on the path could answer for it\n")
