"""Each class of server noise, on objects shaped like a real API server's replies, compares equal."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from drift_support import find, fixture_objects

from gitops_gen.base.jsonpath import parse_jq
from gitops_gen.base.redact import REDACTED
from gitops_gen.drift.compare import compare
from gitops_gen.drift.model import Change
from gitops_gen.drift.normalize import canonical, project

DESIRED = fixture_objects("desired.yaml")
LIVE = fixture_objects("live.yaml")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (
            "Deployment",
            "web",
        ),  # managedFields, status, defaults, reordered containers/env/mounts, "1"=="1000m"
        ("Service", "web"),  # clusterIP, protocol TCP defaulted, ports reordered
        ("ResourceQuota", "tenant-quota"),  # 32768Mi == 32Gi, pods 150 == "150"
        ("Secret", "web-credentials"),  # stringData folded into data
        ("Endpoints", "legacy-db"),  # addresses in another order
        (
            "MutatingWebhookConfiguration",
            "shop-defaults",
        ),  # webhook defaults (caBundle needs the default rule)
        ("Application", "shop-web"),  # status, finalizers, generation
    ],
)
def test_noisy_live_fixture_equals_desired(kind: str, name: str) -> None:
    desired, live = find(DESIRED, kind, name), find(LIVE, kind, name)
    caBundle = kind == "MutatingWebhookConfiguration"
    paths = [parse_jq(".webhooks[]?.clientConfig.caBundle")] if caBundle else []
    assert compare(desired, live, paths) == ()


def _pair(
    desired_spec: dict[str, Any], live_spec: dict[str, Any], kind: str = "ConfigMap"
) -> tuple[Change, ...]:
    meta = {"name": "x", "namespace": "ns"}
    return compare(
        {"apiVersion": "v1", "kind": kind, "metadata": meta, **desired_spec},
        {"apiVersion": "v1", "kind": kind, "metadata": dict(meta), **live_spec},
    )


def test_server_metadata_and_tracking_are_ignored_even_when_desired_sets_them() -> None:
    noisy = {
        "metadata": {
            "name": "x",
            "namespace": "ns",
            "uid": "a",
            "resourceVersion": "1",
            "generation": 4,
            "creationTimestamp": "2024-01-01T00:00:00Z",
            "managedFields": [{"manager": "a"}],
            "selfLink": "/api/v1/x",
            "ownerReferences": [{"uid": "1"}],
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
                "argocd.argoproj.io/tracking-id": "a:b",
            },
            "labels": {"app.kubernetes.io/instance": "a"},
        }
    }
    other = copy.deepcopy(noisy)
    other["metadata"].update(uid="b", resourceVersion="2", generation=5, ownerReferences=[{"uid": "2"}])
    other["metadata"]["annotations"]["argocd.argoproj.io/tracking-id"] = "c:d"
    other["metadata"]["labels"]["app.kubernetes.io/instance"] = "b"
    other["status"] = {"phase": "Active"}
    assert (
        compare(
            {"apiVersion": "v1", "kind": "ConfigMap", **noisy},
            {"apiVersion": "v1", "kind": "ConfigMap", **other},
        )
        == ()
    )


@pytest.mark.parametrize(
    ("want", "have"),
    [
        ("1000m", "1"),
        ("1Gi", "1024Mi"),
        ("0.5", "500m"),
        (1, "1"),
        (0.5, "500m"),
        ("1e3", "1k"),
        ("32Gi", "32768Mi"),
    ],
)
def test_quantities_equal_by_value_in_resource_fields(want: Any, have: Any) -> None:
    assert _pair({"spec": {"hard": {"cpu": want}}}, {"spec": {"hard": {"cpu": have}}}) == ()


def test_quantity_spelling_counts_outside_resource_fields() -> None:
    assert _pair({"data": {"size": "1Gi"}}, {"data": {"size": "1024Mi"}}) == (
        Change("data.size", "1Gi", "1024Mi"),
    )


def test_different_quantities_differ() -> None:
    assert _pair({"spec": {"hard": {"cpu": "1"}}}, {"spec": {"hard": {"cpu": "1001m"}}}) == (
        Change("spec.hard.cpu", "1", "1001m"),
    )


def test_int_equals_float() -> None:
    assert _pair({"spec": {"replicas": 3}}, {"spec": {"replicas": 3.0}}) == ()
    assert _pair({"spec": {"replicas": 3}}, {"spec": {"replicas": 3.5}}) == (Change("spec.replicas", 3, 3.5),)


@pytest.mark.parametrize("empty", [None, {}, [], ""])
def test_null_empty_and_absent_are_equal(empty: Any) -> None:
    assert _pair({"spec": {"x": empty}}, {"spec": {}}) == ()
    assert _pair({"spec": {"x": None}}, {"spec": {"x": empty}}) == ()


def test_fields_only_live_sets_never_count() -> None:
    assert _pair({"spec": {"a": 1}}, {"spec": {"a": 1, "defaulted": "yes"}, "status": {"ready": True}}) == ()


def test_merge_keyed_lists_match_by_key_and_ignore_live_only_items() -> None:
    want = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}
    have = {
        "spec": {
            "containers": [
                {"name": "istio-proxy", "image": "p"},
                {"name": "b", "image": "y"},
                {"name": "a", "image": "x", "imagePullPolicy": "Always"},
            ]
        }
    }
    assert _pair(want, have) == ()


def test_ports_keyed_by_port_and_protocol_with_tcp_default() -> None:
    want = {"spec": {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53}]}}
    have = {
        "spec": {
            "ports": [
                {"port": 53, "protocol": "TCP", "targetPort": 53},
                {"port": 53, "protocol": "UDP", "targetPort": 53},
            ]
        }
    }
    assert _pair(want, have) == ()


def test_atomic_lists_keep_their_order() -> None:
    assert _pair({"spec": {"args": ["a", "b"]}}, {"spec": {"args": ["b", "a"]}}) == (
        Change("spec.args[0]", "a", "b"),
        Change("spec.args[1]", "b", "a"),
    )


def test_set_like_lists_ignore_order() -> None:
    assert (
        _pair(
            {"metadata": {"name": "x", "namespace": "ns", "finalizers": ["a", "b"]}},
            {"metadata": {"name": "x", "namespace": "ns", "finalizers": ["b", "a"]}},
        )
        == ()
    )


def test_secret_string_data_folds_into_data_and_values_stay_hidden() -> None:
    assert _pair({"stringData": {"token": "abc"}}, {"data": {"token": "YWJj"}}, kind="Secret") == ()
    assert _pair({"stringData": {"token": "abc"}}, {"data": {"token": "eHl6"}}, kind="Secret") == (
        Change("data.token", REDACTED, REDACTED),
    )


def test_projection_keeps_only_desired_fields() -> None:
    want = canonical({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "1"}})
    assert project(want, {"metadata": {"name": "x", "uid": "u"}, "data": {"a": "1", "b": "2"}}) == want
