"""gitops_gen.kube against the API stand-in, through the real ``kubernetes`` client."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.errors import ExitCode, ExternalError, InputError
from gitops_gen.base.manifest import ObjectRef, ref_of
from gitops_gen.kube import LiveState, read_applications, read_live
from tests.kubeapi import KubeApi, load_objects

pytest_plugins = ["tests.kubeapi.fixture"]  # the kube_api and kube_api_empty fixtures

OWNED = "app.kubernetes.io/managed-by"
FAST = {"timeout": 2.0, "backoff": 0.01}
NS = ObjectRef("v1", "Namespace", "", "team-a")
QUOTA = ObjectRef("v1", "ResourceQuota", "team-a", "compute")
NETPOL = ObjectRef("networking.k8s.io/v1", "NetworkPolicy", "team-a", "default-deny")
BINDING = ObjectRef("rbac.authorization.k8s.io/v1", "RoleBinding", "team-a", "team-a-admins")
WEB = ObjectRef("apps/v1", "Deployment", "team-a", "web")
SECRET = ObjectRef("v1", "Secret", "team-a", "web-config")
APP = ObjectRef("argoproj.io/v1alpha1", "Application", "argocd", "team-a")
LEFTOVER = ObjectRef("v1", "ConfigMap", "team-a", "legacy-settings")
WANTED = [NS, QUOTA, NETPOL, BINDING, WEB, SECRET, APP]


def read(api: KubeApi, wanted: list[ObjectRef] = WANTED, **kwargs: Any) -> LiveState:
    return read_live(api.context, wanted, kubeconfig=str(api.kubeconfig), **{**FAST, **kwargs})


def configmap(namespace: str, name: str, owned: bool = True) -> dict[str, Any]:
    labels = {OWNED: "gitops-gen"} if owned else {}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace,
                                                                  "labels": labels}, "data": {"k": "v"}}


def test_reads_every_wanted_object_with_kind_and_api_version(kube_api: KubeApi) -> None:
    state = read(kube_api)
    assert set(WANTED) <= state.objects.keys()
    assert not state.unknown and not state.warnings
    web = state.objects[WEB]
    assert (web["apiVersion"], web["kind"]) == ("apps/v1", "Deployment")  # the list items lacked them
    [container] = web["spec"]["template"]["spec"]["containers"]
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert state.objects[APP]["status"]["sync"]["status"] == "Synced"


def test_discovery_maps_kinds_to_resources_and_scope(kube_api: KubeApi) -> None:
    read(kube_api)
    server = kube_api.server
    assert server.count("/api") == server.count("/apis") == 1
    # Only the group versions wanted are discovered, each once.
    discovered = [r.path for r in server.requests if not r.query and r.path not in ("/api", "/apis")]
    assert sorted(discovered) == ["/api/v1", "/apis/apps/v1", "/apis/argoproj.io/v1alpha1",
                                  "/apis/networking.k8s.io/v1", "/apis/rbac.authorization.k8s.io/v1"]
    # Cluster-scoped Namespace at /api/v1/namespaces; subresources (deployments/status) are not mistaken.
    assert server.count("/api/v1/namespaces") == 1
    assert server.count("/apis/apps/v1/deployments") == 1
    assert server.count("/apis/networking.k8s.io/v1/networkpolicies") == 1


def test_a_cluster_in_sync_costs_one_list_per_kind_and_no_get(kube_api: KubeApi) -> None:
    read(kube_api)
    requests = kube_api.server.requests
    lists = [r for r in requests if "labelSelector" in r.query]
    assert len(lists) == len({(r.api_version, r.kind) for r in WANTED})
    assert {r.query["labelSelector"] for r in lists} == {f"{OWNED}=gitops-gen"}
    assert len(requests) == len(lists) + 2 + 5  # /api, /apis and five group versions
    assert kube_api.server.writes() == []


def test_extras_are_owned_objects_of_wanted_kinds_in_any_namespace(kube_api: KubeApi) -> None:
    kube_api.server.add(configmap("elsewhere", "orphan"), configmap("team-a", "not-ours", owned=False))
    state = read(kube_api, [*WANTED, ObjectRef("v1", "ConfigMap", "team-a", "wanted-but-missing")])
    configmaps = {ref for ref in state.objects if ref.kind == "ConfigMap"}
    assert configmaps == {LEFTOVER, ObjectRef("v1", "ConfigMap", "elsewhere", "orphan")}  # not coredns
    assert not state.unknown  # missing is not unknown: it is simply absent


def test_no_extras_for_kinds_not_wanted(kube_api: KubeApi) -> None:
    state = read(kube_api, [WEB])
    assert list(state.objects) == [WEB]
    assert kube_api.server.count("/api/v1/*secrets") == 0  # Secrets are listed only when wanted


def test_wanted_object_that_lost_its_label_is_still_read(kube_api: KubeApi) -> None:
    quota = load_objects("resourcequota-team-a")[0]
    quota["metadata"]["labels"] = {}  # a hand edit removed the ownership label
    kube_api.server.add(quota)
    state = read(kube_api)
    assert state.objects[QUOTA]["spec"]["hard"]["requests.cpu"] == "4"
    # One extra LIST, narrowed to the one name, in the one namespace.
    assert kube_api.server.count("/api/v1/namespaces/team-a/resourcequotas") == 1
    [req] = [r for r in kube_api.server.requests if r.path.endswith("team-a/resourcequotas")]
    assert req.query["fieldSelector"] == "metadata.name=compute"


def test_unseen_objects_across_many_namespaces_take_one_cluster_wide_list(kube_api_empty: KubeApi) -> None:
    server = kube_api_empty.server
    server.add(*(configmap(f"ns-{i}", "settings", owned=False) for i in range(8)))
    wanted = [ObjectRef("v1", "ConfigMap", f"ns-{i}", "settings") for i in range(8)]
    state = read(kube_api_empty, wanted)
    assert set(state.objects) == set(wanted)
    assert server.count("/api/v1/namespaces/*/configmaps") == 0
    assert server.count("/api/v1/configmaps") == 2  # owned (for extras), then every unseen one at once


def test_lists_follow_continue_tokens(kube_api_empty: KubeApi) -> None:
    kube_api_empty.server.add(*(configmap("big", f"cm-{i:04}") for i in range(1203)))
    state = read(kube_api_empty, [ObjectRef("v1", "ConfigMap", "big", "cm-0000")])
    assert len(state.objects) == 1203
    assert kube_api_empty.server.count("/api/v1/configmaps") == 3  # pages of 500


def test_namespaced_ref_without_namespace_means_default(kube_api_empty: KubeApi) -> None:
    kube_api_empty.server.add(configmap("default", "plain"))
    ref = ObjectRef("v1", "ConfigMap", "", "plain")
    assert ref in read(kube_api_empty, [ref]).objects


def test_forbidden_kind_is_unknown_and_the_rest_is_read(kube_api: KubeApi) -> None:
    kube_api.server.fault("/api/v1/*secrets", 403)
    state = read(kube_api)
    assert state.unknown == {SECRET: "forbidden: cannot list secrets in team-a"}
    assert set(WANTED) - {SECRET} <= state.objects.keys()
    assert state.warnings == ("extra objects not checked: forbidden: cannot list secrets at cluster scope",)


def test_forbidden_cluster_wide_but_allowed_in_namespace(kube_api: KubeApi) -> None:
    kube_api.server.fault("/apis/apps/v1/deployments", 403)  # a reader bound per namespace
    state = read(kube_api)
    assert WEB in state.objects and not state.unknown
    assert state.warnings == ("extra objects not checked: forbidden: cannot list deployments.apps "
                              "at cluster scope",)


def test_kind_not_served_is_unknown(kube_api: KubeApi) -> None:
    kube_api.server.unserve("argoproj.io/v1alpha1")  # Argo CD not installed
    widget = ObjectRef("apps/v1", "Widget", "team-a", "w")  # a served group without that kind
    state = read(kube_api, [*WANTED, widget])
    assert state.unknown == {APP: "not served by the cluster (argoproj.io/v1alpha1/Application)",
                             widget: "not served by the cluster (apps/v1/Widget)"}
    assert WEB in state.objects


def test_list_404_is_unknown(kube_api: KubeApi) -> None:
    kube_api.server.fault("/api/v1/*resourcequotas", 404)
    assert read(kube_api).unknown == {QUOTA: "not served by the cluster (v1/ResourceQuota)"}


def test_server_errors_are_retried_with_backoff(kube_api: KubeApi) -> None:
    kube_api.server.fault("/apis/apps/v1/deployments", 500, times=2)
    kube_api.server.fault("/api/v1/namespaces", 429, times=1)
    state = read(kube_api)
    assert WEB in state.objects and NS in state.objects and not state.unknown
    assert kube_api.server.count("/apis/apps/v1/deployments") == 3
    assert kube_api.server.count("/api/v1/namespaces") == 2


def test_server_errors_beyond_the_retries_make_objects_unknown(kube_api: KubeApi) -> None:
    kube_api.server.fault("/apis/apps/v1/*deployments", 503)
    state = read(kube_api, retries=2)
    assert state.unknown == {WEB: "cannot list deployments.apps in team-a: HTTP 503: "
                                  "stand-in fault 503 on /apis/apps/v1/namespaces/team-a/deployments "
                                  "(after 3 attempts)"}
    assert kube_api.server.count("/apis/apps/v1/*deployments") == 6  # cluster-wide, then in team-a


def test_a_failing_group_version_makes_only_its_kinds_unknown(kube_api: KubeApi) -> None:
    kube_api.server.fault("/apis/networking.k8s.io/v1", 503)  # e.g. an aggregated API that is down
    state = read(kube_api, retries=0)
    assert state.unknown == {NETPOL: "cannot discover networking.k8s.io/v1: HTTP 503: "
                                     "stand-in fault 503 on /apis/networking.k8s.io/v1"}


def test_slow_list_beyond_the_deadline_ends_the_read(kube_api: KubeApi) -> None:
    """One deadline for the whole read: a kind that answers too late ends it (exit 3), it is not retried."""
    kube_api.server.fault("/apis/apps/v1/*deployments", delay=1.0)
    with pytest.raises(ExternalError, match=r"no complete answer within the 0\.2s deadline from the Kubernetes API "
                                            r"at http://127\.0\.0\.1:\d+ \(context stand-in\)"):
        read(kube_api, timeout=0.2, retries=3)


def test_slow_discovery_is_an_external_error(kube_api: KubeApi) -> None:
    kube_api.server.fault("/api", delay=1.0)
    with pytest.raises(ExternalError, match=r"no complete answer within the 0\.2s deadline from the Kubernetes API "
                                            r"at http://127\.0\.0\.1:\d+ \(context stand-in\)"):
        read(kube_api, timeout=0.2, retries=0)


def test_unreachable_cluster_is_an_external_error(kube_api: KubeApi, tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on any more
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    text = kube_api.kubeconfig.read_text().replace(kube_api.server.url, f"http://127.0.0.1:{port}")
    kubeconfig = tmp_path / "closed"
    kubeconfig.write_text(text)
    with pytest.raises(ExternalError) as caught:
        read_live("stand-in", WANTED, kubeconfig=str(kubeconfig), backoff=0.01)
    assert str(caught.value) == (f"cannot read the Kubernetes API at http://127.0.0.1:{port} "
                                 "(context stand-in): connection refused (after 4 attempts)")
    assert caught.value.exit_code == ExitCode.EXTERNAL


def test_rejected_credentials_are_an_external_error(kube_api: KubeApi) -> None:
    kube_api.server.token = "another-token"
    with pytest.raises(ExternalError, match=r"HTTP 401: Unauthorized$"):
        read(kube_api)


def test_missing_context_is_an_input_error(kube_api: KubeApi) -> None:
    with pytest.raises(InputError) as caught:
        read_live("prod-eu-1", WANTED, kubeconfig=str(kube_api.kubeconfig))
    assert str(caught.value) == (f"{kube_api.kubeconfig}: context 'prod-eu-1' not found in kubeconfig "
                                 "(available: stand-in)")
    assert caught.value.exit_code == ExitCode.USAGE


def test_missing_kubeconfig_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    with pytest.raises(InputError, match=r"cannot use kubeconfig: Invalid kube-config file\. No config"):
        read_live("any", WANTED, kubeconfig=str(tmp_path / "nowhere"))


def test_current_context_is_used_when_none_is_named(kube_api: KubeApi,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setenv("KUBECONFIG", str(kube_api.kubeconfig))
    assert WEB in read_live(None, [WEB], timeout=2.0, backoff=0.01).objects


def test_in_cluster_configuration_is_used_in_a_pod(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    # Outside a real pod the service account token is missing: a clear input error, not a traceback.
    with pytest.raises(InputError, match="in-cluster configuration: "):
        read_live(None, [WEB])


def test_read_applications(kube_api: KubeApi) -> None:
    apps = read_applications(kube_api.context, "argocd", ["team-a", "not-deployed"],
                             kubeconfig=str(kube_api.kubeconfig), **FAST)
    assert list(apps) == ["team-a"]
    status = apps["team-a"]["status"]
    assert (status["sync"]["status"], status["health"]["status"], status["operationState"]["phase"]) == (
        "Synced", "Healthy", "Succeeded")
    assert kube_api.server.count("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications") == 1
    assert kube_api.server.count("/apis/argoproj.io/v1alpha1/applications") == 0


def test_read_applications_when_argo_cd_is_not_installed(kube_api: KubeApi) -> None:
    kube_api.server.unserve("argoproj.io/v1alpha1")
    with pytest.raises(ExternalError, match=r"cannot read Argo CD Applications in argocd: not served by the "
                                            r"cluster \(argoproj.io/v1alpha1/Application\)"):
        read_applications(kube_api.context, "argocd", ["team-a"], kubeconfig=str(kube_api.kubeconfig))


def test_seeded_objects_round_trip(kube_api: KubeApi) -> None:
    state = read(kube_api)
    for obj in load_objects():
        ref = ref_of(obj)
        if ref in state.objects:
            assert state.objects[ref] == obj
