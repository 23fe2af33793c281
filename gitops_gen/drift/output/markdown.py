"""``-o markdown``: a summary table plus details, ready for a pull request, an issue or a chat."""

from __future__ import annotations

from typing import Any

from gitops_gen.drift.model import ClusterReport, DriftReport, Status
from gitops_gen.drift.output.common import by_status, object_name, show


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else show(value)
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if "`" not in text else text


def render(report: DriftReport, color: bool = False) -> str:
    drifted = report.exit_code != 0
    lines = [
        f"## gitops-gen drift: {'drift found' if drifted else 'no drift'}",
        "",
        "| Cluster | In sync | Modified | Missing | Extra | Unknown | Applications drifted |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for cluster in report.clusters:
        s = cluster.summary
        apps = sum(a.drift for a in cluster.applications)
        name = f"{cluster.cluster} (unreadable)" if cluster.error else cluster.cluster
        lines.append(
            f"| {name} | {s['in_sync']} | {s['modified']} | {s['missing']} | {s['extra']} "
            f"| {s['unknown']} | {apps} |"
        )
    for cluster in report.clusters:
        lines.extend(_details(cluster))
    return "\n".join(lines) + "\n"


def _details(cluster: ClusterReport) -> list[str]:
    lines = ["", f"### {cluster.cluster}", ""]
    if cluster.error:
        return [*lines, f"Could not read the cluster: {cluster.error}"]
    groups = by_status(cluster)
    if not groups:
        lines.append("All objects in sync.")
    for status, items in groups:
        lines.extend([f"#### {status.value.replace('_', ' ').capitalize()} ({len(items)})", ""])
        if status is not Status.MODIFIED:
            lines.extend(["| Kind | Object | API version | Note |", "|---|---|---|---|"])
            lines.extend(
                f"| {item.ref.kind} | {_cell(object_name(item))} | {item.ref.api_version} "
                f"| {_cell(item.reason or item.source) if item.reason or item.source else ''} |"
                for item in items
            )
            lines.append("")
            continue
        for item in items:
            source = f" (from `{item.source}`)" if item.source else ""
            lines.extend(
                [
                    f"**{item.ref.kind} {_cell(object_name(item))}** ({item.ref.api_version}){source}",
                    "",
                    "| Field | Desired | Live |",
                    "|---|---|---|",
                ]
            )
            lines.extend(
                f"| {_cell(c.path)} | {_cell(show(c.desired))} | {_cell(show(c.live))} |"
                for c in item.changes
            )
            lines.append("")
    if cluster.applications:
        lines.extend(
            [
                "#### Argo CD applications",
                "",
                "| Application | Sync | Health | Last operation | Drift |",
                "|---|---|---|---|---|",
            ]
        )
        lines.extend(
            f"| {a.name} | {a.sync} | {a.health} | {a.operation or '-'} | {'yes' if a.drift else 'no'} |"
            for a in cluster.applications
        )
    return lines
