"""``-o junit``: one test case per validated object (passing ones too), a failure for each with errors.

Findings about no object (a stale file, a blueprint that does not load) get a case of their own, named by
file and line.  ``tests`` is the number of cases written, ``failures`` those that carry a failure, so every
JUnit reader agrees with the counts (the common JUnit XSD: no ``skipped`` on ``<testsuites>``).
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from gitops_gen.base.escape import text as esc
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.formats.text import finding_line

Case = tuple[str, str]  # (classname: the file, name: the object)


def _name(ref: ObjectRef | None, file: str, line: int) -> str:
    if ref is None or not ref.kind:
        return esc(f"{file}:{line}") if line > 0 else (esc(file) if file else "repository")
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return esc(f"{ref.kind} {name}")


def _case_of(finding: Finding) -> Case:
    return finding.file or "repository", _name(finding.ref, finding.file, finding.line)


def format_report(report: Report, color: bool = False) -> str:
    found: dict[Case, list[Finding]] = defaultdict(list)
    for checked in report.objects:
        found[checked.file or "repository", _name(checked.ref, checked.file, checked.line)] = []
    for finding in report.findings:
        found[_case_of(finding)].append(finding)
    cases = sorted(found.items(), key=lambda item: item[0])
    failing = sum(1 for _, group in cases if any(f.severity is Severity.ERROR for f in group))
    suites = ET.Element("testsuites", name="gitops-gen validate", tests=str(len(cases)), failures=str(failing),
                        errors="0")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="gitops-gen validate",
        tests=str(len(cases)),
        failures=str(failing),
        errors="0",
        skipped="0",
    )
    for (file, name), group in cases:
        case = ET.SubElement(suite, "testcase", classname=esc(file) if file else "repository", name=name)
        errors = sorted((f for f in group if f.severity is Severity.ERROR), key=Finding.sort_key)
        if errors:
            failure = ET.SubElement(case, "failure", message=esc(errors[0].message), type=esc(errors[0].rule))
            failure.text = "\n".join(finding_line(f) for f in errors)
        others = sorted((f for f in group if f.severity is not Severity.ERROR), key=Finding.sort_key)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(finding_line(f) for f in others)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
