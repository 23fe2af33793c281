"""The API stand-in itself answers like a real API server (plain HTTP, no kubernetes client)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.kubeapi import TOKEN, KubeApi, matches_labels

pytest_plugins = ["tests.kubeapi.fixture"]  # the kube_api fixture


def call(api: KubeApi, path: str, method: str = "GET", token: str = TOKEN) -> tuple[int, Any]:
    request = urllib.request.Request(api.server.url + path, method=method,
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def test_discovery_documents(kube_api: KubeApi) -> None:
    assert call(kube_api, "/api")[1]["versions"] == ["v1"]
    groups = {g["name"]: g for g in call(kube_api, "/apis")[1]["groups"]}
    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    status, body = call(kube_api, "/apis/apps/v1")
    assert (status, body["kind"], body["groupVersion"]) == (200, "APIResourceList", "apps/v1")
    names = {r["name"]: r for r in body["resources"]}
    assert names["deployments"]["namespaced"] is True and "deployments/status" in names
    core = {r["name"]: r for r in call(kube_api, "/api/v1")[1]["resources"]}
    assert core["namespaces"]["namespaced"] is False
    assert call(kube_api, "/apis/example.com/v1")[0] == 404


def test_lists_look_real(kube_api: KubeApi) -> None:
    status, body = call(kube_api, "/apis/apps/v1/namespaces/team-a/deployments")
    assert (status, body["kind"], body["apiVersion"]) == (200, "DeploymentList", "apps/v1")
    assert body["metadata"]["resourceVersion"].isdigit()
    [item] = body["items"]
    assert "kind" not in item and "apiVersion" not in item  # built-in kinds: typed list drops TypeMeta
    assert item["metadata"]["managedFields"] and item["status"]["readyReplicas"] == 2
    [app] = call(kube_api, "/apis/argoproj.io/v1alpha1/applications")[1]["items"]
    assert app["kind"] == "Application"  # CRD lists are unstructured and keep it


def test_label_and_field_selectors_and_single_get(kube_api: KubeApi) -> None:
    selector = "app.kubernetes.io/managed-by%3Dgitops-gen"
    owned = call(kube_api, f"/api/v1/configmaps?labelSelector={selector}")[1]
    assert [i["metadata"]["name"] for i in owned["items"]] == ["legacy-settings"]
    by_name = call(kube_api, "/api/v1/namespaces/kube-system/configmaps?fieldSelector=metadata.name%3D"
                             "coredns")[1]
    assert [i["metadata"]["name"] for i in by_name["items"]] == ["coredns"]
    assert call(kube_api, "/api/v1/namespaces/team-a")[1]["kind"] == "Namespace"
    status, body = call(kube_api, "/api/v1/namespaces/team-a/secrets/nope")
    assert (status, body["kind"], body["reason"]) == (404, "Status", "NotFound")


@pytest.mark.parametrize(("selector", "expected"), [
    ("a=1", True), ("a==1", True), ("a!=1", False), ("c!=1", True), ("a", True), ("!a", False),
    ("a in (1,2),b notin (3)", True), ("a in (2)", False), ("a=1,b=3", False), ("", True)])
def test_label_selector_grammar(selector: str, expected: bool) -> None:
    assert matches_labels({"a": "1", "b": "2"}, selector) is expected


def test_faults(kube_api: KubeApi) -> None:
    server = kube_api.server
    server.fault("/apis/apps/v1/namespaces/*/deployments", 403)
    server.fault("/api/v1/configmaps", 500, times=1)
    status, body = call(kube_api, "/apis/apps/v1/namespaces/team-a/deployments")
    assert (status, body["reason"]) == (403, "Forbidden")
    assert body["message"] == ('deployments.apps is forbidden: User '
                               '"system:serviceaccount:gitops-gen:drift-reader" cannot list resource '
                               '"deployments" in API group "apps" in the namespace "team-a"')
    assert call(kube_api, "/api/v1/configmaps")[0] == 500
    assert call(kube_api, "/api/v1/configmaps")[0] == 200
    assert server.count("/api/v1/configmaps") == 2


def test_read_only_and_authenticated(kube_api: KubeApi) -> None:
    assert call(kube_api, "/api/v1/namespaces/team-a", method="DELETE")[0] == 405
    assert [r.method for r in kube_api.server.writes()] == ["DELETE"]
    assert call(kube_api, "/api", token="wrong")[0] == 401


def test_pagination(kube_api: KubeApi) -> None:
    page = call(kube_api, "/api/v1/configmaps?limit=1")[1]
    assert len(page["items"]) == 1 and page["metadata"]["continue"] == "1"
    rest = call(kube_api, f"/api/v1/configmaps?limit=1&continue={page['metadata']['continue']}")[1]
    assert len(rest["items"]) == 1 and "continue" not in rest["metadata"]
