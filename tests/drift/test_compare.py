"""Edits to noisy live objects show on the right field paths, and only there."""

from __future__ import annotations

import copy

from drift_support import find, fixture_objects

from gitops_gen.base.jsonpath import parse_jq, parse_pointer
from gitops_gen.drift.compare import compare, format_path
from gitops_gen.drift.model import Change
from gitops_gen.drift.normalize import Keyed

DESIRED = fixture_objects("desired.yaml")
LIVE = fixture_objects("live.yaml")


def _deployment_pair() -> tuple[dict, dict]:  # type: ignore[type-arg]
    return find(DESIRED, "Deployment", "web"), copy.deepcopy(find(LIVE, "Deployment", "web"))


def _container(live: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(c for c in live["spec"]["template"]["spec"]["containers"] if c["name"] == name)


def test_image_edit_is_reported_by_container_name() -> None:
    desired, live = _deployment_pair()
    _container(live, "app")["image"] = "ghcr.io/acme/web:9.9.9"
    assert compare(desired, live) == (
        Change(
            "spec.template.spec.containers[name=app].image",
            "ghcr.io/acme/web:1.4.2",
            "ghcr.io/acme/web:9.9.9",
        ),
    )


def test_resource_edit_reports_the_quantities_as_written() -> None:
    desired, live = _deployment_pair()
    _container(live, "app")["resources"]["limits"]["memory"] = "2Gi"
    assert compare(desired, live) == (
        Change("spec.template.spec.containers[name=app].resources.limits.memory", "1024Mi", "2Gi"),
    )


def test_removed_container_env_and_volume_mount() -> None:
    desired, live = _deployment_pair()
    pod = live["spec"]["template"]["spec"]
    pod["containers"] = [c for c in pod["containers"] if c["name"] != "proxy"]
    app = _container(live, "app")
    app["env"] = [e for e in app["env"] if e["name"] != "LOG_FORMAT"]
    app["volumeMounts"] = [m for m in app["volumeMounts"] if m["mountPath"] != "/etc/web-extra"]
    paths = [c.path for c in compare(desired, live)]
    assert paths == [
        "spec.template.spec.containers[name=app].env[name=LOG_FORMAT]",
        "spec.template.spec.containers[name=app].volumeMounts[mountPath=/etc/web-extra]",
        "spec.template.spec.containers[name=proxy]",
    ]


def test_changed_args_length_reports_the_whole_list() -> None:
    desired, live = _deployment_pair()
    _container(live, "app")["args"].append("--debug")
    assert compare(desired, live) == (
        Change(
            "spec.template.spec.containers[name=app].args",
            ["--port=8080", "--log-level=info"],
            ["--port=8080", "--log-level=info", "--debug"],
        ),
    )


def test_quota_edit_uses_quoted_keys() -> None:
    desired, live = (
        find(DESIRED, "ResourceQuota", "tenant-quota"),
        copy.deepcopy(find(LIVE, "ResourceQuota", "tenant-quota")),
    )
    live["spec"]["hard"]["requests.cpu"] = "20"
    del live["spec"]["hard"]["pods"]
    assert compare(desired, live) == (
        Change("spec.hard.pods", 150, None),
        Change('spec.hard["requests.cpu"]', "16", "20"),
    )


def test_endpoints_address_edit_reports_the_set() -> None:
    desired, live = (
        find(DESIRED, "Endpoints", "legacy-db"),
        copy.deepcopy(find(LIVE, "Endpoints", "legacy-db")),
    )
    live["subsets"][0]["addresses"][0]["ip"] = "10.0.0.9"
    assert compare(desired, live) == (
        Change(
            "subsets[0].addresses",
            [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
            [{"ip": "10.0.0.1"}, {"ip": "10.0.0.9"}],
        ),
    )


def test_ignore_differences_by_pointer_and_jq() -> None:
    desired, live = _deployment_pair()
    live["spec"]["replicas"] = 7
    assert [c.path for c in compare(desired, live)] == ["spec.replicas"]
    assert compare(desired, live, [parse_pointer("/spec/replicas")]) == ()
    webhook = find(DESIRED, "MutatingWebhookConfiguration", "shop-defaults")
    live_webhook = find(LIVE, "MutatingWebhookConfiguration", "shop-defaults")
    webhook = copy.deepcopy(webhook)
    webhook["webhooks"][0]["clientConfig"]["caBundle"] = "Zm9v"
    assert [c.path for c in compare(webhook, live_webhook)] == [
        "webhooks[name=defaults.shop.acme.io].clientConfig.caBundle"
    ]
    assert compare(webhook, live_webhook, [parse_jq(".webhooks[]?.clientConfig.caBundle")]) == ()


def test_format_path() -> None:
    keyed = Keyed({"name=a": {"image": "x"}})
    assert format_path(["spec", "containers", "name=a", "image"], {"spec": {"containers": keyed}}) == (
        "spec.containers[name=a].image"
    )
    assert format_path(["metadata", "labels", "app.kubernetes.io/name"], {}) == (
        'metadata.labels["app.kubernetes.io/name"]'
    )
    assert format_path(["spec", "args", 2], {}) == "spec.args[2]"
