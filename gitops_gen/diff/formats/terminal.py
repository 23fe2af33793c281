"""``-o text``: the review on a terminal: risks first, then each affected cluster's applications and objects."""

from __future__ import annotations

from gitops_gen.base.colour import paint
from gitops_gen.base.escape import text as esc
from gitops_gen.base.status import ChangeStatus
from gitops_gen.diff.formats.common import app_title, grouped_risks, headline, object_name, short, show, sorted_risks
from gitops_gen.diff.model import ChangeReport, FieldChange
from gitops_gen.validate.findings import Finding

MARK = {ChangeStatus.ADDED: "+", ChangeStatus.REMOVED: "-", ChangeStatus.MODIFIED: "~"}
ROLE = {ChangeStatus.ADDED: "added", ChangeStatus.REMOVED: "removed", ChangeStatus.MODIFIED: "changed"}


def _field(change: FieldChange, indent: str) -> str:
    where = f"   ({esc(change.source)})" if change.source else ""
    return f"{indent}{esc(change.path)}: {esc(show(change.base))} -> {esc(show(change.head))}{where}"


def _finding(f: Finding) -> str:
    where = f" {esc(f.ref.kind)} {esc(object_name(f.ref))}" if f.ref else ""
    return f"    {f.severity.value:<8} {esc(f.rule)}{where}: {esc(f.message)}"


def render(report: ChangeReport, max_length: int = 0, colour: bool = False) -> str:
    def mark(status: ChangeStatus) -> str:
        return paint(MARK[status], ROLE[status], colour)

    lines = [paint(f"gitops-gen diff {esc(short(report.base))} -> {esc(short(report.head))}: {headline(report)}",
                   "heading",
                   colour)]
    risks = sorted_risks(report)
    if risks:
        lines += ["", paint(f"Risks ({len(risks)}):", "heading", colour)]
        for group in grouped_risks(report):
            r = group.first
            severity = paint(f"{r.severity.value:<8}", r.severity.value, colour)
            if len(group.risks) == 1:
                lines.append(f"  {severity} {esc(r.rule)} {esc(r.cluster)} {esc(r.application or '-')}: "
                             f"{esc(r.message)}")
            else:
                apps = group.applications
                shown = ", ".join(apps[:5]) + (f" and {len(apps) - 5} more" if len(apps) > 5 else "")
                lines.append(f"  {severity} {esc(r.rule)} {esc(group.environment)} ({len(group.clusters)} clusters) "
                             f"{len(group.risks)} alike, e.g. {esc(r.message)} [{esc(shown)}]")
    for title, found in (("introduced", report.introduced), ("resolved", report.resolved)):
        if found:
            lines += ["", f"Validation findings {title} ({len(found)}):", *(_finding(f) for f in found)]
    for cluster in report.clusters:
        prod = ", production" if cluster.production else ""
        lines += ["", paint(f"{esc(cluster.name)} (environment {esc(cluster.environment)}{prod})", "heading", colour)]
        for app in cluster.applications:
            lines.append(f"  {mark(app.status)} {esc(app_title(app))}")
            lines += [_field(c, "      ") for c in app.changes]
            for obj in app.objects:
                lines.append(f"      {mark(obj.status)} {esc(obj.ref.kind)} {esc(object_name(obj.ref))} "
                             f"({esc(obj.ref.api_version)})")
                lines += [_field(c, "          ") for c in obj.changes]
    for warning in report.warnings:
        lines += ["", f"{paint('warning', 'warning', colour)}: {esc(warning)}"]
    return "\n".join(lines) + "\n"
