"""What CI consumers read from `validate` and `drift`: a blueprint error carried in every format (with file,
line and column), JUnit that the common JUnit XSD accepts with counts that agree, and SARIF 2.1.0 whose rules
describe themselves and link to a real page of this repository."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.validate.rulebook import RULES_DOC, RULES_URL, every_rule
from tests.validate.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]

# The common JUnit XSD (Jenkins' junit-10.xsd, the one most report parsers follow): allowed attributes
# and children of each element.  `skipped` is a count of <testsuite>, not of <testsuites>.
JUNIT: dict[str, tuple[set[str], set[str]]] = {
    "testsuites": ({"name", "time", "tests", "failures", "disabled", "errors"}, {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "time", "disabled", "skipped", "timestamp", "hostname",
                   "id", "package", "file", "log", "url", "version"},
                  {"properties", "testcase", "system-out", "system-err"}),
    "testcase": ({"name", "assertions", "time", "classname", "status"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "failure": ({"message", "type"}, set()),
    "error": ({"message", "type"}, set()),
    "skipped": ({"message"}, set()),
    "system-out": (set(), set()),
    "system-err": (set(), set()),
}
JUNIT_REQUIRED = {"testsuite": {"name", "tests"}, "testcase": {"name"}}


def junit_problems(text: str) -> list[str]:
    root = ET.fromstring(text)
    problems = [] if root.tag == "testsuites" else [f"root is <{root.tag}>"]
    for element in root.iter():
        attrs, children = JUNIT.get(element.tag, (set(), set()))
        if element.tag not in JUNIT:
            problems.append(f"unknown element <{element.tag}>")
        problems += [f"<{element.tag}> {a}=" for a in element.attrib if a not in attrs]
        required = JUNIT_REQUIRED.get(element.tag, set())
        problems += [f"<{element.tag}> lacks {a}" for a in required if a not in element.attrib]
        problems += [f"<{element.tag}> holds <{c.tag}>" for c in element if c.tag not in children]
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        if int(suite.get("tests", "-1")) != len(cases):
            problems.append(f"suite {suite.get('name')}: tests={suite.get('tests')} for {len(cases)} cases")
        failing = sum(1 for c in cases if c.find("failure") is not None)
        if int(suite.get("failures", "0")) != failing:
            problems.append(f"suite {suite.get('name')}: failures={suite.get('failures')} for {failing}")
    return problems


def sarif_problems(doc: dict[str, Any]) -> list[str]:
    """The SARIF 2.1.0 schema's required properties and constraints that a code-scanning upload relies on."""
    problems = []
    if doc.get("version") != "2.1.0" or not isinstance(doc.get("runs"), list):
        problems.append("version/runs")
    for run in doc.get("runs", []):
        driver = run.get("tool", {}).get("driver", {})
        if not isinstance(driver.get("name"), str):
            problems.append("tool.driver.name is required")
        if not str(driver.get("informationUri", "")).startswith("https://"):
            problems.append("informationUri must be an absolute URI")
        rules = driver.get("rules", [])
        for rule in rules:
            if not rule.get("id"):
                problems.append("reportingDescriptor.id is required")
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule and not isinstance(rule[key].get("text"), str):
                    problems.append(f"{rule.get('id')}: {key}.text is required")
            if not rule.get("name") or "shortDescription" not in rule or "help" not in rule:
                problems.append(f"{rule.get('id')}: name, shortDescription and help wanted")
            if not str(rule.get("helpUri", "")).startswith("https://"):
                problems.append(f"{rule.get('id')}: helpUri")
        for result in run.get("results", []):
            if not isinstance(result.get("message", {}).get("text"), str):
                problems.append("result.message.text is required")
            index = result.get("ruleIndex")
            if index is not None and (index >= len(rules) or rules[index]["id"] != result.get("ruleId")):
                problems.append(f"ruleIndex {index} does not name {result.get('ruleId')}")
            if result.get("level") not in {"none", "note", "warning", "error"}:
                problems.append(f"level {result.get('level')}")
            for location in result.get("locations", []):
                region = location.get("physicalLocation", {}).get("region", {})
                if any(region.get(k, 1) < 1 for k in ("startLine", "startColumn")):
                    problems.append(f"region {region}")
    return problems


@pytest.fixture
def new_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    assert run_cli("init", str(root)).code == 0
    return root


def break_blueprint(root: Path) -> None:
    path = root / "environments" / "dev.yaml"
    path.write_text(path.read_text().replace("  addonStacks:", "  addonStakcs:"))


