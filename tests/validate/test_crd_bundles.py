"""--crd-dir on the constructs real operator bundles use (fixtures written for these tests).

Go/RE2 patterns, v1beta1 CRDs, int-or-string, preserve-unknown-fields, embedded resources,
controller-gen enums; a broken CRD file or schema is a finding about it, never the end of the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import CRD, INVALID_DOCUMENT, SCHEMA
from gitops_gen.validate.paths import load_crd_dirs
from tests.validate.conftest import run_cli

OPERATORS = Path(__file__).parent / "fixtures" / "operators"
CRDS = OPERATORS / "crds"

VALID_SCRAPE = {
    "apiVersion": "example.dev/v1",
    "kind": "Scrape",
    "metadata": {"name": "api"},
    "spec": {
        "interval": "1h30m",
        "scheme": "HtTpS",
        "jobLabel": "job_1",
        "displayName": "Équipe API",
        "literalPrefix": "$(X)",
        "port": 9090,
        "relabelings": [{"action": "LabelMap", "sourceLabels": ["__name__"]}],
        "selector": {"matchLabels": {"a": "b"}},
        "template": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "anything": 1},
        "sampleLimit": None,
    },
}


def _errors(body: dict, strict: bool = True) -> list[str]:
    found = load_crd_dirs([CRDS], strict_fields=strict).validate(body)
    assert found is not None
    return [f"{e.path}: {e.message}" for e in found]


def _with(**spec: object) -> dict:
    return {**VALID_SCRAPE, "spec": {**VALID_SCRAPE["spec"], **spec}}


def test_the_operator_crds_load_without_findings() -> None:
    registry = load_crd_dirs([CRDS])
    assert registry.findings == ()
    assert registry.has("example.dev/v1", "Scrape")
    assert registry.has("legacy.example.dev/v1beta1", "RequiredLabels")
    assert registry.has("legacy.example.dev/v1alpha1", "RequiredLabels")  # shared v1beta1 schema
    assert registry.has("legacy.example.dev/v1", "NoCheck")
    assert _errors(VALID_SCRAPE) == []


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("scheme", "HTTP", "ftp"),  # (?i) in the middle of the pattern
        ("scheme", "https", "https\n"),  # \z: no trailing newline, unlike $ in Python (shown as a space)
        ("jobLabel", "a_b", "1abc"),  # [[:alpha:]] [[:alnum:]]
        ("displayName", "Ünïcode 9", "-dash"),  # \pL \pN
        ("literalPrefix", "$(", "abc"),  # \Q...\E
        ("interval", "5m", "5 minutes"),
    ],
)
def test_patterns_are_evaluated_with_go_semantics(field: str, good: str, bad: str) -> None:
    assert _errors(_with(**{field: good})) == []
    shown = " ".join(bad.split()) + (" " if bad.endswith("\n") else "")
    assert _errors(_with(**{field: bad})) == [f'spec.{field}: "{shown}" does not match "{_pattern(field)}"']


def _pattern(field: str) -> str:
    import yaml

    crd = next(d for d in yaml.safe_load_all((CRDS / "scrapes.example.dev.yaml").read_text()) if d)
    spec = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
    return str(spec["properties"][field]["pattern"])


def test_int_or_string_enum_embedded_and_preserved_fields() -> None:
    assert _errors(_with(port="metrics")) == []
    assert _errors(_with(port=1.5)) == [
        "spec.port: 1.5 is not valid under any of the schemas listed in the 'anyOf' keyword"
    ]
    assert _errors(_with(relabelings=[{"action": "keeep"}])) == [
        'spec.relabelings[0].action: "keeep" is not one of "replace", "Replace" or 6 other candidates'
    ]
    assert _errors(_with(extra={"deep": {"any": [1]}})) == []
    assert _errors(_with(template={"kind": 3})) == ['spec.template.kind: 3 is not of type "string"']
    assert _errors(_with(surprise=1)) == [
        "spec: Additional properties are not allowed ('surprise' was unexpected)"
    ]
    assert _errors(_with(surprise=1), strict=False) == []


def test_v1beta1_shared_schema_applies_to_every_version() -> None:
    body = {
        "apiVersion": "legacy.example.dev/v1alpha1",
        "kind": "RequiredLabels",
        "metadata": {"name": "x"},
        "spec": {"parameters": {"labels": "team"}, "match": {"free": "form"}},
    }
    assert _errors(body) == ['spec.parameters.labels: "team" is not of type "array"']


def test_a_controller_gen_enum_with_a_plain_equals_sign_loads() -> None:
    # YAML 1.1 reads a bare = as its "value" tag; Kubernetes (sigs.k8s.io/yaml) reads the string "="
    registry = load_crd_dirs([OPERATORS / "crds-matchers"])
    assert registry.findings == ()
    silence = {
        "apiVersion": "example.dev/v1alpha1",
        "kind": "Silence",
        "metadata": {"name": "s"},
        "spec": {"matchers": [{"name": "a", "matchType": "="}, {"name": "b", "matchType": "!~"}]},
    }
    assert registry.validate(silence) == []
    silence["spec"]["matchers"][0]["matchType"] = "=="
    assert [e.path for e in registry.validate(silence) or ()] == ["spec.matchers[0].matchType"]


def test_broken_crd_files_are_findings_and_the_rest_still_loads() -> None:
    registry = load_crd_dirs([CRDS, OPERATORS / "crds-broken"])
    assert registry.has("example.dev/v1", "Scrape")
    got = sorted(
        (f.rule, f.severity.value, Path(f.file).name, f.line, f.message.split(":")[0]) for f in registry.findings
    )
    assert got == [
        (CRD, "error", "lookahead.example.dev.yaml", 29, "CRD badschemas.example.dev v1"),
        (CRD, "warning", "lookahead.example.dev.yaml", 2, "CRD lookaheads.example.dev v1"),
        (INVALID_DOCUMENT, "error", "unreadable.yaml", 6, "invalid YAML"),
    ]
    warning = next(f for f in registry.findings if f.severity is Severity.WARNING)
    assert "'^(?=[a-z])[a-z0-9]+$' of spec.token" in warning.message
    # the skipped pattern is not checked, the rest of that CRD's schema is
    lookahead = {"apiVersion": "example.dev/v1", "kind": "LookAhead", "metadata": {"name": "l"}}
    assert registry.validate({**lookahead, "spec": {"token": "9abc", "size": 1}}) == []
    assert [e.path for e in registry.validate({**lookahead, "spec": {"size": "x"}}) or ()] == ["spec.size"]


def test_cli_reports_crd_findings_and_validates_the_resources() -> None:
    result = run_cli(
        "validate", "--strict", "-o", "json", "--crd-dir", str(CRDS), "--crd-dir", str(OPERATORS / "crds-broken"),
        str(OPERATORS / "resources"),
    )
    assert result.code == 1, result.out
    report = json.loads(result.out)
    rules = sorted({(f["rule"], f["severity"]) for f in report["findings"]})
    assert rules == [(CRD, "error"), (CRD, "warning"), (INVALID_DOCUMENT, "error")]
    assert report["summary"]["documents"] == 3
    assert not any(f["rule"] == SCHEMA for f in report["findings"])
