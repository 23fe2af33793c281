"""Output formats: registry, text grouping and colour, JUnit XML, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.formats import FORMATS, github, junit, sarif, text

REF = ObjectRef("apps/v1", "Deployment", "payments-api", "web")
REPORT = Report(
    3,
    (
        Finding(
            "schema",
            Severity.ERROR,
            REF,
            "bad, really: 100%",
            "spec.replicas",
            "rendered/a.yaml",
            2,
            Location("blueprints/tenants/payments.yaml", 12, 5),
        ),
        Finding("GG105", Severity.WARNING, REF, "image uses latest", "", "rendered/a.yaml", 2, None),
        Finding(
            "invalid-document", Severity.ERROR, None, "no such file or directory", "", "nope.yaml", 0, None
        ),
    ),
).sorted()


def test_registry_lists_every_format() -> None:
    assert sorted(FORMATS) == ["github", "json", "junit", "sarif", "text"]


def test_text_groups_by_file_and_ends_with_a_summary() -> None:
    assert text.format_report(REPORT).splitlines() == [
        "nope.yaml",
        "  error [invalid-document] no such file or directory",
        "rendered/a.yaml",
        "  2: error [schema] Deployment payments-api/web: spec.replicas: bad, really: 100%"
        " (from blueprints/tenants/payments.yaml:12:5)",
        "  2: warning [GG105] Deployment payments-api/web: image uses latest",
        "Summary: 3 documents, 2 errors, 1 warning",
    ]


def test_colour_only_when_asked() -> None:
    assert "\033[" not in text.format_report(REPORT, False)
    assert "\033[31merror\033[0m" in text.format_report(REPORT, True)


def test_junit_is_well_formed_with_one_case_per_object_and_failures_for_errors() -> None:
    root = ET.fromstring(junit.format_report(REPORT))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("failures") == "2"
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert set(cases) == {("nope.yaml", "nope.yaml"), ("rendered/a.yaml", "Deployment payments-api/web")}
    web = cases["rendered/a.yaml", "Deployment payments-api/web"]
    failure = web.find("failure")
    assert failure is not None and failure.get("type") == "schema"
    assert "image uses latest" in (web.findtext("system-out") or "")


def test_sarif_2_1_0_with_rules_levels_and_blueprint_locations() -> None:
    data = json.loads(sarif.format_report(REPORT))
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["GG105", "invalid-document", "schema"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["GG105"]["level"] == "warning"
    schema = by_rule["schema"]
    assert schema["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "blueprints/tenants/payments.yaml"},
        "region": {"startLine": 12, "startColumn": 5},
    }
    assert schema["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "rendered/a.yaml"
    assert "region" not in by_rule["invalid-document"]["locations"][0]["physicalLocation"]


def test_github_annotations_escape_and_prefer_the_blueprint() -> None:
    lines = github.format_report(REPORT).splitlines()
    assert lines == [
        "::error file=nope.yaml,title=invalid-document::no such file or directory",
        "::error file=blueprints/tenants/payments.yaml,line=12,col=5,title=schema::Deployment web: spec.replicas:"
        " bad, really: 100%25",
        "::warning file=rendered/a.yaml,line=2,title=GG105::Deployment web: image uses latest",
        "Summary: 3 documents, 2 errors, 1 warning",
    ]


def test_json_carries_the_version_and_the_blueprint_source() -> None:
    data = json.loads(FORMATS["json"](REPORT, False))
    assert data["version"] == 1
    assert data["summary"] == {"documents": 3, "errors": 2, "warnings": 1, "infos": 0}
    assert data["findings"][1]["source"] == "blueprints/tenants/payments.yaml:12:5"
