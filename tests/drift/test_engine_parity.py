"""Parity with Argo CD's gitops-engine diff cases (``pkg/diff/diff_test.go``).

Each pair in ``fixtures/engine/`` is our own config/live pair named after the
gitops-engine case it mirrors (see docs/drift-parity.md).  Every original pair
is in sync; every edit of a live object (an image, a replica count, a port, a
secret value ...) shows on exactly its field path, and Secret values never
appear in any output format.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from drift_support import FIXTURES, write_dump

from gitops_gen.base.redact import REDACTED
from gitops_gen.cli import run
from gitops_gen.drift.compare import compare
from gitops_gen.drift.live_dump import load_objects
from gitops_gen.drift.model import Change

ENGINE = FIXTURES / "engine"
CASES = sorted(p.name.split("-config.")[0] for p in ENGINE.glob("*-config.*"))
DELETE = object()  # an edit that removes the field


def files(case: str) -> tuple[Path, Path]:
    return next(ENGINE.glob(f"{case}-config.*")), next(ENGINE.glob(f"{case}-live.*"))


def pair(case: str) -> tuple[dict[str, Any], dict[str, Any]]:
    config, live = files(case)
    (desired,) = load_objects(config)
    (seen,) = load_objects(live)
    return copy.deepcopy(dict(desired.body)), copy.deepcopy(dict(seen.body))


def set_at(body: dict[str, Any], pointer: str, value: Any) -> None:
    """Set (or with DELETE remove) the field at a JSON pointer; list steps are indexes."""
    *parents, last = [int(s) if s.isdigit() else s.replace("~1", "/") for s in pointer[1:].split("/")]
    node: Any = body
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value


class Edit(NamedTuple):
    case: str
    name: str
    edits: tuple[tuple[str, Any], ...]  # (JSON pointer into the live object, new value)
    changes: tuple[Change, ...]
    side: str = "live"  # "desired": the edit is to the manifest in Git


R = REDACTED
CHECKOUT = "spec.template.spec.containers[name=checkout]"
SOLR = [{"ip": "10.40.12.10"}, {"ip": "10.40.12.100"}, {"ip": "10.40.12.11"}, {"ip": "10.40.12.9"}]
EDITS = (
    Edit(
        "three-way-diff-example3",
        "image",
        (("/spec/template/spec/containers/1/image", "ghcr.io/acme/checkout:2.8.2-hotfix"),),
        (Change(f"{CHECKOUT}.image", "ghcr.io/acme/checkout:2.8.1", "ghcr.io/acme/checkout:2.8.2-hotfix"),),
    ),
    Edit(
        "three-way-diff-example3",
        "replicas",
        (("/spec/replicas", 5),),
        (Change("spec.replicas", 2, 5),),
    ),
    Edit(
        "three-way-diff-example3",
        "container-port",
        (("/spec/template/spec/containers/1/ports/1/containerPort", 8081),),
        (
            Change(
                f"{CHECKOUT}.ports[containerPort=8080,protocol=TCP]",
                {"name": "http", "containerPort": 8080},
                None,
            ),
        ),
    ),
    Edit(
        "three-way-diff-example3",
        "memory-limit",
        (("/spec/template/spec/containers/1/resources/limits/memory", "2Gi"),),
        (Change(f"{CHECKOUT}.resources.limits.memory", "1Gi", "2Gi"),),
    ),
    Edit(
        "three-way-diff-example3",
        "env-value",
        (("/spec/template/spec/containers/1/env/1/value", "48"),),
        (Change(f"{CHECKOUT}.env[name=DB_POOL].value", "12", "48"),),
    ),
    Edit(  # TestDiffNilFieldInLive
        "three-way-diff-example3",
        "nil-spec",
        (("/spec", None),),
        (Change("spec", "<object>", None),),
    ),
    Edit(  # the known gap: True == 1 in Python, not in Kubernetes
        "server-side-diff-composite-key",
        "replicas-true",
        (("/spec/replicas", True),),
        (Change("spec.replicas", 1, True),),
    ),
    Edit(
        "server-side-diff-composite-key",
        "udp-port-dropped",
        (("/spec/template/spec/containers/1/ports/1", DELETE),),
        (
            Change(
                "spec.template.spec.containers[name=envoy].ports[containerPort=8443,protocol=UDP]",
                {"containerPort": 8443, "name": "http3", "protocol": "UDP"},
                None,
            ),
        ),
    ),
    Edit(
        "three-way-diff-example2",
        "init-image",
        (("/spec/template/spec/initContainers/1/image", "opensearchproject/opensearch:2.16.0"),),
        (
            Change(
                "spec.template.spec.initContainers[name=chown].image",
                "opensearchproject/opensearch:2.15.0",
                "opensearchproject/opensearch:2.16.0",
            ),
        ),
    ),
    Edit(
        "three-way-diff-example2",
        "claim-size",
        (("/spec/volumeClaimTemplates/0/spec/resources/requests/storage", "50Gi"),),
        (Change("spec.volumeClaimTemplates[0].spec.resources.requests.storage", "30Gi", "50Gi"),),
    ),
    Edit(
        "three-way-diff-example2",
        "subpath-mount",
        (("/spec/template/spec/containers/0/volumeMounts/0/subPath", "stop.sh"),),
        (
            Change(
                "spec.template.spec.containers[name=opensearch].volumeMounts[mountPath=/pre-stop-hook.sh].subPath",
                "pre-stop-hook.sh",
                "stop.sh",
            ),
        ),
    ),
    Edit(  # TestThreeWayDiffExample2WithDifference: Git adds a label and changes one, drops another
        "three-way-diff-example2",
        "labels-in-git",
        (
            ("/metadata/labels/foo", "bar"),
            ("/metadata/labels/chart", "opensearch-2.21.1"),
            ("/metadata/labels/release", DELETE),
        ),
        (
            Change("metadata.labels.chart", "opensearch-2.21.1", "opensearch-2.21.0"),
            Change("metadata.labels.foo", "bar", None),
        ),
        side="desired",
    ),
    Edit(
        "three-way-diff-example4",
        "failure-policy",
        (("/webhooks/1/failurePolicy", "Ignore"),),
        (Change("webhooks[name=mutate.policy-agent.acme.io].failurePolicy", "Fail", "Ignore"),),
    ),
    Edit(
        "three-way-diff-example4",
        "rule-operations",
        (("/webhooks/1/rules/0/operations", ["CREATE"]),),
        (
            Change(
                "webhooks[name=mutate.policy-agent.acme.io].rules[0].operations",
                ["CREATE", "UPDATE"],
                ["CREATE"],
            ),
        ),
    ),
    Edit(
        "three-way-diff-example1",
        "label-removed",
        (("/metadata/labels/app.kubernetes.io~1name", DELETE),),
        (Change('metadata.labels["app.kubernetes.io/name"]', "ledger-controller", None),),
    ),
    Edit(
        "three-way-diff-explicit-namespace",
        "chart-label",
        (("/metadata/labels/chart", "halyard-2.5.0"),),
        (Change("metadata.labels.chart", "halyard-2.4.1", "halyard-2.5.0"),),
    ),
    Edit(
        "structured-merge-service",
        "target-port",
        (("/spec/ports/0/targetPort", 9443),),
        (Change("spec.ports[port=443,protocol=TCP].targetPort", 8443, 9443),),
    ),
    Edit(
        "structured-merge-service",
        "selector",
        (("/spec/selector/app.kubernetes.io~1name", "media-gateway-canary"),),
        (Change('spec.selector["app.kubernetes.io/name"]', "media-gateway", "media-gateway-canary"),),
    ),
    Edit(
        "unsorted-endpoints",
        "address",
        (("/subsets/0/addresses/1/ip", "10.40.12.101"),),
        (
            Change(
                "subsets[0].addresses",
                [{"ip": "10.40.12.10"}, {"ip": "10.40.12.100"}, {"ip": "10.40.12.11"}, {"ip": "10.40.12.9"}],
                [{"ip": "10.40.12.10"}, {"ip": "10.40.12.101"}, {"ip": "10.40.12.11"}, {"ip": "10.40.12.9"}],
            ),
        ),
    ),
    Edit(
        "unsorted-endpoints",
        "port",
        (("/subsets/0/ports/1/port", 8985),),
        # Inside a set-like list items have no stable position: the whole list is the field,
        # seen through the desired shape (the live-only port 8985 is not Git's to report).
        (
            Change(
                "subsets",
                [
                    {
                        "addresses": SOLR,
                        "ports": [{"name": "solr-http", "port": 8983}, {"name": "solr-admin", "port": 8984}],
                    }
                ],
                [{"addresses": SOLR, "ports": [{"name": "solr-admin", "port": 8984}]}],
            ),
        ),
    ),
    Edit(
        "endpointslice",
        "hostname",
        (("/endpoints/1/hostname", "solr-9"),),
        (
            Change(
                "endpoints",
                "<list>",
                "<list>",
            ),
        ),
    ),
    Edit(
        "ignore-aggregated-roles",
        "selector",
        (("/aggregationRule/clusterRoleSelectors/0/matchLabels/rbac.acme.io~1aggregate-to-platform-view", "false"),),
        (
            Change(
                'aggregationRule.clusterRoleSelectors[0].matchLabels["rbac.acme.io/aggregate-to-platform-view"]',
                "true",
                "false",
            ),
        ),
    ),
    Edit(
        "null-role-rule",
        "rule-added",
        (("/rules", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]),),
        (Change("rules", [], [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]),),
    ),
    Edit(
        "null-creation-timestamp",
        "sealed-value",
        (("/spec/encryptedData/token", "AgCrotated=="),),
        (
            Change(
                "spec.encryptedData.token",
                "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq0Nf9ZxKsCFBdGHbG5wMZmQ7Hc2aBoN3bF1fE9dKp0n8sQ==",
                "AgCrotated==",
            ),
        ),
    ),
    Edit(
        "cluster-scoped-namespace",
        "spec",
        (("/spec/action", "audit"),),
        (Change("spec.action", "deny", "audit"),),
    ),
    Edit(  # ExampleDiff
        "remarshal-resources",
        "cpu",
        (("/spec/containers/0/resources/requests/cpu", "100m"),),
        (Change("spec.containers[name=shell].resources.requests.cpu", 0.2, "100m"),),
    ),
    Edit(
        "known-types-duration",
        "renew-before",
        (("/spec/renewBefore", "720h0m0s"),),
        (Change("spec.renewBefore", "360h", "720h0m0s"),),
    ),
    # Secrets: the path shows, the values never do.
    Edit(
        "secret-string-data",
        "password",
        (("/data/password", base64.b64encode(b"leaked-by-hand").decode()),),
        (Change("data.password", R, R),),
    ),
    Edit(
        "secret-string-data",
        "string-data-key",
        (("/data/username", base64.b64encode(b"pay_admin_rw").decode()),),
        (Change("data.username", R, R),),
    ),
    Edit(  # TestRedactedSecretData
        "null-secret-data",
        "password",
        (
            ("/data/admin-password", base64.b64encode(b"hunter2").decode()),
            ("/data/smtp-password", base64.b64encode(b"relay-pass-77").decode()),
        ),
        (Change("data.admin-password", R, R), Change("data.smtp-password", None, R)),
    ),
)
SECRET_EDITS = tuple(e for e in EDITS if e.case in ("secret-string-data", "null-secret-data"))


def _expected(edit: Edit, desired: dict[str, Any], live: dict[str, Any]) -> tuple[Change, ...]:
    """Placeholders for values too long to spell out: the whole desired or live field."""
    out = []
    for change in edit.changes:
        if change.desired == "<object>":
            change = change._replace(desired=_plain(desired, change.path))
        if change.desired == "<list>":
            change = change._replace(desired=_plain(desired, change.path), live=_plain(live, change.path))
        out.append(change)
    return tuple(out)


def _plain(body: dict[str, Any], path: str) -> Any:
    from gitops_gen.drift.normalize import canonical, plain

    node: Any = canonical(body)
    for step in path.split("."):
        node = node[step]
    return plain(node)


def _apply(edit: Edit) -> tuple[dict[str, Any], dict[str, Any]]:
    desired, live = pair(edit.case)
    for pointer, value in edit.edits:
        set_at(desired if edit.side == "desired" else live, pointer, value)
    return desired, live


@pytest.mark.parametrize("case", CASES)
def test_original_pair_is_in_sync(case: str) -> None:
    desired, live = pair(case)
    assert compare(desired, live) == ()


@pytest.mark.parametrize("case", CASES)
def test_original_pair_is_in_sync_through_the_cli(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    config, live = files(case)
    code = run(["drift", "--desired", str(config), "--live-from", str(live), "-o", "json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["summary"]["in_sync"], report["summary"]["drift"]) == (0, 1, False)


def test_every_case_has_an_edit() -> None:
    assert sorted({e.case for e in EDITS}) == CASES


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: f"{e.case}:{e.name}")
def test_edit_shows_on_its_field_path(edit: Edit) -> None:
    desired, live = _apply(edit)
    assert compare(desired, live) == _expected(edit, desired, live)


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: f"{e.case}:{e.name}")
def test_edit_is_modified_through_the_cli(edit: Edit, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    desired, live = _apply(edit)
    code = run(
        [
            "drift",
            "--desired",
            str(write_dump(tmp_path / "desired.yaml", desired)),
            "--live-from",
            str(write_dump(tmp_path / "live.yaml", live)),
            "-o",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    (item,) = report["objects"]
    assert (code, item["status"]) == (1, "modified")
    assert [c["path"] for c in item["changes"]] == [c.path for c in edit.changes]


def test_true_is_not_one_but_one_point_oh_is() -> None:
    desired, live = pair("server-side-diff-composite-key")
    for value, verdict in ((True, (Change("spec.replicas", 1, True),)), (1.0, ()), (1, ())):
        live["spec"]["replicas"] = value
        assert compare(desired, live) == verdict
    desired["spec"]["replicas"], live["spec"]["replicas"] = 0, False
    assert compare(desired, live) == (Change("spec.replicas", 0, False),)


def _secret_strings(case: str, edit: Edit) -> set[str]:
    """Every Secret value of the pair, base64 and decoded, before and after the edit."""
    desired, live = _apply(edit)
    original = pair(case)[1]
    values: set[str] = set()
    for body in (desired, live, original):
        for key, text in {**(body.get("data") or {}), **(body.get("stringData") or {})}.items():
            if text:
                values.add(text)
                if key in (body.get("data") or {}):
                    values.add(base64.b64decode(text).decode())
    annotation = original["metadata"].get("annotations", {}).get("kubectl.kubernetes.io/last-applied-configuration", "")
    if annotation:  # kubectl's copy of an older manifest holds values too
        values.update(v for v in (json.loads(annotation).get("data") or {}).values() if v)
    return {v for v in values if len(v) > 3}


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit"])
@pytest.mark.parametrize("edit", SECRET_EDITS, ids=lambda e: f"{e.case}:{e.name}")
def test_secret_values_never_appear_in_any_format(
    edit: Edit, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desired, live = _apply(edit)
    code = run(
        [
            "drift",
            "--desired",
            str(write_dump(tmp_path / "desired.yaml", desired)),
            "--live-from",
            str(write_dump(tmp_path / "live.yaml", live)),
            "-o",
            fmt,
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    for change in edit.changes:
        assert change.path in out
    assert REDACTED in out or "&lt;redacted&gt;" in out
    leaked = sorted(v for v in _secret_strings(edit.case, edit) if v in out)
    assert leaked == []
