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
