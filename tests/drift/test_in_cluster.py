"""Running as a pod: the pod's own service account when there is no kubeconfig, and only for one cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_gen import kube
from gitops_gen.base.errors import InputError
from gitops_gen.drift import run as drift_run


@pytest.fixture
def in_pod(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))


def test_a_pod_without_kubeconfig_reads_its_own_cluster(in_pod: None) -> None:
    assert kube.in_cluster_only()
    assert not kube.in_cluster_only(kubeconfig="/explicit/kubeconfig")


def test_a_kubeconfig_wins_over_the_pod(in_pod: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.write_text("apiVersion: v1\nkind: Config\n")
    monkeypatch.setenv("KUBECONFIG", str(config))
    assert not kube.in_cluster_only()


def test_outside_a_pod_there_is_no_in_cluster_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    assert not kube.in_cluster_only()


def test_several_clusters_from_one_pod_is_a_usage_error(in_pod: None) -> None:
    targets = [drift_run.Target("prod-eu1", "prod-eu1", ()), drift_run.Target("prod-us1", "prod-us1", ())]
    with pytest.raises(InputError, match="choose one of prod-eu1, prod-us1 with --cluster"):
        drift_run.check_in_cluster(targets, None)
    drift_run.check_in_cluster(targets[:1], None)
    drift_run.check_in_cluster(targets, Path("dump"))  # offline: no cluster is read
