"""CRDs (apiextensions v1 and v1beta1) -> schemas for custom resources; ``strict`` rejects unknown fields."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
import pytest

from gitops_gen.base.errors import InputError
from gitops_gen.validate.crds import schema_from_crd, strict
from gitops_gen.validate.paths import load_crd_dirs

FIXTURES = Path(__file__).parent / "fixtures"
ISSUER = {
    "apiVersion": "cert-manager.io/v1",
    "kind": "ClusterIssuer",
    "metadata": {"name": "le", "labels": {"a": "b"}},
    "spec": {
        "acme": {
            "server": "https://acme",
            "privateKeySecretRef": {"name": "le"},
            "solvers": [{"http01": {"ingress": {"class": None, "podTemplate": {"any": 1}}}}],
        }
    },
}


def _errors(registry_strict: bool, body: dict) -> list[str] | None:
    registry = load_crd_dirs([FIXTURES / "crd", FIXTURES / "crd-v1beta1"], strict_fields=registry_strict)
    found = registry.validate(body)
    return None if found is None else [f"{e.path}: {e.message}" for e in found]


def test_v1_crd_validates_nullable_preserved_and_metadata() -> None:
    assert _errors(True, ISSUER) == []


def test_strict_rejects_unknown_fields_only_where_the_schema_lists_fields() -> None:
    body = {**ISSUER, "spec": {"acme": {**ISSUER["spec"]["acme"], "surprise": 1}}}
    assert _errors(True, body) == [
        "spec.acme: Additional properties are not allowed ('surprise' was unexpected)"
    ]
    assert _errors(False, body) == []


def test_v1beta1_crd_with_validation_schema_and_int_or_string() -> None:
    widget = {
        "apiVersion": "example.com/v1alpha1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"size": 2, "port": 8080},
    }
    assert _errors(True, widget) == []
    assert _errors(True, {**widget, "spec": {"size": 2, "port": "http"}}) == []
    assert _errors(True, {**widget, "spec": {"port": 1.5}}) == [
        'spec: "size" is a required property',
        "spec.port: 1.5 is not valid under any of the schemas listed in the 'anyOf' keyword",
    ]


def test_unknown_kinds_have_no_schema() -> None:
    assert _errors(True, {"apiVersion": "cert-manager.io/v1", "kind": "Certificate"}) is None


def test_schema_from_crd_and_strict_compose() -> None:
    crd = {
        "spec": {
            "versions": [
                {
                    "name": "v1",
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"a": {"type": "string"}},
                                    "allOf": [{"properties": {"a": {"maxLength": 3}}}],
                                },
                                "open": {
                                    "type": "object",
                                    "x-kubernetes-preserve-unknown-fields": True,
                                    "properties": {"x": {"type": "integer"}},
                                },
                            },
                        }
                    },
                }
            ]
        }
    }
    schema = strict(schema_from_crd(crd, "v1"))
    validator = jsonschema_rs.Draft4Validator(schema)
    assert validator.is_valid(
        {
            "apiVersion": "x/v1",
            "kind": "K",
            "metadata": {"name": "n", "labels": {}},
            "spec": {"a": "abc"},
            "open": {"x": 1, "y": 2},
        }
    )
    assert not validator.is_valid({"spec": {"a": "abcd"}})
    assert not validator.is_valid({"spec": {"b": 1}})
    assert not validator.is_valid({"other": 1})
    with pytest.raises(KeyError):
        schema_from_crd(crd, "v2")


def test_a_missing_crd_dir_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a directory"):
        load_crd_dirs([FIXTURES / "nope"])
