"""Credentials: trimmed as kubectl trims them, never in any output of drift, exec plugins bounded.

Each case runs the real command (a subprocess, real kubeconfig, the stand-in API server on 127.0.0.1) and
greps stdout, stderr and every ``--report`` format for the secret.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gitops_gen.kube.credentials import scrub, token
from tests.kubeapi.server import KubeApiServer

SECRET = "s3cr3t-t0ken-value"
PLUGIN_API = "client.authentication.k8s.io/v1"
REPORTS = ("r.json", "r.md", "r.xml", "r.txt")


def _manifest(tmp_path: Path) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\ndata: {a: b}\n",
                    encoding="utf-8")
    return path


def _drift(tmp_path: Path, kubeconfig: Path, timeout: str = "5") -> tuple[int, str]:
    """Exit code and everything drift printed or wrote."""
    reports = [f"--report={tmp_path / name}" for name in REPORTS]
    done = subprocess.run([sys.executable, "-m", "gitops_gen", "drift", "--desired", str(_manifest(tmp_path)),
                           "--timeout", timeout, *reports],
                          env={**os.environ, "KUBECONFIG": str(kubeconfig)}, capture_output=True, text=True,
                          timeout=120, check=False)
    written = [(tmp_path / n).read_text(encoding="utf-8") for n in REPORTS if (tmp_path / n).exists()]
    return done.returncode, "\n".join([done.stdout, done.stderr, *written])


def _kubeconfig(server: KubeApiServer, path: Path, user: str) -> Path:
    text = server.write_kubeconfig(path).read_text(encoding="utf-8")
    path.write_text(text.replace(f"    token: {server.token}", user), encoding="utf-8")
    return path


def _plugin(tmp_path: Path, body: str) -> str:
    script = tmp_path / "plugin.sh"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o755)
    return f"    exec:\n      apiVersion: {PLUGIN_API}\n      command: {script}\n      interactiveMode: Never"


def _credential(value: str) -> str:
    return ("printf '%s' '{\"apiVersion\": \"" + PLUGIN_API + "\", \"kind\": \"ExecCredential\", "
            "\"status\": {\"token\": \"" + value + "\"}}'")


@pytest.mark.parametrize("how", ["token", "tokenFile", "exec"])
def test_a_token_with_a_final_newline_is_trimmed_as_kubectl_does(tmp_path: Path, how: str) -> None:
    with KubeApiServer(token=SECRET) as server:
        if how == "token":
            user = f'    token: "{SECRET}\\n"'
        elif how == "tokenFile":
            (tmp_path / "token").write_text(SECRET + "\n", encoding="utf-8")
            user = f"    tokenFile: {tmp_path / 'token'}"
        else:
            user = _plugin(tmp_path, _credential(SECRET + "\\n"))
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", user))
    assert code == 1, out  # read: the ConfigMap is missing
    assert SECRET not in out


@pytest.mark.parametrize("user", [f'    token: "{SECRET}\\u0007x"', f'    token: "{SECRET}\\nx"'])
def test_a_token_that_cannot_be_sent_fails_the_cluster_without_showing_it(tmp_path: Path, user: str) -> None:
    with KubeApiServer(token=SECRET) as server:
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", user))
    assert code == 3, out
    assert SECRET not in out
    assert "internal error" not in out


def test_a_rejected_token_is_not_repeated(tmp_path: Path) -> None:
    with KubeApiServer(token="another") as server:
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", f"    token: {SECRET}"))
    assert code == 3, out
    assert SECRET not in out


def test_user_and_password_of_the_server_url_are_in_no_error(tmp_path: Path) -> None:
    with KubeApiServer() as server:
        kubeconfig = server.write_kubeconfig(tmp_path / "kc")
        url = server.url
    # The server is stopped: every message is an error naming the URL.
    text = kubeconfig.read_text(encoding="utf-8").replace(url, url.replace("http://", f"http://admin:{SECRET}@"))
    kubeconfig.write_text(text, encoding="utf-8")
    code, out = _drift(tmp_path, kubeconfig, timeout="2")
    assert code == 3, out
    assert SECRET not in out and "admin:" not in out


def test_a_failing_plugin_fails_the_cluster_and_its_stderr_is_not_shown(tmp_path: Path) -> None:
    with KubeApiServer(token=SECRET) as server:
        user = _plugin(tmp_path, f"echo 'token {SECRET}' >&2; exit 1")
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", user))
    assert code == 3, out
    assert SECRET not in out
    assert "exec credential plugin plugin.sh failed (exit 1)" in out


def test_a_hanging_plugin_is_bounded_by_the_timeout(tmp_path: Path) -> None:
    with KubeApiServer(token=SECRET) as server:
        user = _plugin(tmp_path, "sleep 300")
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", user), timeout="1")
    assert code == 3, out
    assert "did not answer within the 1s deadline" in out


def test_a_plugin_printing_no_credential_fails_the_cluster(tmp_path: Path) -> None:
    with KubeApiServer(token=SECRET) as server:
        user = _plugin(tmp_path, f"echo {SECRET}")
        code, out = _drift(tmp_path, _kubeconfig(server, tmp_path / "kc", user))
    assert code == 3, out
    assert SECRET not in out


def test_scrub_removes_userinfo_and_secrets() -> None:
    assert scrub(f"at https://u:{SECRET}@h:6443/api: Bearer {SECRET}", [SECRET]) == "at https://h:6443/api: Bearer ***"
    assert token(f" {SECRET}\r\n") == SECRET
