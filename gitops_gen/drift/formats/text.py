"""``-o text``: for people at a terminal, grouped by status, one line per changed field and a next step.

Nothing drifted: one line.  In-sync objects and Applications are only counted, never listed.
"""

from __future__ import annotations

from gitops_gen.base.colour import paint
from gitops_gen.base.escape import text as esc
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.formats.common import by_status, counts_line, object_name, quiet, show
from gitops_gen.drift.model import AppStatus, ClusterReport, DriftItem, DriftReport

# status -> colour role (gitops_gen.base.colour.PALETTE); colour only when the CLI decided so (a terminal)
ROLES = {DriftStatus.IN_SYNC: "ok", DriftStatus.MODIFIED: "changed", DriftStatus.MISSING: "removed",
         DriftStatus.EXTRA: "warning", DriftStatus.UNKNOWN: "info"}
VERDICT_ROLES = {0: "ok", 1: "changed"}


def render(report: DriftReport, color: bool = False) -> str:
    summary = report.summary
    apps = sum(len(c.applications) for c in report.clusters)
    if quiet(report):
        return (f"{paint('no drift', 'ok', color)}: {len(report.clusters)} cluster(s), "
                f"{summary['in_sync']} object(s) in sync, "
                f"{apps} application(s) synced and healthy\n")
    lines: list[str] = []
    if report.baseline:
        lines.append(f"since {esc(report.baseline)}: {len(report.new_items)} new, "
                     f"{len(report.items_drifted) - len(report.new_items)} known, {len(report.resolved)} resolved")
        lines.extend(f"  resolved: {esc(r.cluster)} {esc(r.ref)} (first seen {esc(r.first_seen or '?')})"
                     for r in report.resolved)
    for cluster in report.clusters:
        lines.extend(_cluster(cluster, color))
    verdict = (
        "drift found" if report.exit_code == 1 else "no drift" if report.exit_code == 0 else "incomplete"
    )
    lines.append(
        f"summary: {counts_line(summary)}; {summary['applications_drifted']} of {apps} "
        f"application(s) drifted: {paint(verdict, VERDICT_ROLES.get(int(report.exit_code), 'error'), color)}"
    )
    return "\n".join(lines) + "\n"


def _cluster(cluster: ClusterReport, color: bool = False) -> list[str]:
    where = f"dump {esc(cluster.dump)}" if cluster.dump else f"context {esc(cluster.context)}"
    lines = [paint(f"cluster {esc(cluster.cluster)} ({where})", "heading", color)]
    if cluster.error:
        return [*lines, f"  {paint('error', 'error', color)}: {esc(cluster.error)}"]
    for status, items in by_status(cluster):
        lines.append(f"  {paint(status.value, ROLES[status], color)} ({len(items)})")
        for item in items:
            lines.extend(_item(item))
    shown = [a for a in cluster.applications if a.drift or a.reason]
    if shown:
        lines.append(f"  applications ({len(shown)} of {len(cluster.applications)} need attention)")
        lines.extend(f"    {_app(app, color)}" for app in shown)
    lines.append(f"  {counts_line(cluster.summary)}")
    return lines


def _item(item: DriftItem) -> list[str]:
    head = f"    {esc(item.ref.kind)} {esc(object_name(item))} ({esc(item.ref.api_version)})"
    if item.status is DriftStatus.UNKNOWN:
        return [f"{head}: {esc(item.reason)}"]
    if item.baseline:
        head += f"  [{item.baseline}{f' since {esc(item.first_seen)}' if item.baseline == 'known' else ''}]"
    if item.application:
        head += f"  app {esc(item.application)}"
    if item.source:
        head += f"  from {esc(item.source)}"
    lines = [head]
    lines.extend(f"      {esc(c.path)}: desired {esc(show(c.desired))}, live {esc(show(c.live))}"
                 for c in item.changes)
    if item.hint:
        lines.append(f"      next: {esc(item.hint)}")
    return lines


def _app(app: AppStatus, color: bool = False) -> str:
    operation = f", last operation {esc(app.operation)}" if app.operation else ""
    reason = f" ({esc(app.reason)})" if app.reason else ""
    drift = f"  {paint('DRIFT', 'error', color)}" if app.drift else ""
    return f"{esc(app.name)}: {esc(app.sync)}, {esc(app.health)}{operation}{reason}{drift}"
