"""``-o github``: GitHub Actions workflow commands (``::error file=...,line=...::message``).

Annotations point at the blueprint line when known, like SARIF, so they land on
the lines a pull request changed.
"""

from __future__ import annotations

from gitops_gen.base.escape import text as esc
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding, Report
from gitops_gen.validate.formats.text import summary

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    """A value of a workflow command: shown as text (``base.escape``), then GitHub's own escapes."""
    return esc(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    file, line, col = (
        (finding.source.file, finding.source.line, finding.source.col) if finding.source
        else (finding.file, finding.line, finding.col)
    )
    props = [f"file={_prop(file)}"] if file else []
    if line > 0:
        props.append(f"line={line}")
        if col > 0:
            props.append(f"col={col}")
    props.append(f"title={_prop(finding.rule)}")
    where = f"{finding.ref.kind} {finding.ref.name}: " if finding.ref and finding.ref.kind else ""
    path = f"{finding.path}: " if finding.path else ""
    return f"::{_COMMANDS[finding.severity]} {','.join(props)}::{_data(where + path + finding.message)}"


def format_report(report: Report, color: bool = False) -> str:
    return "\n".join([*(annotation(f) for f in report.findings), summary(report)]) + "\n"
