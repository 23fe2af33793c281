"""``-o markdown``: for a pull request, an issue or a chat; what is new since the baseline comes first.

Order: what is new since the previous report (with its next step), what was resolved, the summary table,
then each cluster's drift with owner, blueprint source and next step.  Objects and Applications in sync
are only counted.
"""

from __future__ import annotations

from gitops_gen.base.escape import md
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.formats.common import by_status, object_name, show
from gitops_gen.drift.model import ClusterReport, DriftItem, DriftReport


def render(report: DriftReport, color: bool = False) -> str:
    drifted = report.exit_code != 0
    lines = [f"## gitops-gen drift: {'drift found' if drifted else 'no drift'}", ""]
    if report.generated_at:
        lines.extend([f"Generated {md(report.generated_at)}.", ""])
    if report.baseline:
        lines.extend(_since(report))
    lines.extend([
        "| Cluster | In sync | Modified | Missing | Extra | Unknown | Applications drifted |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ])
    for cluster in report.clusters:
        s = cluster.summary
        apps = sum(a.drift for a in cluster.applications)
        name = f"{md(cluster.cluster)} (unreadable)" if cluster.error else md(cluster.cluster)
        lines.append(
            f"| {name} | {s['in_sync']} | {s['modified']} | {s['missing']} | {s['extra']} "
            f"| {s['unknown']} | {apps} |"
        )
    for cluster in report.clusters:
        lines.extend(_details(cluster))
    return "\n".join(lines) + "\n"


def _since(report: DriftReport) -> list[str]:
    new = report.new_items
    known = len(report.items_drifted) - len(new)
    lines = [f"Since the report of {md(report.baseline)}: **{len(new)} new**, {known} known, "
             f"{len(report.resolved)} resolved.", ""]
    if new:
        lines.extend([f"### New since {md(report.baseline)} ({len(new)})", "",
                      "| Cluster | Status | Object | Application | Next step |", "|---|---|---|---|---|"])
        lines.extend(f"| {md(c.cluster)} | {i.status.value} | {md(i.ref.kind)} {md(object_name(i))} "
                     f"| {md(i.application or '-')} | {md(i.hint) if i.hint else '-'} |" for c, i in new)
        lines.append("")
    if report.resolved:
        lines.extend([f"### Resolved since {md(report.baseline)} ({len(report.resolved)})", "",
                      "| Cluster | Object | Was | First seen |", "|---|---|---|---|"])
        lines.extend(f"| {md(r.cluster)} | {md(r.ref.kind)} {md(f'{r.ref.namespace}/{r.ref.name}'.lstrip('/'))} "
                     f"| {md(r.was)} | {md(r.first_seen or '-')} |" for r in report.resolved)
        lines.append("")
    return lines


def _age(item: DriftItem) -> str:
    if item.baseline == "known":
        return f"known since {md(item.first_seen)}"
    return "**new**" if item.baseline == "new" else ""


def _details(cluster: ClusterReport) -> list[str]:
    lines = ["", f"### {md(cluster.cluster)}", ""]
    if cluster.error:
        return [*lines, f"Could not read the cluster: {md(cluster.error)}"]
    groups = by_status(cluster)
    if not groups:
        lines.append("All objects in sync.")
    for status, items in groups:
        lines.extend([f"#### {status.value.replace('_', ' ').capitalize()} ({len(items)})", ""])
        if status is DriftStatus.UNKNOWN:
            lines.extend(["| Kind | Object | API version | Why |", "|---|---|---|---|"])
            lines.extend(f"| {md(i.ref.kind)} | {md(object_name(i))} | {md(i.ref.api_version)} "
                         f"| {md(i.reason)} |" for i in items)
            lines.append("")
            continue
        for item in items:
            lines.extend(_item(item))
    shown = [a for a in cluster.applications if a.drift or a.reason]
    if cluster.applications:
        lines.extend([f"#### Argo CD applications: {len(cluster.applications) - len(shown)} of "
                      f"{len(cluster.applications)} synced and healthy", ""])
    if shown:
        lines.extend(["| Application | Sync | Health | Last operation | Drift |", "|---|---|---|---|---|"])
        lines.extend(
            f"| {md(a.name)} | {md(a.sync)} | {md(a.health)} | {md(a.operation or '-')} "
            f"| {'yes' if a.drift else 'no'} |"
            for a in shown
        )
    return lines


def _item(item: DriftItem) -> list[str]:
    facts = [f"({md(item.ref.api_version)})"]
    if item.application:
        facts.append(f"Application {md(item.application)}")
    if item.source:
        facts.append(f"from {md(item.source)}")
    if age := _age(item):
        facts.append(age)
    lines = [f"**{md(item.ref.kind)} {md(object_name(item))}** " + ", ".join(facts), ""]
    if item.changes:
        lines.extend(["| Field | Desired | Live |", "|---|---|---|"])
        lines.extend(f"| {md(c.path)} | {md(show(c.desired))} | {md(show(c.live))} |"
                     for c in item.changes)
        lines.append("")
    if item.hint:
        lines.extend([f"Next: {md(item.hint)}", ""])
    return lines
