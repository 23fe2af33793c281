"""Checks beyond the schemas (enum values, container image) and the line of each finding's field."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.validate import apiserver
from gitops_gen.validate.engine import Document, Options, validate_document
from gitops_gen.validate.lines import field_lines
from gitops_gen.yamlio import emit
from tests.validate.conftest import run_cli

PULL = "IfNotPresent"
SERVICE_TYPES = ("ExternalName", "ClusterIP", "NodePort", "LoadBalancer")
GROUPS = {"Pod": "v1", "PodTemplate": "v1", "ReplicationController": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}


@pytest.mark.parametrize(
    ("description", "values"),
    [
        ("Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always.", ("Always", "Never", PULL)),
        ('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".', ("UDP", "TCP", "SCTP")),
        ("Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. More", SERVICE_TYPES),
        (
            "Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'. DNS",
            ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"),
        ),
        (
            "PathType can be one of the following values: * Exact: Matches exactly. * Prefix: Matches a\n"
            "  prefix.\n* ImplementationSpecific: Up to the class.",
            ("Exact", "Prefix", "ImplementationSpecific"),
        ),
        ('Possible enum values:\n - `"Always"` means always.\n - `"Never"` means never.', ("Always", "Never")),
        ('Valid values are "Cluster", "Namespaced", and "*" "Cluster" means', None),  # "*" is no identifier
        ("One of Exactly or FirstAvailable must be set.", None),  # not a list of values
        ('Valid values are "None", empty string (""), or a valid IP address.', None),
        ("Must be a DNS_LABEL and unique within the pod.", None),
        ("Name of the container specified as a DNS_LABEL.", None),
    ],
)
def test_enum_values_are_read_only_from_complete_lists(description: str, values: tuple[str, ...] | None) -> None:
    assert apiserver.enum_values(description) == values


def test_the_enums_of_the_fields_the_api_server_checks_are_derived() -> None:
    for version in ("1.25", "1.37"):
        deployment = {".".join(p): v for p, v in apiserver.enum_paths(version, "apps/v1", "Deployment")}
        assert deployment["spec.template.spec.containers.[].imagePullPolicy"] == ("Always", "Never", "IfNotPresent")
        assert deployment["spec.template.spec.restartPolicy"] == ("Always", "OnFailure", "Never")
        assert deployment["spec.template.spec.containers.[].ports.[].protocol"] == ("UDP", "TCP", "SCTP")
        service = {".".join(p): v for p, v in apiserver.enum_paths(version, "v1", "Service")}
        assert service["spec.type"] == ("ExternalName", "ClusterIP", "NodePort", "LoadBalancer")
        assert service["spec.ports.[].protocol"] == ("TCP", "UDP", "SCTP")
        assert service["spec.ipFamilies.[]"] == ("IPv4", "IPv6")
        ingress = {".".join(p): v for p, v in apiserver.enum_paths(version, "networking.k8s.io/v1", "Ingress")}
        assert ingress["spec.rules.[].http.paths.[].pathType"] == ("Exact", "Prefix", "ImplementationSpecific")
        assert not any(p[0] == "status" for p, _ in apiserver.enum_paths(version, "apps/v1", "Deployment"))


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p"},
    "spec": {"containers": [{"name": "a", "image": "nginx"}], "initContainers": [{"name": "i", "image": "busybox"}]},
}


def _found(body: dict[str, Any], version: str = "1.37") -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in validate_document(Document(body, "f.yaml", 1), Options(version))]


def test_an_empty_string_and_null_are_not_enum_violations() -> None:
    body = json.loads(json.dumps(POD))
    body["spec"]["restartPolicy"] = ""
    body["spec"]["containers"][0]["imagePullPolicy"] = None
    assert _found(body) == []


@pytest.mark.parametrize(
    ("kind", "api_version", "spec_path"),
    [(k, GROUPS.get(k, "apps/v1"), p) for k, p in apiserver.POD_SPECS.items()],
)
def test_every_workload_needs_an_image_in_each_container(
    kind: str, api_version: str, spec_path: tuple[str, ...]
) -> None:
    body: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "w"}}
    node = body
    for part in spec_path[:-1]:
        node = node.setdefault(part, {})
    node[spec_path[-1]] = {"containers": [{"name": "a"}], "initContainers": [{"name": "i", "image": ""}]}
    prefix = ".".join(spec_path)
    images = [p for rule, p in _found(body) if rule == "required-field"]
    assert images == [f"{prefix}.containers[0].image", f"{prefix}.initContainers[0].image"]


def test_a_custom_resource_called_job_is_left_to_its_crd() -> None:
    body = {"apiVersion": "example.dev/v1", "kind": "Job", "spec": {"template": {"spec": {"containers": [{}]}}}}
    assert apiserver.check_images(body) == []


TEXT = """\
# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: a
        imagePullPolicy: Sometimes
        ports:
        - containerPort: 80
          protocol: HTTP
