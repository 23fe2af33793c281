"""One redaction rule for diff and drift: Secret values hidden wherever the Secret sits."""

from __future__ import annotations

from typing import Any

from gitops_gen.base.redact import REDACTED, redact, scrub
from gitops_gen.diff.fields import field_changes, leaves
from gitops_gen.drift.compare import compare


def _secret(password: str, name: str = "s") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "stringData": {"password": password}}


def _list(*items: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "metadata": {"name": "bundle"}, "items": list(items)}


def test_diff_hides_a_secret_inside_a_list() -> None:
    changes = field_changes(_list(_secret("old")), _list(_secret("new")))
    assert [(c.path, c.base, c.head) for c in changes] == [("items[0].stringData.password", REDACTED, REDACTED)]


def test_diff_hides_secrets_inside_a_whole_changed_list() -> None:
    changes = field_changes(_list(_secret("old")), _list(_secret("new"), _secret("other", "t")))
    assert "old" not in repr(changes) and "new" not in repr(changes) and "other" not in repr(changes)
    assert [c.path for c in changes] == ["items"]


def test_leaves_of_an_added_object_hide_secret_values() -> None:
    assert dict(leaves(_list(_secret("pw")))).get("items[0].stringData.password") == REDACTED


def test_drift_hides_a_secret_inside_a_list_and_a_secret_of_its_own() -> None:
    assert "old" not in repr(compare(_list(_secret("old")), _list(_secret("new"))))
    found = compare(_secret("old"), {**_secret("new"), "data": {"password": "bmV3"}})
    assert found and all(c.desired in (None, REDACTED) and c.live in (None, REDACTED) for c in found)


def test_one_rule_for_empty_values_and_keys() -> None:
    assert redact(_secret(""), ("stringData", "password"), "") is None
    assert redact(_secret("x"), ("stringData",), {"password": "x", "empty": ""}) == {"password": REDACTED,
                                                                                     "empty": None}
    assert scrub({"nested": [_secret("x")]}) == {"nested": [{**_secret("x"), "stringData": {"password": REDACTED}}]}


def _app(helm: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "prod-grafana"},
            "spec": {"source": {"repoURL": "https://charts.example", "chart": "grafana", "helm": helm}}}


def test_helm_values_that_name_a_secret_are_hidden_in_diff_and_drift() -> None:
    """Issue 16: charts take credentials as values; an Application's Helm values are shown in every format."""
    old = _app({"valuesObject": {"adminPassword": "hunter2", "replicas": 1, "auth": {"apiToken": "t0k"}},
                "parameters": [{"name": "smtp.password", "value": "p1"}, {"name": "image.tag", "value": "1"}]})
    new = _app({"valuesObject": {"adminPassword": "hunter3", "replicas": 2, "auth": {"apiToken": "t1k"}},
                "parameters": [{"name": "smtp.password", "value": "p2"}, {"name": "image.tag", "value": "2"}]})
    changes = field_changes(old, new)
    shown = repr(changes)
    assert not any(s in shown for s in ("hunter2", "hunter3", "t0k", "t1k", "p1", "p2")), shown
    assert ("spec.source.helm.valuesObject.replicas", 1, 2) in [(c.path, c.base, c.head) for c in changes]
    drifted = repr(compare(old, new))
    assert not any(s in drifted for s in ("hunter2", "hunter3", "t0k", "t1k", "p1", "p2")), drifted


def test_a_helm_values_text_with_a_secret_key_is_hidden_whole() -> None:
    app = _app({"values": "replicas: 2\nadmin:\n  password: hunter2\n"})
    assert redact(app, ["spec", "source", "helm", "values"], app["spec"]["source"]["helm"]["values"]) == REDACTED
    assert "hunter2" not in repr(scrub(app))
    plain = _app({"values": "replicas: 2\n"})
    assert redact(plain, ["spec", "source", "helm", "values"], "replicas: 2\n") == "replicas: 2\n"
