"""``-o sarif``: SARIF 2.1.0 for code-scanning annotations.

A finding points at the blueprint line it came from when known (that is the
line a reviewer can change), else at the rendered or input file; the rendered
file is then kept as a related location.
"""

from __future__ import annotations

import json
from typing import Any

from gitops_gen import __version__
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.rulebook import PROJECT_URL, describe

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _location(file: str, line: int, col: int = 0) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": file}}
    if line > 0:
        physical["region"] = {"startLine": line, **({"startColumn": col} if col > 0 else {})}
    return {"physicalLocation": physical}


def _rule(rule: str) -> dict[str, Any]:
    doc = describe(rule)
    return {"id": doc.id, "name": doc.name, "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": doc.help}, "help": {"text": f"{doc.summary} {doc.help}"},
            "helpUri": doc.uri}


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    where = f"{finding.ref.kind} {finding.ref.name}: " if finding.ref and finding.ref.kind else ""
    path = f"{finding.path}: " if finding.path else ""
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index[finding.rule],
        "level": _LEVELS[finding.severity],
        "message": {"text": f"{where}{path}{finding.message}"},
    }
    if finding.source is not None:
        result["locations"] = [_location(finding.source.file, finding.source.line, finding.source.col)]
        if finding.file:
            result["relatedLocations"] = [{"id": 0, **_location(finding.file, finding.line)}]
    elif finding.file:
        result["locations"] = [_location(finding.file, finding.line, finding.col)]
    return result


def format_report(report: Report, color: bool = False) -> str:
    rules = sorted({f.rule for f in report.findings})
    rule_index = {rule: index for index, rule in enumerate(rules)}
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gitops-gen",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "results": [_result(f, rule_index) for f in report.findings],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
