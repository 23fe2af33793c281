"""Human output: findings grouped by file, colour only when asked (a TTY), one summary line."""

from __future__ import annotations

from itertools import groupby

from gitops_gen.base.colour import paint
from gitops_gen.base.escape import text as esc
from gitops_gen.validate.findings import Finding, Report


def format_report(report: Report, color: bool = False) -> str:
    lines: list[str] = []
    for file, group in groupby(report.findings, key=lambda f: f.file):
        lines.append(paint(esc(file) if file else "(repository)", "heading", color))
        lines.extend(f"  {finding_line(f, color)}" for f in group)
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def finding_line(finding: Finding, color: bool = False) -> str:
    """``[<line>: ]<severity> [<rule>] <object>: <path>: <message>[ (from <blueprint>)]``"""
    severity = paint(finding.severity.value, finding.severity.value, color)
    at = f"{finding.line}: " if finding.line > 0 else ""
    body = ": ".join(esc(p) for p in (_object(finding), finding.path, finding.message) if p)
    origin = f" (from {esc(finding.source)})" if finding.source else ""
    return f"{at}{severity} [{esc(finding.rule)}] {body}{origin}"


def _object(finding: Finding) -> str:
    ref = finding.ref
    if ref is None or not ref.kind:
        return ""
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.kind} {name}".rstrip()


def summary(report: Report) -> str:
    return (
        f"Summary: {report.documents} document{'s' * (report.documents != 1)}, "
        f"{report.errors} error{'s' * (report.errors != 1)}, "
        f"{report.warnings} warning{'s' * (report.warnings != 1)}"
    )
