"""``-o text``: for people at a terminal, grouped by status, one line per changed field."""

from __future__ import annotations

from gitops_gen.drift.model import AppStatus, ClusterReport, DriftReport, Status
from gitops_gen.drift.output.common import by_status, counts_line, object_name, show


def render(report: DriftReport) -> str:
    lines: list[str] = []
    for cluster in report.clusters:
        lines.extend(_cluster(cluster))
    summary = report.summary
    verdict = (
        "drift found" if report.exit_code == 1 else "no drift" if report.exit_code == 0 else "incomplete"
    )
    apps = sum(len(c.applications) for c in report.clusters)
    lines.append(
        f"summary: {counts_line(summary)}; {summary['applications_drifted']} of {apps} "
        f"application(s) drifted: {verdict}"
    )
    return "\n".join(lines) + "\n"


def _cluster(cluster: ClusterReport) -> list[str]:
    where = f"dump {cluster.dump}" if cluster.dump else f"context {cluster.context}"
    lines = [f"cluster {cluster.cluster} ({where})"]
    if cluster.error:
        return [*lines, f"  error: {cluster.error}"]
    for status, items in by_status(cluster):
        lines.append(f"  {status.value} ({len(items)})")
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
        lines.extend(f"    {_app(app)}" for app in cluster.applications)
    lines.append(f"  {counts_line(cluster.summary)}")
    return lines


def _app(app: AppStatus) -> str:
    operation = f", last operation {app.operation}" if app.operation else ""
    reason = f" ({app.reason})" if app.reason else ""
    return f"{app.name}: {app.sync}, {app.health}{operation}{reason}{'  DRIFT' if app.drift else ''}"