@pytest.mark.parametrize("output", ["json", "junit", "sarif", "github"])
def test_a_blueprint_error_reaches_every_ci_format(new_repo: Path, output: str) -> None:
    break_blueprint(new_repo)
    done = run_cli("validate", "--repo", str(new_repo), "-o", output)
    assert done.code == 2
    assert "environments/dev.yaml:9:3: spec.addonStakcs: unknown field" in done.err
    if output == "json":
        (finding,) = json.loads(done.out)["findings"]
        assert (finding["file"], finding["line"], finding["column"]) == ("environments/dev.yaml", 9, 3)
        assert finding["rule"] == "blueprint" and finding["severity"] == "error"
    elif output == "junit":
        assert junit_problems(done.out) == []
        (case,) = ET.fromstring(done.out).iter("testcase")
        assert case.get("classname") == "environments/dev.yaml"
        assert "addonStakcs" in (case.find("failure").get("message") or "")  # type: ignore[union-attr]
    elif output == "sarif":
        doc = json.loads(done.out)
        assert sarif_problems(doc) == []
        (result,) = doc["runs"][0]["results"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "environments/dev.yaml"
        assert location["region"] == {"startLine": 9, "startColumn": 3}
    else:
        assert done.out.startswith("::error file=environments/dev.yaml,line=9,col=3,title=blueprint::")


def test_junit_lists_every_validated_object(new_repo: Path) -> None:
    report = json.loads(run_cli("validate", "--repo", str(new_repo), "-o", "json").out)
    done = run_cli("validate", "--repo", str(new_repo), "-o", "junit")
    assert done.code == 0 and junit_problems(done.out) == []
    cases = list(ET.fromstring(done.out).iter("testcase"))
    assert len(cases) == report["summary"]["documents"] > 10  # a clean run lists what passed
    names = {(c.get("classname"), c.get("name")) for c in cases}
    assert ("rendered/clusters/dev-1/apps/dev-1-team-a-namespaces.yaml", "Application argocd/dev-1-team-a-namespaces") \
        in names or any(n.startswith("Namespace ") for _, n in names)
    assert ET.fromstring(done.out).get("tests") == str(len(cases))


def test_junit_failures_and_passes_agree(new_repo: Path) -> None:
    path = new_repo / "rendered" / "clusters" / "dev-1"
    victim = next(p for p in sorted(path.rglob("*.yaml")) if "kind: Application\n" in p.read_text())
    victim.write_text(victim.read_text().replace("kind: Application\n", "kind: Application\nbogus: 1\n"))
    done = run_cli("validate", "--repo", str(new_repo), "-o", "junit")
    assert done.code == 1 and junit_problems(done.out) == []
    suite = next(ET.fromstring(done.out).iter("testsuite"))
    assert 0 < int(suite.get("failures", "0")) < int(suite.get("tests", "0"))


def test_sarif_rules_describe_themselves(new_repo: Path) -> None:
    path = new_repo / "blueprints" / "tenants" / "team-a.yaml"
    path.write_text(path.read_text().replace("labels: {cost-center: cc-0000}", "labels: {}"))
    assert run_cli("render", "--repo", str(new_repo)).code == 0
    done = run_cli("validate", "--repo", str(new_repo), "-o", "sarif")
    doc = json.loads(done.out)
    assert sarif_problems(doc) == []
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert "GG107" in {r["id"] for r in rules}
    for rule in rules:
        assert rule["name"] != rule["id"] or not rule["id"].startswith("GG")
        assert rule["helpUri"].startswith(RULES_URL)


def test_every_rule_has_its_heading_in_the_rules_page() -> None:
    text = (ROOT / RULES_DOC).read_text()
    headings = {m.group(1).lower() for m in re.finditer(r"^## (\S+)$", text, re.M)}
    for rule in every_rule():
        assert rule.uri.rsplit("#", 1)[1] in headings, rule.id
        assert rule.summary in text


def test_drift_junit_fits_the_common_schema(new_repo: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.yaml"
    dump.write_text("apiVersion: v1\nkind: NamespaceList\nitems:\n- apiVersion: v1\n  kind: Namespace\n"
                    "  metadata: {name: team-a, labels: {app.kubernetes.io/managed-by: gitops-gen}}\n")
    done = run_cli("drift", "--repo", str(new_repo), "--env", "dev", "--live-from", str(dump), "-o", "junit")
    assert done.code in (0, 1), done.err
    assert junit_problems(done.out) == []
    assert "skipped" not in ET.fromstring(done.out).attrib
