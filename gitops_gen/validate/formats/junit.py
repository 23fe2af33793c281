"""``-o junit``: one test case per object with findings (file + object), failures for errors."""

from __future__ import annotations

from itertools import groupby
from xml.etree import ElementTree as ET

from gitops_gen.base.escape import text as esc
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.formats.text import finding_line


def _case_name(finding: Finding) -> str:
    ref = finding.ref
    if ref is None or not ref.kind:
        return esc(f"{finding.file}:{finding.line}")
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return esc(f"{ref.kind} {name}")


def format_report(report: Report, color: bool = False) -> str:
    ordered = sorted(report.findings, key=lambda f: (f.file, _case_name(f), f.sort_key()))
    cases = [(key, list(group)) for key, group in groupby(ordered, key=lambda f: (f.file, _case_name(f)))]
    failing = sum(1 for _, group in cases if any(f.severity is Severity.ERROR for f in group))
    suites = ET.Element("testsuites", name="gitops-gen validate")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="gitops-gen validate",
        tests=str(max(report.documents, len(cases))),
        failures=str(failing),
        errors="0",
        skipped="0",
    )
    for (file, name), group in cases:
        case = ET.SubElement(suite, "testcase", classname=esc(file) if file else "repository", name=name)
        errors = [f for f in group if f.severity is Severity.ERROR]
        if errors:
            failure = ET.SubElement(case, "failure", message=esc(errors[0].message), type=esc(errors[0].rule))
            failure.text = "\n".join(finding_line(f) for f in errors)
        others = [f for f in group if f.severity is not Severity.ERROR]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(finding_line(f) for f in others)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
