"""``-o text``: for people at a terminal, grouped by status, one line per changed field."""

from __future__ import annotations

from gitops_gen.colour import paint
from gitops_gen.drift.model import AppStatus, ClusterReport, DriftReport, Status
from gitops_gen.drift.output.common import by_status, counts_line, object_name, show

# status -> colour role (gitops_gen.colour.PALETTE); colour only when the CLI decided so (a terminal)
ROLES = {Status.IN_SYNC: "ok", Status.MODIFIED: "changed", Status.MISSING: "removed", Status.EXTRA: "warning",
         Status.UNKNOWN: "info"}
VERDICT_ROLES = {0: "ok", 1: "changed"}


def render(report: DriftReport, color: bool = False) -> str:
    lines: list[str] = []
    for cluster in report.clusters:
        lines.extend(_cluster(cluster, color))
    summary = report.summary
    verdict = (
        "drift found" if report.exit_code == 1 else "no drift" if report.exit_code == 0 else "incomplete"
    )
    apps = sum(len(c.applications) for c in report.clusters)
    lines.append(
        f"summary: {counts_line(summary)}; {summary['applications_drifted']} of {apps} "
        f"application(s) drifted: {paint(verdict, VERDICT_ROLES.get(int(report.exit_code), 'error'), color)}"
    )
    return "\n".join(lines) + "\n"


def _cluster(cluster: ClusterReport, color: bool = False) -> list[str]:
    where = f"dump {cluster.dump}" if cluster.dump else f"context {cluster.context}"
    lines = [paint(f"cluster {cluster.cluster} ({where})", "heading", color)]
    if cluster.error:
        return [*lines, f"  {paint('error', 'error', color)}: {cluster.error}"]
    for status, items in by_status(cluster):
        lines.append(f"  {paint(status.value, ROLES[status], color)} ({len(items)})")
        for item in items:
            head = f"    {item.ref.kind} {object_name(item)} ({item.ref.api_version})"
            if item.status is Status.UNKNOWN:
                head += f": {item.reason}"
            elif item.source:
                head += f"  from {item.source}"
            lines.append(head)
            lines.extend(
                f"      {c.path}: desired {show(c.desired)}, live {show(c.live)}" for c in item.changes
            )
    if cluster.applications:
        lines.append("  applications")
        lines.extend(f"    {_app(app, color)}" for app in cluster.applications)
    lines.append(f"  {counts_line(cluster.summary)}")
    return lines


def _app(app: AppStatus, color: bool = False) -> str:
    operation = f", last operation {app.operation}" if app.operation else ""
    reason = f" ({app.reason})" if app.reason else ""
    drift = f"  {paint('DRIFT', 'error', color)}" if app.drift else ""
    return f"{app.name}: {app.sync}, {app.health}{operation}{reason}{drift}"