"""


def test_field_lines_follow_dotted_keys_list_indices_and_stop_at_missing_fields() -> None:
    paths = [
        "spec.replicas",
        "metadata.labels.app.kubernetes.io/name",
        "spec.template.spec.containers[0].imagePullPolicy",
        "spec.template.spec.containers[0].ports[0].protocol",
        "spec.template.spec.containers[0].image",  # missing: the container's line
        "spec.template.spec.containers[3].image",  # no such item: the list's key line
    ]
    assert field_lines(TEXT, 10, (), paths) == {
        paths[0]: 18, paths[1]: 16, paths[2]: 23, paths[3]: 26, paths[4]: 22, paths[5]: 21,
    }


def test_cli_findings_point_at_their_fields(tmp_path) -> None:
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: Internal\n"
    (tmp_path / "d.yaml").write_text("---\n" + TEXT + "---\n" + service)
    r = run_cli("validate", "--strict", str(tmp_path / "d.yaml"))
    assert r.code == 1
    got = [line.split(": ")[0].strip() + " " + line.split(": ")[2] for line in r.lines[1:-1]]
    assert got == [
        "9 spec",  # "selector" is a required property: the line of spec
        "14 spec.template.spec.containers[0].image",  # missing: the container's first line
        "15 spec.template.spec.containers[0].imagePullPolicy",
        "18 spec.template.spec.containers[0].ports[0].protocol",
        "24 spec.type",
    ]


_KEY = st.from_regex(r"[a-z][a-z0-9.\-/]{0,8}", fullmatch=True)
_TREE = st.recursive(
    st.one_of(st.integers(), st.text("ab ", max_size=4), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3), st.dictionaries(_KEY, inner, min_size=1, max_size=3)
    ),
    max_leaves=12,
)


def _leaf_paths(node: Any, path: str, line_of: list[tuple[str, Any]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _leaf_paths(value, f"{path}.{key}" if path else key, line_of)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _leaf_paths(value, f"{path}[{index}]", line_of)
    else:
        line_of.append((path, node))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_KEY, _TREE, min_size=1, max_size=4), st.integers(1, 50))
def test_every_leaf_path_lands_on_the_line_that_holds_its_value(body: dict[str, Any], first: int) -> None:
    text = emit.dump_document(body)
    leaves: list[tuple[str, Any]] = []
    _leaf_paths(body, "", leaves)
    lines = field_lines(text, first, (), [p for p, _ in leaves])
    source = text.split("\n")
    for path, _ in leaves:
        if _ambiguous(body, path):
            continue  # keys "a" and "a.b" side by side: the path text cannot tell them apart
        shown = source[lines[path] - first].strip()
        if path.endswith("]"):
            assert shown.startswith("-"), (path, shown, text)
        else:
            last = re.escape(path.rsplit(".", 1)[-1])
            assert re.match(rf'^(- )*"?{last}"?:', shown), (path, shown, text)


def _ambiguous(body: dict[str, Any], path: str) -> bool:
    keys: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node)
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    collect(body)
    return any("." in k or "[" in k for k in keys)
