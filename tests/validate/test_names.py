"""Checks the schemas do not make: DNS-1123 names, label keys and values, annotation keys, quantities."""

from __future__ import annotations

import pytest

from gitops_gen.validate import names


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("payments-api", True),
        ("a", True),
        ("a" * 63, True),
        ("a" * 64, False),
        ("Payments", False),
        ("-a", False),
        ("a-", False),
        ("a.b", False),
        ("a_b", False),
    ],
)
def test_dns1123_label(value: str, ok: bool) -> None:
    assert (names.label_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("cert-manager.io", True),
        ("a.b-c.d", True),
        ("a" * 253, True),
        ("a" * 254, False),
        ("a..b", False),
        ("A.b", False),
        (".a", False),
    ],
)
def test_dns1123_subdomain(value: str, ok: bool) -> None:
    assert (names.subdomain_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("app", True),
        ("app.kubernetes.io/name", True),
        ("a/b", True),
        ("Example.com/x", False),
        ("/x", False),
        ("x/", False),
        ("a" * 64, False),
        ('cert-manager.io/cluster-issuer"', False),
        ("-bad", False),
        ("a_b.C", True),
    ],
)
def test_qualified_name(key: str, ok: bool) -> None:
    assert (names.qualified_name_problem(key) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [("", True), ("cc-4410", True), ("a" * 64, False), ("a b", False)])
def test_label_value(value: str, ok: bool) -> None:
    assert (names.label_value_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("500m", True),
        ("2Gi", True),
        ("1.5", True),
        (".5", True),
        ("1e3", True),
        ("+1", True),
        (2, True),
        (0.5, True),
        ("1Ki", True),
        ("2 cores", False),
        ("1GB", False),
        ("", False),
        ("m", False),
        (True, False),
        ("1.2.3", False),
    ],
)
def test_quantity(value: object, ok: bool) -> None:
    assert (names.quantity(value) is None) is ok


def test_name_syntax_depends_on_kind() -> None:
    def why(kind: str, name: str) -> list[str]:
        return [e.path for e in names.check_metadata({"kind": kind, "metadata": {"name": name}})]

    assert why("ClusterRole", "system:aggregate-to-edit") == []  # RBAC names are path segments
    assert why("ConfigMap", "system:x") == ["metadata.name"]
    assert why("Service", "1web") == ["metadata.name"]  # DNS-1035: starts with a letter
    assert why("Deployment", "1web") == []
    assert why("Namespace", "a.b") == ["metadata.name"]
    assert why("ConfigMap", "a.b") == []


def test_pod_template_labels_are_checked_and_absent_metadata_is_fine() -> None:
    body = {
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"template": {"metadata": {"labels": {"app": "bad value"}}}},
    }
    assert [e.path for e in names.check_metadata(body)] == ["spec.template.metadata.labels.app"]
    assert names.check_metadata({"kind": "ConfigMap"}) == []
    assert names.check_metadata({"kind": "ConfigMap", "metadata": {"annotations": {"a": None}}}) == []
