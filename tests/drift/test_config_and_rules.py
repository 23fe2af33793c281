"""The drift section of gitops.yaml, Application ignoreDifferences, autoscaled replicas, Argo CD status."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.manifest import Manifest
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.cluster import LiveSnapshot, diff_cluster
from gitops_gen.drift.config import DEFAULT_IGNORES, DriftConfig, parse_config
from gitops_gen.yamlio.reader import load_positioned

DEPLOY = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"gitops-gen.io/addon": "web"}},
    "spec": {"replicas": 2},
}


def _section(text: str) -> Any:
    return load_positioned(text, "gitops.yaml")[0]["drift"]


def test_defaults_when_absent() -> None:
    assert parse_config(None) == DriftConfig()
    assert parse_config({}).ignore == DEFAULT_IGNORES


def test_section_parsed() -> None:
    config = parse_config(
        _section(
            "drift:\n  defaultIgnores: false\n  countOutOfSync: false\n  ignoreDifferences:\n"
            "    - {group: apps, kind: Deployment, jsonPointers: [/spec/replicas]}\n"
        )
    )
    assert not config.count_out_of_sync and config.count_degraded
    assert [r.kind for r in config.ignore] == ["Deployment"]


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        (
            "drift:\n  countOutOfSnyc: true\n",
            "drift.countOutOfSnyc: unknown field (did you mean 'countOutOfSync'?)",
            Location("gitops.yaml", 2, 3),
        ),
        (
            "drift:\n  countDegraded: 'no'\n",
            "drift.countDegraded: expected true or false, got a string",
            Location("gitops.yaml", 2, 18),
        ),
        (
            "drift:\n  ignoreDifferences:\n    - {kind: X, jqPathExpressions: ['.a | select(.b)']}\n",
            "drift.ignoreDifferences[0].jqPathExpressions[0]: unsupported jq path '.a | select(.b)':"
            " only .field, [\"key\"], [N] and [] steps",
            Location("gitops.yaml", 3, 37),
        ),
        (
            "drift:\n  ignoreDifferences:\n    - {kind: X, pointers: [/a]}\n",
            "drift.ignoreDifferences[0].pointers: unknown field (did you mean 'jsonPointers'?)",
            Location("gitops.yaml", 3, 17),
        ),
    ],
)
def test_bad_section_names_the_line(text: str, message: str, where: Location) -> None:
    with pytest.raises(InputError) as caught:
        parse_config(_section(text))
    assert caught.value.message == message
    assert caught.value.location == where


def _diff(
    desired: list[dict[str, Any]], live: list[dict[str, Any]], config: DriftConfig | None = None
) -> Any:
    return diff_cluster(
        "c", "c", [Manifest(b) for b in desired], LiveSnapshot(tuple(live)), config or DriftConfig()
    )


def test_application_ignore_differences_apply_to_its_addon_only() -> None:
    app = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "web", "namespace": "argocd", "labels": {"gitops-gen.io/addon": "web"}},
        "spec": {
            "ignoreDifferences": [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}]
        },
    }
    other = copy.deepcopy(DEPLOY)
    other["metadata"].update(name="api", labels={"gitops-gen.io/addon": "api"})
    live = [
        copy.deepcopy(DEPLOY),
        copy.deepcopy(other),
        {**app, "status": {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}}},
    ]
    live[0]["spec"]["replicas"] = 5
    live[1]["spec"]["replicas"] = 5
    report = _diff([DEPLOY, other, app], live)
    assert [(i.ref.name, i.status) for i in report.items if i.ref.kind == "Deployment"] == [
        ("api", DriftStatus.MODIFIED),
        ("web", DriftStatus.IN_SYNC),
    ]


def test_replicas_an_autoscaler_owns_are_ignored() -> None:
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}},
    }
    live = copy.deepcopy(DEPLOY)
    live["spec"]["replicas"] = 9
    assert {i.status for i in _diff([DEPLOY], [live, hpa]).items} == {DriftStatus.IN_SYNC}
    report = _diff([DEPLOY], [live, hpa], DriftConfig(hpa_owned_replicas=False))
    assert [i.status for i in report.items] == [DriftStatus.MODIFIED]


@pytest.mark.parametrize(
    ("status", "config", "drift"),
    [
        ({"sync": {"status": "Synced"}, "health": {"status": "Healthy"}}, DriftConfig(), False),
        ({"sync": {"status": "OutOfSync"}, "health": {"status": "Healthy"}}, DriftConfig(), True),
        (
            {"sync": {"status": "OutOfSync"}, "health": {"status": "Healthy"}},
            DriftConfig(count_out_of_sync=False),
            False,
        ),
        ({"sync": {"status": "Synced"}, "health": {"status": "Degraded"}}, DriftConfig(), True),
        (
            {"sync": {"status": "Synced"}, "health": {"status": "Degraded"}},
            DriftConfig(count_degraded=False),
            False,
        ),
        (None, DriftConfig(), True),  # the Application is missing
    ],
)
def test_application_status_counts_as_configured(status: Any, config: DriftConfig, drift: bool) -> None:
    app = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": "a", "namespace": "argocd"},
        "spec": {"project": "p"},
    }
    live = [{**app, "status": status}] if status else []
    report = _diff([app], live, config)
    assert [a.drift for a in report.applications] == [drift]
    assert report.drifted is (drift or status is None)


def test_unknown_kinds_are_reported_with_reason_and_are_not_drift() -> None:
    ref = Manifest(DEPLOY).ref
    report = diff_cluster(
        "c", "c", [Manifest(DEPLOY)], LiveSnapshot((), {ref: "forbidden: deployments.apps"}), DriftConfig()
    )
    assert [(i.status, i.reason) for i in report.items] == [(DriftStatus.UNKNOWN, "forbidden: deployments.apps")]
    assert not report.drifted


def test_controller_children_and_service_endpoints_are_not_extras() -> None:
    owned = {"labels": {"app.kubernetes.io/managed-by": "gitops-gen"}}
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "web-1",
            "namespace": "shop",
            **owned,
            "ownerReferences": [{"kind": "Deployment", "controller": True}],
        },
    }
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop", **owned}}
    eps = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "shop", **owned}}
    left = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "old", "namespace": "shop", **owned},
    }
    theirs = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "theirs", "namespace": "shop"}}
    report = _diff([svc], [rs, svc, eps, left, theirs])
    assert [(i.status, i.ref.name) for i in report.items if i.status is not DriftStatus.IN_SYNC] == [
        (DriftStatus.EXTRA, "old")
    ]
