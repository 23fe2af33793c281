"""Replies of the wrong shape: that cluster is unreadable (exit 3) with one line, the others are reported.

The stand-in answers normally except for one path, whose reply a function rewrites into a shape a real
API server never sends (a list where an object belongs, null, a string for metadata ...).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.errors import ExternalError
from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.drift import run as drift_run
from gitops_gen.drift.config import DriftConfig
from gitops_gen.kube import read_live
from gitops_gen.kube.client import Cluster
from tests.kubeapi import KubeApi, KubeApiServer, load_objects

pytest_plugins = ["tests.kubeapi.fixture"]

NS = ObjectRef("v1", "Namespace", "", "team-a")
QUOTA = ObjectRef("v1", "ResourceQuota", "team-a", "compute")
WEB = ObjectRef("apps/v1", "Deployment", "team-a", "web")
WANTED = [NS, QUOTA, WEB]
LISTS = "/api*/resourcequotas"


def _items(change: Callable[[dict[str, Any]], Any]) -> Callable[[Any], Any]:
    def rewrite(body: Any) -> Any:
        body["items"] = [change(item) for item in body.get("items") or [{"metadata": {"name": "x"}}]]
        return body
    return rewrite


def _set(key: str, value: Any) -> Callable[[Any], Any]:
    def rewrite(body: Any) -> Any:
        body[key] = value
        return body
    return rewrite


def _meta(key: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    def change(item: dict[str, Any]) -> Any:
        item.setdefault("metadata", {})[key] = value
        return item
    return change


SHAPES: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "/api as a list": ("/api", lambda body: ["v1"]),
    "/api as null": ("/api", lambda body: None),
    "/api versions as an object": ("/api", _set("versions", {"v1": True})),
    "/apis groups as an object": ("/apis", _set("groups", {"apps": {}})),
    "a group without versions": ("/apis", lambda body: {**body, "groups": [{"name": "apps"}]}),
    "a group version as a string": ("/apis", lambda body: {**body, "groups": [{"name": "apps",
                                                                                "versions": ["apps/v1"]}]}),
    "resources as an object": ("/api/v1", _set("resources", {"pods": {}})),
    "a resource without a kind": ("/api/v1", _set("resources", [{"name": "resourcequotas"}])),
    "items as an object": (LISTS, _set("items", {"a": {}})),
    "an item as a string": (LISTS, _items(lambda item: "quota")),
    "metadata as a string": (LISTS, _items(lambda item: {**item, "metadata": "compute"})),
    "a name as a number": (LISTS, _items(_meta("name", 7))),
    "labels as a list": (LISTS, _items(_meta("labels", ["a"]))),
    "a list's metadata as a string": (LISTS, _set("metadata", "continue")),
    "a continue token as a number": (LISTS, _set("metadata", {"continue": 3})),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_reply_of_the_wrong_shape_is_an_external_error(kube_api: KubeApi, shape: str) -> None:
    pattern, rewrite = SHAPES[shape]
    kube_api.server.fault(pattern, reply=rewrite)
    with pytest.raises(ExternalError, match="malformed"):
        read_live(kube_api.context, WANTED, kubeconfig=str(kube_api.kubeconfig), timeout=5, backoff=0.01)


def test_a_continue_token_that_repeats_forever_ends_the_list(kube_api: KubeApi) -> None:
    kube_api.server.fault(LISTS, reply=_set("metadata", {"continue": "again"}))
    with pytest.raises(ExternalError, match="continue token repeats"):
        read_live(kube_api.context, WANTED, kubeconfig=str(kube_api.kubeconfig), timeout=5, backoff=0.01)


def test_pages_that_never_end_are_capped_per_list(kube_api: KubeApi) -> None:
    tokens = itertools.count()
    kube_api.server.fault(LISTS, reply=lambda body: {**body, "metadata": {"continue": f"t{next(tokens)}"},
                                                     "padding": "x" * 2000})
    cluster = Cluster(kube_api.context, str(kube_api.kubeconfig), timeout=10, workers=1, retries=0,
                      backoff=0.01, max_bytes=4096)
    try:
        resource = cluster.discover(["v1"])["v1"]
        assert not isinstance(resource, str)
        with pytest.raises(ExternalError, match="pages add up to more than"):
            cluster.list(resource["ResourceQuota"])
    finally:
        cluster.close()


def test_the_other_clusters_are_still_reported(tmp_path: Path) -> None:
    with KubeApiServer(load_objects()) as bad, KubeApiServer(load_objects()) as good:
        bad.fault("/apis", reply=lambda body: None)
        text = good.write_kubeconfig(tmp_path / "kc", ["good"]).read_text()
        text = text.replace("contexts:\n", "contexts:\n- name: bad\n  context:\n    cluster: bad\n"
                            "    user: drift-reader\n")
        text = text.replace("clusters:\n", f"clusters:\n- name: bad\n  cluster:\n    server: {bad.url}\n")
        (tmp_path / "kc").write_text(text)
        desired = (Manifest({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}),)
        targets = [drift_run.Target("bad", "bad", desired), drift_run.Target("good", "good", desired)]
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("KUBECONFIG", str(tmp_path / "kc"))
            report = drift_run.run(targets, DriftConfig(), None, timeout=5)
    assert int(report.exit_code) == 3
    bad_report, good_report = report.clusters
    assert "malformed" in bad_report.error and not good_report.error
    assert good_report.items
